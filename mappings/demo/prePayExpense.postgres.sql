-- 10.1 prePayExpense (预缴住院费用), PostgreSQL version of prePayExpense.sql.
-- HIS tables read: pay_ledger, inpatient, patient, card.
-- HIS tables written: inpatient (locked FOR NO KEY UPDATE), sys_sequence
-- (pay_seq, invoice_no), inp_prepay, pay_ledger.
-- patientCard is a 住院号 or a card number (as 9.1 getPatientExpense reads
-- it): the patient's current stay is used (else the latest). A prepayment
-- is an inp_prepay row (status '1' 有效, pay_time = payedTime, trade_no,
-- receipt_no = the new 预交金收据号 answered as invoiceNo, operator
-- 睿博平台) and one pay_ledger row (biz_type '3' 住院预交, biz_no = inp_no,
-- channel '0', payed_time = payedTime, pay_type = payType) whose his_pay_id
-- is answered as serialNo.
--
-- The gateway has already claimed tradeNo in its own ledger and runs this
-- section inside its transaction (READ COMMITTED, a savepoint around the
-- section); a result other than success undoes everything the section wrote. Checks, in order, with the
-- isRefund each refusal answers (1 = the HIS will never book this payment,
-- the platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger as a 住院预交 of this
--                  amount: the HIS booked it before (the §10 note: a booked
--                  order answers success again); nothing written;
--   error  0       tradeNo is already in pay_ledger for another business or
--                  another amount: the HIS holds this money, never refund it;
--   error  0       prepayaAmt is not above zero (no money to give back);
--   error  1       prepayaAmt has more than two decimal places (分), or is
--                  beyond what the HIS books (10 000 000 000 or more);
--   error  1       no stay is found for the 住院号 / card number;
--   error  1       the name is not the patient's;
--   error  1       the patient is not in hospital (inp_status '1' 在院);
--   error  1       the patient was discharged between the checks and the
--                  booking (the lock below decides).
--
-- The stay is taken by one locking read (still in hospital: SELECT … FOR
-- NO KEY UPDATE, held to commit; a concurrent change of the stay is waited
-- for and the status checked again) that decides; only then are the
-- numbers taken from sys_sequence, each incremented by an UPDATE …
-- RETURNING (the value this transaction wrote, under a row lock held to
-- commit; pay_seq then invoice_no in every call):
--   invoiceNo  'ZY' || payed day yyyymmdd || 6-digit invoice_no;
--   serialNo   'YJ' || payed day yyyymmdd || 6-digit pay_seq.
-- :patientCard, :realName and :tradeNo compare with varchar columns
-- (IS DISTINCT FROM is SQLite's IS NOT); :prepayaAmt is read as numeric
-- (exact), :payedTime as timestamp; pay_ledger.pay_type keeps the first 20
-- characters of :payType.
--
-- The temp table hisgw_prepay_expense holds this call's state from one
-- statement to the next (one row; the connection's own).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_prepay_expense (
    result      varchar(20),    -- NULL while every check passes
    message     varchar(200),
    is_refund   char(1),
    book        integer NOT NULL DEFAULT 0,  -- 1 when this call books the payment
    inp_no      varchar(20),
    patient_id  varchar(20),
    amount      numeric(12,2),  -- prepayaAmt
    invoice_no  varchar(30),
    his_pay_id  varchar(30)
);
DELETE FROM hisgw_prepay_expense;

INSERT INTO hisgw_prepay_expense (result, message, is_refund, inp_no, patient_id, amount, invoice_no, his_pay_id)
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '3' AND l.amount = a.v THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN a.v <= 0 THEN 'error'
           WHEN a.v <> round(a.v, 2) OR a.v >= 10000000000 THEN 'error'
           WHEN s.inp_no IS NULL THEN 'error'
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN 'error'
           WHEN s.inp_status <> '1' THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '3' AND l.amount = a.v THEN '该订单已预缴成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次住院预缴不符，请人工核对'
           WHEN a.v <= 0 THEN '预缴金额必须大于0'
           WHEN a.v <> round(a.v, 2) THEN '预缴金额最多两位小数'
           WHEN a.v >= 10000000000 THEN '预缴金额超出范围'
           WHEN s.inp_no IS NULL THEN '未查询到该住院号/卡号的住院记录'
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN '姓名与住院号/卡号不匹配'
           WHEN s.inp_status <> '1' THEN '患者已出院，不能预缴住院费用'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN a.v <= 0 THEN '0'
           ELSE '1'
       END,
       s.inp_no, s.patient_id,
       CASE WHEN a.v > 0 AND a.v = round(a.v, 2) AND a.v < 10000000000 THEN a.v END,
       l.invoice_no, l.his_pay_id
FROM (SELECT CAST(:prepayaAmt AS numeric) AS v) AS a
LEFT JOIN pay_ledger l ON l.trade_no = CAST(:tradeNo AS varchar) AND l.channel = '0'
LEFT JOIN LATERAL (
    SELECT i.inp_no, i.inp_status, i.patient_id
    FROM inpatient i
    WHERE i.inp_no = CAST(:patientCard AS varchar)
       OR i.patient_id IN (SELECT c.patient_id FROM card c WHERE c.card_no = CAST(:patientCard AS varchar))
    ORDER BY i.inp_status = '1' DESC, i.admit_time DESC
    LIMIT 1
) AS s ON TRUE
LEFT JOIN patient p ON p.patient_id = s.patient_id;

-- Book: the stay, still in hospital, locked to commit; the lock decides.
WITH held AS (
    SELECT i.inp_no
    FROM inpatient i
    WHERE i.inp_no = (SELECT b.inp_no FROM hisgw_prepay_expense b WHERE b.result IS NULL)
      AND i.inp_status = '1'
    FOR NO KEY UPDATE
)
UPDATE hisgw_prepay_expense
SET book      = (SELECT count(*) FROM held),
    result    = CASE WHEN EXISTS (SELECT 1 FROM held) THEN 'success' ELSE 'error' END,
    message   = CASE WHEN EXISTS (SELECT 1 FROM held) THEN '预缴成功' ELSE '患者已出院，不能预缴住院费用' END,
    is_refund = CASE WHEN EXISTS (SELECT 1 FROM held) THEN '0' ELSE '1' END
WHERE result IS NULL;

-- New numbers: incremented, the value written read back by RETURNING.
WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'pay_seq'
      AND EXISTS (SELECT 1 FROM hisgw_prepay_expense WHERE book = 1)
    RETURNING cur_val
)
UPDATE hisgw_prepay_expense
SET his_pay_id = 'YJ' || to_char(CAST(:payedTime AS timestamp), 'YYYYMMDD')
                 || CASE WHEN seq.cur_val < 1000000 THEN lpad(seq.cur_val::text, 6, '0') ELSE seq.cur_val::text END
FROM seq
WHERE book = 1;

WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'invoice_no'
      AND EXISTS (SELECT 1 FROM hisgw_prepay_expense WHERE book = 1)
    RETURNING cur_val
)
UPDATE hisgw_prepay_expense
SET invoice_no = 'ZY' || to_char(CAST(:payedTime AS timestamp), 'YYYYMMDD')
                 || CASE WHEN seq.cur_val < 1000000 THEN lpad(seq.cur_val::text, 6, '0') ELSE seq.cur_val::text END
FROM seq
WHERE book = 1;

INSERT INTO inp_prepay (inp_no, amount, pay_way, trade_no, receipt_no, pay_time, operator, status)
SELECT b.inp_no, b.amount,
       -- the HIS's word for how it was paid: shared/pay_way.postgres.sql
-- @include pay_way
       , CAST(:tradeNo AS varchar), b.invoice_no, CAST(:payedTime AS timestamp), '睿博平台', '1'
FROM hisgw_prepay_expense b
WHERE b.book = 1;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT b.his_pay_id, '3', b.inp_no, b.patient_id, b.amount,
       -- the HIS's word for how it was paid: shared/pay_way.postgres.sql
-- @include pay_way
       , left(:payType, 20), CAST(:tradeNo AS varchar), '0', NULL, b.invoice_no, CAST(:payedTime AS timestamp), '睿博平台'
FROM hisgw_prepay_expense b
WHERE b.book = 1;

SELECT b.result    AS result,
       b.message   AS message,
       CASE WHEN b.result = 'success' THEN b.invoice_no END AS invoiceNo,
       CASE WHEN b.result = 'success' THEN b.his_pay_id END AS serialNo,
       b.is_refund AS isRefund
FROM hisgw_prepay_expense b;
