-- The columns of one clinic session (排班) that 3.1 querySchedule, 3.2
-- queryRealtimeSchedule and 3.3 queryRealtimeScheduleDetail all answer;
-- s is the schedule, sl its slots (see session_from).
-- clinicWeek: days since Monday 1900-01-01, so DATEFIRST and the
-- language do not matter.
       s.schedule_id   AS scheduleId,
       s.doctor_code   AS doctorCode,
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
