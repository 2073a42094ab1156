-- 8.3 outpatientPay (门诊缴费支付)
-- HIS tables read: pay_ledger, card, patient, rx_master, rx_detail.
-- HIS tables written: rx_master (charge_status, charge_time, invoice_no,
-- pay_id), sys_sequence (pay_seq, invoice_no), pay_ledger.
-- prescriptionNo lists one or more 处方号 (rx_master.rx_no) separated by
-- commas (full-width '，' too; spaces ignored, a number listed twice counts
-- once). One payment pays them all: each becomes charge_status '1' 已收费
-- with charge_time = payedTime, one new 门诊发票号 and pay_id = the one new
-- pay_ledger row (biz_type '2' 门诊缴费, biz_no = the listed numbers joined
-- by ',', channel '0', payed_time = payedTime, pay_type = payType), whose
-- his_pay_id is answered as serialNo.
--
-- The gateway has already claimed tradeNo in its own ledger and runs this
-- section inside its transaction (BEGIN IMMEDIATE); a result other than
-- success undoes everything the section wrote. Checks, in order, with the
-- isRefund each refusal answers (1 = the HIS will never book this payment,
-- the platform refunds the patient; 0 = do not refund):
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
--                  booking UPDATE (not possible under BEGIN IMMEDIATE; kept so
--                  the decision is the UPDATE's own).
-- feeType is not compared (the HIS charges by prescription, not fee type).
--
-- The numbers are taken from sys_sequence (incremented, then read back
-- inside this write transaction) once every check passed:
--   invoiceNo  'MZ' || payed day yyyymmdd || 6-digit invoice_no;
--   serialNo   'SF' || payed day yyyymmdd || 6-digit pay_seq.
-- The prescriptions are booked by one conditional UPDATE (charge_status
-- still '0') whose changes() must be the number listed.
--
-- temp.hisgw_outpatient_pay holds this call's state (one row) and
-- temp.hisgw_outpatient_pay_rx the prescription numbers listed, from one
-- statement to the next (the connection's own temp schema).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_outpatient_pay (
    result      TEXT,       -- NULL while every check passes
    message     TEXT,
    is_refund   TEXT,
    book        INTEGER NOT NULL DEFAULT 0,  -- 1 when this call books the payment
    patient_id  TEXT,
    rx_count    INTEGER,
    rx_list     TEXT,
    amount      TEXT,       -- the HIS's sum, two decimal places
    invoice_no  TEXT,
    his_pay_id  TEXT
);
DELETE FROM temp.hisgw_outpatient_pay;
CREATE TEMP TABLE IF NOT EXISTS hisgw_outpatient_pay_rx (
    rx_no       TEXT PRIMARY KEY,
    pos         INTEGER NOT NULL   -- first place in the list
);
DELETE FROM temp.hisgw_outpatient_pay_rx;

WITH RECURSIVE split (pos, item, rest) AS (
    SELECT 0, NULL, replace(replace(:prescriptionNo, ' ', ''), '，', ',') || ','
    UNION ALL
    SELECT pos + 1, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
    FROM split
    WHERE rest <> ''
)
INSERT INTO temp.hisgw_outpatient_pay_rx (rx_no, pos)
SELECT item, MIN(pos) FROM split WHERE item <> '' GROUP BY item;

-- The order already booked, the card and the name.
INSERT INTO temp.hisgw_outpatient_pay (result, message, is_refund, patient_id, rx_count, rx_list, invoice_no, his_pay_id)
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '2' AND dec_sub(l.amount, :orderFee) = '0' THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN c.card_no IS NULL THEN 'error'
           WHEN p.name IS NOT :realName THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '2' AND dec_sub(l.amount, :orderFee) = '0' THEN '该订单已缴费成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次门诊缴费不符，请人工核对'
           WHEN c.card_no IS NULL THEN '就诊卡号不存在'
           WHEN p.name IS NOT :realName THEN '姓名与就诊卡不匹配'
       END,
       CASE WHEN l.his_pay_id IS NOT NULL THEN '0' ELSE '1' END,
       c.patient_id,
       (SELECT COUNT(*) FROM temp.hisgw_outpatient_pay_rx),
       (SELECT group_concat(rx_no, ',') FROM (SELECT x.rx_no FROM temp.hisgw_outpatient_pay_rx x ORDER BY x.pos)),
       l.invoice_no, l.his_pay_id
FROM (SELECT 1 AS one) AS req
LEFT JOIN pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0'
LEFT JOIN card c ON c.card_no = :patientCard
LEFT JOIN patient p ON p.patient_id = c.patient_id;

-- The prescriptions, each check naming the ones that fail it.
UPDATE temp.hisgw_outpatient_pay
SET result = 'error',
    message = CASE
        WHEN rx_count = 0 THEN '未指定处方号'
        WHEN EXISTS (SELECT 1 FROM temp.hisgw_outpatient_pay_rx x
                     WHERE NOT EXISTS (SELECT 1 FROM rx_master m WHERE m.rx_no = x.rx_no))
            THEN '处方不存在：'
                 || (SELECT group_concat(x.rx_no, ',') FROM temp.hisgw_outpatient_pay_rx x
                     WHERE NOT EXISTS (SELECT 1 FROM rx_master m WHERE m.rx_no = x.rx_no))
        WHEN EXISTS (SELECT 1 FROM temp.hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.patient_id <> hisgw_outpatient_pay.patient_id)
            THEN '处方不属于该就诊人：'
                 || (SELECT group_concat(x.rx_no, ',') FROM temp.hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.patient_id <> hisgw_outpatient_pay.patient_id)
        WHEN EXISTS (SELECT 1 FROM temp.hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.charge_status = '1')
            THEN '处方已缴费：'
                 || (SELECT group_concat(x.rx_no, ',') FROM temp.hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.charge_status = '1')
        WHEN EXISTS (SELECT 1 FROM temp.hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.charge_status <> '0')
            THEN '处方已退费或已作废：'
                 || (SELECT group_concat(x.rx_no, ',') FROM temp.hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.charge_status <> '0')
    END
WHERE result IS NULL
  AND (rx_count = 0
       OR EXISTS (SELECT 1 FROM temp.hisgw_outpatient_pay_rx x
                  LEFT JOIN rx_master m ON m.rx_no = x.rx_no
                  WHERE m.rx_no IS NULL
                     OR m.patient_id <> hisgw_outpatient_pay.patient_id
                     OR m.charge_status <> '0'));

-- The amount: the HIS's exact sum, kept with two decimal places.
UPDATE temp.hisgw_outpatient_pay
SET amount = (SELECT CASE WHEN instr(v, '.') = 0 THEN v || '.00'
                          WHEN length(v) - instr(v, '.') = 1 THEN v || '0'
                          ELSE v END
              FROM (SELECT dec_sum(d.amount) AS v
                    FROM rx_detail d
                    WHERE d.rx_no IN (SELECT x.rx_no FROM temp.hisgw_outpatient_pay_rx x)))
WHERE result IS NULL;

UPDATE temp.hisgw_outpatient_pay
SET result  = 'error',
    message = '缴费金额与处方金额不符（应缴' || amount || '元）'
WHERE result IS NULL
  AND dec_sub(:orderFee, amount) <> '0';

-- New numbers: increment, then read back (the write lock is ours until commit).
UPDATE sys_sequence
SET cur_val = cur_val + 1
WHERE seq_name IN ('pay_seq', 'invoice_no')
  AND EXISTS (SELECT 1 FROM temp.hisgw_outpatient_pay WHERE result IS NULL);

UPDATE temp.hisgw_outpatient_pay
SET his_pay_id = 'SF' || strftime('%Y%m%d', :payedTime)
                 || printf('%06d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'pay_seq')),
    invoice_no = 'MZ' || strftime('%Y%m%d', :payedTime)
                 || printf('%06d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'invoice_no'))
WHERE result IS NULL;

-- Book: one conditional UPDATE of every listed prescription.
UPDATE rx_master
SET charge_status = '1',
    charge_time   = :payedTime,
    invoice_no    = (SELECT b.invoice_no FROM temp.hisgw_outpatient_pay b),
    pay_id        = (SELECT b.his_pay_id FROM temp.hisgw_outpatient_pay b)
WHERE rx_no IN (SELECT x.rx_no FROM temp.hisgw_outpatient_pay_rx x)
  AND charge_status = '0'
  AND patient_id = (SELECT b.patient_id FROM temp.hisgw_outpatient_pay b WHERE b.result IS NULL);

-- changes() is the row count of the UPDATE just above.
UPDATE temp.hisgw_outpatient_pay
SET book      = CASE WHEN changes() = rx_count THEN 1 ELSE 0 END,
    result    = CASE WHEN changes() = rx_count THEN 'success' ELSE 'error' END,
    message   = CASE WHEN changes() = rx_count THEN '缴费成功' ELSE '处方状态已变更，不能缴费' END,
    is_refund = CASE WHEN changes() = rx_count THEN '0' ELSE '1' END
WHERE result IS NULL;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT b.his_pay_id, '2', b.rx_list, b.patient_id, b.amount,
       -- the HIS's word for how it was paid: shared/pay_way.sql
-- @include pay_way
       , :payType, :tradeNo, '0', NULL, b.invoice_no, :payedTime, '睿博平台'
FROM temp.hisgw_outpatient_pay b
WHERE b.book = 1;

SELECT b.result    AS result,
       b.message   AS message,
       CASE WHEN b.result = 'success' THEN b.invoice_no END AS invoiceNo,
       CASE WHEN b.result = 'success' THEN b.his_pay_id END AS serialNo,
       b.is_refund AS isRefund
FROM temp.hisgw_outpatient_pay b;
