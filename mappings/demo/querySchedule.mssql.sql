-- 3.1 querySchedule (获取排班), SQL Server version of querySchedule.sql.
-- HIS tables read: schedule, schedule_slot.
-- Every session from startDate to endDate (the gateway fills endDate =
-- startDate + 7 days when absent), stopped ones included with status 0.
-- total / clinicNo are the sums of the session's time-point slots; a
-- stopped session reports no remaining slots. clinicWeek is counted from
-- 1900-01-01, a Monday, so it does not depend on SET DATEFIRST / LANGUAGE.
-- Codes are ordered in binary order, as the SQLite HIS orders them
-- ('D0017' before 'd0001').
-- :startDate / :endDate are converted to date; no parameter compares with a
-- varchar column.
SELECT s.schedule_id  AS scheduleId,
       s.doctor_code  AS doctorCode,
       s.dept_code    AS departmentCode,
       s.clinic_date  AS clinicDate,
       s.ampm         AS clinicTime,
       CASE DATEDIFF(day, '19000101', s.clinic_date) % 7
           WHEN 0 THEN N'星期一' WHEN 1 THEN N'星期二' WHEN 2 THEN N'星期三'
           WHEN 3 THEN N'星期四' WHEN 4 THEN N'星期五' WHEN 5 THEN N'星期六'
           ELSE N'星期日'
       END            AS clinicWeek,
       s.clinic_type  AS clinicType,
       CASE WHEN s.status = '0' THEN 0 ELSE sl.free_num END AS clinicNo,
       sl.total_num   AS total,
       s.time_quantum AS clinicTimeQuantum,
       s.reg_fee      AS clinicFee,
       s.status       AS status
FROM dbo.schedule s
JOIN (
    SELECT schedule_id, SUM(total_num - used_num) AS free_num, SUM(total_num) AS total_num
    FROM dbo.schedule_slot
    GROUP BY schedule_id
) AS sl ON sl.schedule_id = s.schedule_id
WHERE s.clinic_date BETWEEN CAST(:startDate AS date) AND CAST(:endDate AS date)
ORDER BY s.clinic_date, s.ampm COLLATE Latin1_General_BIN2,
         s.dept_code COLLATE Latin1_General_BIN2, s.doctor_code COLLATE Latin1_General_BIN2;
