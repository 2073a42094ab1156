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
SELECT s.schedule_id   AS scheduleId,
       s.doctor_code   AS doctorCode,
       doc.doctor_name AS doctorName,
       doc.title_code  AS positionId,
       t.title_name    AS positionName,
       doc.specialty   AS doctorSpecialty,
       doc.intro       AS doctorSummary,
       s.dept_code     AS departmentCode,
       s.clinic_date   AS clinicDate,
       CASE DATEDIFF(day, '19000101', s.clinic_date) % 7
           WHEN 0 THEN N'星期一' WHEN 1 THEN N'星期二' WHEN 2 THEN N'星期三'
           WHEN 3 THEN N'星期四' WHEN 4 THEN N'星期五' WHEN 5 THEN N'星期六'
           ELSE N'星期日'
       END             AS clinicWeek,
       s.clinic_type   AS clinicType,
       s.reg_fee       AS clinicFee,
       s.ampm          AS clinicTime,
       s.time_quantum  AS clinicTimeQuantum,
       CASE WHEN s.status = '0' THEN 0 ELSE sl.free_num END AS clinicNo,
       sl.total_num    AS total,
       s.status        AS status
FROM dbo.schedule s
JOIN (
    SELECT schedule_id, SUM(total_num - used_num) AS free_num, SUM(total_num) AS total_num
    FROM dbo.schedule_slot
    GROUP BY schedule_id
) AS sl ON sl.schedule_id = s.schedule_id
LEFT JOIN dbo.doctor_dict doc ON doc.doctor_code = s.doctor_code
LEFT JOIN dbo.title_dict t ON t.title_code = doc.title_code
WHERE s.dept_code = :departmentCode
  AND s.clinic_date BETWEEN CAST(:startDate AS date) AND CAST(:endDate AS date)
ORDER BY s.clinic_date, s.ampm COLLATE Latin1_General_BIN2, s.doctor_code COLLATE Latin1_General_BIN2;
