-- 3.1 querySchedule (获取排班), MySQL version of querySchedule.sql (the
-- slots are summed in session_from, so there is no GROUP BY).
-- HIS tables read: schedule, schedule_slot.
-- Every session from startDate to endDate (the gateway fills endDate =
-- startDate + 7 days when absent), stopped ones included with status 0.
-- total / clinicNo are the sums of the session's time-point slots; a
-- stopped session reports no remaining slots. Codes sort byte by byte
-- (utf8mb4_bin columns) and a session without a doctor comes first, as the
-- SQLite HIS orders them.
-- :startDate / :endDate are read as date.
SELECT
-- @include session_columns
-- @include session_from
WHERE s.clinic_date BETWEEN CAST(:startDate AS date) AND CAST(:endDate AS date)
ORDER BY s.clinic_date, s.ampm, s.dept_code, s.doctor_code;
