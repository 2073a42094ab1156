-- 16.4 pushDayExpense (HIS 推送住院一日清清单费用): event source,
-- PostgreSQL version of pushDayExpense.sql.
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
-- PostgreSQL: the watermark is text built with to_char and compared and
-- ordered byte by byte (COLLATE "C"), as SQLite compares it; the time
-- columns are timestamp, compared with the watermark's time read back as
-- timestamp; sums are numeric (exact). :watermark is read as text.
WITH w AS (
    SELECT x.wm,
           CAST(left(x.wm, 10) AS date) AS wm_date,
           CAST(substr(x.wm, 12) AS varchar) COLLATE "C" AS wm_inp,
           CURRENT_DATE AS today
    FROM (SELECT COALESCE(NULLIF(CAST(:watermark AS text), ''), to_char(CURRENT_DATE - 1, 'YYYY-MM-DD'))
                 COLLATE "C" AS wm) AS x
),
day AS (
    SELECT f.fee_date, f.inp_no, SUM(f.amount) AS amount
    FROM w
    JOIN inp_fee_detail f
      ON (f.fee_date, f.inp_no) > (w.wm_date, w.wm_inp)
     AND f.fee_date < w.today
    GROUP BY f.fee_date, f.inp_no
    ORDER BY f.fee_date, f.inp_no
    LIMIT 500
)
SELECT d.inp_no || '|' || to_char(d.fee_date, 'YYYY-MM-DD') AS event_key,
       (to_char(d.fee_date, 'YYYY-MM-DD') || '|' || d.inp_no) COLLATE "C" AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(i.card_no,
                -- @include main_card
                ) AS patient_card,
       d.inp_no       AS serial_number,
       '住院费用'      AS fee_type,
       d.fee_date     AS fee_date,
       d.amount       AS total_amount
FROM day d
JOIN inpatient i ON i.inp_no = d.inp_no
JOIN patient p ON p.patient_id = i.patient_id
ORDER BY watermark
LIMIT 500;
