-- 16.5 pushClinicFinish (HIS 推送就诊完成通知): event source, SQL Server
-- version of pushClinicFinish.sql.
-- HIS tables read: outp_register, patient, card.
-- The event: the doctor receives a registered patient. The doctor's station
-- sets outp_register.visit_status '1' 已就诊 and see_time (接诊时间); one
-- event per registration (status '1': paid, not cancelled), in the order
-- the patients were seen.
--   event_key  register_id (seen once: a registration is not announced twice).
--   watermark  see_time (yyyy-MM-dd HH:mm:ss) + '|' + register_id, compared
--              and ordered as binary text (Latin1_General_BIN2).
-- Returns his_id (the HIS 挂号 ID, register_id) and the patient's name, ID
-- number and card (the registration's, else the patient's card in use,
-- 就诊卡 first). register_id, the platform's own 挂号 ID, is not known to
-- the HIS and is left out (the spec asks for one of the two).
-- Only seconds that are over are read (see_time before the current
-- second), under locking READ COMMITTED (READCOMMITTEDLOCK): a visit being
-- recorded in a transaction not yet committed makes the poll wait for it
-- rather than skip it. A NULL or empty watermark (before the first event)
-- starts at today 00:00:00: the first poll reads today's visits only.
-- ix_register_seen (visit_status, see_time) makes each poll read only the
-- visits since the watermark.
DECLARE @wm varchar(200) = COALESCE(NULLIF(:watermark, N''), CONVERT(varchar(10), GETDATE(), 120) + ' 00:00:00');
DECLARE @from datetime = CONVERT(datetime, LEFT(@wm, 19), 120);
DECLARE @now datetime = CONVERT(datetime, CONVERT(varchar(19), GETDATE(), 120), 120);

SELECT TOP (500)
       r.register_id  AS event_key,
       (CONVERT(varchar(19), r.see_time, 120) + '|' + r.register_id)
           COLLATE Latin1_General_BIN2 AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(r.card_no, mc.card_no) AS patient_card,
       r.register_id  AS his_id
FROM dbo.outp_register r WITH (READCOMMITTEDLOCK)
JOIN dbo.patient p ON p.patient_id = r.patient_id
-- @include main_card_apply
WHERE r.visit_status = '1'
  AND r.see_time >= @from
  AND r.see_time < @now
  AND r.status = '1'
  AND (CONVERT(varchar(19), r.see_time, 120) + '|' + r.register_id)
          COLLATE Latin1_General_BIN2 > @wm
ORDER BY watermark;
