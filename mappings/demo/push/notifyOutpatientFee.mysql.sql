-- 16.2 notifyOutpatientFee (HIS 推送诊间支付提醒): event source, MySQL
-- version of notifyOutpatientFee.sql (datetime columns, decimal sums,
-- the watermark text built with DATE_FORMAT and CONCAT and compared
-- bytewise: the utf8mb4_bin collation of the columns wins).
-- HIS tables read: rx_master, rx_detail, outp_register, patient, card.
-- The event: the doctor writes a prescription (处方/申请单) that the
-- patient has to pay, so the platform can remind them to pay it online.
-- One event per prescription (rx_master, create_time 开方时间) that is
-- still unpaid (charge_status '0') when the gateway polls it, of a valid
-- registration (status '1'), in the order they were written; one paid at
-- the window before the poll, or void, is not announced.
--   event_key  rx_no.
--   watermark  create_time || '|' || rx_no.
-- Returns total_amount (the exact sum of the prescription's lines), fee_type
-- (药费 / 检查费 / 检验费 / 治疗费, as 8.2 findOutpatientPay lists it),
-- fee_date (the day it was written), clinic_no (the 就诊号 8.2 accepts) and
-- the patient's name, ID number and card (the registration's, else the
-- patient's card in use, 就诊卡 first).
-- 16.8 pushPatientFeeNotice announces the same fees once per visit; a
-- hospital pushes one of the two.
-- Only seconds that are over are read (create_time before the current
-- second), and a prescription without lines yet is left for a later poll.
-- A NULL or empty watermark (before the first event) starts at today
-- 00:00:00: the first poll reads today's prescriptions only. ix_rx_create
-- makes each poll read only the prescriptions written since the watermark.
WITH w AS (
    SELECT x.wm, CAST(LEFT(x.wm, 19) AS datetime) AS from_time, CAST(NOW() AS datetime) AS now_time
    FROM (SELECT COALESCE(NULLIF(:watermark, ''), CONCAT(DATE_FORMAT(CURDATE(), '%Y-%m-%d'), ' 00:00:00')) AS wm) AS x
)
SELECT m.rx_no AS event_key,
       CONCAT(DATE_FORMAT(m.create_time, '%Y-%m-%d %H:%i:%s'), '|', m.rx_no) AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(r.card_no,
                -- @include main_card
                ) AS patient_card,
       r.clinic_no    AS clinic_no,
       CASE m.rx_type WHEN '1' THEN '药费' WHEN '2' THEN '药费' WHEN '3' THEN '检查费'
                      WHEN '4' THEN '检验费' ELSE '治疗费' END AS fee_type,
       CAST(m.create_time AS date) AS fee_date,
       (SELECT SUM(x.amount) FROM rx_detail x WHERE x.rx_no = m.rx_no) AS total_amount
FROM w
JOIN rx_master m
  ON m.create_time >= w.from_time
 AND m.create_time < w.now_time
JOIN outp_register r ON r.register_id = m.register_id
JOIN patient p ON p.patient_id = m.patient_id
WHERE m.charge_status = '0'
  AND r.status = '1'
  AND EXISTS (SELECT 1 FROM rx_detail x WHERE x.rx_no = m.rx_no)
  AND CONCAT(DATE_FORMAT(m.create_time, '%Y-%m-%d %H:%i:%s'), '|', m.rx_no) > w.wm
ORDER BY watermark
LIMIT 500;
