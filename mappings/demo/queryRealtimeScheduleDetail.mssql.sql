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
SELECT s.schedule_id   AS scheduleId,
       s.doctor_code   AS doctorCode,
       doc.doctor_name AS doctorName,
       doc.title_code  AS positionId,
       t.title_name    AS positionName,
       doc.specialty   AS doctorSpecialty,
       doc.intro       AS doctorSummary,
       s.dept_code     AS departmentCode,
       s.clinic_date   AS clinicDate,
       s.ampm          AS clinicTime,
       CASE DATEDIFF(day, '19000101', s.clinic_date) % 7
           WHEN 0 THEN N'星期一' WHEN 1 THEN N'星期二' WHEN 2 THEN N'星期三'
           WHEN 3 THEN N'星期四' WHEN 4 THEN N'星期五' WHEN 5 THEN N'星期六'
           ELSE N'星期日'
       END             AS clinicWeek,
       s.clinic_type   AS clinicType,
       CASE WHEN s.status = '0' THEN 0 ELSE sl.free_num END AS clinicNo,
       sl.total_num    AS total,
       s.time_quantum  AS clinicTimeQuantum,
       s.reg_fee       AS clinicFee,
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
  AND s.clinic_date = CAST(:clinicDate AS date)
  AND (:doctorCode IS NULL OR s.doctor_code = :doctorCode)
ORDER BY s.ampm COLLATE Latin1_General_BIN2, s.doctor_code COLLATE Latin1_General_BIN2;
