-- 16.8 pushPatientFeeNotice (新增诊间支付提醒接口): event source, SQL Server
-- version of pushPatientFeeNotice.sql.
-- HIS tables read: rx_master, rx_detail, outp_register, patient, card.
-- The event: the doctor has finished writing a visit's prescriptions and
-- some are unpaid. A doctor writes several in a row (drugs, then a lab
-- test ...), so a visit is announced once no prescription has been written
-- for it for 60 seconds, with the sum of all its unpaid ones (charge_status
-- '0', registration status '1'). A prescription written later for the same
-- visit makes a new event with the new total.
--   event_key  register_id + '|' + the time (whole seconds) of its latest
--              unpaid prescription.
--   watermark  that time (yyyy-MM-dd HH:mm:ss) + '|' + register_id, compared
--              and ordered as binary text (Latin1_General_BIN2).
-- Returns hisRegisterId, feeAmount (the decimal sum of the lines of the
-- visit's unpaid prescriptions), feeType 门诊缴费, feeDate (the day of the
-- latest prescription) and the patient's name and card (the registration's,
-- else the patient's card in use, 就诊卡 first).
-- 16.2 notifyOutpatientFee announces the same fees once per prescription; a
-- hospital pushes one of the two.
-- A NULL or empty watermark (before the first event) starts at today
-- 00:00:00: the first poll reads today's visits only. Each poll looks only
-- at the visits with a prescription written since the watermark
-- (ix_rx_create), then sums each of them (ix_rx_register).
DECLARE @wm varchar(200) = COALESCE(NULLIF(:watermark, N''), CONVERT(varchar(10), GETDATE(), 120) + ' 00:00:00');
DECLARE @from datetime = CONVERT(datetime, LEFT(@wm, 19), 120);
DECLARE @quiet datetime = DATEADD(second, -60, CONVERT(datetime, CONVERT(varchar(19), GETDATE(), 120), 120));

SELECT TOP (500)
       d.register_id + '|' + CONVERT(varchar(19), d.last_time, 120) AS event_key,
       (CONVERT(varchar(19), d.last_time, 120) + '|' + d.register_id)
           COLLATE Latin1_General_BIN2 AS watermark,
       p.name         AS realName,
       d.amount       AS feeAmount,
       N'门诊缴费'     AS feeType,
       CAST(d.last_time AS date) AS feeDate,
       d.register_id  AS hisRegisterId,
       COALESCE(r.card_no, mc.card_no) AS patientCard
FROM (
    SELECT m.register_id, MAX(m.create_time) AS last_time, SUM(x.amount) AS amount
    FROM dbo.rx_master m WITH (READCOMMITTEDLOCK)
    JOIN dbo.rx_detail x ON x.rx_no = m.rx_no
    WHERE m.register_id IN (SELECT n.register_id FROM dbo.rx_master n WITH (READCOMMITTEDLOCK)
                            WHERE n.create_time >= @from)
      AND m.charge_status = '0'
    GROUP BY m.register_id
) AS d
JOIN dbo.outp_register r ON r.register_id = d.register_id
JOIN dbo.patient p ON p.patient_id = r.patient_id
-- @include main_card_apply
WHERE r.status = '1'
  AND d.last_time < @quiet
  AND (CONVERT(varchar(19), d.last_time, 120) + '|' + d.register_id)
          COLLATE Latin1_General_BIN2 > @wm
ORDER BY watermark;
