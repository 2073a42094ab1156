-- 3.1 querySchedule (获取排班)
-- HIS tables read: schedule, schedule_slot.
-- Every session from startDate to endDate (the gateway fills endDate =
-- startDate + 7 days when absent), stopped ones included with status 0.
-- total / clinicNo are the sums of the session's time-point slots; a
-- stopped session reports no remaining slots.
SELECT s.schedule_id  AS scheduleId,
       s.doctor_code  AS doctorCode,
       s.dept_code    AS departmentCode,
       s.clinic_date  AS clinicDate,
       s.ampm         AS clinicTime,
       CASE strftime('%w', s.clinic_date)
           WHEN '1' THEN '星期一' WHEN '2' THEN '星期二' WHEN '3' THEN '星期三'
           WHEN '4' THEN '星期四' WHEN '5' THEN '星期五' WHEN '6' THEN '星期六'
           ELSE '星期日'
       END            AS clinicWeek,
       s.clinic_type  AS clinicType,
       CASE WHEN s.status = '0' THEN 0 ELSE SUM(sl.total_num - sl.used_num) END AS clinicNo,
       SUM(sl.total_num) AS total,
       s.time_quantum AS clinicTimeQuantum,
       s.reg_fee      AS clinicFee,
       s.status       AS status
FROM schedule s
JOIN schedule_slot sl ON sl.schedule_id = s.schedule_id
WHERE s.clinic_date BETWEEN :startDate AND :endDate
GROUP BY s.schedule_id
ORDER BY s.clinic_date, s.ampm, s.dept_code, s.doctor_code;
