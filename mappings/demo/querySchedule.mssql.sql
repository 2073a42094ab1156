-- 3.1 querySchedule (获取排班), SQL Server version of querySchedule.sql.
-- HIS tables read: schedule, schedule_slot.
-- Every session from startDate to endDate (the gateway fills endDate =
-- startDate + 7 days when absent), stopped ones included with status 0.
-- total / clinicNo are the sums of the session's time-point slots; a
-- stopped session reports no remaining slots. clinicWeek is counted from
-- 1900-01-01, a Monday, so it does not depend on SET DATEFIRST / LANGUAGE.
-- Codes are ordered in binary order, as the SQLite HIS orders them
-- ('D0017' before 'd0001').
-- :startDate / :endDate are converted to date; no parameter compares with a
-- varchar column.
SELECT
-- @include session_columns
-- @include session_from
WHERE s.clinic_date BETWEEN CAST(:startDate AS date) AND CAST(:endDate AS date)
ORDER BY s.clinic_date, s.ampm COLLATE Latin1_General_BIN2,
         s.dept_code COLLATE Latin1_General_BIN2, s.doctor_code COLLATE Latin1_General_BIN2;
