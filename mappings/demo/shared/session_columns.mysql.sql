-- The columns of one clinic session (排班) that 3.1 querySchedule, 3.2
-- queryRealtimeSchedule and 3.3 queryRealtimeScheduleDetail all answer;
-- s is the schedule, sl its slots summed (see session_from).
-- clinicWeek: DATE_FORMAT(d, '%w') counts from Sunday = 0, as SQLite's
-- strftime('%w'), whatever lc_time_names says.
       s.schedule_id   AS scheduleId,
       s.doctor_code   AS doctorCode,
       s.dept_code     AS departmentCode,
       s.clinic_date   AS clinicDate,
       s.ampm          AS clinicTime,
       CASE DATE_FORMAT(s.clinic_date, '%w')
           WHEN '1' THEN '星期一' WHEN '2' THEN '星期二' WHEN '3' THEN '星期三'
           WHEN '4' THEN '星期四' WHEN '5' THEN '星期五' WHEN '6' THEN '星期六'
           ELSE '星期日'
       END             AS clinicWeek,
       s.clinic_type   AS clinicType,
       CASE WHEN s.status = '0' THEN 0 ELSE sl.free_num END AS clinicNo,
       sl.total_num    AS total,
       s.time_quantum  AS clinicTimeQuantum,
       s.reg_fee       AS clinicFee,
       s.status        AS status
