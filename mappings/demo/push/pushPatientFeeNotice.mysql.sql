-- 16.8 pushPatientFeeNotice (新增诊间支付提醒接口): event source, MySQL
-- version of pushPatientFeeNotice.sql (datetime columns, decimal sums,
-- the watermark text built with DATE_FORMAT and CONCAT and compared
-- bytewise: the utf8mb4_bin collation of the columns wins).
-- HIS tables read: rx_master, rx_detail, outp_register, patient, card.
-- The event: the doctor has finished writing a visit's prescriptions and
-- some are unpaid. A doctor writes several in a row (drugs, then a lab
-- test ...), so a visit is announced once no prescription has been written
-- for it for 60 seconds, with the sum of all its unpaid ones (charge_status
-- '0', registration status '1'). A prescription written later for the same
-- visit makes a new event with the new total.
--   event_key  register_id || '|' || the time of its latest unpaid
--              prescription.
--   watermark  that time || '|' || register_id.
-- Returns hisRegisterId, feeAmount (the exact sum of the lines of the
-- visit's unpaid prescriptions), feeType 门诊缴费, feeDate (the day of the
-- latest prescription) and the patient's name and card (the registration's,
-- else the patient's card in use, 就诊卡 first).
-- 16.2 notifyOutpatientFee announces the same fees once per prescription; a
-- hospital pushes one of the two.
-- A NULL or empty watermark (before the first event) starts at today
-- 00:00:00: the first poll reads today's visits only. Each poll looks only
-- at the visits with a prescription written since the watermark
-- (ix_rx_create), then sums each of them (ix_rx_register).
WITH w AS (
    SELECT x.wm,
           CAST(LEFT(x.wm, 19) AS datetime) AS from_time,
           CAST(NOW() AS datetime) - INTERVAL 60 SECOND AS quiet
    FROM (SELECT COALESCE(NULLIF(:watermark, ''), CONCAT(DATE_FORMAT(CURDATE(), '%Y-%m-%d'), ' 00:00:00')) AS wm) AS x
),
due AS (
    SELECT m.register_id,
           MAX(m.create_time) AS last_time,
           SUM(x.amount) AS amount
    FROM rx_master m
    JOIN rx_detail x ON x.rx_no = m.rx_no
    WHERE m.register_id IN (SELECT n.register_id FROM w
                            JOIN rx_master n ON n.create_time >= w.from_time)
      AND m.charge_status = '0'
    GROUP BY m.register_id
)
SELECT CONCAT(d.register_id, '|', DATE_FORMAT(d.last_time, '%Y-%m-%d %H:%i:%s')) AS event_key,
       CONCAT(DATE_FORMAT(d.last_time, '%Y-%m-%d %H:%i:%s'), '|', d.register_id) AS watermark,
       p.name         AS realName,
       d.amount       AS feeAmount,
       '门诊缴费'      AS feeType,
       CAST(d.last_time AS date) AS feeDate,
       d.register_id  AS hisRegisterId,
       COALESCE(r.card_no,
                -- @include main_card
                ) AS patientCard
FROM due d
CROSS JOIN w
JOIN outp_register r ON r.register_id = d.register_id
JOIN patient p ON p.patient_id = r.patient_id
WHERE r.status = '1'
  AND d.last_time < w.quiet
  AND CONCAT(DATE_FORMAT(d.last_time, '%Y-%m-%d %H:%i:%s'), '|', d.register_id) > w.wm
ORDER BY watermark
LIMIT 500;
