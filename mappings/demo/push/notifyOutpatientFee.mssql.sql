-- 16.2 notifyOutpatientFee (HIS 推送诊间支付提醒): event source, SQL Server
-- version of notifyOutpatientFee.sql.
-- HIS tables read: rx_master, rx_detail, outp_register, patient, card.
-- The event: the doctor writes a prescription (处方/申请单) that the
-- patient has to pay, so the platform can remind them to pay it online.
-- One event per prescription (rx_master, create_time 开方时间) that is
-- still unpaid (charge_status '0') when the gateway polls it, of a valid
-- registration (status '1'), in the order they were written; one paid at
-- the window before the poll, or void, is not announced.
--   event_key  rx_no.
--   watermark  create_time (yyyy-MM-dd HH:mm:ss) + '|' + rx_no, compared and
--              ordered as binary text (Latin1_General_BIN2).
-- Returns total_amount (the decimal sum of the prescription's lines),
-- fee_type (药费 / 检查费 / 检验费 / 治疗费, as 8.2 findOutpatientPay lists
-- it), fee_date (the day it was written), clinic_no (the 就诊号 8.2
-- accepts) and the patient's name, ID number and card (the registration's,
-- else the patient's card in use, 就诊卡 first).
-- 16.8 pushPatientFeeNotice announces the same fees once per visit; a
-- hospital pushes one of the two.
-- Only seconds that are over are read (create_time before the current
-- second), under locking READ COMMITTED (READCOMMITTEDLOCK), and a
-- prescription without lines yet is left for a later poll. A NULL or empty
-- watermark (before the first event) starts at today 00:00:00: the first
-- poll reads today's prescriptions only. ix_rx_create makes each poll read
-- only the prescriptions written since the watermark.
DECLARE @wm varchar(200) = COALESCE(NULLIF(:watermark, N''), CONVERT(varchar(10), GETDATE(), 120) + ' 00:00:00');
DECLARE @from datetime = CONVERT(datetime, LEFT(@wm, 19), 120);
DECLARE @now datetime = CONVERT(datetime, CONVERT(varchar(19), GETDATE(), 120), 120);

SELECT TOP (500)
       m.rx_no        AS event_key,
       (CONVERT(varchar(19), m.create_time, 120) + '|' + m.rx_no)
           COLLATE Latin1_General_BIN2 AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(r.card_no, mc.card_no) AS patient_card,
       r.clinic_no    AS clinic_no,
       CASE m.rx_type WHEN '1' THEN N'药费' WHEN '2' THEN N'药费' WHEN '3' THEN N'检查费'
                      WHEN '4' THEN N'检验费' ELSE N'治疗费' END AS fee_type,
       CAST(m.create_time AS date) AS fee_date,
       t.amount       AS total_amount
FROM dbo.rx_master m WITH (READCOMMITTEDLOCK)
JOIN dbo.outp_register r ON r.register_id = m.register_id
JOIN dbo.patient p ON p.patient_id = m.patient_id
CROSS APPLY (SELECT SUM(x.amount) AS amount FROM dbo.rx_detail x WHERE x.rx_no = m.rx_no) AS t
-- @include main_card_apply
WHERE m.create_time >= @from
  AND m.create_time < @now
  AND m.charge_status = '0'
  AND r.status = '1'
  AND t.amount IS NOT NULL
  AND (CONVERT(varchar(19), m.create_time, 120) + '|' + m.rx_no)
          COLLATE Latin1_General_BIN2 > @wm
ORDER BY watermark;
