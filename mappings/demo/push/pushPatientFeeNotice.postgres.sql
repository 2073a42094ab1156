-- 16.8 pushPatientFeeNotice (新增诊间支付提醒接口): event source,
-- PostgreSQL version of pushPatientFeeNotice.sql.
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
-- PostgreSQL: the watermark is text built with to_char and compared and
-- ordered byte by byte (COLLATE "C"), as SQLite compares it; the time
-- columns are timestamp, compared with the watermark's time read back as
-- timestamp; sums are numeric (exact). :watermark is read as text.
WITH w AS (
    SELECT x.wm,
           CAST(left(x.wm, 19) AS timestamp) AS from_time,
           date_trunc('second', localtimestamp) - interval '60 seconds' AS quiet
    FROM (SELECT COALESCE(NULLIF(CAST(:watermark AS text), ''), to_char(CURRENT_DATE, 'YYYY-MM-DD') || ' 00:00:00')
                 COLLATE "C" AS wm) AS x
),
due AS (
    SELECT m.register_id,
           max(m.create_time) AS last_time,
           SUM(x.amount) AS amount
    FROM rx_master m
    JOIN rx_detail x ON x.rx_no = m.rx_no
    WHERE m.register_id IN (SELECT n.register_id FROM w
                            JOIN rx_master n ON n.create_time >= w.from_time)
      AND m.charge_status = '0'
    GROUP BY m.register_id
)
SELECT d.register_id || '|' || to_char(d.last_time, 'YYYY-MM-DD HH24:MI:SS') AS event_key,
       (to_char(d.last_time, 'YYYY-MM-DD HH24:MI:SS') || '|' || d.register_id) COLLATE "C" AS watermark,
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
  AND (to_char(d.last_time, 'YYYY-MM-DD HH24:MI:SS') || '|' || d.register_id) COLLATE "C" > w.wm
ORDER BY watermark
LIMIT 500;
