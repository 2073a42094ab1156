-- 睿博演示医院: keep the demo hospital "as of today" (run at every start;
-- idempotent; the gateway runs it inside one transaction).
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
--     line) and the top-up's INSERT OR IGNORE would silently skip a session
--     whose id a moved session still held. It follows its session's day
--     (slots and registrations follow it); a legacy id such as r001 stays.
--   * amounts, slot counts and statuses are not touched.
-- Unique keys holding a date ((tpl_id, clinic_date), the queue numbers) and
-- the session ids are moved in two passes through a '~' prefix, so no row
-- meets a not-yet-moved one; foreign keys are checked at commit.

PRAGMA defer_foreign_keys = ON;

-- Databases created before demo_meta existed: their data describes the day
-- they were seeded, which is the day of the legacy session r001.
CREATE TABLE IF NOT EXISTS demo_meta (
    key           TEXT PRIMARY KEY,
    value         TEXT NOT NULL
);
INSERT OR IGNORE INTO demo_meta (key, value)
SELECT 'as_of', COALESCE((SELECT clinic_date FROM schedule WHERE schedule_id = 'r001'), date('now', 'localtime'));

-- This run: today (read once), the days to move (0 when as_of is today or
-- later) as a date modifier, and the horizon below which values stay.
DROP TABLE IF EXISTS temp.demo_roll;
CREATE TEMP TABLE demo_roll AS
SELECT today,
       n,
       printf('%+d days', n) AS shift,
       date(as_of, '-1 year') AS horizon
FROM (
    SELECT date('now', 'localtime') AS today,
           m.value AS as_of,
           MAX(0, COALESCE(CAST(julianday(date('now', 'localtime')) - julianday(m.value) AS INTEGER), 0)) AS n
    FROM demo_meta m
    WHERE m.key = 'as_of'
);

------------------------------------------------------------------------------
-- 1. move every date forward
------------------------------------------------------------------------------
-- Each column: x = CASE WHEN x >= horizon
--                       THEN COALESCE(date(substr(x, 1, 10), shift) || substr(x, 11), x)
--                       ELSE x END
-- (the date part moves, whatever follows it is kept; NULL stays NULL.)

UPDATE patient SET
    create_time = CASE WHEN create_time >= r.horizon THEN COALESCE(date(substr(create_time, 1, 10), r.shift) || substr(create_time, 11), create_time) ELSE create_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE card SET
    issue_time  = CASE WHEN issue_time  >= r.horizon THEN COALESCE(date(substr(issue_time, 1, 10), r.shift)  || substr(issue_time, 11), issue_time)   ELSE issue_time END,
    status_time = CASE WHEN status_time >= r.horizon THEN COALESCE(date(substr(status_time, 1, 10), r.shift) || substr(status_time, 11), status_time) ELSE status_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE outp_register SET
    visit_date  = CASE WHEN visit_date  >= r.horizon THEN COALESCE(date(substr(visit_date, 1, 10), r.shift)  || substr(visit_date, 11), visit_date)   ELSE visit_date END,
    reg_time    = CASE WHEN reg_time    >= r.horizon THEN COALESCE(date(substr(reg_time, 1, 10), r.shift)    || substr(reg_time, 11), reg_time)       ELSE reg_time END,
    see_time    = CASE WHEN see_time    >= r.horizon THEN COALESCE(date(substr(see_time, 1, 10), r.shift)    || substr(see_time, 11), see_time)       ELSE see_time END,
    cancel_time = CASE WHEN cancel_time >= r.horizon THEN COALESCE(date(substr(cancel_time, 1, 10), r.shift) || substr(cancel_time, 11), cancel_time) ELSE cancel_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE rx_master SET
    create_time = CASE WHEN create_time >= r.horizon THEN COALESCE(date(substr(create_time, 1, 10), r.shift) || substr(create_time, 11), create_time) ELSE create_time END,
    charge_time = CASE WHEN charge_time >= r.horizon THEN COALESCE(date(substr(charge_time, 1, 10), r.shift) || substr(charge_time, 11), charge_time) ELSE charge_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE lis_report SET
    sample_time = CASE WHEN sample_time >= r.horizon THEN COALESCE(date(substr(sample_time, 1, 10), r.shift) || substr(sample_time, 11), sample_time) ELSE sample_time END,
    report_time = CASE WHEN report_time >= r.horizon THEN COALESCE(date(substr(report_time, 1, 10), r.shift) || substr(report_time, 11), report_time) ELSE report_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE pacs_report SET
    exam_time   = CASE WHEN exam_time   >= r.horizon THEN COALESCE(date(substr(exam_time, 1, 10), r.shift)   || substr(exam_time, 11), exam_time)     ELSE exam_time END,
    report_time = CASE WHEN report_time >= r.horizon THEN COALESCE(date(substr(report_time, 1, 10), r.shift) || substr(report_time, 11), report_time) ELSE report_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE inpatient SET
    admit_time     = CASE WHEN admit_time     >= r.horizon THEN COALESCE(date(substr(admit_time, 1, 10), r.shift)     || substr(admit_time, 11), admit_time)         ELSE admit_time END,
    discharge_time = CASE WHEN discharge_time >= r.horizon THEN COALESCE(date(substr(discharge_time, 1, 10), r.shift) || substr(discharge_time, 11), discharge_time) ELSE discharge_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE inp_prepay SET
    pay_time = CASE WHEN pay_time >= r.horizon THEN COALESCE(date(substr(pay_time, 1, 10), r.shift) || substr(pay_time, 11), pay_time) ELSE pay_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE inp_fee_detail SET
    fee_date    = CASE WHEN fee_date    >= r.horizon THEN COALESCE(date(substr(fee_date, 1, 10), r.shift)    || substr(fee_date, 11), fee_date)       ELSE fee_date END,
    charge_time = CASE WHEN charge_time >= r.horizon THEN COALESCE(date(substr(charge_time, 1, 10), r.shift) || substr(charge_time, 11), charge_time) ELSE charge_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE ecard_account SET
    open_time   = CASE WHEN open_time   >= r.horizon THEN COALESCE(date(substr(open_time, 1, 10), r.shift)   || substr(open_time, 11), open_time)     ELSE open_time END,
    update_time = CASE WHEN update_time >= r.horizon THEN COALESCE(date(substr(update_time, 1, 10), r.shift) || substr(update_time, 11), update_time) ELSE update_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE ecard_txn SET
    txn_time = CASE WHEN txn_time >= r.horizon THEN COALESCE(date(substr(txn_time, 1, 10), r.shift) || substr(txn_time, 11), txn_time) ELSE txn_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE pay_ledger SET
    payed_time = CASE WHEN payed_time >= r.horizon THEN COALESCE(date(substr(payed_time, 1, 10), r.shift) || substr(payed_time, 11), payed_time) ELSE payed_time END
FROM temp.demo_roll r WHERE r.n > 0;

-- queue_date is part of the unique queue number: first pass marks the moved
-- value with '~' (no unmarked row can equal it), second pass removes it.
UPDATE queue_list SET
    queue_date = '~' || CASE WHEN queue_date >= r.horizon THEN COALESCE(date(substr(queue_date, 1, 10), r.shift) || substr(queue_date, 11), queue_date) ELSE queue_date END,
    sign_time  = CASE WHEN sign_time >= r.horizon THEN COALESCE(date(substr(sign_time, 1, 10), r.shift) || substr(sign_time, 11), sign_time) ELSE sign_time END,
    call_time  = CASE WHEN call_time >= r.horizon THEN COALESCE(date(substr(call_time, 1, 10), r.shift) || substr(call_time, 11), call_time) ELSE call_time END
FROM temp.demo_roll r WHERE r.n > 0;

UPDATE queue_list SET queue_date = substr(queue_date, 2) WHERE substr(queue_date, 1, 1) = '~';

------------------------------------------------------------------------------
-- 2. sessions: move with their day and id, then restore the roster pattern
------------------------------------------------------------------------------

-- Each session's new day and id. An id is re-keyed only when it is the
-- roster's own 'PB' || yyyymmdd || tpl for its current day.
DROP TABLE IF EXISTS temp.demo_roll_session;
CREATE TEMP TABLE demo_roll_session AS
SELECT x.schedule_id AS old_id,
       x.new_date,
       CASE WHEN x.schedule_id = 'PB' || strftime('%Y%m%d', x.clinic_date) || printf('%03d', x.tpl_id)
            THEN 'PB' || strftime('%Y%m%d', x.new_date) || printf('%03d', x.tpl_id)
            ELSE x.schedule_id
       END AS new_id
FROM (
    SELECT s.schedule_id, s.tpl_id, s.clinic_date,
           CASE WHEN s.clinic_date >= r.horizon
                THEN COALESCE(date(substr(s.clinic_date, 1, 10), r.shift) || substr(s.clinic_date, 11), s.clinic_date)
                ELSE s.clinic_date
           END AS new_date
    FROM schedule s, temp.demo_roll r
    WHERE r.n > 0
) AS x;

-- First pass: every session, its slots get '~' || new id and the session
-- '~' || new day; registrations get the new id at once (no unique key there).
UPDATE schedule_slot SET schedule_id = '~' || m.new_id
FROM temp.demo_roll_session m
WHERE schedule_slot.schedule_id = m.old_id;

UPDATE outp_register SET schedule_id = m.new_id
FROM temp.demo_roll_session m
WHERE outp_register.schedule_id = m.old_id;

UPDATE schedule SET
    schedule_id = '~' || m.new_id,
    clinic_date = '~' || m.new_date,
    create_time = CASE WHEN create_time >= r.horizon THEN COALESCE(date(substr(create_time, 1, 10), r.shift) || substr(create_time, 11), create_time) ELSE create_time END,
    stop_time   = CASE WHEN stop_time   >= r.horizon THEN COALESCE(date(substr(stop_time, 1, 10), r.shift)   || substr(stop_time, 11), stop_time)     ELSE stop_time END
FROM temp.demo_roll_session m, temp.demo_roll r
WHERE schedule.schedule_id = m.old_id;

-- Second pass.
UPDATE schedule SET
    schedule_id = substr(schedule_id, 2),
    clinic_date = substr(clinic_date, 2)
WHERE substr(schedule_id, 1, 1) = '~';

UPDATE schedule_slot SET schedule_id = substr(schedule_id, 2)
WHERE substr(schedule_id, 1, 1) = '~';

-- After a move, drop the sessions that are now on a day their roster line
-- does not run, or outside the window today-30 .. today+13 (a database from
-- before demo_meta may hold more), unless a registration refers to the
-- session or one of its slots, or it is stopped. Step 4 fills the gaps.
DROP TABLE IF EXISTS temp.demo_roll_drop;
CREATE TEMP TABLE demo_roll_drop AS
SELECT s.schedule_id
FROM schedule s
JOIN schedule_tpl t ON t.tpl_id = s.tpl_id
JOIN temp.demo_roll r ON r.n > 0
WHERE (instr(t.week_days, CAST((CAST(strftime('%w', s.clinic_date) AS INTEGER) + 6) % 7 + 1 AS TEXT)) = 0
       OR s.clinic_date < date(r.today, '-30 days')
       OR s.clinic_date > date(r.today, '+13 days'))
  AND s.status <> '0'
  AND NOT EXISTS (SELECT 1 FROM outp_register g WHERE g.schedule_id = s.schedule_id)
  AND NOT EXISTS (SELECT 1 FROM outp_register g JOIN schedule_slot sl ON sl.slot_id = g.slot_id
                  WHERE sl.schedule_id = s.schedule_id);

DELETE FROM schedule_slot WHERE schedule_id IN (SELECT schedule_id FROM temp.demo_roll_drop);
DELETE FROM schedule WHERE schedule_id IN (SELECT schedule_id FROM temp.demo_roll_drop);

------------------------------------------------------------------------------
-- 3. the data now describes today
------------------------------------------------------------------------------

UPDATE demo_meta SET value = r.today
FROM temp.demo_roll r
WHERE demo_meta.key = 'as_of' AND r.n > 0;

------------------------------------------------------------------------------
-- 4. roster window today-30 .. today+13, built as seed.sql builds it
------------------------------------------------------------------------------

-- Sessions from the weekly roster (schedule_tpl). INSERT OR IGNORE on the
-- natural keys (tpl_id, clinic_date) and the id: existing sessions, their
-- bookings, the legacy session r001 and the stopped session stay as they are.
WITH RECURSIVE days (n, d) AS (
    SELECT -30, date(r.today, '-30 days') FROM temp.demo_roll r
    UNION ALL
    SELECT n + 1, date(d, '+1 day') FROM days WHERE n < 13
)
INSERT OR IGNORE INTO schedule (schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum, reg_fee, status, create_time)
SELECT 'PB' || strftime('%Y%m%d', days.d) || printf('%03d', t.tpl_id),
       t.tpl_id, days.d, t.ampm, t.dept_code, t.doctor_code, t.clinic_type, t.time_quantum, t.reg_fee, '1',
       date(days.d, '-14 days') || ' 06:00:00'
FROM days
JOIN schedule_tpl t
  ON t.valid_flag = '1'
 AND instr(t.week_days, CAST((CAST(strftime('%w', days.d) AS INTEGER) + 6) % 7 + 1 AS TEXT)) > 0;

-- Time points of every session in the window that lacks them. Past sessions
-- are (nearly) full; upcoming ones start with some slots already taken
-- (window and phone bookings the demo does not model one by one), fewer the
-- further ahead.
INSERT OR IGNORE INTO schedule_slot (schedule_id, point_no, visit_time, total_num, used_num)
SELECT s.schedule_id, p.point_no, p.visit_time, t.nums_per_point,
       CASE
           WHEN s.clinic_date < r.today
               THEN t.nums_per_point - (t.tpl_id + p.point_no) % 2
           ELSE ((t.tpl_id * 7 + p.point_no * 5 + CAST(julianday(s.clinic_date) AS INTEGER) * 3) % (t.nums_per_point + 1))
                * (14 - MIN(13, CAST(julianday(s.clinic_date) - julianday(r.today) AS INTEGER))) / 14
       END
FROM schedule s
JOIN schedule_tpl t ON t.tpl_id = s.tpl_id
JOIN time_point_dict p ON p.ampm = s.ampm
JOIN temp.demo_roll r ON s.clinic_date >= date(r.today, '-30 days');

DROP TABLE temp.demo_roll_drop;
DROP TABLE temp.demo_roll_session;
DROP TABLE temp.demo_roll;
