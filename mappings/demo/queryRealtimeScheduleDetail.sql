-- 3.3 queryRealtimeScheduleDetail (指定日期排班详情查询, 实时排班)
-- HIS tables read: schedule, schedule_slot, doctor_dict, title_dict.
-- The sessions of one department on one day, of one doctor when doctorCode
-- is given.
SELECT
-- @include session_doctor_columns
-- @include session_columns
-- @include session_from
-- @include session_doctor_joins
WHERE s.dept_code = :departmentCode
  AND s.clinic_date = :clinicDate
  AND (:doctorCode IS NULL OR s.doctor_code = :doctorCode)
GROUP BY s.schedule_id
ORDER BY s.ampm, s.doctor_code;
