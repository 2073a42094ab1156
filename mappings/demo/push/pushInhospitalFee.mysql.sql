-- 16.3 pushInhospitalFee (HIS 推送住院欠费通知): event source, MySQL
-- version of pushInhospitalFee.sql (datetime columns, decimal sums;
-- GREATEST returns NULL when an argument is NULL in MySQL, so the missing
-- latest charge or prepayment counts as today 00:00:00).
-- HIS tables read: inpatient, inp_prepay, inp_fee_detail, patient, card.
-- The event: an inpatient in hospital (inp_status '1') whose prepayments
-- (valid inp_prepay) no longer cover the charges booked (inp_fee_detail),
-- as 4.4 / 9.1 compute remainAmt. The HIS keeps no record of "went into
-- arrears", so the event is derived: one per inpatient per day in arrears,
-- at the first poll that day (a patient still owing tomorrow is reminded
-- again tomorrow).
--   event_key  inp_no || '|' || the day.
--   watermark  the time of the stay's latest charge or prepayment (not
--              before today 00:00:00) || '|' || inp_no. A new charge moves
--              it on; the stay then comes again with the same key, which
--              the gateway has already enqueued.
-- Returns serial_number (住院号), total_amount (the valid prepayments),
-- used_amount (the charges), remain_amount (their difference, negative),
-- arrear_amount (what is owed), exact decimals, and the patient's name,
-- ID number and card (the stay's, else the patient's card in use, 就诊卡
-- first).
-- Each poll sums only the stays with a charge or prepayment booked since
-- the watermark (ix_inp_fee_charge, ix_prepay_time), and every stay in
-- hospital once a day, at the first poll after midnight. Money booked in
-- the current second, or dated in the future, counts from the second it is
-- dated, once that second is over. A NULL or empty watermark (before the
-- first event) starts at today 00:00:00.
WITH w AS (
    SELECT x.wm,
           CAST(LEFT(x.wm, 19) AS datetime) AS from_time,
           CAST(CURDATE() AS datetime) AS day0,
           CAST(NOW() AS datetime) - INTERVAL 1 SECOND AS settled
    FROM (SELECT COALESCE(NULLIF(:watermark, ''), CONCAT(DATE_FORMAT(CURDATE(), '%Y-%m-%d'), ' 00:00:00')) AS wm) AS x
),
moved AS (
    SELECT f.inp_no
    FROM w
    JOIN inp_fee_detail f ON f.charge_time >= w.from_time AND f.charge_time <= w.settled
    UNION
    SELECT y.inp_no
    FROM w
    JOIN inp_prepay y ON y.pay_time >= w.from_time AND y.pay_time <= w.settled
    UNION
    SELECT i.inp_no
    FROM w
    JOIN inpatient i ON i.inp_status = '1'
    WHERE w.from_time <= w.day0 AND w.settled >= w.day0
),
stay AS (
    SELECT i.inp_no, i.patient_id, i.card_no,
           (SELECT COALESCE(SUM(y.amount), 0) FROM inp_prepay y
             WHERE y.inp_no = i.inp_no AND y.status = '1') AS prepaid,
           (SELECT COALESCE(SUM(f.amount), 0) FROM inp_fee_detail f
             WHERE f.inp_no = i.inp_no) AS used,
           GREATEST(w.day0,
                    COALESCE((SELECT MAX(f.charge_time) FROM inp_fee_detail f
                               WHERE f.inp_no = i.inp_no AND f.charge_time <= w.settled), w.day0),
                    COALESCE((SELECT MAX(y.pay_time) FROM inp_prepay y
                               WHERE y.inp_no = i.inp_no AND y.pay_time <= w.settled), w.day0)) AS mark_time
    FROM moved v
    CROSS JOIN w
    JOIN inpatient i ON i.inp_no = v.inp_no
    WHERE i.inp_status = '1'
)
SELECT CONCAT(s.inp_no, '|', DATE_FORMAT(s.mark_time, '%Y-%m-%d')) AS event_key,
       CONCAT(DATE_FORMAT(s.mark_time, '%Y-%m-%d %H:%i:%s'), '|', s.inp_no) AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(s.card_no,
                -- @include main_card
                ) AS patient_card,
       s.inp_no       AS serial_number,
       s.prepaid      AS total_amount,
       s.used         AS used_amount,
       s.prepaid - s.used AS remain_amount,
       s.used - s.prepaid AS arrear_amount
FROM stay s
CROSS JOIN w
JOIN patient p ON p.patient_id = s.patient_id
WHERE s.used - s.prepaid > 0
  AND CONCAT(DATE_FORMAT(s.mark_time, '%Y-%m-%d %H:%i:%s'), '|', s.inp_no) > w.wm
ORDER BY watermark
LIMIT 500;
