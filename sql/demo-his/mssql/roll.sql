-- 睿博演示医院: keep the demo hospital "as of today" (T-SQL; run at every
-- start; idempotent). The same behaviour as sql/demo-his/sqlite/roll.sql.
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
--     'PB' + yyyymmdd + tpl: the roster derives that id from (day, roster
--     line) and the top-up skips a session whose id a moved session still
--     held. It follows its session's day (slots and registrations follow
--     it); a legacy id such as r001 stays.
--   * amounts, slot counts and statuses are not touched.
--
-- How, in T-SQL (where SQLite defers its foreign keys to the commit):
--   * the whole script is one transaction (XACT_ABORT: any error undoes all
--     of it); inside a caller's transaction it simply nests;
--   * a session's id is a primary key that schedule_slot and outp_register
--     refer to, and SQL Server checks a foreign key at the end of every
--     statement, so sessions are not re-keyed in place: the registrations
--     let go of their session and slot, the sessions and their slots are
--     deleted and inserted again under the new id and day (the slots keep
--     their ids: IDENTITY_INSERT, which needs ALTER permission on
--     schedule_slot, as the owner of the demo database has), and the
--     registrations take them back;
--   * the queue date is part of the unique queue number. SQLite checks a
--     unique index row by row and moves it in two passes through a '~'
--     prefix; SQL Server checks it once the statement has changed every row,
--     so one UPDATE moves the queue. (Babelfish, on PostgreSQL, checks row by
--     row; the triage table holds one day, so no moved row can meet another.)
--   * dates are date / datetime, so a move is DATEADD(day, n, x) and
--     "older than the horizon" is x < horizon; weekdays are counted from
--     1900-01-01, a Monday, whatever SET DATEFIRST says.
--
-- Split on GO lines (sqlcmd style). Needs the session options of filtered
-- indexes (set below): outp_register, queue_list and pay_ledger have one.

SET NOCOUNT ON;
SET XACT_ABORT ON;
SET ANSI_NULLS ON;
SET ANSI_PADDING ON;
SET ANSI_WARNINGS ON;
SET ARITHABORT ON;
SET CONCAT_NULL_YIELDS_NULL ON;
SET QUOTED_IDENTIFIER ON;
SET NUMERIC_ROUNDABORT OFF;
GO

-- Databases created before demo_meta existed.
IF OBJECT_ID(N'dbo.demo_meta', N'U') IS NULL
CREATE TABLE dbo.demo_meta (
    [key]         varchar(30)   NOT NULL,
    value         nvarchar(100) NOT NULL,
    CONSTRAINT pk_demo_meta PRIMARY KEY ([key])
);
GO

BEGIN TRANSACTION;

-- Their data describes the day they were seeded, which is the day of the
-- legacy session r001.
IF NOT EXISTS (SELECT 1 FROM dbo.demo_meta WHERE [key] = 'as_of')
    INSERT INTO dbo.demo_meta ([key], value)
    SELECT 'as_of', CONVERT(varchar(10), COALESCE((SELECT clinic_date FROM dbo.schedule WHERE schedule_id = 'r001'),
                                                  CAST(GETDATE() AS date)), 120);

-- This run: today (read once), the days to move (0 when as_of is today or
-- later) and the horizon below which values stay (as_of less a year; SQLite's
-- '-1 year' takes 29 February to 1 March).
DECLARE @today date, @as_of date, @n int, @horizon date;
SET @today = CAST(GETDATE() AS date);
SELECT @as_of = CAST(value AS date) FROM dbo.demo_meta WHERE [key] = 'as_of';
SET @n = COALESCE(DATEDIFF(day, @as_of, @today), 0);
IF @n < 0 SET @n = 0;
SET @horizon = CASE WHEN MONTH(@as_of) = 2 AND DAY(@as_of) = 29
                    THEN DATEADD(day, 1, DATEADD(year, -1, @as_of))
                    ELSE DATEADD(year, -1, @as_of) END;

IF @n > 0
BEGIN
    --------------------------------------------------------------------------
    -- 1. move every date forward
    --------------------------------------------------------------------------
    -- Each column: x = CASE WHEN x >= @horizon THEN DATEADD(day, @n, x) ELSE x END
    -- (the time of day is kept; NULL stays NULL.)

    UPDATE dbo.patient SET
        create_time = CASE WHEN create_time >= @horizon THEN DATEADD(day, @n, create_time) ELSE create_time END;

    UPDATE dbo.card SET
        issue_time  = CASE WHEN issue_time  >= @horizon THEN DATEADD(day, @n, issue_time)  ELSE issue_time END,
        status_time = CASE WHEN status_time >= @horizon THEN DATEADD(day, @n, status_time) ELSE status_time END;

    UPDATE dbo.outp_register SET
        visit_date  = CASE WHEN visit_date  >= @horizon THEN DATEADD(day, @n, visit_date)  ELSE visit_date END,
        reg_time    = CASE WHEN reg_time    >= @horizon THEN DATEADD(day, @n, reg_time)    ELSE reg_time END,
        see_time    = CASE WHEN see_time    >= @horizon THEN DATEADD(day, @n, see_time)    ELSE see_time END,
        cancel_time = CASE WHEN cancel_time >= @horizon THEN DATEADD(day, @n, cancel_time) ELSE cancel_time END;

    UPDATE dbo.rx_master SET
        create_time = CASE WHEN create_time >= @horizon THEN DATEADD(day, @n, create_time) ELSE create_time END,
        charge_time = CASE WHEN charge_time >= @horizon THEN DATEADD(day, @n, charge_time) ELSE charge_time END;

    UPDATE dbo.lis_report SET
        sample_time = CASE WHEN sample_time >= @horizon THEN DATEADD(day, @n, sample_time) ELSE sample_time END,
        report_time = CASE WHEN report_time >= @horizon THEN DATEADD(day, @n, report_time) ELSE report_time END;

    UPDATE dbo.pacs_report SET
        exam_time   = CASE WHEN exam_time   >= @horizon THEN DATEADD(day, @n, exam_time)   ELSE exam_time END,
        report_time = CASE WHEN report_time >= @horizon THEN DATEADD(day, @n, report_time) ELSE report_time END;

    UPDATE dbo.inpatient SET
        admit_time     = CASE WHEN admit_time     >= @horizon THEN DATEADD(day, @n, admit_time)     ELSE admit_time END,
        discharge_time = CASE WHEN discharge_time >= @horizon THEN DATEADD(day, @n, discharge_time) ELSE discharge_time END;

    UPDATE dbo.inp_prepay SET
        pay_time = CASE WHEN pay_time >= @horizon THEN DATEADD(day, @n, pay_time) ELSE pay_time END;

    UPDATE dbo.inp_fee_detail SET
        fee_date    = CASE WHEN fee_date    >= @horizon THEN DATEADD(day, @n, fee_date)    ELSE fee_date END,
        charge_time = CASE WHEN charge_time >= @horizon THEN DATEADD(day, @n, charge_time) ELSE charge_time END;

    UPDATE dbo.ecard_account SET
        open_time   = CASE WHEN open_time   >= @horizon THEN DATEADD(day, @n, open_time)   ELSE open_time END,
        update_time = CASE WHEN update_time >= @horizon THEN DATEADD(day, @n, update_time) ELSE update_time END;

    UPDATE dbo.ecard_txn SET
        txn_time = CASE WHEN txn_time >= @horizon THEN DATEADD(day, @n, txn_time) ELSE txn_time END;

    UPDATE dbo.pay_ledger SET
        payed_time = CASE WHEN payed_time >= @horizon THEN DATEADD(day, @n, payed_time) ELSE payed_time END;

    -- queue_date is part of the unique queue number; SQL Server checks the
    -- unique index after the whole statement, so the queue moves in one pass.
    UPDATE dbo.queue_list SET
        queue_date = CASE WHEN queue_date >= @horizon THEN DATEADD(day, @n, queue_date) ELSE queue_date END,
        sign_time  = CASE WHEN sign_time  >= @horizon THEN DATEADD(day, @n, sign_time)  ELSE sign_time END,
        call_time  = CASE WHEN call_time  >= @horizon THEN DATEADD(day, @n, call_time)  ELSE call_time END;

    --------------------------------------------------------------------------
    -- 2. sessions: move with their day and id, then restore the roster pattern
    --------------------------------------------------------------------------

    -- Each session's new day and id. An id is re-keyed only when it is the
    -- roster's own 'PB' + yyyymmdd + tpl for its current day.
    DECLARE @session TABLE (
        old_id   varchar(20) NOT NULL PRIMARY KEY,
        new_id   varchar(20) NOT NULL,
        new_date date        NOT NULL
    );
    INSERT INTO @session (old_id, new_id, new_date)
    SELECT s.schedule_id,
           CASE WHEN s.schedule_id = 'PB' + CONVERT(char(8), s.clinic_date, 112) + x.tpl
                THEN 'PB' + CONVERT(char(8), x.new_date, 112) + x.tpl
                ELSE s.schedule_id
           END,
           x.new_date
    FROM dbo.schedule s
    CROSS APPLY (
        SELECT CASE WHEN s.clinic_date >= @horizon THEN DATEADD(day, @n, s.clinic_date) ELSE s.clinic_date END AS new_date,
               CASE WHEN s.tpl_id < 1000 THEN RIGHT(CAST(1000 + s.tpl_id AS varchar(11)), 3)
                    ELSE CAST(s.tpl_id AS varchar(11)) END AS tpl
    ) AS x;

    -- The registrations' sessions (new ids) and slots, kept while the
    -- sessions are rebuilt.
    DECLARE @register TABLE (
        register_id varchar(20) NOT NULL PRIMARY KEY,
        schedule_id varchar(20) NULL,
        slot_id     int         NULL
    );
    INSERT INTO @register (register_id, schedule_id, slot_id)
    SELECT g.register_id, COALESCE(m.new_id, g.schedule_id), g.slot_id
    FROM dbo.outp_register g
    LEFT JOIN @session m ON m.old_id = g.schedule_id
    WHERE g.schedule_id IS NOT NULL OR g.slot_id IS NOT NULL;

    DECLARE @slot TABLE (
        slot_id     int         NOT NULL PRIMARY KEY,
        schedule_id varchar(20) NOT NULL,
        point_no    int         NOT NULL,
        visit_time  varchar(5)  NOT NULL,
        total_num   int         NOT NULL,
        used_num    int         NOT NULL
    );
    INSERT INTO @slot (slot_id, schedule_id, point_no, visit_time, total_num, used_num)
    SELECT sl.slot_id, m.new_id, sl.point_no, sl.visit_time, sl.total_num, sl.used_num
    FROM dbo.schedule_slot sl
    JOIN @session m ON m.old_id = sl.schedule_id;

    DECLARE @schedule TABLE (
        schedule_id  varchar(20)   NOT NULL PRIMARY KEY,
        tpl_id       int           NOT NULL,
        clinic_date  date          NOT NULL,
        ampm         nvarchar(2)   NOT NULL,
        dept_code    varchar(10)   NOT NULL,
        doctor_code  varchar(10)   NULL,
        clinic_type  nvarchar(10)  NOT NULL,
        time_quantum varchar(11)   NOT NULL,
        reg_fee      decimal(12,2) NOT NULL,
        status       char(1)       NOT NULL,
        stop_reason  nvarchar(100) NULL,
        stop_time    datetime      NULL,
        create_time  datetime      NOT NULL
    );
    INSERT INTO @schedule (schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum,
                           reg_fee, status, stop_reason, stop_time, create_time)
    SELECT m.new_id, s.tpl_id, m.new_date, s.ampm, s.dept_code, s.doctor_code, s.clinic_type, s.time_quantum,
           s.reg_fee, s.status, s.stop_reason,
           CASE WHEN s.stop_time   >= @horizon THEN DATEADD(day, @n, s.stop_time)   ELSE s.stop_time END,
           CASE WHEN s.create_time >= @horizon THEN DATEADD(day, @n, s.create_time) ELSE s.create_time END
    FROM dbo.schedule s
    JOIN @session m ON m.old_id = s.schedule_id;

    UPDATE dbo.outp_register SET schedule_id = NULL, slot_id = NULL
    WHERE register_id IN (SELECT register_id FROM @register);

    DELETE FROM dbo.schedule_slot WHERE schedule_id IN (SELECT old_id FROM @session);
    DELETE FROM dbo.schedule WHERE schedule_id IN (SELECT old_id FROM @session);

    INSERT INTO dbo.schedule (schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum,
                              reg_fee, status, stop_reason, stop_time, create_time)
    SELECT schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum,
           reg_fee, status, stop_reason, stop_time, create_time
    FROM @schedule;

    SET IDENTITY_INSERT dbo.schedule_slot ON;
    INSERT INTO dbo.schedule_slot (slot_id, schedule_id, point_no, visit_time, total_num, used_num)
    SELECT slot_id, schedule_id, point_no, visit_time, total_num, used_num
    FROM @slot;
    SET IDENTITY_INSERT dbo.schedule_slot OFF;

    UPDATE g SET schedule_id = r.schedule_id, slot_id = r.slot_id
    FROM dbo.outp_register g
    JOIN @register r ON r.register_id = g.register_id;

    -- After a move, drop the sessions that are now on a day their roster line
    -- does not run, or outside the window today-30 .. today+13 (a database
    -- from before demo_meta may hold more), unless a registration refers to
    -- the session or one of its slots, or it is stopped. Step 4 fills the gaps.
    DECLARE @drop TABLE (schedule_id varchar(20) NOT NULL PRIMARY KEY);
    INSERT INTO @drop (schedule_id)
    SELECT s.schedule_id
    FROM dbo.schedule s
    JOIN dbo.schedule_tpl t ON t.tpl_id = s.tpl_id
    WHERE (CHARINDEX(CAST(DATEDIFF(day, '19000101', s.clinic_date) % 7 + 1 AS varchar(1)), t.week_days) = 0
           OR s.clinic_date < DATEADD(day, -30, @today)
           OR s.clinic_date > DATEADD(day, 13, @today))
      AND s.status <> '0'
      AND NOT EXISTS (SELECT 1 FROM dbo.outp_register g WHERE g.schedule_id = s.schedule_id)
      AND NOT EXISTS (SELECT 1 FROM dbo.outp_register g JOIN dbo.schedule_slot sl ON sl.slot_id = g.slot_id
                      WHERE sl.schedule_id = s.schedule_id);

    DELETE FROM dbo.schedule_slot WHERE schedule_id IN (SELECT schedule_id FROM @drop);
    DELETE FROM dbo.schedule WHERE schedule_id IN (SELECT schedule_id FROM @drop);

    --------------------------------------------------------------------------
    -- 3. the data now describes today
    --------------------------------------------------------------------------

    UPDATE dbo.demo_meta SET value = CONVERT(varchar(10), @today, 120)
    WHERE [key] = 'as_of';
END;

------------------------------------------------------------------------------
-- 4. roster window today-30 .. today+13, built as seed.sql builds it
------------------------------------------------------------------------------

-- Sessions from the weekly roster (schedule_tpl), skipping any whose natural
-- key (tpl_id, clinic_date) or id exists: existing sessions, their bookings,
-- the legacy session r001 and the stopped session stay as they are.
WITH days (n, d) AS (
    SELECT -30, DATEADD(day, -30, @today)
    UNION ALL
    SELECT n + 1, DATEADD(day, 1, d) FROM days WHERE n < 13
)
INSERT INTO dbo.schedule (schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum, reg_fee, status, create_time)
SELECT x.schedule_id, t.tpl_id, days.d, t.ampm, t.dept_code, t.doctor_code, t.clinic_type, t.time_quantum, t.reg_fee, '1',
       DATEADD(day, DATEDIFF(day, '19000101', days.d) - 14, CAST('06:00:00' AS datetime))
FROM days
JOIN dbo.schedule_tpl t
  ON t.valid_flag = '1'
 AND CHARINDEX(CAST(DATEDIFF(day, '19000101', days.d) % 7 + 1 AS varchar(1)), t.week_days) > 0
CROSS APPLY (
    SELECT 'PB' + CONVERT(char(8), days.d, 112)
           + CASE WHEN t.tpl_id < 1000 THEN RIGHT(CAST(1000 + t.tpl_id AS varchar(11)), 3)
                  ELSE CAST(t.tpl_id AS varchar(11)) END AS schedule_id
) AS x
WHERE NOT EXISTS (SELECT 1 FROM dbo.schedule s
                  WHERE s.schedule_id = x.schedule_id
                     OR (s.tpl_id = t.tpl_id AND s.clinic_date = days.d));

-- Time points of every session in the window that lacks them. Past sessions
-- are (nearly) full; upcoming ones start with some slots already taken
-- (window and phone bookings the demo does not model one by one), fewer the
-- further ahead. (CAST(julianday(d) AS INTEGER) of the SQLite script is
-- DATEDIFF(day, '19000101', d) + 2415020.) Numbered day by day, department,
-- doctor, as the SQLite demo numbers them.
INSERT INTO dbo.schedule_slot (schedule_id, point_no, visit_time, total_num, used_num)
SELECT s.schedule_id, p.point_no, p.visit_time, t.nums_per_point,
       CASE
           WHEN s.clinic_date < @today
               THEN t.nums_per_point - (t.tpl_id + p.point_no) % 2
           ELSE ((t.tpl_id * 7 + p.point_no * 5 + (DATEDIFF(day, '19000101', s.clinic_date) + 2415020) * 3) % (t.nums_per_point + 1))
                * (14 - CASE WHEN DATEDIFF(day, @today, s.clinic_date) > 13 THEN 13
                             ELSE DATEDIFF(day, @today, s.clinic_date) END) / 14
       END
FROM dbo.schedule s
JOIN dbo.schedule_tpl t ON t.tpl_id = s.tpl_id
JOIN dbo.time_point_dict p ON p.ampm = s.ampm
WHERE s.clinic_date >= DATEADD(day, -30, @today)
  AND NOT EXISTS (SELECT 1 FROM dbo.schedule_slot x WHERE x.schedule_id = s.schedule_id AND x.point_no = p.point_no)
ORDER BY s.clinic_date, s.dept_code COLLATE Latin1_General_BIN2, s.doctor_code COLLATE Latin1_General_BIN2,
         s.ampm COLLATE Latin1_General_BIN2, s.tpl_id, p.point_no;

COMMIT TRANSACTION;
GO
