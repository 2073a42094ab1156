-- 睿博演示医院: keep the demo hospital "as of today" (PostgreSQL; run at
-- every start; idempotent; the gateway runs it as one batch inside one
-- transaction). The same behaviour as sql/demo-his/sqlite/roll.sql.
--
-- The database is created once (schema.sql + seed.sql) with every date
-- relative to the day of creation, and reused on later starts. demo_meta
-- 'as_of' is the day the data describes. On a start on a later day this
-- script
--   1. moves the whole hospital forward by the days elapsed: every date and
--      date-time column of every table, by whole days, the time of day kept,
--      so registrations, prescriptions, reports, stays, daily charges,
--      prepayments, 一卡通, queues, payments and sessions keep their
--      relations and their order, and today's data is today's again;
--   2. re-keys the sessions and restores the weekly roster pattern (a move by
--      other than whole weeks puts sessions on days their roster line does
--      not run);
--   3. sets as_of to today;
-- and on every start
--   4. tops up the roster window today-30 .. today+13 as the seed builds it.
-- On the day of creation, or a second run on the same day, 1-3 do nothing
-- and 4 finds nothing missing.
--
-- What moves and what does not:
--   * values older than a year before as_of are fixed history written as
--     literals by the seed (建档 / 发卡 / 开户 2009-2024) and stay where they
--     are; the map old -> new is still increasing, so order is kept;
--   * patient.birth_date never moves (a fact about the person, also inside
--     the 身份证号), as in a fresh seed;
--   * ids keep their text even when it holds a date (GH yyyymmdd …, 处方号,
--     invoice numbers, platform orders, ledger ids), except the sessions'
--     'PB' || yyyymmdd || tpl: the roster derives that id from (day, roster
--     line) and the top-up skips a session whose id a moved session still
--     held. It follows its session's day (slots and registrations follow
--     it); a legacy id such as r001 stays.
--   * amounts, slot counts and statuses are not touched.
--
-- How, in PostgreSQL (which checks a unique index row by row, and a foreign
-- key at the end of every statement unless it is deferred):
--   * the foreign keys that point at a session and the unique key
--     (tpl_id, clinic_date) are DEFERRABLE (schema.sql): this transaction
--     defers them while the sessions move, and checks them again (SET
--     CONSTRAINTS ... IMMEDIATE) before step 3;
--   * a session's id is a primary key (never deferrable: foreign keys point
--     at it), so a re-keyed session and its slots move in two passes through
--     a '~' prefix, as in SQLite: no row meets a not-yet-moved one;
--   * the queue number is unique per day: the queue moves in two passes
--     too, its numbers negated in the first (no queue number is negative)
--     and restored in the second;
--   * dates are date / timestamp(0), so a move is x + n (date) or
--     x + n days (timestamp), and "older than the horizon" is x < horizon;
--     weekdays are ISO (extract(isodow ...): 1 = Monday .. 7 = Sunday).

-- The notices of CREATE ... IF NOT EXISTS / DROP ... IF EXISTS on a second
-- run say nothing worth logging (this transaction only).
SET LOCAL client_min_messages = warning;

-- Databases created before demo_meta existed: their data describes the day
-- they were seeded, which is the day of the legacy session r001.
CREATE TABLE IF NOT EXISTS demo_meta (
    key           varchar(30)   NOT NULL,
    value         varchar(100)  NOT NULL,
    CONSTRAINT pk_demo_meta PRIMARY KEY (key)
);
INSERT INTO demo_meta (key, value)
SELECT 'as_of', to_char(COALESCE((SELECT clinic_date FROM schedule WHERE schedule_id = 'r001'), CURRENT_DATE), 'YYYY-MM-DD')
WHERE NOT EXISTS (SELECT 1 FROM demo_meta WHERE key = 'as_of');

-- This run: today (read once), the days to move (0 when as_of is today or
-- later), the same as an interval for date-times, and the horizon below
-- which values stay (as_of less a year; SQLite's '-1 year' takes 29
-- February to 1 March).
DROP TABLE IF EXISTS pg_temp.demo_roll;
CREATE TEMP TABLE demo_roll AS
SELECT x.today,
       x.n,
       make_interval(days => x.n) AS shift,
       CASE WHEN to_char(x.as_of, 'MM-DD') = '02-29'
            THEN CAST(x.as_of - interval '1 year' AS date) + 1
            ELSE CAST(x.as_of - interval '1 year' AS date)
       END AS horizon
FROM (
    SELECT CURRENT_DATE AS today,
           CAST(m.value AS date) AS as_of,
           GREATEST(0, COALESCE(CURRENT_DATE - CAST(m.value AS date), 0)) AS n
    FROM demo_meta m
    WHERE m.key = 'as_of'
) AS x;

------------------------------------------------------------------------------
-- 1. move every date forward
------------------------------------------------------------------------------
-- Each column: x = CASE WHEN x >= horizon THEN x + shift ELSE x END
-- (the time of day is kept; NULL stays NULL.)

UPDATE patient SET
    create_time = CASE WHEN create_time >= r.horizon THEN create_time + r.shift ELSE create_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE card SET
    issue_time  = CASE WHEN issue_time  >= r.horizon THEN issue_time  + r.shift ELSE issue_time END,
    status_time = CASE WHEN status_time >= r.horizon THEN status_time + r.shift ELSE status_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE outp_register SET
    visit_date  = CASE WHEN visit_date  >= r.horizon THEN visit_date  + r.n     ELSE visit_date END,
    reg_time    = CASE WHEN reg_time    >= r.horizon THEN reg_time    + r.shift ELSE reg_time END,
    see_time    = CASE WHEN see_time    >= r.horizon THEN see_time    + r.shift ELSE see_time END,
    cancel_time = CASE WHEN cancel_time >= r.horizon THEN cancel_time + r.shift ELSE cancel_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE rx_master SET
    create_time = CASE WHEN create_time >= r.horizon THEN create_time + r.shift ELSE create_time END,
    charge_time = CASE WHEN charge_time >= r.horizon THEN charge_time + r.shift ELSE charge_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE lis_report SET
    sample_time = CASE WHEN sample_time >= r.horizon THEN sample_time + r.shift ELSE sample_time END,
    report_time = CASE WHEN report_time >= r.horizon THEN report_time + r.shift ELSE report_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE pacs_report SET
    exam_time   = CASE WHEN exam_time   >= r.horizon THEN exam_time   + r.shift ELSE exam_time END,
    report_time = CASE WHEN report_time >= r.horizon THEN report_time + r.shift ELSE report_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE inpatient SET
    admit_time     = CASE WHEN admit_time     >= r.horizon THEN admit_time     + r.shift ELSE admit_time END,
    discharge_time = CASE WHEN discharge_time >= r.horizon THEN discharge_time + r.shift ELSE discharge_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE inp_prepay SET
    pay_time = CASE WHEN pay_time >= r.horizon THEN pay_time + r.shift ELSE pay_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE inp_fee_detail SET
    fee_date    = CASE WHEN fee_date    >= r.horizon THEN fee_date    + r.n     ELSE fee_date END,
    charge_time = CASE WHEN charge_time >= r.horizon THEN charge_time + r.shift ELSE charge_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE ecard_account SET
    open_time   = CASE WHEN open_time   >= r.horizon THEN open_time   + r.shift ELSE open_time END,
    update_time = CASE WHEN update_time >= r.horizon THEN update_time + r.shift ELSE update_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE ecard_txn SET
    txn_time = CASE WHEN txn_time >= r.horizon THEN txn_time + r.shift ELSE txn_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE pay_ledger SET
    payed_time = CASE WHEN payed_time >= r.horizon THEN payed_time + r.shift ELSE payed_time END
FROM demo_roll r WHERE r.n > 0;

-- queue_date is part of the unique queue number: the first pass moves the
-- day and negates the number (no unmoved row holds a negative number), the
-- second restores the number.
UPDATE queue_list SET
    queue_date = CASE WHEN queue_date >= r.horizon THEN queue_date + r.n     ELSE queue_date END,
    queue_no   = -queue_no,
    sign_time  = CASE WHEN sign_time  >= r.horizon THEN sign_time  + r.shift ELSE sign_time END,
    call_time  = CASE WHEN call_time  >= r.horizon THEN call_time  + r.shift ELSE call_time END
FROM demo_roll r WHERE r.n > 0;

UPDATE queue_list SET queue_no = -queue_no WHERE queue_no < 0;

------------------------------------------------------------------------------
-- 2. sessions: move with their day and id, then restore the roster pattern
------------------------------------------------------------------------------

-- Until the sessions have moved, the keys that name a session or its day
-- are checked at the end of the transaction (or at SET CONSTRAINTS ...
-- IMMEDIATE below), not at the end of each statement.
SET CONSTRAINTS fk_schedule_slot_schedule, fk_outp_register_schedule, uq_schedule_tpl_date DEFERRED;

-- Each session's new day and id. An id is re-keyed only when it is the
-- roster's own 'PB' || yyyymmdd || tpl for its current day.
DROP TABLE IF EXISTS pg_temp.demo_roll_session;
CREATE TEMP TABLE demo_roll_session AS
SELECT x.schedule_id AS old_id,
       x.new_date,
       CASE WHEN x.schedule_id = 'PB' || to_char(x.clinic_date, 'YYYYMMDD') || x.tpl
            THEN 'PB' || to_char(x.new_date, 'YYYYMMDD') || x.tpl
            ELSE x.schedule_id
       END AS new_id
FROM (
    SELECT s.schedule_id, s.clinic_date,
           CASE WHEN s.tpl_id < 1000 THEN lpad(s.tpl_id::text, 3, '0') ELSE s.tpl_id::text END AS tpl,
           CASE WHEN s.clinic_date >= r.horizon THEN s.clinic_date + r.n ELSE s.clinic_date END AS new_date
    FROM schedule s
    JOIN demo_roll r ON r.n > 0
) AS x;

-- First pass: a re-keyed session and its slots get '~' || new id, every
-- session its new day; registrations get the new id at once (no unique key
-- there).
UPDATE schedule_slot SET schedule_id = '~' || m.new_id
FROM demo_roll_session m
WHERE schedule_slot.schedule_id = m.old_id
  AND m.new_id <> m.old_id;

UPDATE outp_register SET schedule_id = m.new_id
FROM demo_roll_session m
WHERE outp_register.schedule_id = m.old_id
  AND m.new_id <> m.old_id;

UPDATE schedule SET
    schedule_id = CASE WHEN m.new_id <> m.old_id THEN '~' || m.new_id ELSE m.old_id END,
    clinic_date = m.new_date,
    create_time = CASE WHEN create_time >= r.horizon THEN create_time + r.shift ELSE create_time END,
    stop_time   = CASE WHEN stop_time   >= r.horizon THEN stop_time   + r.shift ELSE stop_time END
FROM demo_roll_session m, demo_roll r
WHERE schedule.schedule_id = m.old_id;

-- Second pass.
UPDATE schedule SET schedule_id = substr(schedule_id, 2)
WHERE schedule_id LIKE '~%';

UPDATE schedule_slot SET schedule_id = substr(schedule_id, 2)
WHERE schedule_id LIKE '~%';

-- Every session, slot and registration agrees again: check now.
SET CONSTRAINTS fk_schedule_slot_schedule, fk_outp_register_schedule, uq_schedule_tpl_date IMMEDIATE;

-- After a move, drop the sessions that are now on a day their roster line
-- does not run, or outside the window today-30 .. today+13 (a database from
-- before demo_meta may hold more), unless a registration refers to the
-- session or one of its slots, or it is stopped. Step 4 fills the gaps.
DROP TABLE IF EXISTS pg_temp.demo_roll_drop;
CREATE TEMP TABLE demo_roll_drop AS
SELECT s.schedule_id
FROM schedule s
JOIN schedule_tpl t ON t.tpl_id = s.tpl_id
JOIN demo_roll r ON r.n > 0
WHERE (strpos(t.week_days, CAST(extract(isodow FROM s.clinic_date) AS integer)::text) = 0
       OR s.clinic_date < r.today - 30
       OR s.clinic_date > r.today + 13)
  AND s.status <> '0'
  AND NOT EXISTS (SELECT 1 FROM outp_register g WHERE g.schedule_id = s.schedule_id)
  AND NOT EXISTS (SELECT 1 FROM outp_register g JOIN schedule_slot sl ON sl.slot_id = g.slot_id
                  WHERE sl.schedule_id = s.schedule_id);

DELETE FROM schedule_slot WHERE schedule_id IN (SELECT schedule_id FROM demo_roll_drop);
DELETE FROM schedule WHERE schedule_id IN (SELECT schedule_id FROM demo_roll_drop);

------------------------------------------------------------------------------
-- 3. the data now describes today
------------------------------------------------------------------------------

UPDATE demo_meta SET value = to_char(r.today, 'YYYY-MM-DD')
FROM demo_roll r
WHERE demo_meta.key = 'as_of' AND r.n > 0;

------------------------------------------------------------------------------
-- 4. roster window today-30 .. today+13, built as seed.sql builds it
------------------------------------------------------------------------------

-- Sessions from the weekly roster (schedule_tpl), skipping any whose natural
-- key (tpl_id, clinic_date) or id exists: existing sessions, their bookings,
-- the legacy session r001 and the stopped session stay as they are.
INSERT INTO schedule (schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum, reg_fee, status, create_time)
SELECT x.schedule_id, t.tpl_id, days.d, t.ampm, t.dept_code, t.doctor_code, t.clinic_type, t.time_quantum, t.reg_fee, '1',
       days.d - 14 + time '06:00:00'
FROM (SELECT r.today + g.n AS d FROM demo_roll r CROSS JOIN generate_series(-30, 13) AS g (n)) AS days
JOIN schedule_tpl t
  ON t.valid_flag = '1'
 AND strpos(t.week_days, CAST(extract(isodow FROM days.d) AS integer)::text) > 0
CROSS JOIN LATERAL (
    SELECT 'PB' || to_char(days.d, 'YYYYMMDD')
           || CASE WHEN t.tpl_id < 1000 THEN lpad(t.tpl_id::text, 3, '0') ELSE t.tpl_id::text END AS schedule_id
) AS x
WHERE NOT EXISTS (SELECT 1 FROM schedule s
                  WHERE s.schedule_id = x.schedule_id
                     OR (s.tpl_id = t.tpl_id AND s.clinic_date = days.d));

-- Time points of every session in the window that lacks them. Past sessions
-- are (nearly) full; upcoming ones start with some slots already taken
-- (window and phone bookings the demo does not model one by one), fewer the
-- further ahead. (CAST(julianday(d) AS INTEGER) of the SQLite script is
-- (d - DATE '1900-01-01') + 2415020.) Numbered day by day, department,
-- doctor, as the SQLite demo numbers them.
INSERT INTO schedule_slot (schedule_id, point_no, visit_time, total_num, used_num)
SELECT s.schedule_id, p.point_no, p.visit_time, t.nums_per_point,
       CASE
           WHEN s.clinic_date < r.today
               THEN t.nums_per_point - (t.tpl_id + p.point_no) % 2
           ELSE ((t.tpl_id * 7 + p.point_no * 5 + ((s.clinic_date - DATE '1900-01-01') + 2415020) * 3) % (t.nums_per_point + 1))
                * (14 - LEAST(13, s.clinic_date - r.today)) / 14
       END
FROM schedule s
JOIN schedule_tpl t ON t.tpl_id = s.tpl_id
JOIN time_point_dict p ON p.ampm = s.ampm
JOIN demo_roll r ON s.clinic_date >= r.today - 30
WHERE NOT EXISTS (SELECT 1 FROM schedule_slot x WHERE x.schedule_id = s.schedule_id AND x.point_no = p.point_no)
ORDER BY s.clinic_date, s.dept_code COLLATE "C", s.doctor_code COLLATE "C" NULLS FIRST,
         s.ampm COLLATE "C", s.tpl_id, p.point_no;

DROP TABLE pg_temp.demo_roll_drop;
DROP TABLE pg_temp.demo_roll_session;
DROP TABLE pg_temp.demo_roll;
