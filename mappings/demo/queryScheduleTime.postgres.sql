-- 3.4 queryScheduleTime (获取排班时间点), PostgreSQL version of
-- queryScheduleTime.sql (the parameters tested only for NULL are cast:
-- PostgreSQL infers a parameter's type from where it is first used).
-- HIS tables read: schedule, schedule_slot.
-- The time points of one session. scheduleId is this HIS's key for a
-- session: when it is given it alone selects the session. Without it the
-- session is found by department, date, 上午/下午 and (for 专家门诊) doctor.
-- sourceNo is the slot id (号源编号) that insertSubscription / insertRegister
-- take back; sourceOrder the time point's number within the session; havaNo
-- the slots left at that time point (0 = full, or the session is stopped).
-- :scheduleId, :departmentCode, :doctorCode and :clinicTime compare with
-- varchar columns (schedule.schedule_id, dept_code, doctor_code, ampm);
-- :clinicDate is read as date.
SELECT s.doctor_code AS doctorCode,
       s.dept_code   AS departmentCode,
       s.clinic_date AS clinicDate,
       sl.slot_id    AS sourceNo,
       sl.point_no   AS sourceOrder,
       sl.visit_time AS visitTime,
       CASE WHEN s.status = '0' THEN 0 ELSE sl.total_num - sl.used_num END AS havaNo
FROM schedule s
JOIN schedule_slot sl ON sl.schedule_id = s.schedule_id
WHERE (CAST(:scheduleId AS varchar) IS NOT NULL AND s.schedule_id = :scheduleId)
   OR (CAST(:scheduleId AS varchar) IS NULL
       AND s.dept_code = :departmentCode
       AND s.clinic_date = CAST(:clinicDate AS date)
       AND s.ampm = :clinicTime
       AND (CAST(:doctorCode AS varchar) IS NULL OR s.doctor_code = :doctorCode))
ORDER BY s.schedule_id, sl.point_no;
