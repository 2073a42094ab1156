-- 16.9 pushStopSchedule (推送停诊信息): event source,
-- PostgreSQL version of pushStopSchedule.sql.
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
-- PostgreSQL: the watermark is text built with to_char and compared and
-- ordered byte by byte (COLLATE "C"), as SQLite compares it; the time
-- columns are timestamp, compared with the watermark's time read back as
-- timestamp; sums are numeric (exact). :watermark is read as text.
WITH w AS (
    SELECT x.wm, CAST(left(x.wm, 19) AS timestamp) AS from_time, date_trunc('second', localtimestamp) AS now
    FROM (SELECT COALESCE(NULLIF(CAST(:watermark AS text), ''), to_char(CURRENT_DATE, 'YYYY-MM-DD') || ' 00:00:00')
                 COLLATE "C" AS wm) AS x
)
SELECT s.schedule_id || '|' || to_char(s.stop_time, 'YYYY-MM-DD HH24:MI:SS') AS event_key,
       (to_char(s.stop_time, 'YYYY-MM-DD HH24:MI:SS') || '|' || s.schedule_id) COLLATE "C" AS watermark,
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
 AND s.stop_time < w.now
WHERE s.clinic_date >= CAST(s.stop_time AS date)
  AND (to_char(s.stop_time, 'YYYY-MM-DD HH24:MI:SS') || '|' || s.schedule_id) COLLATE "C" > w.wm
ORDER BY watermark
LIMIT 500;
