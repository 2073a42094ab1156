-- 11.2 rechargeECard (一卡通充值), MySQL version of rechargeECard.sql.
-- HIS tables read: pay_ledger, card, patient, ecard_account.
-- HIS tables written: ecard_account (balance, update_time), sys_sequence
-- (pay_seq, invoice_no), ecard_txn, pay_ledger.
-- A top-up adds amount to the card's 一卡通 account balance exactly (the
-- balance is money, the amount decimal: both exact), with one ecard_txn row
-- (txn_type '1' 充值, balance_after = the new balance, txn_time = payedTime,
-- trade_no, remark 睿博平台充值) and one pay_ledger row (biz_type '4'
-- 一卡通充值, biz_no = card_no, channel '0', payed_time = payedTime,
-- pay_type = payType) whose his_pay_id is answered as serialNo. nonceStr and
-- sign are checked by the gateway (§17) before this runs.
--
-- The gateway has already claimed tradeNo in its own ledger and runs this
-- statements inside its READ COMMITTED transaction; a result other than
-- success undoes everything they wrote. Checks, in order, with the isRefund
-- each refusal answers (1 = the HIS will never book this payment, the
-- platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger as a top-up of this card
--                  and amount: the HIS booked it before; its answer again,
--                  nothing written;
--   error  0       tradeNo is already in pay_ledger for another business,
--                  card or amount: the HIS holds this money, never refund it;
--   error  0       amount is not above zero (no money to give back);
--   error  1       amount has more than two decimal places (分), or does not
--                  fit the HIS's decimal(12,2);
--   error  1       the card does not exist, or the name is not the card
--                  holder's;
--   error  1       the card is lost (挂失) or cancelled (注销);
--   error  1       the card has no 一卡通 account, or it is frozen (status '1');
--   error  1       the account was frozen between the checks and the top-up
--                  (the conditional UPDATE below).
--
-- Concurrency (no read-then-write anywhere): the top-up is one conditional
-- UPDATE (account still '0' 正常) that adds to the balance in place and
-- whose ROW_COUNT() decides, so concurrent top-ups and payments of one card
-- never lose an amount; balance_after is read back under the row lock the
-- UPDATE took. Only then are the numbers taken from sys_sequence
-- (each incremented by UPDATE … SET cur_val = LAST_INSERT_ID(cur_val + 1)
-- and read back by LAST_INSERT_ID(): the row lock is this transaction's
-- until commit):
--   invoiceNo  'YK' + payed day yyyymmdd + 6-digit invoice_no;
--   serialNo   'CZ' + payed day yyyymmdd + 6-digit pay_seq.
-- :patientCard, :realName and :tradeNo compare with varchar columns
-- (card.card_no, patient.name, pay_ledger.trade_no); :amount is read as
-- decimal, :payedTime as datetime; pay_ledger.pay_type keeps the first 20
-- characters of :payType.
-- The state of this call lives in session variables @hisgw_k_*, all set
-- by the first statement; each statement after it does nothing unless its
-- condition on that state holds (no control flow in MySQL outside stored
-- programs).
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '4' AND l.biz_no = :patientCard
                AND l.amount = CAST(:amount AS decimal(38,8)) THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN CAST(:amount AS decimal(38,8)) <= 0 THEN 'error'
           WHEN CAST(:amount AS decimal(38,8)) <> ROUND(CAST(:amount AS decimal(38,8)), 2)
                OR CAST(:amount AS decimal(38,8)) >= 10000000000 THEN 'error'
           WHEN c.card_no IS NULL THEN 'error'
           WHEN NOT (p.name <=> :realName) THEN 'error'
           WHEN c.status <> '0' THEN 'error'
           WHEN e.card_no IS NULL THEN 'error'
           WHEN e.status <> '0' THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '4' AND l.biz_no = :patientCard
                AND l.amount = CAST(:amount AS decimal(38,8)) THEN '该订单已充值成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次一卡通充值不符，请人工核对'
           WHEN CAST(:amount AS decimal(38,8)) <= 0 THEN '充值金额必须大于0'
           WHEN CAST(:amount AS decimal(38,8)) <> ROUND(CAST(:amount AS decimal(38,8)), 2) THEN '充值金额最多两位小数'
           WHEN CAST(:amount AS decimal(38,8)) >= 10000000000 THEN '充值金额超出范围'
           WHEN c.card_no IS NULL THEN '就诊卡号不存在'
           WHEN NOT (p.name <=> :realName) THEN '姓名与卡号不匹配'
           WHEN c.status = '1' THEN '就诊卡已挂失'
           WHEN c.status <> '0' THEN '就诊卡已注销'
           WHEN e.card_no IS NULL THEN '该卡未开通一卡通账户'
           WHEN e.status <> '0' THEN '一卡通账户已冻结'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN CAST(:amount AS decimal(38,8)) <= 0 THEN '0'
           ELSE '1'
       END,
       c.card_no, c.patient_id, l.invoice_no, l.his_pay_id,
       CAST(:amount AS decimal(38,8)), CAST(:payedTime AS datetime),
       -- the HIS's word for how it was paid: shared/pay_way.sql
-- @include pay_way
       , 0, NULL
INTO @hisgw_k_result, @hisgw_k_message, @hisgw_k_is_refund,
     @hisgw_k_card_no, @hisgw_k_patient_id, @hisgw_k_invoice_no, @hisgw_k_his_pay_id,
     @hisgw_k_amt, @hisgw_k_payed, @hisgw_k_pay_way, @hisgw_k_book, @hisgw_k_balance
FROM (SELECT 1 AS one) AS req
LEFT JOIN pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0'
LEFT JOIN card c ON c.card_no = :patientCard
LEFT JOIN patient p ON p.patient_id = c.patient_id
LEFT JOIN ecard_account e ON e.card_no = c.card_no;

-- Top up: one conditional UPDATE adding in place.
UPDATE ecard_account
SET balance = balance + CAST(@hisgw_k_amt AS decimal(12,2)), update_time = @hisgw_k_payed
WHERE card_no = @hisgw_k_card_no AND status = '0'
  AND @hisgw_k_result IS NULL;

-- ROW_COUNT() is the row count of the UPDATE just above.
SET @hisgw_k_book = CASE WHEN @hisgw_k_result IS NULL AND ROW_COUNT() = 1 THEN 1 ELSE 0 END;

-- (Each SET reads only values set by earlier statements: MariaDB evaluates
-- every expression of a SET before it assigns any.)
SET @hisgw_k_message = CASE
        WHEN @hisgw_k_result IS NOT NULL THEN @hisgw_k_message
        WHEN @hisgw_k_book = 1 THEN '充值成功'
        ELSE '一卡通账户状态已变更，不能充值'
    END,
    @hisgw_k_is_refund = CASE
        WHEN @hisgw_k_result IS NOT NULL THEN @hisgw_k_is_refund
        WHEN @hisgw_k_book = 1 THEN '0'
        ELSE '1'
    END,
    @hisgw_k_result = CASE
        WHEN @hisgw_k_result IS NOT NULL THEN @hisgw_k_result
        WHEN @hisgw_k_book = 1 THEN 'success'
        ELSE 'error'
    END,
    -- balance_after, read back under the row lock the UPDATE took
    @hisgw_k_balance = (SELECT e.balance FROM ecard_account e WHERE e.card_no = @hisgw_k_card_no);

-- The payment's numbers, only when booked, in key order: invoice_no,
-- pay_seq (CZ… in the HIS's journal, invoice YK…).
UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'invoice_no' AND @hisgw_k_book = 1;
SET @hisgw_k_invoice_no = CASE
        WHEN @hisgw_k_book = 1 AND ROW_COUNT() = 1
            THEN CONCAT('YK', DATE_FORMAT(@hisgw_k_payed, '%Y%m%d'),
                        CASE WHEN LAST_INSERT_ID() < 1000000 THEN LPAD(LAST_INSERT_ID(), 6, '0') ELSE LAST_INSERT_ID() END)
        ELSE @hisgw_k_invoice_no
    END;

UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'pay_seq' AND @hisgw_k_book = 1;
SET @hisgw_k_his_pay_id = CASE
        WHEN @hisgw_k_book = 1 AND ROW_COUNT() = 1
            THEN CONCAT('CZ', DATE_FORMAT(@hisgw_k_payed, '%Y%m%d'),
                        CASE WHEN LAST_INSERT_ID() < 1000000 THEN LPAD(LAST_INSERT_ID(), 6, '0') ELSE LAST_INSERT_ID() END)
        ELSE @hisgw_k_his_pay_id
    END;

INSERT INTO ecard_txn (card_no, txn_type, amount, balance_after, pay_way, trade_no, txn_time, remark)
SELECT @hisgw_k_card_no, '1', CAST(@hisgw_k_amt AS decimal(12,2)), @hisgw_k_balance, @hisgw_k_pay_way, :tradeNo,
       @hisgw_k_payed, '睿博平台充值'
FROM DUAL
WHERE @hisgw_k_book = 1;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT @hisgw_k_his_pay_id, '4', @hisgw_k_card_no, @hisgw_k_patient_id, CAST(@hisgw_k_amt AS decimal(12,2)),
       @hisgw_k_pay_way, LEFT(:payType, 20), :tradeNo, '0', NULL, @hisgw_k_invoice_no, @hisgw_k_payed, '睿博平台'
FROM DUAL
WHERE @hisgw_k_book = 1;

SELECT @hisgw_k_result    AS result,
       @hisgw_k_message   AS message,
       CASE WHEN @hisgw_k_result = 'success' THEN @hisgw_k_invoice_no END AS invoiceNo,
       CASE WHEN @hisgw_k_result = 'success' THEN @hisgw_k_his_pay_id END AS serialNo,
       @hisgw_k_is_refund AS isRefund;
