-- 16.3 pushInhospitalFee (HIS 推送住院欠费通知): event source, SQL Server
-- version of pushInhospitalFee.sql.
-- HIS tables read: inpatient, inp_prepay, inp_fee_detail, patient, card.
-- The event: an inpatient in hospital (inp_status '1') whose prepayments
-- (valid inp_prepay) no longer cover the charges booked (inp_fee_detail),
-- as 4.4 / 9.1 compute remainAmt. The HIS keeps no record of "went into
-- arrears", so the event is derived: one per inpatient per day in arrears,
-- at the first poll that day (a patient still owing tomorrow is reminded
-- again tomorrow).
--   event_key  inp_no + '|' + the day.
--   watermark  the time of the stay's latest charge or prepayment (not
--              before today 00:00:00), yyyy-MM-dd HH:mm:ss, + '|' + inp_no,
--              compared and ordered as binary text (Latin1_General_BIN2). A
--              new charge moves it on; the stay then comes again with the
--              same key, which the gateway has already enqueued.
-- Returns serial_number (住院号), total_amount (the valid prepayments),
-- used_amount (the charges), remain_amount (their difference, negative),
-- arrear_amount (what is owed), decimal sums, and the patient's name, ID
-- number and card (the stay's, else the patient's card in use, 就诊卡
-- first).
-- Each poll sums only the stays with a charge or prepayment booked since
-- the watermark (ix_inp_fee_charge, ix_prepay_time), and every stay in
-- hospital once a day, at the first poll after midnight. Money booked in
-- the current second, or dated in the future, counts from the second it is
-- dated, once that second is over. A NULL or empty watermark (before the
-- first event) starts at today 00:00:00.
DECLARE @wm varchar(200) = COALESCE(NULLIF(:watermark, N''), CONVERT(varchar(10), GETDATE(), 120) + ' 00:00:00');
DECLARE @from datetime = CONVERT(datetime, LEFT(@wm, 19), 120);
DECLARE @now datetime = CONVERT(datetime, CONVERT(varchar(19), GETDATE(), 120), 120);
DECLARE @day0 datetime = CAST(CAST(@now AS date) AS datetime);

SELECT TOP (500)
       s.inp_no + '|' + CONVERT(varchar(10), s.mark_time, 120) AS event_key,
       (CONVERT(varchar(19), s.mark_time, 120) + '|' + s.inp_no)
           COLLATE Latin1_General_BIN2 AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(s.card_no, mc.card_no) AS patient_card,
       s.inp_no       AS serial_number,
       s.prepaid      AS total_amount,
       s.used         AS used_amount,
       s.prepaid - s.used AS remain_amount,
       s.used - s.prepaid AS arrear_amount
FROM (
    SELECT i.inp_no, i.patient_id, i.card_no, pp.prepaid, fd.used,
           CASE WHEN lm.last_moved > @day0 THEN lm.last_moved ELSE @day0 END AS mark_time
    FROM (
        SELECT f.inp_no FROM dbo.inp_fee_detail f WITH (READCOMMITTEDLOCK)
        WHERE f.charge_time >= @from AND f.charge_time < @now
        UNION
        SELECT y.inp_no FROM dbo.inp_prepay y WITH (READCOMMITTEDLOCK)
        WHERE y.pay_time >= @from AND y.pay_time < @now
        UNION
        SELECT i.inp_no FROM dbo.inpatient i
        WHERE i.inp_status = '1' AND @from <= @day0 AND @now > @day0
    ) AS v
    JOIN dbo.inpatient i ON i.inp_no = v.inp_no
    CROSS APPLY (SELECT COALESCE(SUM(y.amount), 0) AS prepaid FROM dbo.inp_prepay y
                 WHERE y.inp_no = i.inp_no AND y.status = '1') AS pp
    CROSS APPLY (SELECT COALESCE(SUM(f.amount), 0) AS used FROM dbo.inp_fee_detail f
                 WHERE f.inp_no = i.inp_no) AS fd
    CROSS APPLY (SELECT MAX(t.moved) AS last_moved
                 FROM (SELECT MAX(f.charge_time) AS moved FROM dbo.inp_fee_detail f
                        WHERE f.inp_no = i.inp_no AND f.charge_time < @now
                       UNION ALL
                       SELECT MAX(y.pay_time) FROM dbo.inp_prepay y
                        WHERE y.inp_no = i.inp_no AND y.pay_time < @now) AS t) AS lm
    WHERE i.inp_status = '1'
) AS s
JOIN dbo.patient p ON p.patient_id = s.patient_id
-- @include main_card_apply
WHERE s.used > s.prepaid
  AND (CONVERT(varchar(19), s.mark_time, 120) + '|' + s.inp_no)
          COLLATE Latin1_General_BIN2 > @wm
ORDER BY watermark;
