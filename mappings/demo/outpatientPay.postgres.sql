-- 8.3 outpatientPay (门诊缴费支付), PostgreSQL version of outpatientPay.sql.
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
-- section inside its transaction (READ COMMITTED, a savepoint around the
-- section); a result other than success undoes everything the section wrote. Checks, in order, with the
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
--                  booking UPDATE (not possible: they are locked first; kept
--                  so the decision is the UPDATE's own).
-- feeType is not compared (the HIS charges by prescription, not fee type).
--
-- Concurrency (no read-then-write anywhere; each statement sees what was
-- committed when it started):
--   * the listed prescriptions are locked first (FOR NO KEY UPDATE, in
--     rx_no order, held to commit), so the checks, statements after the
--     lock, see what the booking UPDATE will change, and two orders for one
--     prescription never both pay it;
--   * the numbers come from sys_sequence once every check passed, each
--     incremented by an UPDATE … RETURNING (the value this transaction
--     wrote, under a row lock held to commit; pay_seq then invoice_no in
--     every call):
--       invoiceNo  'MZ' || payed day yyyymmdd || 6-digit invoice_no;
--       serialNo   'SF' || payed day yyyymmdd || 6-digit pay_seq;
--   * the prescriptions are booked by one conditional UPDATE (charge_status
--     still '0') whose RETURNING must count the number listed.
-- :patientCard, :realName and :tradeNo compare with varchar columns
-- (IS DISTINCT FROM is SQLite's IS NOT); :prescriptionNo is read as text
-- (split here, each number then compared with rx_master.rx_no); :orderFee
-- is read as numeric (exact compare), :payedTime as timestamp;
-- pay_ledger.pay_type keeps the first 20 characters of :payType and biz_no
-- the first 100 of the list.
--
-- The temp table hisgw_outpatient_pay holds this call's state (one row) and
-- hisgw_outpatient_pay_rx the prescription numbers listed, from one
-- statement to the next (the connection's own).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_outpatient_pay (
    result      varchar(20),    -- NULL while every check passes
    message     varchar(400),
    is_refund   char(1),
    book        integer NOT NULL DEFAULT 0,  -- 1 when this call books the payment
    patient_id  varchar(20),
    rx_count    integer,
    rx_list     text,
    amount      numeric(12,2),  -- the HIS's sum
    invoice_no  varchar(30),
    his_pay_id  varchar(30)
);
DELETE FROM hisgw_outpatient_pay;
CREATE TEMP TABLE IF NOT EXISTS hisgw_outpatient_pay_rx (
    rx_no       text PRIMARY KEY,
    pos         integer NOT NULL   -- first place in the list
);
DELETE FROM hisgw_outpatient_pay_rx;

INSERT INTO hisgw_outpatient_pay_rx (rx_no, pos)
SELECT s.item, MIN(s.pos)
FROM regexp_split_to_table(replace(replace(CAST(:prescriptionNo AS text), ' ', ''), '，', ','), ',')
     WITH ORDINALITY AS s (item, pos)
WHERE s.item <> ''
GROUP BY s.item;

-- The listed prescriptions, locked to commit (in rx_no order).
WITH locked AS (
    SELECT m.rx_no
    FROM rx_master m
    WHERE m.rx_no IN (SELECT x.rx_no FROM hisgw_outpatient_pay_rx x)
    ORDER BY m.rx_no
    FOR NO KEY UPDATE
)
UPDATE hisgw_outpatient_pay_rx
SET pos = pos
FROM locked
WHERE hisgw_outpatient_pay_rx.rx_no = locked.rx_no;

-- The order already booked, the card and the name.
INSERT INTO hisgw_outpatient_pay (result, message, is_refund, patient_id, rx_count, rx_list, invoice_no, his_pay_id)
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '2' AND l.amount = CAST(:orderFee AS numeric) THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN c.card_no IS NULL THEN 'error'
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '2' AND l.amount = CAST(:orderFee AS numeric) THEN '该订单已缴费成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次门诊缴费不符，请人工核对'
           WHEN c.card_no IS NULL THEN '就诊卡号不存在'
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN '姓名与就诊卡不匹配'
       END,
       CASE WHEN l.his_pay_id IS NOT NULL THEN '0' ELSE '1' END,
       c.patient_id,
       (SELECT COUNT(*) FROM hisgw_outpatient_pay_rx),
       (SELECT string_agg(x.rx_no, ',' ORDER BY x.pos) FROM hisgw_outpatient_pay_rx x),
       l.invoice_no, l.his_pay_id
FROM (SELECT 1 AS one) AS req
LEFT JOIN pay_ledger l ON l.trade_no = CAST(:tradeNo AS varchar) AND l.channel = '0'
LEFT JOIN card c ON c.card_no = CAST(:patientCard AS varchar)
LEFT JOIN patient p ON p.patient_id = c.patient_id;

-- The prescriptions, each check naming the ones that fail it (in the
-- order listed).
UPDATE hisgw_outpatient_pay
SET result = 'error',
    message = CASE
        WHEN rx_count = 0 THEN '未指定处方号'
        WHEN EXISTS (SELECT 1 FROM hisgw_outpatient_pay_rx x
                     WHERE NOT EXISTS (SELECT 1 FROM rx_master m WHERE m.rx_no = x.rx_no))
            THEN '处方不存在：'
                 || (SELECT string_agg(x.rx_no, ',' ORDER BY x.pos) FROM hisgw_outpatient_pay_rx x
                     WHERE NOT EXISTS (SELECT 1 FROM rx_master m WHERE m.rx_no = x.rx_no))
        WHEN EXISTS (SELECT 1 FROM hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.patient_id <> hisgw_outpatient_pay.patient_id)
            THEN '处方不属于该就诊人：'
                 || (SELECT string_agg(x.rx_no, ',' ORDER BY x.pos) FROM hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.patient_id <> hisgw_outpatient_pay.patient_id)
        WHEN EXISTS (SELECT 1 FROM hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.charge_status = '1')
            THEN '处方已缴费：'
                 || (SELECT string_agg(x.rx_no, ',' ORDER BY x.pos) FROM hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.charge_status = '1')
        WHEN EXISTS (SELECT 1 FROM hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.charge_status <> '0')
            THEN '处方已退费或已作废：'
                 || (SELECT string_agg(x.rx_no, ',' ORDER BY x.pos) FROM hisgw_outpatient_pay_rx x JOIN rx_master m ON m.rx_no = x.rx_no
                     WHERE m.charge_status <> '0')
    END
WHERE result IS NULL
  AND (rx_count = 0
       OR EXISTS (SELECT 1 FROM hisgw_outpatient_pay_rx x
                  LEFT JOIN rx_master m ON m.rx_no = x.rx_no
                  WHERE m.rx_no IS NULL
                     OR m.patient_id <> hisgw_outpatient_pay.patient_id
                     OR m.charge_status <> '0'));

-- The amount: the HIS's exact sum (numeric).
UPDATE hisgw_outpatient_pay
SET amount = (SELECT COALESCE(SUM(d.amount), 0)
              FROM rx_detail d
              WHERE d.rx_no IN (SELECT x.rx_no FROM hisgw_outpatient_pay_rx x))
WHERE result IS NULL;

UPDATE hisgw_outpatient_pay
SET result  = 'error',
    message = '缴费金额与处方金额不符（应缴' || amount || '元）'
WHERE result IS NULL
  AND amount <> CAST(:orderFee AS numeric);

-- New numbers: incremented, the value written read back by RETURNING.
WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'pay_seq'
      AND EXISTS (SELECT 1 FROM hisgw_outpatient_pay WHERE result IS NULL)
    RETURNING cur_val
)
UPDATE hisgw_outpatient_pay
SET his_pay_id = 'SF' || to_char(CAST(:payedTime AS timestamp), 'YYYYMMDD')
                 || CASE WHEN seq.cur_val < 1000000 THEN lpad(seq.cur_val::text, 6, '0') ELSE seq.cur_val::text END
FROM seq
WHERE result IS NULL;

WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'invoice_no'
      AND EXISTS (SELECT 1 FROM hisgw_outpatient_pay WHERE result IS NULL)
    RETURNING cur_val
)
UPDATE hisgw_outpatient_pay
SET invoice_no = 'MZ' || to_char(CAST(:payedTime AS timestamp), 'YYYYMMDD')
                 || CASE WHEN seq.cur_val < 1000000 THEN lpad(seq.cur_val::text, 6, '0') ELSE seq.cur_val::text END
FROM seq
WHERE result IS NULL;

-- Book: one conditional UPDATE of every listed prescription; its RETURNING
-- must count them all.
WITH booked AS (
    UPDATE rx_master
    SET charge_status = '1',
        charge_time   = CAST(:payedTime AS timestamp),
        invoice_no    = (SELECT b.invoice_no FROM hisgw_outpatient_pay b),
        pay_id        = (SELECT b.his_pay_id FROM hisgw_outpatient_pay b)
    WHERE rx_no IN (SELECT x.rx_no FROM hisgw_outpatient_pay_rx x)
      AND charge_status = '0'
      AND patient_id = (SELECT b.patient_id FROM hisgw_outpatient_pay b WHERE b.result IS NULL)
    RETURNING rx_no
)
UPDATE hisgw_outpatient_pay
SET book      = CASE WHEN (SELECT count(*) FROM booked) = rx_count THEN 1 ELSE 0 END,
    result    = CASE WHEN (SELECT count(*) FROM booked) = rx_count THEN 'success' ELSE 'error' END,
    message   = CASE WHEN (SELECT count(*) FROM booked) = rx_count THEN '缴费成功' ELSE '处方状态已变更，不能缴费' END,
    is_refund = CASE WHEN (SELECT count(*) FROM booked) = rx_count THEN '0' ELSE '1' END
WHERE result IS NULL;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT b.his_pay_id, '2',
       CASE WHEN length(b.rx_list) <= 100 THEN b.rx_list ELSE left(b.rx_list, 96) || ',...' END,
       b.patient_id, b.amount,
       -- the HIS's word for how it was paid: shared/pay_way.postgres.sql
-- @include pay_way
       , left(:payType, 20), CAST(:tradeNo AS varchar), '0', NULL, b.invoice_no, CAST(:payedTime AS timestamp), '睿博平台'
FROM hisgw_outpatient_pay b
WHERE b.book = 1;

SELECT b.result    AS result,
       b.message   AS message,
       CASE WHEN b.result = 'success' THEN b.invoice_no END AS invoiceNo,
       CASE WHEN b.result = 'success' THEN b.his_pay_id END AS serialNo,
       b.is_refund AS isRefund
FROM hisgw_outpatient_pay b;
