-- 16.9 pushStopSchedule (推送停诊信息): event source, MySQL
-- version of pushStopSchedule.sql (datetime columns, the watermark
-- text built with DATE_FORMAT and CONCAT and compared bytewise: the
-- utf8mb4_bin collation of the columns wins over the parameter's).
-- HIS tables read: schedule.
-- The event: a session is stopped (停诊). The roster office sets
-- schedule.status '0' with stop_reason and stop_time; an UPDATE that leaves
-- stop_time as it was gets the time of the update from the trigger
-- tr_schedule_stop_time. One event per stop, in the order they were made;
-- a session stopped after its day had begun is not announced (nobody can be
-- sent to it any more).
--   event_key  schedule_id || '|' || stop_time: a session resumed and
--              stopped again is announced again.
--   watermark  stop_time || '|' || schedule_id.
-- Returns scheduleId, clinicDate, clinicTime (上午/下午), timeQuantum,
-- departmentCode and doctorCode (empty for a 普通门诊 session without a
-- named doctor), as 3.1 querySchedule lists the session.
-- Only seconds that are over are read (stop_time before the current
-- second). A NULL or empty watermark (before the first event) starts at
-- today 00:00:00: the first poll reads today's stops only.
-- ix_schedule_stop (status, stop_time) makes each poll read only the stops
-- since the watermark.
WITH w AS (
    SELECT x.wm, CAST(LEFT(x.wm, 19) AS datetime) AS from_time, CAST(NOW() AS datetime) AS now_time
    FROM (SELECT COALESCE(NULLIF(:watermark, ''), CONCAT(DATE_FORMAT(CURDATE(), '%Y-%m-%d'), ' 00:00:00')) AS wm) AS x
)
SELECT CONCAT(s.schedule_id, '|', DATE_FORMAT(s.stop_time, '%Y-%m-%d %H:%i:%s')) AS event_key,
       CONCAT(DATE_FORMAT(s.stop_time, '%Y-%m-%d %H:%i:%s'), '|', s.schedule_id) AS watermark,
       s.schedule_id  AS scheduleId,
       s.clinic_date  AS clinicDate,
       s.ampm         AS clinicTime,
       s.time_quantum AS timeQuantum,
       s.dept_code    AS departmentCode,
       s.doctor_code  AS doctorCode
FROM w
JOIN schedule s
  ON s.status = '0'
 AND s.stop_time >= w.from_time
 AND s.stop_time < w.now_time
WHERE s.clinic_date >= CAST(s.stop_time AS date)
  AND CONCAT(DATE_FORMAT(s.stop_time, '%Y-%m-%d %H:%i:%s'), '|', s.schedule_id) > w.wm
ORDER BY watermark
LIMIT 500;
