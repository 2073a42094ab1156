-- 3.2 queryRealtimeSchedule (医生坐诊信息查询, 实时排班)
-- HIS tables read: schedule, schedule_slot, doctor_dict, title_dict.
-- The sessions of one department from startDate to endDate (endDate filled
-- by the gateway when absent). Doctor fields are empty for a 普通门诊
-- session without a named doctor. positionId is the title code (GB/T 8561),
-- positionName its name.
SELECT s.schedule_id   AS scheduleId,
       s.doctor_code   AS doctorCode,
       doc.doctor_name AS doctorName,
       doc.title_code  AS positionId,
       t.title_name    AS positionName,
       doc.specialty   AS doctorSpecialty,
       doc.intro       AS doctorSummary,
       s.dept_code     AS departmentCode,
       s.clinic_date   AS clinicDate,
       CASE strftime('%w', s.clinic_date)
           WHEN '1' THEN '星期一' WHEN '2' THEN '星期二' WHEN '3' THEN '星期三'
           WHEN '4' THEN '星期四' WHEN '5' THEN '星期五' WHEN '6' THEN '星期六'
           ELSE '星期日'
       END             AS clinicWeek,
       s.clinic_type   AS clinicType,
       s.reg_fee       AS clinicFee,
       s.ampm          AS clinicTime,
       s.time_quantum  AS clinicTimeQuantum,
       CASE WHEN s.status = '0' THEN 0 ELSE SUM(sl.total_num - sl.used_num) END AS clinicNo,
       SUM(sl.total_num) AS total,
       s.status        AS status
FROM schedule s
JOIN schedule_slot sl ON sl.schedule_id = s.schedule_id
LEFT JOIN doctor_dict doc ON doc.doctor_code = s.doctor_code
LEFT JOIN title_dict t ON t.title_code = doc.title_code
WHERE s.dept_code = :departmentCode
  AND s.clinic_date BETWEEN :startDate AND :endDate
GROUP BY s.schedule_id
ORDER BY s.clinic_date, s.ampm, s.doctor_code;
