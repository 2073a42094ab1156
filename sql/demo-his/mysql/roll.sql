-- 睿博演示医院: keep the demo hospital "as of today" (MySQL 8 / MariaDB
-- 10.11; run at every start; idempotent; the gateway runs it as one batch
-- on one connection). The same behaviour as sql/demo-his/sqlite/roll.sql.
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
--     CONCAT('PB', yyyymmdd, tpl): the roster derives that id from (day,
--     roster line) and the top-up skips a session whose id a moved session
--     still held. It follows its session's day (slots and registrations
--     follow it); a legacy id such as r001 stays.
--   * amounts, slot counts and statuses are not touched.
--
-- How, in MySQL (InnoDB checks a unique key and a foreign key row by row,
-- and cannot defer either):
--   * no DDL but temporary tables (CREATE/DROP TEMPORARY TABLE do not
--     commit), so the script can run inside one transaction; this run's
--     figures are session variables: @roll_today (read once), @roll_n (the
--     days to move, 0 when as_of is today or later) and @roll_horizon (as_of
--     less a year; SQLite's '-1 year' takes 29 February to 1 March);
--   * a key that holds a date ((tpl_id, clinic_date), the queue numbers) is
--     moved by one UPDATE ... ORDER BY that date DESC: every row moves
--     forward by the same days, so it never meets a row not yet moved;
--   * a session's id is a primary key the slots and registrations point at
--     (ON UPDATE CASCADE, schema.sql): a re-keyed session moves in two
--     passes through a '~' prefix, as in SQLite, and its slots and
--     registrations follow it by the cascade;
--   * dates are date / datetime, so a move is x + INTERVAL n DAY, and "older
--     than the horizon" is x < horizon; weekdays are WEEKDAY(d) + 1 (1 =
--     Monday .. 7 = Sunday); integer division is DIV.

-- Databases whose seed did not record as_of: their data describes the day
-- they were seeded, which is the day of the legacy session r001.
INSERT INTO demo_meta (`key`, value)
SELECT 'as_of', DATE_FORMAT(COALESCE((SELECT s.clinic_date FROM schedule s WHERE s.schedule_id = 'r001'), CURDATE()), '%Y-%m-%d')
FROM DUAL
WHERE NOT EXISTS (SELECT 1 FROM demo_meta m WHERE m.`key` = 'as_of');

-- This run: today (read once), the days to move and the horizon.
SET @roll_today = CURDATE();
SET @roll_as_of = (SELECT CAST(m.value AS date) FROM demo_meta m WHERE m.`key` = 'as_of');
SET @roll_n = GREATEST(0, COALESCE(DATEDIFF(@roll_today, @roll_as_of), 0));
SET @roll_horizon = CASE WHEN DATE_FORMAT(@roll_as_of, '%m-%d') = '02-29'
                         THEN CAST(@roll_as_of AS date) - INTERVAL 1 YEAR + INTERVAL 1 DAY
                         ELSE CAST(@roll_as_of AS date) - INTERVAL 1 YEAR
                    END;

-- ---------------------------------------------------------------------------
-- 1. move every date forward
-- ---------------------------------------------------------------------------
-- Each column: x = CASE WHEN x >= horizon THEN x + INTERVAL n DAY ELSE x END
-- (the time of day is kept; NULL stays NULL.)

UPDATE patient SET
    create_time = CASE WHEN create_time >= @roll_horizon THEN create_time + INTERVAL @roll_n DAY ELSE create_time END
WHERE @roll_n > 0;

UPDATE card SET
    issue_time  = CASE WHEN issue_time  >= @roll_horizon THEN issue_time  + INTERVAL @roll_n DAY ELSE issue_time END,
    status_time = CASE WHEN status_time >= @roll_horizon THEN status_time + INTERVAL @roll_n DAY ELSE status_time END
WHERE @roll_n > 0;

UPDATE outp_register SET
    visit_date  = CASE WHEN visit_date  >= @roll_horizon THEN visit_date  + INTERVAL @roll_n DAY ELSE visit_date END,
    reg_time    = CASE WHEN reg_time    >= @roll_horizon THEN reg_time    + INTERVAL @roll_n DAY ELSE reg_time END,
    see_time    = CASE WHEN see_time    >= @roll_horizon THEN see_time    + INTERVAL @roll_n DAY ELSE see_time END,
    cancel_time = CASE WHEN cancel_time >= @roll_horizon THEN cancel_time + INTERVAL @roll_n DAY ELSE cancel_time END
WHERE @roll_n > 0;

UPDATE rx_master SET
    create_time = CASE WHEN create_time >= @roll_horizon THEN create_time + INTERVAL @roll_n DAY ELSE create_time END,
    charge_time = CASE WHEN charge_time >= @roll_horizon THEN charge_time + INTERVAL @roll_n DAY ELSE charge_time END
WHERE @roll_n > 0;

UPDATE lis_report SET
    sample_time = CASE WHEN sample_time >= @roll_horizon THEN sample_time + INTERVAL @roll_n DAY ELSE sample_time END,
    report_time = CASE WHEN report_time >= @roll_horizon THEN report_time + INTERVAL @roll_n DAY ELSE report_time END
WHERE @roll_n > 0;

UPDATE pacs_report SET
    exam_time   = CASE WHEN exam_time   >= @roll_horizon THEN exam_time   + INTERVAL @roll_n DAY ELSE exam_time END,
    report_time = CASE WHEN report_time >= @roll_horizon THEN report_time + INTERVAL @roll_n DAY ELSE report_time END
WHERE @roll_n > 0;

UPDATE inpatient SET
    admit_time     = CASE WHEN admit_time     >= @roll_horizon THEN admit_time     + INTERVAL @roll_n DAY ELSE admit_time END,
    discharge_time = CASE WHEN discharge_time >= @roll_horizon THEN discharge_time + INTERVAL @roll_n DAY ELSE discharge_time END
WHERE @roll_n > 0;

UPDATE inp_prepay SET
    pay_time = CASE WHEN pay_time >= @roll_horizon THEN pay_time + INTERVAL @roll_n DAY ELSE pay_time END
WHERE @roll_n > 0;

UPDATE inp_fee_detail SET
    fee_date    = CASE WHEN fee_date    >= @roll_horizon THEN fee_date    + INTERVAL @roll_n DAY ELSE fee_date END,
    charge_time = CASE WHEN charge_time >= @roll_horizon THEN charge_time + INTERVAL @roll_n DAY ELSE charge_time END
WHERE @roll_n > 0;

UPDATE ecard_account SET
    open_time   = CASE WHEN open_time   >= @roll_horizon THEN open_time   + INTERVAL @roll_n DAY ELSE open_time END,
    update_time = CASE WHEN update_time >= @roll_horizon THEN update_time + INTERVAL @roll_n DAY ELSE update_time END
WHERE @roll_n > 0;

UPDATE ecard_txn SET
    txn_time = CASE WHEN txn_time >= @roll_horizon THEN txn_time + INTERVAL @roll_n DAY ELSE txn_time END
WHERE @roll_n > 0;

UPDATE pay_ledger SET
    payed_time = CASE WHEN payed_time >= @roll_horizon THEN payed_time + INTERVAL @roll_n DAY ELSE payed_time END
WHERE @roll_n > 0;

-- queue_date is part of the unique queue number: the latest day moves first.
UPDATE queue_list SET
    queue_date = CASE WHEN queue_date >= @roll_horizon THEN queue_date + INTERVAL @roll_n DAY ELSE queue_date END,
    sign_time  = CASE WHEN sign_time  >= @roll_horizon THEN sign_time  + INTERVAL @roll_n DAY ELSE sign_time END,
    call_time  = CASE WHEN call_time  >= @roll_horizon THEN call_time  + INTERVAL @roll_n DAY ELSE call_time END
WHERE @roll_n > 0
ORDER BY queue_date DESC, queue_id;

-- ---------------------------------------------------------------------------
-- 2. sessions: move with their day and id, then restore the roster pattern
-- ---------------------------------------------------------------------------

-- Each session's new id. An id is re-keyed only when it is the roster's own
-- CONCAT('PB', yyyymmdd, tpl) for its current day.
DROP TEMPORARY TABLE IF EXISTS demo_roll_session;
CREATE TEMPORARY TABLE demo_roll_session (
    old_id   varchar(20)   NOT NULL,
    new_id   varchar(20)   NOT NULL,
    PRIMARY KEY (old_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO demo_roll_session (old_id, new_id)
SELECT x.schedule_id,
       CASE WHEN x.schedule_id = CONCAT('PB', DATE_FORMAT(x.clinic_date, '%Y%m%d'), x.tpl)
            THEN CONCAT('PB', DATE_FORMAT(x.new_date, '%Y%m%d'), x.tpl)
            ELSE x.schedule_id
       END
FROM (
    SELECT s.schedule_id, s.clinic_date,
           CASE WHEN s.tpl_id < 1000 THEN LPAD(s.tpl_id, 3, '0') ELSE CAST(s.tpl_id AS char) END AS tpl,
           CASE WHEN s.clinic_date >= @roll_horizon THEN s.clinic_date + INTERVAL @roll_n DAY ELSE s.clinic_date END AS new_date
    FROM schedule s
    WHERE @roll_n > 0
) AS x;

-- First pass, the latest day first: every session its new day; a re-keyed
-- session '~' || its new id (its slots and registrations follow by the
-- cascade of their foreign keys).
UPDATE schedule SET
    schedule_id = (SELECT CASE WHEN m.new_id <> m.old_id THEN CONCAT('~', m.new_id) ELSE m.old_id END
                   FROM demo_roll_session m WHERE m.old_id = schedule.schedule_id),
    clinic_date = CASE WHEN clinic_date >= @roll_horizon THEN clinic_date + INTERVAL @roll_n DAY ELSE clinic_date END,
    create_time = CASE WHEN create_time >= @roll_horizon THEN create_time + INTERVAL @roll_n DAY ELSE create_time END,
    stop_time   = CASE WHEN stop_time   >= @roll_horizon THEN stop_time   + INTERVAL @roll_n DAY ELSE stop_time END
WHERE @roll_n > 0
ORDER BY clinic_date DESC, schedule_id;

-- Second pass.
UPDATE schedule SET schedule_id = SUBSTRING(schedule_id, 2)
WHERE schedule_id LIKE '~%';

-- After a move, drop the sessions that are now on a day their roster line
-- does not run, or outside the window today-30 .. today+13 (a database from
-- before demo_meta may hold more), unless a registration refers to the
-- session or one of its slots, or it is stopped. Step 4 fills the gaps.
DROP TEMPORARY TABLE IF EXISTS demo_roll_drop;
CREATE TEMPORARY TABLE demo_roll_drop (
    schedule_id  varchar(20)   NOT NULL,
    PRIMARY KEY (schedule_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO demo_roll_drop (schedule_id)
SELECT s.schedule_id
FROM schedule s
JOIN schedule_tpl t ON t.tpl_id = s.tpl_id
WHERE @roll_n > 0
  AND (INSTR(t.week_days, WEEKDAY(s.clinic_date) + 1) = 0
       OR s.clinic_date < @roll_today - INTERVAL 30 DAY
       OR s.clinic_date > @roll_today + INTERVAL 13 DAY)
  AND s.status <> '0'
  AND NOT EXISTS (SELECT 1 FROM outp_register g WHERE g.schedule_id = s.schedule_id)
  AND NOT EXISTS (SELECT 1 FROM outp_register g JOIN schedule_slot sl ON sl.slot_id = g.slot_id
                  WHERE sl.schedule_id = s.schedule_id);

DELETE FROM schedule_slot WHERE schedule_id IN (SELECT d.schedule_id FROM demo_roll_drop d);
DELETE FROM schedule WHERE schedule_id IN (SELECT d.schedule_id FROM demo_roll_drop d);

-- ---------------------------------------------------------------------------
-- 3. the data now describes today
-- ---------------------------------------------------------------------------

UPDATE demo_meta SET value = DATE_FORMAT(@roll_today, '%Y-%m-%d')
WHERE `key` = 'as_of' AND @roll_n > 0;

-- ---------------------------------------------------------------------------
-- 4. roster window today-30 .. today+13, built as seed.sql builds it
-- ---------------------------------------------------------------------------

-- Sessions from the weekly roster (schedule_tpl), skipping any whose natural
-- key (tpl_id, clinic_date) or id exists: existing sessions, their bookings,
-- the legacy session r001 and the stopped session stay as they are.
INSERT INTO schedule (schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum, reg_fee, status, create_time)
WITH RECURSIVE days (n, d) AS (
    SELECT -30, CAST(@roll_today - INTERVAL 30 DAY AS date)
    UNION ALL
    SELECT n + 1, d + INTERVAL 1 DAY FROM days WHERE n < 13
)
SELECT x.schedule_id, x.tpl_id, x.d, t.ampm, t.dept_code, t.doctor_code, t.clinic_type, t.time_quantum, t.reg_fee, '1',
       TIMESTAMP(x.d - INTERVAL 14 DAY, '06:00:00')
FROM (
    SELECT CONCAT('PB', DATE_FORMAT(days.d, '%Y%m%d'),
                  CASE WHEN t.tpl_id < 1000 THEN LPAD(t.tpl_id, 3, '0') ELSE t.tpl_id END) AS schedule_id,
           t.tpl_id, days.d
    FROM days
    JOIN schedule_tpl t
      ON t.valid_flag = '1'
     AND INSTR(t.week_days, WEEKDAY(days.d) + 1) > 0
) AS x
JOIN schedule_tpl t ON t.tpl_id = x.tpl_id
WHERE NOT EXISTS (SELECT 1 FROM schedule s
                  WHERE s.schedule_id = x.schedule_id
                     OR (s.tpl_id = x.tpl_id AND s.clinic_date = x.d))
ORDER BY x.d, x.tpl_id;

-- Time points of every session in the window that lacks them. Past sessions
-- are (nearly) full; upcoming ones start with some slots already taken
-- (window and phone bookings the demo does not model one by one), fewer the
-- further ahead. (CAST(julianday(d) AS INTEGER) of the SQLite script is
-- DATEDIFF(d, '1900-01-01') + 2415020.) Numbered day by day, department,
-- doctor, as the SQLite demo numbers them.
INSERT INTO schedule_slot (schedule_id, point_no, visit_time, total_num, used_num)
SELECT s.schedule_id, p.point_no, p.visit_time, t.nums_per_point,
       CASE
           WHEN s.clinic_date < @roll_today
               THEN t.nums_per_point - (t.tpl_id + p.point_no) % 2
           ELSE ((t.tpl_id * 7 + p.point_no * 5 + (DATEDIFF(s.clinic_date, '1900-01-01') + 2415020) * 3) % (t.nums_per_point + 1))
                * (14 - LEAST(13, DATEDIFF(s.clinic_date, @roll_today))) DIV 14
       END
FROM schedule s
JOIN schedule_tpl t ON t.tpl_id = s.tpl_id
JOIN time_point_dict p ON p.ampm = s.ampm
WHERE s.clinic_date >= @roll_today - INTERVAL 30 DAY
  AND NOT EXISTS (SELECT 1 FROM schedule_slot x WHERE x.schedule_id = s.schedule_id AND x.point_no = p.point_no)
ORDER BY s.clinic_date, s.dept_code, s.doctor_code, s.ampm, s.tpl_id, p.point_no;

DROP TEMPORARY TABLE IF EXISTS demo_roll_drop;
DROP TEMPORARY TABLE IF EXISTS demo_roll_session;
