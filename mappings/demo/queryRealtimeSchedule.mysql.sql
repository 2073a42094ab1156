-- 3.2 queryRealtimeSchedule (医生坐诊信息查询, 实时排班), MySQL version of
-- queryRealtimeSchedule.sql (the slots are summed in session_from, so there
-- is no GROUP BY).
-- HIS tables read: schedule, schedule_slot, doctor_dict, title_dict.
-- The sessions of one department from startDate to endDate (endDate filled
-- by the gateway when absent). Doctor fields are empty for a 普通门诊
-- session without a named doctor. positionId is the title code (GB/T 8561),
-- positionName its name. Codes sort byte by byte (utf8mb4_bin columns) and
-- a session without a doctor comes first, as the SQLite HIS orders them.
-- :departmentCode compares with schedule.dept_code (varchar);
-- :startDate / :endDate are read as date.
SELECT
-- @include session_doctor_columns
-- @include session_columns
-- @include session_from
-- @include session_doctor_joins
WHERE s.dept_code = :departmentCode
  AND s.clinic_date BETWEEN CAST(:startDate AS date) AND CAST(:endDate AS date)
ORDER BY s.clinic_date, s.ampm, s.doctor_code;
