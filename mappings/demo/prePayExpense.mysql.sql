-- 10.1 prePayExpense (预缴住院费用), MySQL version of prePayExpense.sql.
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
-- statements inside its READ COMMITTED transaction; a result other than
-- success undoes everything they wrote. Checks, in order, with the isRefund
-- each refusal answers (1 = the HIS will never book this payment, the
-- platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger as a 住院预交 of this
--                  amount: the HIS booked it before (the §10 note: a booked
--                  order answers success again); nothing written;
--   error  0       tradeNo is already in pay_ledger for another business or
--                  another amount: the HIS holds this money, never refund it;
--   error  0       prepayaAmt is not above zero (no money to give back);
--   error  1       prepayaAmt has more than two decimal places (分), or does
--                  not fit the HIS's decimal(12,2);
--   error  1       no stay is found for the 住院号 / card number;
--   error  1       the name is not the patient's;
--   error  1       the patient is not in hospital (inp_status '1' 在院);
--   error  1       the patient was discharged between the checks and the
--                  booking (the conditional UPDATE below).
--
-- Concurrency (no read-then-write anywhere): the stay is taken by one
-- locking read (SELECT COUNT(*) … FOR UPDATE, still in hospital) that
-- decides and holds the row to commit, so a discharge cannot slip in
-- between (a no-op UPDATE would lock it too, but its ROW_COUNT() is 0);
-- only then are the numbers taken from sys_sequence
-- (each incremented by UPDATE … SET cur_val = LAST_INSERT_ID(cur_val + 1)
-- and read back by LAST_INSERT_ID(): the row lock is this transaction's
-- until commit):
--   invoiceNo  'ZY' + payed day yyyymmdd + 6-digit invoice_no;
--   serialNo   'YJ' + payed day yyyymmdd + 6-digit pay_seq.
-- :patientCard, :realName and :tradeNo compare with varchar columns
-- (inpatient.inp_no, card.card_no, patient.name, pay_ledger.trade_no);
-- :prepayaAmt is read as decimal, :payedTime as datetime; pay_ledger.pay_type
-- keeps the first 20 characters of :payType.
-- The state of this call lives in session variables @hisgw_e_*, all set
-- by the first statement; each statement after it does nothing unless its
-- condition on that state holds (no control flow in MySQL outside stored
-- programs).
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '3' AND l.amount = CAST(:prepayaAmt AS decimal(38,8)) THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN CAST(:prepayaAmt AS decimal(38,8)) <= 0 THEN 'error'
           WHEN CAST(:prepayaAmt AS decimal(38,8)) <> ROUND(CAST(:prepayaAmt AS decimal(38,8)), 2)
                OR CAST(:prepayaAmt AS decimal(38,8)) >= 10000000000 THEN 'error'
           WHEN st.inp_no IS NULL THEN 'error'
           WHEN NOT (st.name <=> :realName) THEN 'error'
           WHEN st.inp_status <> '1' THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '3' AND l.amount = CAST(:prepayaAmt AS decimal(38,8)) THEN '该订单已预缴成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次住院预缴不符，请人工核对'
           WHEN CAST(:prepayaAmt AS decimal(38,8)) <= 0 THEN '预缴金额必须大于0'
           WHEN CAST(:prepayaAmt AS decimal(38,8)) <> ROUND(CAST(:prepayaAmt AS decimal(38,8)), 2) THEN '预缴金额最多两位小数'
           WHEN CAST(:prepayaAmt AS decimal(38,8)) >= 10000000000 THEN '预缴金额超出范围'
           WHEN st.inp_no IS NULL THEN '未查询到该住院号/卡号的住院记录'
           WHEN NOT (st.name <=> :realName) THEN '姓名与住院号/卡号不匹配'
           WHEN st.inp_status <> '1' THEN '患者已出院，不能预缴住院费用'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN CAST(:prepayaAmt AS decimal(38,8)) <= 0 THEN '0'
           ELSE '1'
       END,
       st.inp_no, st.patient_id, l.invoice_no, l.his_pay_id,
       CAST(:prepayaAmt AS decimal(38,8)), CAST(:payedTime AS datetime),
       -- the HIS's word for how it was paid: shared/pay_way.sql
-- @include pay_way
       , 0, 0
INTO @hisgw_e_result, @hisgw_e_message, @hisgw_e_is_refund,
     @hisgw_e_inp_no, @hisgw_e_patient_id, @hisgw_e_invoice_no, @hisgw_e_his_pay_id,
     @hisgw_e_amt, @hisgw_e_payed, @hisgw_e_pay_way, @hisgw_e_held, @hisgw_e_book
FROM (SELECT 1 AS one) AS req
LEFT JOIN (
    -- The patient's stay: by 住院号 or by card, the stay in hospital first.
    SELECT i.inp_no, i.inp_status, i.patient_id, p.name
    FROM inpatient i
    JOIN patient p ON p.patient_id = i.patient_id
    WHERE i.inp_no = :patientCard
       OR i.patient_id IN (SELECT c.patient_id FROM card c WHERE c.card_no = :patientCard)
    ORDER BY CASE WHEN i.inp_status = '1' THEN 0 ELSE 1 END, i.admit_time DESC
    LIMIT 1
) AS st ON 1 = 1
LEFT JOIN pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0';

-- Take the stay: a locking read (still in hospital) that holds the row to
-- commit and decides.
SELECT COUNT(*) INTO @hisgw_e_held
FROM inpatient i
WHERE i.inp_no = @hisgw_e_inp_no AND i.inp_status = '1' AND @hisgw_e_result IS NULL
FOR UPDATE;

SET @hisgw_e_book = CASE WHEN @hisgw_e_result IS NULL AND @hisgw_e_held = 1 THEN 1 ELSE 0 END;

-- (Each SET reads only values set by earlier statements: MariaDB evaluates
-- every expression of a SET before it assigns any.)
SET @hisgw_e_message = CASE
        WHEN @hisgw_e_result IS NOT NULL THEN @hisgw_e_message
        WHEN @hisgw_e_book = 1 THEN '预缴成功'
        ELSE '患者已出院，不能预缴住院费用'
    END,
    @hisgw_e_is_refund = CASE
        WHEN @hisgw_e_result IS NOT NULL THEN @hisgw_e_is_refund
        WHEN @hisgw_e_book = 1 THEN '0'
        ELSE '1'
    END,
    @hisgw_e_result = CASE
        WHEN @hisgw_e_result IS NOT NULL THEN @hisgw_e_result
        WHEN @hisgw_e_book = 1 THEN 'success'
        ELSE 'error'
    END;

-- The payment's numbers, only when booked, in key order: invoice_no,
-- pay_seq (YJ… in the HIS's journal, invoice ZY…).
UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'invoice_no' AND @hisgw_e_book = 1;
SET @hisgw_e_invoice_no = CASE
        WHEN @hisgw_e_book = 1 AND ROW_COUNT() = 1
            THEN CONCAT('ZY', DATE_FORMAT(@hisgw_e_payed, '%Y%m%d'),
                        CASE WHEN LAST_INSERT_ID() < 1000000 THEN LPAD(LAST_INSERT_ID(), 6, '0') ELSE LAST_INSERT_ID() END)
        ELSE @hisgw_e_invoice_no
    END;

UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'pay_seq' AND @hisgw_e_book = 1;
SET @hisgw_e_his_pay_id = CASE
        WHEN @hisgw_e_book = 1 AND ROW_COUNT() = 1
            THEN CONCAT('YJ', DATE_FORMAT(@hisgw_e_payed, '%Y%m%d'),
                        CASE WHEN LAST_INSERT_ID() < 1000000 THEN LPAD(LAST_INSERT_ID(), 6, '0') ELSE LAST_INSERT_ID() END)
        ELSE @hisgw_e_his_pay_id
    END;

INSERT INTO inp_prepay (inp_no, amount, pay_way, trade_no, receipt_no, pay_time, operator, status)
SELECT @hisgw_e_inp_no, CAST(@hisgw_e_amt AS decimal(12,2)), @hisgw_e_pay_way, :tradeNo, @hisgw_e_invoice_no,
       @hisgw_e_payed, '睿博平台', '1'
FROM DUAL
WHERE @hisgw_e_book = 1;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT @hisgw_e_his_pay_id, '3', @hisgw_e_inp_no, @hisgw_e_patient_id, CAST(@hisgw_e_amt AS decimal(12,2)),
       @hisgw_e_pay_way, LEFT(:payType, 20), :tradeNo, '0', NULL, @hisgw_e_invoice_no, @hisgw_e_payed, '睿博平台'
FROM DUAL
WHERE @hisgw_e_book = 1;

SELECT @hisgw_e_result    AS result,
       @hisgw_e_message   AS message,
       CASE WHEN @hisgw_e_result = 'success' THEN @hisgw_e_invoice_no END AS invoiceNo,
       CASE WHEN @hisgw_e_result = 'success' THEN @hisgw_e_his_pay_id END AS serialNo,
       @hisgw_e_is_refund AS isRefund;
