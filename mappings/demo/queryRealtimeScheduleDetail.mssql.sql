-- 3.3 queryRealtimeScheduleDetail (指定日期排班详情查询, 实时排班), SQL Server
-- version of queryRealtimeScheduleDetail.sql.
-- HIS tables read: schedule, schedule_slot, doctor_dict, title_dict.
-- The sessions of one department on one day, of one doctor when doctorCode
-- is given. clinicWeek is counted from 1900-01-01, a Monday, so it does not
-- depend on SET DATEFIRST / LANGUAGE; codes are ordered in binary order, as
-- the SQLite HIS orders them.
-- Parameters compared with varchar columns (schedule.dept_code,
-- doctor_code) bind as varchar; :clinicDate is converted to date.
-- @varchar :departmentCode, :doctorCode
SELECT
-- @include session_doctor_columns
-- @include session_columns
-- @include session_from
-- @include session_doctor_joins
WHERE s.dept_code = :departmentCode
  AND s.clinic_date = CAST(:clinicDate AS date)
  AND (:doctorCode IS NULL OR s.doctor_code = :doctorCode)
ORDER BY s.ampm COLLATE Latin1_General_BIN2, s.doctor_code COLLATE Latin1_General_BIN2;
