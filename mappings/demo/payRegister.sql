-- 6.3 payRegister (挂号支付)
-- HIS tables read: pay_ledger, outp_register, patient, card, schedule.
-- HIS tables written: outp_register (status, trade_no, invoice_no),
-- sys_sequence (pay_seq, invoice_no), pay_ledger.
-- A registration of this HIS is an outp_register row (insertRegister.sql),
-- registerId its register_id, status '0' 锁号待支付 until this payment
-- books it: status '1' 已挂号(已支付) with the platform order (trade_no) and
-- a new 门诊发票号, and one pay_ledger row (biz_type '1' 挂号, channel '0'
-- 收款, payed_time = payedTime, pay_type = payType).
--
-- The gateway has already claimed tradeNo in its own ledger and runs this
-- section inside its transaction (BEGIN IMMEDIATE); a result other than
-- success undoes everything the section wrote. Checks, in order, with the
-- isRefund each refusal answers (1 = the HIS will never book this payment,
-- the platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger for this registration
--                  with this amount, or the registration is paid with this
--                  tradeNo: the HIS booked it before; its answer again,
--                  nothing written;
--   error  0       tradeNo is already in pay_ledger for another business or
--                  another amount: the HIS holds this money, never refund it;
--   error  1       the registration does not exist;
--   error  1       it is not a registration of scheduleId;
--   error  1       patientCard is not a card of the registration's patient,
--                  the name is not the patient's, or the ID number's last
--                  four characters differ (as checkPatientCard);
--   error  1       the registration is paid already (by another order:
--                  status '1'), cancelled (status '9') or in any other state
--                  than '0';
--   error  1       its clinic day has passed, or its session is stopped (停诊);
--   error  1       clinicFee is not exactly the registration's reg_fee
--                  (decimal compare);
--   error  1       the registration changed between the checks and the
--                  booking UPDATE (not possible under BEGIN IMMEDIATE; kept so
--                  the decision is the UPDATE's own).
-- departmentCode, doctorCode, clinicDate, clinicTimeQuantum and customerId
-- are not compared: registerId and scheduleId name the registration.
--
-- The booking is one conditional UPDATE (status still '0') whose changes()
-- decides; only then are the numbers taken from sys_sequence (incremented,
-- then read back inside this write transaction):
--   invoiceNo  'MZ' || payed day yyyymmdd || 6-digit invoice_no;
--   pay_ledger.his_pay_id  'SF' || payed day yyyymmdd || 6-digit pay_seq.
-- clinicNo and registerId are the registration's; hisOrderNumber is not
-- answered: this HIS numbers the queue when the patient checks in at triage
-- (12.2 getOutPatientOrderNum answers it then).
--
-- temp.hisgw_pay_register holds this call's state from one statement to
-- the next (one row; the connection's own temp schema).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_pay_register (
    result      TEXT,       -- NULL while every check passes
    message     TEXT,
    is_refund   TEXT,
    book        INTEGER NOT NULL DEFAULT 0,  -- 1 when this call books the payment
    register_id TEXT,
    clinic_no   TEXT,
    patient_id  TEXT,
    amount      TEXT,
    invoice_no  TEXT,
    his_pay_id  TEXT
);
DELETE FROM temp.hisgw_pay_register;

INSERT INTO temp.hisgw_pay_register
       (result, message, is_refund, register_id, clinic_no, patient_id, amount, invoice_no)
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = :registerId
                AND dec_sub(l.amount, :clinicFee) = '0' THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN r.register_id IS NULL THEN 'error'
           WHEN r.status = '1' AND r.trade_no = :tradeNo AND dec_sub(r.reg_fee, :clinicFee) = '0' THEN 'success'
           WHEN r.schedule_id IS NOT :scheduleId THEN 'error'
           WHEN c.card_no IS NULL OR c.patient_id <> r.patient_id THEN 'error'
           WHEN p.name IS NOT :realName THEN 'error'
           WHEN p.id_no IS NULL OR upper(substr(p.id_no, -4)) <> upper(substr(:idCard, -4)) THEN 'error'
           WHEN r.status <> '0' THEN 'error'
           WHEN r.visit_date < date('now', 'localtime') THEN 'error'
           WHEN s.status IS NOT NULL AND s.status <> '1' THEN 'error'
           WHEN dec_sub(:clinicFee, r.reg_fee) <> '0' THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = :registerId
                AND dec_sub(l.amount, :clinicFee) = '0' THEN '该订单已支付成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次挂号支付不符，请人工核对'
           WHEN r.register_id IS NULL THEN '挂号记录不存在'
           WHEN r.status = '1' AND r.trade_no = :tradeNo AND dec_sub(r.reg_fee, :clinicFee) = '0' THEN '该订单已支付成功'
           WHEN r.schedule_id IS NOT :scheduleId THEN '挂号记录与排班不符'
           WHEN c.card_no IS NULL OR c.patient_id <> r.patient_id THEN '就诊卡号与挂号记录不符'
           WHEN p.name IS NOT :realName THEN '姓名与挂号记录不符'
           WHEN p.id_no IS NULL OR upper(substr(p.id_no, -4)) <> upper(substr(:idCard, -4)) THEN '身份证号与挂号记录不符'
           WHEN r.status = '1' THEN '该挂号已由其他订单支付'
           WHEN r.status = '9' THEN '该挂号已取消'
           WHEN r.status <> '0' THEN '该挂号当前状态不能支付'
           WHEN r.visit_date < date('now', 'localtime') THEN '该挂号已过就诊日期'
           WHEN s.status IS NOT NULL AND s.status <> '1' THEN '该排班已停诊' || COALESCE('：' || s.stop_reason, '')
           WHEN dec_sub(:clinicFee, r.reg_fee) <> '0' THEN '支付金额与挂号费不符（应付' || r.reg_fee || '元）'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN r.register_id IS NOT NULL AND r.status = '1' AND r.trade_no = :tradeNo
                AND dec_sub(r.reg_fee, :clinicFee) = '0' THEN '0'
           ELSE '1'
       END,
       r.register_id, r.clinic_no, r.patient_id, r.reg_fee,
       COALESCE(l.invoice_no, r.invoice_no)
FROM (SELECT 1 AS one) AS req
LEFT JOIN pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0'
LEFT JOIN outp_register r ON r.register_id = :registerId
LEFT JOIN patient p ON p.patient_id = r.patient_id
LEFT JOIN card c ON c.card_no = :patientCard
LEFT JOIN schedule s ON s.schedule_id = r.schedule_id;

-- Book: one conditional UPDATE, no read-then-write.
UPDATE outp_register
SET status = '1',
    trade_no = :tradeNo
WHERE register_id = (SELECT b.register_id FROM temp.hisgw_pay_register b WHERE b.result IS NULL)
  AND status = '0';

-- changes() is the row count of the UPDATE just above.
UPDATE temp.hisgw_pay_register
SET book      = changes(),
    result    = CASE WHEN changes() = 1 THEN 'success' ELSE 'error' END,
    message   = CASE WHEN changes() = 1 THEN '挂号支付成功' ELSE '该挂号状态已变更，不能支付' END,
    is_refund = CASE WHEN changes() = 1 THEN '0' ELSE '1' END
WHERE result IS NULL;

-- New numbers: increment, then read back (the write lock is ours until commit).
UPDATE sys_sequence
SET cur_val = cur_val + 1
WHERE seq_name IN ('pay_seq', 'invoice_no')
  AND EXISTS (SELECT 1 FROM temp.hisgw_pay_register WHERE book = 1);

UPDATE temp.hisgw_pay_register
SET his_pay_id = 'SF' || strftime('%Y%m%d', :payedTime)
                 || printf('%06d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'pay_seq')),
    invoice_no = 'MZ' || strftime('%Y%m%d', :payedTime)
                 || printf('%06d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'invoice_no'))
WHERE book = 1;

UPDATE outp_register
SET invoice_no = (SELECT b.invoice_no FROM temp.hisgw_pay_register b)
WHERE register_id = (SELECT b.register_id FROM temp.hisgw_pay_register b WHERE b.book = 1);

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT b.his_pay_id, '1', b.register_id, b.patient_id, b.amount,
       CASE
           WHEN :payType IS NULL THEN '互联网'
           WHEN lower(:payType) LIKE '%medpay%' THEN '医保'
           WHEN lower(:payType) LIKE '%wechat%' THEN '微信'
           WHEN lower(:payType) LIKE 'ali%' THEN '支付宝'
           WHEN lower(:payType) = 'unionpay' THEN '银联'
           WHEN lower(:payType) = 'ecardpay' THEN '一卡通'
           ELSE '互联网'
       END,
       :payType, :tradeNo, '0', NULL, b.invoice_no, :payedTime, '睿博平台'
FROM temp.hisgw_pay_register b
WHERE b.book = 1;

SELECT b.result     AS result,
       b.message    AS message,
       CASE WHEN b.result = 'success' THEN b.clinic_no END   AS clinicNo,
       CASE WHEN b.result = 'success' THEN b.invoice_no END  AS invoiceNo,
       CASE WHEN b.result = 'success' THEN b.register_id END AS registerId,
       b.is_refund  AS isRefund
FROM temp.hisgw_pay_register b;
