-- 16.4 pushDayExpense (HIS 推送住院一日清清单费用): event source, MySQL
-- version of pushDayExpense.sql (date columns, decimal sums, the
-- watermark split into its date and its 住院号 for the row comparison).
-- HIS tables read: inp_fee_detail, inpatient, patient, card.
-- The event: a day of a stay is over and its charges are complete: the
-- 一日清 (daily list) total of that day. One event per stay and fee_date
-- with charges, once the day is past (fee_date before today), in day order.
-- Charges booked later to a day already announced do not announce it again.
--   event_key  inp_no || '|' || fee_date.
--   watermark  fee_date || '|' || inp_no (all of a day's lists become due
--              together, at midnight).
-- Returns total_amount (the exact sum of the day's charges), fee_date,
-- fee_type 住院费用, serial_number (住院号: 9.2 getDayExpense takes it as
-- queryId) and the patient's name, ID number and card (the stay's, else the
-- patient's card in use, 就诊卡 first).
-- A NULL or empty watermark (before the first event) starts with
-- yesterday's lists. ix_inp_fee_day (fee_date, inp_no, amount) gives the
-- days after the watermark in order, summed from the index alone.
WITH w AS (
    SELECT x.wm,
           CAST(LEFT(x.wm, 10) AS date) AS wm_date,
           SUBSTRING(x.wm, 12) AS wm_inp,
           CURDATE() AS today
    FROM (SELECT COALESCE(NULLIF(:watermark, ''), DATE_FORMAT(CURDATE() - INTERVAL 1 DAY, '%Y-%m-%d')) AS wm) AS x
),
fee_day AS (
    SELECT f.fee_date, f.inp_no, SUM(f.amount) AS amount
    FROM w
    JOIN inp_fee_detail f
      ON (f.fee_date, f.inp_no) > (w.wm_date, w.wm_inp)
     AND f.fee_date < w.today
    GROUP BY f.fee_date, f.inp_no
    ORDER BY f.fee_date, f.inp_no
    LIMIT 500
)
SELECT CONCAT(d.inp_no, '|', DATE_FORMAT(d.fee_date, '%Y-%m-%d')) AS event_key,
       CONCAT(DATE_FORMAT(d.fee_date, '%Y-%m-%d'), '|', d.inp_no) AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(i.card_no,
                -- @include main_card
                ) AS patient_card,
       d.inp_no       AS serial_number,
       '住院费用'      AS fee_type,
       d.fee_date     AS fee_date,
       d.amount       AS total_amount
FROM fee_day d
JOIN inpatient i ON i.inp_no = d.inp_no
JOIN patient p ON p.patient_id = i.patient_id
ORDER BY watermark
LIMIT 500;
