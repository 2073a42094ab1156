-- 16.4 pushDayExpense (HIS 推送住院一日清清单费用): event source, SQL Server
-- version of pushDayExpense.sql.
-- HIS tables read: inp_fee_detail, inpatient, patient, card.
-- The event: a day of a stay is over and its charges are complete: the
-- 一日清 (daily list) total of that day. One event per stay and fee_date
-- with charges, once the day is past (fee_date before today), in day order.
-- Charges booked later to a day already announced do not announce it again.
--   event_key  inp_no + '|' + fee_date.
--   watermark  fee_date (yyyy-MM-dd) + '|' + inp_no, compared and ordered as
--              binary text (Latin1_General_BIN2); all of a day's lists
--              become due together, at midnight.
-- Returns total_amount (the decimal sum of the day's charges), fee_date,
-- fee_type 住院费用, serial_number (住院号: 9.2 getDayExpense takes it as
-- queryId) and the patient's name, ID number and card (the stay's, else the
-- patient's card in use, 就诊卡 first).
-- A NULL or empty watermark (before the first event) starts with
-- yesterday's lists. ix_inp_fee_day (fee_date, inp_no) INCLUDE (amount)
-- gives the days from the watermark's on, summed from the index alone.
DECLARE @wm varchar(200) = COALESCE(NULLIF(:watermark, N''), CONVERT(varchar(10), DATEADD(day, -1, GETDATE()), 120));
DECLARE @from date = CONVERT(date, LEFT(@wm, 10), 120);
DECLARE @today date = CAST(GETDATE() AS date);

SELECT TOP (500)
       d.inp_no + '|' + CONVERT(varchar(10), d.fee_date, 120) AS event_key,
       (CONVERT(varchar(10), d.fee_date, 120) + '|' + d.inp_no)
           COLLATE Latin1_General_BIN2 AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(i.card_no, mc.card_no) AS patient_card,
       d.inp_no       AS serial_number,
       N'住院费用'     AS fee_type,
       d.fee_date     AS fee_date,
       d.amount       AS total_amount
FROM (
    SELECT f.fee_date, f.inp_no, SUM(f.amount) AS amount
    FROM dbo.inp_fee_detail f
    WHERE f.fee_date >= @from
      AND f.fee_date < @today
      AND (CONVERT(varchar(10), f.fee_date, 120) + '|' + f.inp_no)
              COLLATE Latin1_General_BIN2 > @wm
    GROUP BY f.fee_date, f.inp_no
) AS d
JOIN dbo.inpatient i ON i.inp_no = d.inp_no
JOIN dbo.patient p ON p.patient_id = i.patient_id
-- @include main_card_apply
ORDER BY watermark;
