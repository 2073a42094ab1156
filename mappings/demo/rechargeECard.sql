-- 11.2 rechargeECard (一卡通充值)
-- HIS tables read: pay_ledger, card, patient, ecard_account.
-- HIS tables written: ecard_account (balance, update_time), sys_sequence
-- (pay_seq, invoice_no), ecard_txn, pay_ledger.
-- A top-up adds amount to the card's 一卡通 account balance exactly
-- (dec_add, kept with two decimal places), with one ecard_txn row (txn_type
-- '1' 充值, balance_after = the new balance, txn_time = payedTime, trade_no,
-- remark 睿博平台充值) and one pay_ledger row (biz_type '4' 一卡通充值,
-- biz_no = card_no, channel '0', payed_time = payedTime, pay_type =
-- payType) whose his_pay_id is answered as serialNo. nonceStr and sign are
-- checked by the gateway (§17) before this runs.
--
-- The gateway has already claimed tradeNo in its own ledger and runs this
-- section inside its transaction (BEGIN IMMEDIATE); a result other than
-- success undoes everything the section wrote. Checks, in order, with the
-- isRefund each refusal answers (1 = the HIS will never book this payment,
-- the platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger as a top-up of this card
--                  and amount: the HIS booked it before; its answer again,
--                  nothing written;
--   error  0       tradeNo is already in pay_ledger for another business,
--                  card or amount: the HIS holds this money, never refund it;
--   error  0       amount is not above zero (no money to give back);
--   error  1       amount has more than two decimal places (分);
--   error  1       the card does not exist, or the name is not the card
--                  holder's;
--   error  1       the card is lost (挂失) or cancelled (注销);
--   error  1       the card has no 一卡通 account, or it is frozen (status '1');
--   error  1       the account changed between the checks and the top-up
--                  (not possible under BEGIN IMMEDIATE; kept so the decision
--                  is the conditional UPDATE's own).
--
-- The top-up is one conditional UPDATE (account still '0' 正常) that adds
-- to the balance in place (never read-then-write) and whose changes()
-- decides; only then are the numbers taken from sys_sequence (incremented,
-- then read back inside this write transaction):
--   invoiceNo  'YK' || payed day yyyymmdd || 6-digit invoice_no;
--   serialNo   'CZ' || payed day yyyymmdd || 6-digit pay_seq.
--
-- temp.hisgw_recharge_ecard holds this call's state from one statement to
-- the next (one row; the connection's own temp schema).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_recharge_ecard (
    result      TEXT,       -- NULL while every check passes
    message     TEXT,
    is_refund   TEXT,
    book        INTEGER NOT NULL DEFAULT 0,  -- 1 when this call books the payment
    card_no     TEXT,
    patient_id  TEXT,
    amount      TEXT,       -- amount, two decimal places
    invoice_no  TEXT,
    his_pay_id  TEXT
);
DELETE FROM temp.hisgw_recharge_ecard;

INSERT INTO temp.hisgw_recharge_ecard (result, message, is_refund, card_no, patient_id, amount, invoice_no, his_pay_id)
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '4' AND l.biz_no = :patientCard
                AND dec_sub(l.amount, :amount) = '0' THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN a.v = '0' OR a.v LIKE '-%' THEN 'error'
           WHEN instr(a.v, '.') > 0 AND length(a.v) - instr(a.v, '.') > 2 THEN 'error'
           WHEN c.card_no IS NULL THEN 'error'
           WHEN p.name IS NOT :realName THEN 'error'
           WHEN c.status <> '0' THEN 'error'
           WHEN e.card_no IS NULL THEN 'error'
           WHEN e.status <> '0' THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '4' AND l.biz_no = :patientCard
                AND dec_sub(l.amount, :amount) = '0' THEN '该订单已充值成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次一卡通充值不符，请人工核对'
           WHEN a.v = '0' OR a.v LIKE '-%' THEN '充值金额必须大于0'
           WHEN instr(a.v, '.') > 0 AND length(a.v) - instr(a.v, '.') > 2 THEN '充值金额最多两位小数'
           WHEN c.card_no IS NULL THEN '就诊卡号不存在'
           WHEN p.name IS NOT :realName THEN '姓名与卡号不匹配'
           WHEN c.status = '1' THEN '就诊卡已挂失'
           WHEN c.status <> '0' THEN '就诊卡已注销'
           WHEN e.card_no IS NULL THEN '该卡未开通一卡通账户'
           WHEN e.status <> '0' THEN '一卡通账户已冻结'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN a.v = '0' OR a.v LIKE '-%' THEN '0'
           ELSE '1'
       END,
       c.card_no, c.patient_id,
       CASE WHEN instr(a.v, '.') = 0 THEN a.v || '.00'
            WHEN length(a.v) - instr(a.v, '.') = 1 THEN a.v || '0'
            ELSE a.v END,
       l.invoice_no, l.his_pay_id
FROM (SELECT dec_add(:amount, '0') AS v) AS a
LEFT JOIN pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0'
LEFT JOIN card c ON c.card_no = :patientCard
LEFT JOIN patient p ON p.patient_id = c.patient_id
LEFT JOIN ecard_account e ON e.card_no = c.card_no;

-- Top up: one conditional UPDATE adding in place (exact, two decimal places).
UPDATE ecard_account
SET balance = (SELECT CASE WHEN instr(t.v, '.') = 0 THEN t.v || '.00'
                           WHEN length(t.v) - instr(t.v, '.') = 1 THEN t.v || '0'
                           ELSE t.v END
               FROM (SELECT dec_add(ecard_account.balance, b.amount) AS v
                     FROM temp.hisgw_recharge_ecard b) AS t),
    update_time = :payedTime
WHERE card_no = (SELECT b.card_no FROM temp.hisgw_recharge_ecard b WHERE b.result IS NULL)
  AND status = '0';

-- changes() is the row count of the UPDATE just above.
UPDATE temp.hisgw_recharge_ecard
SET book      = changes(),
    result    = CASE WHEN changes() = 1 THEN 'success' ELSE 'error' END,
    message   = CASE WHEN changes() = 1 THEN '充值成功' ELSE '一卡通账户状态已变更，不能充值' END,
    is_refund = CASE WHEN changes() = 1 THEN '0' ELSE '1' END
WHERE result IS NULL;

-- New numbers: increment, then read back (the write lock is ours until commit).
UPDATE sys_sequence
SET cur_val = cur_val + 1
WHERE seq_name IN ('pay_seq', 'invoice_no')
  AND EXISTS (SELECT 1 FROM temp.hisgw_recharge_ecard WHERE book = 1);

UPDATE temp.hisgw_recharge_ecard
SET his_pay_id = 'CZ' || strftime('%Y%m%d', :payedTime)
                 || printf('%06d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'pay_seq')),
    invoice_no = 'YK' || strftime('%Y%m%d', :payedTime)
                 || printf('%06d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'invoice_no'))
WHERE book = 1;

-- balance_after: the balance this top-up left (our write lock holds it).
INSERT INTO ecard_txn (card_no, txn_type, amount, balance_after, pay_way, trade_no, txn_time, remark)
SELECT b.card_no, '1', b.amount, e.balance,
       -- the HIS's word for how it was paid: shared/pay_way.sql
-- @include pay_way
       , :tradeNo, :payedTime, '睿博平台充值'
FROM temp.hisgw_recharge_ecard b
JOIN ecard_account e ON e.card_no = b.card_no
WHERE b.book = 1;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT b.his_pay_id, '4', b.card_no, b.patient_id, b.amount,
       -- the HIS's word for how it was paid: shared/pay_way.sql
-- @include pay_way
       , :payType, :tradeNo, '0', NULL, b.invoice_no, :payedTime, '睿博平台'
FROM temp.hisgw_recharge_ecard b
WHERE b.book = 1;

SELECT b.result    AS result,
       b.message   AS message,
       CASE WHEN b.result = 'success' THEN b.invoice_no END AS invoiceNo,
       CASE WHEN b.result = 'success' THEN b.his_pay_id END AS serialNo,
       b.is_refund AS isRefund
FROM temp.hisgw_recharge_ecard b;
