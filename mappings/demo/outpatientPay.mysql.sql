-- 8.3 outpatientPay (门诊缴费支付), MySQL version of outpatientPay.sql.
-- HIS tables read: pay_ledger, card, patient, rx_master, rx_detail.
-- HIS tables written: rx_master (charge_status, charge_time, invoice_no,
-- pay_id), sys_sequence (pay_seq, invoice_no), pay_ledger.
-- prescriptionNo lists one or more 处方号 (rx_master.rx_no) separated by
-- commas (full-width '，' too; spaces ignored, a number listed twice counts
-- once). One payment pays them all: each becomes charge_status '1' 已收费
-- with charge_time = payedTime, one new 门诊发票号 and pay_id = the one new
-- pay_ledger row (biz_type '2' 门诊缴费, biz_no = the listed numbers joined
-- by ',', channel '0', payed_time = payedTime, pay_type = payType), whose
-- his_pay_id is answered as serialNo. biz_no is varchar(100): a longer list
-- is kept as its first 96 characters + ',...' (each prescription's pay_id
-- still names the payment).
--
-- The gateway has already claimed tradeNo in its own ledger and runs this
-- statements inside its READ COMMITTED transaction; a result other than
-- success undoes everything they wrote. Checks, in order, with the isRefund
-- each refusal answers (1 = the HIS will never book this payment, the
-- platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger as a 门诊缴费 of this
--                  amount: the HIS booked it before; its answer again,
--                  nothing written;
--   error  0       tradeNo is already in pay_ledger for another business or
--                  another amount: the HIS holds this money, never refund it;
--   error  1       the card does not exist, or the name is not the card
--                  holder's;
--   error  1       prescriptionNo lists no number;
--   error  1       a listed prescription does not exist (they are named);
--   error  1       a listed prescription is another patient's;
--   error  1       a listed prescription is paid already (charge_status '1'),
--                  refunded ('2') or void ('9');
--   error  1       orderFee is not exactly the sum of the listed
--                  prescriptions' rx_detail amounts (decimal compare);
--   error  1       the prescriptions changed between the checks and the
--                  booking UPDATE (not possible: they are locked first; kept
--                  so the decision is the UPDATE's own).
-- feeType is not compared (the HIS charges by prescription, not fee type).
--
-- Concurrency (no read-then-write anywhere):
--   * the listed prescriptions are locked first (a no-op UPDATE in rx_no
--     order, held to commit), so the checks see what the booking UPDATE will
--     change, and two orders for one prescription never both pay it;
--   * the numbers come from sys_sequence once every check passed (each
--     incremented by UPDATE … SET cur_val = LAST_INSERT_ID(cur_val + 1) and
--     read back by LAST_INSERT_ID(): the row lock is this transaction's
--     until commit):
--       invoiceNo  'MZ' + payed day yyyymmdd + 6-digit invoice_no;
--       serialNo   'SF' + payed day yyyymmdd + 6-digit pay_seq;
--   * the prescriptions are booked by one conditional UPDATE (charge_status
--     still '0') whose ROW_COUNT() must be the number listed.
-- The numbers listed are rows of the connection's temporary table hisgw_rx
-- (CREATE TEMPORARY TABLE IF NOT EXISTS, emptied first; each statement
-- names it once: MySQL cannot open a temporary table twice in one
-- statement); the rest of this call's state is the session variables
-- hisgw_o_* (@hisgw_o_…), all set by the statement that checks the card.
-- :patientCard, :realName and :tradeNo compare with varchar columns
-- (card.card_no, patient.name, pay_ledger.trade_no); :prescriptionNo is
-- split here, each number then compared with rx_master.rx_no; :orderFee is
-- read as decimal, :payedTime as datetime; pay_ledger.pay_type keeps the
-- first 20 characters of :payType.
-- The numbers listed, each once, in the order first given.
CREATE TEMPORARY TABLE IF NOT EXISTS hisgw_rx (
    rx_no  varchar(100)  NOT NULL,
    pos    int           NOT NULL,
    PRIMARY KEY (rx_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
DELETE FROM hisgw_rx;

INSERT INTO hisgw_rx (rx_no, pos)
WITH RECURSIVE split (pos, item, rest) AS (
    SELECT 0, CAST(NULL AS char(4000)),
           CAST(CONCAT(REPLACE(REPLACE(COALESCE(:prescriptionNo, ''), ' ', ''), '，', ','), ',') AS char(4000))
    UNION ALL
    SELECT pos + 1,
           LEFT(rest, LOCATE(',', rest) - 1),
           SUBSTRING(rest, LOCATE(',', rest) + 1)
    FROM split
    WHERE rest <> ''
)
SELECT LEFT(item, 100), MIN(pos)
FROM split
WHERE item <> ''
GROUP BY LEFT(item, 100);

-- Lock the listed prescriptions until commit (in key order).
UPDATE rx_master SET charge_status = charge_status
WHERE rx_no IN (SELECT x.rx_no FROM hisgw_rx x)
ORDER BY rx_no;

-- The order already booked, the card and the name. :orderFee and
-- :payedTime are read here, once.
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '2' AND l.amount = CAST(:orderFee AS decimal(38,8)) THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN c.card_no IS NULL THEN 'error'
           WHEN NOT (p.name <=> :realName) THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '2' AND l.amount = CAST(:orderFee AS decimal(38,8)) THEN '该订单已缴费成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次门诊缴费不符，请人工核对'
           WHEN c.card_no IS NULL THEN '就诊卡号不存在'
           WHEN NOT (p.name <=> :realName) THEN '姓名与就诊卡不匹配'
       END,
       CASE WHEN l.his_pay_id IS NOT NULL THEN '0' ELSE '1' END,
       c.patient_id, l.invoice_no, l.his_pay_id,
       CAST(:orderFee AS decimal(38,8)), CAST(:payedTime AS datetime),
       0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
INTO @hisgw_o_result, @hisgw_o_message, @hisgw_o_is_refund,
     @hisgw_o_patient_id, @hisgw_o_invoice_no, @hisgw_o_his_pay_id,
     @hisgw_o_fee, @hisgw_o_payed,
     @hisgw_o_book, @hisgw_o_rx_count, @hisgw_o_all, @hisgw_o_missing, @hisgw_o_other, @hisgw_o_paid, @hisgw_o_void,
     @hisgw_o_amount, @hisgw_o_count
FROM (SELECT 1 AS one) AS req
LEFT JOIN pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0'
LEFT JOIN card c ON c.card_no = :patientCard
LEFT JOIN patient p ON p.patient_id = c.patient_id;

-- The prescriptions, in the order listed: which fail which check.
SELECT COUNT(*),
       GROUP_CONCAT(x.rx_no ORDER BY x.pos SEPARATOR ','),
       GROUP_CONCAT(CASE WHEN m.rx_no IS NULL THEN x.rx_no END ORDER BY x.pos SEPARATOR ','),
       GROUP_CONCAT(CASE WHEN m.rx_no IS NOT NULL AND NOT (m.patient_id <=> @hisgw_o_patient_id) THEN x.rx_no END
                    ORDER BY x.pos SEPARATOR ','),
       GROUP_CONCAT(CASE WHEN m.charge_status = '1' THEN x.rx_no END ORDER BY x.pos SEPARATOR ','),
       GROUP_CONCAT(CASE WHEN m.charge_status NOT IN ('0', '1') THEN x.rx_no END ORDER BY x.pos SEPARATOR ',')
INTO @hisgw_o_rx_count, @hisgw_o_all, @hisgw_o_missing, @hisgw_o_other, @hisgw_o_paid, @hisgw_o_void
FROM hisgw_rx x
LEFT JOIN rx_master m ON m.rx_no = x.rx_no;

SET @hisgw_o_message = CASE
        WHEN @hisgw_o_result IS NOT NULL THEN @hisgw_o_message
        WHEN @hisgw_o_rx_count = 0 THEN '未指定处方号'
        WHEN @hisgw_o_missing IS NOT NULL THEN CONCAT('处方不存在：', @hisgw_o_missing)
        WHEN @hisgw_o_other IS NOT NULL THEN CONCAT('处方不属于该就诊人：', @hisgw_o_other)
        WHEN @hisgw_o_paid IS NOT NULL THEN CONCAT('处方已缴费：', @hisgw_o_paid)
        WHEN @hisgw_o_void IS NOT NULL THEN CONCAT('处方已退费或已作废：', @hisgw_o_void)
    END,
    @hisgw_o_result = CASE
        WHEN @hisgw_o_result IS NOT NULL THEN @hisgw_o_result
        WHEN @hisgw_o_rx_count = 0 OR @hisgw_o_missing IS NOT NULL OR @hisgw_o_other IS NOT NULL
             OR @hisgw_o_paid IS NOT NULL OR @hisgw_o_void IS NOT NULL THEN 'error'
    END;

-- The amount: the HIS's exact sum.
SELECT COALESCE(SUM(d.amount), 0)
INTO @hisgw_o_amount
FROM hisgw_rx x
JOIN rx_detail d ON d.rx_no = x.rx_no;

SET @hisgw_o_message = CASE
        WHEN @hisgw_o_result IS NULL AND @hisgw_o_amount <> @hisgw_o_fee
            THEN CONCAT('缴费金额与处方金额不符（应缴', @hisgw_o_amount, '元）')
        ELSE @hisgw_o_message
    END,
    @hisgw_o_result = CASE
        WHEN @hisgw_o_result IS NULL AND @hisgw_o_amount <> @hisgw_o_fee THEN 'error'
        ELSE @hisgw_o_result
    END;

-- The payment's numbers once every check passed, in key order: invoice_no,
-- pay_seq (SF… in the HIS's journal, invoice MZ…).
UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'invoice_no' AND @hisgw_o_result IS NULL;
SET @hisgw_o_invoice_no = CASE
        WHEN @hisgw_o_result IS NULL AND ROW_COUNT() = 1
            THEN CONCAT('MZ', DATE_FORMAT(@hisgw_o_payed, '%Y%m%d'),
                        CASE WHEN LAST_INSERT_ID() < 1000000 THEN LPAD(LAST_INSERT_ID(), 6, '0') ELSE LAST_INSERT_ID() END)
        ELSE @hisgw_o_invoice_no
    END;

UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'pay_seq' AND @hisgw_o_result IS NULL;
SET @hisgw_o_his_pay_id = CASE
        WHEN @hisgw_o_result IS NULL AND ROW_COUNT() = 1
            THEN CONCAT('SF', DATE_FORMAT(@hisgw_o_payed, '%Y%m%d'),
                        CASE WHEN LAST_INSERT_ID() < 1000000 THEN LPAD(LAST_INSERT_ID(), 6, '0') ELSE LAST_INSERT_ID() END)
        ELSE @hisgw_o_his_pay_id
    END;

-- Book: one conditional UPDATE of every listed prescription.
UPDATE rx_master
SET charge_status = '1', charge_time = @hisgw_o_payed, invoice_no = @hisgw_o_invoice_no, pay_id = @hisgw_o_his_pay_id
WHERE rx_no IN (SELECT x.rx_no FROM hisgw_rx x)
  AND charge_status = '0'
  AND patient_id = @hisgw_o_patient_id
  AND @hisgw_o_result IS NULL;

-- ROW_COUNT() is the row count of the UPDATE just above.
SET @hisgw_o_count = ROW_COUNT();

SET @hisgw_o_book = CASE WHEN @hisgw_o_result IS NULL AND @hisgw_o_count = @hisgw_o_rx_count THEN 1 ELSE 0 END;

-- (Each SET below reads only values set by earlier statements: MariaDB
-- evaluates every expression of a SET before it assigns any.)
SET @hisgw_o_message = CASE
        WHEN @hisgw_o_result IS NOT NULL THEN @hisgw_o_message
        WHEN @hisgw_o_book = 1 THEN '缴费成功'
        ELSE '处方状态已变更，不能缴费'
    END,
    @hisgw_o_is_refund = CASE
        WHEN @hisgw_o_result IS NOT NULL THEN @hisgw_o_is_refund
        WHEN @hisgw_o_book = 1 THEN '0'
        ELSE '1'
    END,
    @hisgw_o_result = CASE
        WHEN @hisgw_o_result IS NOT NULL THEN @hisgw_o_result
        WHEN @hisgw_o_book = 1 THEN 'success'
        ELSE 'error'
    END;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT @hisgw_o_his_pay_id, '2',
       CASE WHEN CHAR_LENGTH(@hisgw_o_all) <= 100 THEN @hisgw_o_all ELSE CONCAT(LEFT(@hisgw_o_all, 96), ',...') END,
       @hisgw_o_patient_id, @hisgw_o_amount,
       -- the HIS's word for how it was paid: shared/pay_way.sql
-- @include pay_way
       , LEFT(:payType, 20), :tradeNo, '0', NULL, @hisgw_o_invoice_no, @hisgw_o_payed, '睿博平台'
FROM DUAL
WHERE @hisgw_o_book = 1;

SELECT @hisgw_o_result    AS result,
       @hisgw_o_message   AS message,
       CASE WHEN @hisgw_o_result = 'success' THEN @hisgw_o_invoice_no END AS invoiceNo,
       CASE WHEN @hisgw_o_result = 'success' THEN @hisgw_o_his_pay_id END AS serialNo,
       @hisgw_o_is_refund AS isRefund;
