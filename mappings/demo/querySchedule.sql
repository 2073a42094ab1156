-- 3.1 querySchedule (获取排班)
-- HIS tables read: schedule, schedule_slot.
-- Every session from startDate to endDate (the gateway fills endDate =
-- startDate + 7 days when absent), stopped ones included with status 0.
-- total / clinicNo are the sums of the session's time-point slots; a
-- stopped session reports no remaining slots.
SELECT
-- @include session_columns
-- @include session_from
WHERE s.clinic_date BETWEEN :startDate AND :endDate
GROUP BY s.schedule_id
ORDER BY s.clinic_date, s.ampm, s.dept_code, s.doctor_code;
