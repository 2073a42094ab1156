-- 16.3 pushInhospitalFee (HIS 推送住院欠费通知): event source.
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
-- first event) starts at today 00:00:00. (MATERIALIZED and CROSS JOIN fix
-- the join order: SQLite would otherwise scan inpatient and patient.)
WITH w AS (
    SELECT COALESCE(NULLIF(:watermark, ''), date('now', 'localtime') || ' 00:00:00') AS wm,
           date('now', 'localtime') || ' 00:00:00' AS day0,
           datetime('now', 'localtime', '-1 seconds') AS settled
),
moved AS MATERIALIZED (
    SELECT f.inp_no
    FROM w
    JOIN inp_fee_detail f ON f.charge_time >= substr(w.wm, 1, 19) AND f.charge_time <= w.settled
    UNION
    SELECT y.inp_no
    FROM w
    JOIN inp_prepay y ON y.pay_time >= substr(w.wm, 1, 19) AND y.pay_time <= w.settled
    UNION
    SELECT i.inp_no
    FROM w
    JOIN inpatient i ON i.inp_status = '1'
    WHERE substr(w.wm, 1, 19) <= w.day0 AND w.settled >= w.day0
),
stay AS MATERIALIZED (
    SELECT i.inp_no, i.patient_id, i.card_no,
           (SELECT dec_sum(y.amount) FROM inp_prepay y
             WHERE y.inp_no = i.inp_no AND y.status = '1') AS prepaid,
           (SELECT dec_sum(f.amount) FROM inp_fee_detail f
             WHERE f.inp_no = i.inp_no) AS used,
           max(w.day0,
               COALESCE((SELECT max(substr(f.charge_time, 1, 19)) FROM inp_fee_detail f
                          WHERE f.inp_no = i.inp_no AND f.charge_time <= w.settled), ''),
               COALESCE((SELECT max(substr(y.pay_time, 1, 19)) FROM inp_prepay y
                          WHERE y.inp_no = i.inp_no AND y.pay_time <= w.settled), '')) AS mark_time
    FROM moved v
    CROSS JOIN w
    CROSS JOIN inpatient i ON i.inp_no = v.inp_no
    WHERE i.inp_status = '1'
)
SELECT s.inp_no || '|' || substr(s.mark_time, 1, 10) AS event_key,
       s.mark_time || '|' || s.inp_no AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(s.card_no,
                -- @include main_card
                ) AS patient_card,
       s.inp_no       AS serial_number,
       s.prepaid      AS total_amount,
       s.used         AS used_amount,
       dec_sub(s.prepaid, s.used) AS remain_amount,
       dec_sub(s.used, s.prepaid) AS arrear_amount
FROM stay s
CROSS JOIN w
CROSS JOIN patient p ON p.patient_id = s.patient_id
WHERE CAST(dec_sub(s.used, s.prepaid) AS REAL) > 0
  AND s.mark_time || '|' || s.inp_no > w.wm
ORDER BY watermark
LIMIT 500;
