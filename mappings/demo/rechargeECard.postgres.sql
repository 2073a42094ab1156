-- 11.2 rechargeECard (一卡通充值), PostgreSQL version of rechargeECard.sql.
-- HIS tables read: pay_ledger, card, patient, ecard_account.
-- HIS tables written: ecard_account (balance, update_time), sys_sequence
-- (pay_seq, invoice_no), ecard_txn, pay_ledger.
-- A top-up adds amount to the card's 一卡通 account balance exactly (the
-- balance is numeric(19,4), the amount numeric), with one ecard_txn row (txn_type
-- '1' 充值, balance_after = the new balance, txn_time = payedTime, trade_no,
-- remark 睿博平台充值) and one pay_ledger row (biz_type '4' 一卡通充值,
-- biz_no = card_no, channel '0', payed_time = payedTime, pay_type =
-- payType) whose his_pay_id is answered as serialNo. nonceStr and sign are
-- checked by the gateway (§17) before this runs.
--
-- The gateway has already claimed tradeNo in its own ledger and runs this
-- section inside its transaction (READ COMMITTED, a savepoint around the
-- section); a result other than success undoes everything the section wrote. Checks, in order, with the
-- isRefund each refusal answers (1 = the HIS will never book this payment,
-- the platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger as a top-up of this card
--                  and amount: the HIS booked it before; its answer again,
--                  nothing written;
--   error  0       tradeNo is already in pay_ledger for another business,
--                  card or amount: the HIS holds this money, never refund it;
--   error  0       amount is not above zero (no money to give back);
--   error  1       amount has more than two decimal places (分), or is beyond
--                  what the HIS books (10 000 000 000 or more);
--   error  1       the card does not exist, or the name is not the card
--                  holder's;
--   error  1       the card is lost (挂失) or cancelled (注销);
--   error  1       the card has no 一卡通 account, or it is frozen (status '1');
--   error  1       the account was frozen between the checks and the top-up
--                  (the conditional UPDATE decides).
--
-- The top-up is one conditional UPDATE (account still '0' 正常) that adds
-- to the balance in place (never read-then-write; a concurrent top-up of
-- the account is waited for and the row checked again) and whose RETURNING
-- decides and gives the new balance for ecard_txn.balance_after; only then
-- are the numbers taken from sys_sequence, each incremented by an UPDATE …
-- RETURNING (the value this transaction wrote, under a row lock held to
-- commit; pay_seq then invoice_no in every call):
--   invoiceNo  'YK' || payed day yyyymmdd || 6-digit invoice_no;
--   serialNo   'CZ' || payed day yyyymmdd || 6-digit pay_seq.
-- :patientCard, :realName and :tradeNo compare with varchar columns
-- (IS DISTINCT FROM is SQLite's IS NOT); :amount is read as numeric
-- (exact), :payedTime as timestamp; pay_ledger.pay_type keeps the first 20
-- characters of :payType.
--
-- The temp table hisgw_recharge_ecard holds this call's state from one
-- statement to the next (one row; the connection's own).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_recharge_ecard (
    result      varchar(20),    -- NULL while every check passes
    message     varchar(200),
    is_refund   char(1),
    book        integer NOT NULL DEFAULT 0,  -- 1 when this call books the payment
    card_no     varchar(20),
    patient_id  varchar(20),
    amount      numeric(12,2),  -- amount
    balance     numeric(19,4),  -- the balance after the top-up
    invoice_no  varchar(30),
    his_pay_id  varchar(30)
);
DELETE FROM hisgw_recharge_ecard;

INSERT INTO hisgw_recharge_ecard (result, message, is_refund, card_no, patient_id, amount, invoice_no, his_pay_id)
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '4' AND l.biz_no = CAST(:patientCard AS varchar)
                AND l.amount = a.v THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN a.v <= 0 THEN 'error'
           WHEN a.v <> round(a.v, 2) OR a.v >= 10000000000 THEN 'error'
           WHEN c.card_no IS NULL THEN 'error'
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN 'error'
           WHEN c.status <> '0' THEN 'error'
           WHEN e.card_no IS NULL THEN 'error'
           WHEN e.status <> '0' THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '4' AND l.biz_no = CAST(:patientCard AS varchar)
                AND l.amount = a.v THEN '该订单已充值成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次一卡通充值不符，请人工核对'
           WHEN a.v <= 0 THEN '充值金额必须大于0'
           WHEN a.v <> round(a.v, 2) THEN '充值金额最多两位小数'
           WHEN a.v >= 10000000000 THEN '充值金额超出范围'
           WHEN c.card_no IS NULL THEN '就诊卡号不存在'
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN '姓名与卡号不匹配'
           WHEN c.status = '1' THEN '就诊卡已挂失'
           WHEN c.status <> '0' THEN '就诊卡已注销'
           WHEN e.card_no IS NULL THEN '该卡未开通一卡通账户'
           WHEN e.status <> '0' THEN '一卡通账户已冻结'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN a.v <= 0 THEN '0'
           ELSE '1'
       END,
       c.card_no, c.patient_id,
       CASE WHEN a.v > 0 AND a.v = round(a.v, 2) AND a.v < 10000000000 THEN a.v END,
       l.invoice_no, l.his_pay_id
FROM (SELECT CAST(:amount AS numeric) AS v) AS a
LEFT JOIN pay_ledger l ON l.trade_no = CAST(:tradeNo AS varchar) AND l.channel = '0'
LEFT JOIN card c ON c.card_no = CAST(:patientCard AS varchar)
LEFT JOIN patient p ON p.patient_id = c.patient_id
LEFT JOIN ecard_account e ON e.card_no = c.card_no;

-- Top up: one conditional UPDATE adding in place; its RETURNING decides and
-- gives the new balance.
WITH topped AS (
    UPDATE ecard_account
    SET balance = balance + (SELECT b.amount FROM hisgw_recharge_ecard b),
        update_time = CAST(:payedTime AS timestamp)
    WHERE card_no = (SELECT b.card_no FROM hisgw_recharge_ecard b WHERE b.result IS NULL)
      AND status = '0'
    RETURNING balance
)
UPDATE hisgw_recharge_ecard
SET book      = (SELECT count(*) FROM topped),
    balance   = (SELECT t.balance FROM topped t),
    result    = CASE WHEN EXISTS (SELECT 1 FROM topped) THEN 'success' ELSE 'error' END,
    message   = CASE WHEN EXISTS (SELECT 1 FROM topped) THEN '充值成功' ELSE '一卡通账户状态已变更，不能充值' END,
    is_refund = CASE WHEN EXISTS (SELECT 1 FROM topped) THEN '0' ELSE '1' END
WHERE result IS NULL;

-- New numbers: incremented, the value written read back by RETURNING.
WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'pay_seq'
      AND EXISTS (SELECT 1 FROM hisgw_recharge_ecard WHERE book = 1)
    RETURNING cur_val
)
UPDATE hisgw_recharge_ecard
SET his_pay_id = 'CZ' || to_char(CAST(:payedTime AS timestamp), 'YYYYMMDD')
                 || CASE WHEN seq.cur_val < 1000000 THEN lpad(seq.cur_val::text, 6, '0') ELSE seq.cur_val::text END
FROM seq
WHERE book = 1;

WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'invoice_no'
      AND EXISTS (SELECT 1 FROM hisgw_recharge_ecard WHERE book = 1)
    RETURNING cur_val
)
UPDATE hisgw_recharge_ecard
SET invoice_no = 'YK' || to_char(CAST(:payedTime AS timestamp), 'YYYYMMDD')
                 || CASE WHEN seq.cur_val < 1000000 THEN lpad(seq.cur_val::text, 6, '0') ELSE seq.cur_val::text END
FROM seq
WHERE book = 1;

INSERT INTO ecard_txn (card_no, txn_type, amount, balance_after, pay_way, trade_no, txn_time, remark)
SELECT b.card_no, '1', b.amount, b.balance,
       -- the HIS's word for how it was paid: shared/pay_way.postgres.sql
-- @include pay_way
       , CAST(:tradeNo AS varchar), CAST(:payedTime AS timestamp), '睿博平台充值'
FROM hisgw_recharge_ecard b
WHERE b.book = 1;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT b.his_pay_id, '4', b.card_no, b.patient_id, b.amount,
       -- the HIS's word for how it was paid: shared/pay_way.postgres.sql
-- @include pay_way
       , left(:payType, 20), CAST(:tradeNo AS varchar), '0', NULL, b.invoice_no, CAST(:payedTime AS timestamp), '睿博平台'
FROM hisgw_recharge_ecard b
WHERE b.book = 1;

SELECT b.result    AS result,
       b.message   AS message,
       CASE WHEN b.result = 'success' THEN b.invoice_no END AS invoiceNo,
       CASE WHEN b.result = 'success' THEN b.his_pay_id END AS serialNo,
       b.is_refund AS isRefund
FROM hisgw_recharge_ecard b;
