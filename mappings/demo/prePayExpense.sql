-- 10.1 prePayExpense (预缴住院费用)
-- HIS tables read: pay_ledger, inpatient, patient, card.
-- HIS tables written: inpatient (locked by a no-op UPDATE), sys_sequence
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
-- section inside its transaction (BEGIN IMMEDIATE); a result other than
-- success undoes everything the section wrote. Checks, in order, with the
-- isRefund each refusal answers (1 = the HIS will never book this payment,
-- the platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger as a 住院预交 of this
--                  amount: the HIS booked it before (the §10 note: a booked
--                  order answers success again); nothing written;
--   error  0       tradeNo is already in pay_ledger for another business or
--                  another amount: the HIS holds this money, never refund it;
--   error  0       prepayaAmt is not above zero (no money to give back);
--   error  1       prepayaAmt has more than two decimal places (分);
--   error  1       no stay is found for the 住院号 / card number;
--   error  1       the name is not the patient's;
--   error  1       the patient is not in hospital (inp_status '1' 在院);
--   error  1       the stay changed between the checks and the booking (not
--                  possible under BEGIN IMMEDIATE; kept so the decision is
--                  the conditional UPDATE's own).
--
-- The stay is taken by one conditional UPDATE (still in hospital) whose
-- changes() decides; only then are the numbers taken from sys_sequence
-- (incremented, then read back inside this write transaction):
--   invoiceNo  'ZY' || payed day yyyymmdd || 6-digit invoice_no;
--   serialNo   'YJ' || payed day yyyymmdd || 6-digit pay_seq.
--
-- temp.hisgw_prepay_expense holds this call's state from one statement to
-- the next (one row; the connection's own temp schema).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_prepay_expense (
    result      TEXT,       -- NULL while every check passes
    message     TEXT,
    is_refund   TEXT,
    book        INTEGER NOT NULL DEFAULT 0,  -- 1 when this call books the payment
    inp_no      TEXT,
    patient_id  TEXT,
    amount      TEXT,       -- prepayaAmt, two decimal places
    invoice_no  TEXT,
    his_pay_id  TEXT
);
DELETE FROM temp.hisgw_prepay_expense;

INSERT INTO temp.hisgw_prepay_expense (result, message, is_refund, inp_no, patient_id, amount, invoice_no, his_pay_id)
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '3' AND dec_sub(l.amount, :prepayaAmt) = '0' THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN a.v = '0' OR a.v LIKE '-%' THEN 'error'
           WHEN instr(a.v, '.') > 0 AND length(a.v) - instr(a.v, '.') > 2 THEN 'error'
           WHEN s.inp_no IS NULL THEN 'error'
           WHEN p.name IS NOT :realName THEN 'error'
           WHEN s.inp_status <> '1' THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '3' AND dec_sub(l.amount, :prepayaAmt) = '0' THEN '该订单已预缴成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次住院预缴不符，请人工核对'
           WHEN a.v = '0' OR a.v LIKE '-%' THEN '预缴金额必须大于0'
           WHEN instr(a.v, '.') > 0 AND length(a.v) - instr(a.v, '.') > 2 THEN '预缴金额最多两位小数'
           WHEN s.inp_no IS NULL THEN '未查询到该住院号/卡号的住院记录'
           WHEN p.name IS NOT :realName THEN '姓名与住院号/卡号不匹配'
           WHEN s.inp_status <> '1' THEN '患者已出院，不能预缴住院费用'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN a.v = '0' OR a.v LIKE '-%' THEN '0'
           ELSE '1'
       END,
       s.inp_no, s.patient_id,
       CASE WHEN instr(a.v, '.') = 0 THEN a.v || '.00'
            WHEN length(a.v) - instr(a.v, '.') = 1 THEN a.v || '0'
            ELSE a.v END,
       l.invoice_no, l.his_pay_id
FROM (SELECT dec_add(:prepayaAmt, '0') AS v) AS a
LEFT JOIN pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0'
LEFT JOIN (SELECT i.inp_no, i.inp_status, i.patient_id
           FROM inpatient i
           WHERE i.inp_no = :patientCard
              OR i.patient_id IN (SELECT c.patient_id FROM card c WHERE c.card_no = :patientCard)
           ORDER BY i.inp_status = '1' DESC, i.admit_time DESC
           LIMIT 1) AS s ON 1 = 1
LEFT JOIN patient p ON p.patient_id = s.patient_id;

-- Book: one conditional UPDATE (still in hospital), no read-then-write.
UPDATE inpatient
SET inp_status = inp_status
WHERE inp_no = (SELECT b.inp_no FROM temp.hisgw_prepay_expense b WHERE b.result IS NULL)
  AND inp_status = '1';

-- changes() is the row count of the UPDATE just above.
UPDATE temp.hisgw_prepay_expense
SET book      = changes(),
    result    = CASE WHEN changes() = 1 THEN 'success' ELSE 'error' END,
    message   = CASE WHEN changes() = 1 THEN '预缴成功' ELSE '患者已出院，不能预缴住院费用' END,
    is_refund = CASE WHEN changes() = 1 THEN '0' ELSE '1' END
WHERE result IS NULL;

-- New numbers: increment, then read back (the write lock is ours until commit).
UPDATE sys_sequence
SET cur_val = cur_val + 1
WHERE seq_name IN ('pay_seq', 'invoice_no')
  AND EXISTS (SELECT 1 FROM temp.hisgw_prepay_expense WHERE book = 1);

UPDATE temp.hisgw_prepay_expense
SET his_pay_id = 'YJ' || strftime('%Y%m%d', :payedTime)
                 || printf('%06d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'pay_seq')),
    invoice_no = 'ZY' || strftime('%Y%m%d', :payedTime)
                 || printf('%06d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'invoice_no'))
WHERE book = 1;

INSERT INTO inp_prepay (inp_no, amount, pay_way, trade_no, receipt_no, pay_time, operator, status)
SELECT b.inp_no, b.amount,
       -- the HIS's word for how it was paid: shared/pay_way.sql
-- @include pay_way
       , :tradeNo, b.invoice_no, :payedTime, '睿博平台', '1'
FROM temp.hisgw_prepay_expense b
WHERE b.book = 1;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT b.his_pay_id, '3', b.inp_no, b.patient_id, b.amount,
       -- the HIS's word for how it was paid: shared/pay_way.sql
-- @include pay_way
       , :payType, :tradeNo, '0', NULL, b.invoice_no, :payedTime, '睿博平台'
FROM temp.hisgw_prepay_expense b
WHERE b.book = 1;

SELECT b.result    AS result,
       b.message   AS message,
       CASE WHEN b.result = 'success' THEN b.invoice_no END AS invoiceNo,
       CASE WHEN b.result = 'success' THEN b.his_pay_id END AS serialNo,
       b.is_refund AS isRefund
FROM temp.hisgw_prepay_expense b;
