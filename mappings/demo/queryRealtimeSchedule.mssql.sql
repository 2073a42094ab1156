-- 3.2 queryRealtimeSchedule (医生坐诊信息查询, 实时排班), SQL Server version of
-- queryRealtimeSchedule.sql.
-- HIS tables read: schedule, schedule_slot, doctor_dict, title_dict.
-- The sessions of one department from startDate to endDate (endDate filled
-- by the gateway when absent). Doctor fields are empty for a 普通门诊
-- session without a named doctor. positionId is the title code (GB/T 8561),
-- positionName its name. clinicWeek is counted from 1900-01-01, a Monday,
-- so it does not depend on SET DATEFIRST / LANGUAGE; codes are ordered in
-- binary order, as the SQLite HIS orders them.
-- Parameters compared with varchar columns (schedule.dept_code) bind as
-- varchar; :startDate / :endDate are converted to date.
-- @varchar :departmentCode
SELECT
-- @include session_doctor_columns
-- @include session_columns
-- @include session_from
-- @include session_doctor_joins
WHERE s.dept_code = :departmentCode
  AND s.clinic_date BETWEEN CAST(:startDate AS date) AND CAST(:endDate AS date)
ORDER BY s.clinic_date, s.ampm COLLATE Latin1_General_BIN2, s.doctor_code COLLATE Latin1_General_BIN2;
