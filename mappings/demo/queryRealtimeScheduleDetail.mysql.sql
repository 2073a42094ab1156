-- 3.3 queryRealtimeScheduleDetail (指定日期排班详情查询, 实时排班), MySQL
-- version of queryRealtimeScheduleDetail.sql (the slots are summed in
-- session_from, so there is no GROUP BY).
-- HIS tables read: schedule, schedule_slot, doctor_dict, title_dict.
-- The sessions of one department on one day, of one doctor when doctorCode
-- is given.
-- :departmentCode and :doctorCode compare with varchar columns
-- (schedule.dept_code, doctor_code); :clinicDate is read as date.
SELECT
-- @include session_doctor_columns
-- @include session_columns
-- @include session_from
-- @include session_doctor_joins
WHERE s.dept_code = :departmentCode
  AND s.clinic_date = CAST(:clinicDate AS date)
  AND (:doctorCode IS NULL OR s.doctor_code = :doctorCode)
ORDER BY s.ampm, s.doctor_code;
