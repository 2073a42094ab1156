-- 3.3 queryRealtimeScheduleDetail (指定日期排班详情查询, 实时排班), PostgreSQL
-- version of queryRealtimeScheduleDetail.sql.
-- HIS tables read: schedule, schedule_slot, doctor_dict, title_dict.
-- The sessions of one department on one day, of one doctor when doctorCode
-- is given. clinicWeek is the ISO weekday; codes sort byte by byte
-- (COLLATE "C" columns) and a session without a doctor comes first, as the
-- SQLite HIS orders them.
-- :departmentCode / :doctorCode compare with varchar columns
-- (schedule.dept_code, doctor_code; :doctorCode is cast where it is only
-- tested for NULL); :clinicDate is read as date.
SELECT
-- @include session_doctor_columns
-- @include session_columns
-- @include session_from
-- @include session_doctor_joins
WHERE s.dept_code = :departmentCode
  AND s.clinic_date = CAST(:clinicDate AS date)
  AND (CAST(:doctorCode AS varchar) IS NULL OR s.doctor_code = :doctorCode)
ORDER BY s.ampm, s.doctor_code NULLS FIRST;
