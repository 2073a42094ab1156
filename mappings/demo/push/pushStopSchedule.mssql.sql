-- 16.9 pushStopSchedule (推送停诊信息): event source, SQL Server version of
-- pushStopSchedule.sql.
-- HIS tables read: schedule.
-- The event: a session is stopped (停诊). The roster office sets
-- schedule.status '0' with stop_reason and stop_time; an UPDATE that leaves
-- stop_time as it was gets the time of the update from the trigger
-- tr_schedule_stop_time. One event per stop, in the order they were made;
-- a session stopped after its day had begun is not announced (nobody can be
-- sent to it any more).
--   event_key  schedule_id + '|' + stop_time: a session resumed and stopped
--              again is announced again.
--   watermark  stop_time (yyyy-MM-dd HH:mm:ss) + '|' + schedule_id, compared
--              and ordered as binary text (Latin1_General_BIN2).
-- Returns scheduleId, clinicDate, clinicTime (上午/下午), timeQuantum,
-- departmentCode and doctorCode (empty for a 普通门诊 session without a
-- named doctor), as 3.1 querySchedule lists the session.
-- Only seconds that are over are read (stop_time before the current
-- second), under locking READ COMMITTED (READCOMMITTEDLOCK). A NULL or
-- empty watermark (before the first event) starts at today 00:00:00: the
-- first poll reads today's stops only. ix_schedule_stop (status, stop_time)
-- makes each poll read only the stops since the watermark.
DECLARE @wm varchar(200) = COALESCE(NULLIF(:watermark, N''), CONVERT(varchar(10), GETDATE(), 120) + ' 00:00:00');
DECLARE @from datetime = CONVERT(datetime, LEFT(@wm, 19), 120);
DECLARE @now datetime = CONVERT(datetime, CONVERT(varchar(19), GETDATE(), 120), 120);

SELECT TOP (500)
       s.schedule_id + '|' + CONVERT(varchar(19), s.stop_time, 120) AS event_key,
       (CONVERT(varchar(19), s.stop_time, 120) + '|' + s.schedule_id)
           COLLATE Latin1_General_BIN2 AS watermark,
       s.schedule_id  AS scheduleId,
       s.clinic_date  AS clinicDate,
       s.ampm         AS clinicTime,
       s.time_quantum AS timeQuantum,
       s.dept_code    AS departmentCode,
       s.doctor_code  AS doctorCode
FROM dbo.schedule s WITH (READCOMMITTEDLOCK)
WHERE s.status = '0'
  AND s.stop_time >= @from
  AND s.stop_time < @now
  AND s.clinic_date >= CAST(s.stop_time AS date)
  AND (CONVERT(varchar(19), s.stop_time, 120) + '|' + s.schedule_id)
          COLLATE Latin1_General_BIN2 > @wm
ORDER BY watermark;
