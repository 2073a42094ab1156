-- The booking of a registration's payment, shared by 6.3 payRegister and
-- 5.3 subscriptionPay (a booking of this HIS is a registration too). The
-- including file first fills temp.hisgw_pay_kind with what differs: word
-- ('挂号' or '预约', for the messages) and order_id (the registration paid
-- for: :registerId or :subscriptionId). It answers for the including file
-- (clinicNo, invoiceNo, registerId, isRefund). The rules and checks are in
-- payRegister.sql.
CREATE TEMP TABLE IF NOT EXISTS hisgw_pay_booking (
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
DELETE FROM temp.hisgw_pay_booking;

INSERT INTO temp.hisgw_pay_booking
       (result, message, is_refund, register_id, clinic_no, patient_id, amount, invoice_no)
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = k.order_id
                AND dec_sub(l.amount, :clinicFee) = '0' THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN r.register_id IS NULL THEN 'error'
           WHEN r.status = '1' AND r.trade_no = :tradeNo AND dec_sub(r.reg_fee, :clinicFee) = '0' THEN 'success'
           WHEN r.schedule_id IS NOT :scheduleId THEN 'error'
           WHEN :patientCard IS NOT NULL AND (c.card_no IS NULL OR c.patient_id <> r.patient_id) THEN 'error'
           WHEN p.name IS NOT :realName THEN 'error'
           WHEN p.id_no IS NULL OR upper(substr(p.id_no, -4)) <> upper(substr(:idCard, -4)) THEN 'error'
           WHEN r.status <> '0' THEN 'error'
           WHEN r.visit_date < date('now', 'localtime') THEN 'error'
           WHEN s.status IS NOT NULL AND s.status <> '1' THEN 'error'
           WHEN dec_sub(:clinicFee, r.reg_fee) <> '0' THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = k.order_id
                AND dec_sub(l.amount, :clinicFee) = '0' THEN '该订单已支付成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次' || k.word || '支付不符，请人工核对'
           WHEN r.register_id IS NULL THEN k.word || '记录不存在'
           WHEN r.status = '1' AND r.trade_no = :tradeNo AND dec_sub(r.reg_fee, :clinicFee) = '0' THEN '该订单已支付成功'
           WHEN r.schedule_id IS NOT :scheduleId THEN k.word || '记录与排班不符'
           WHEN :patientCard IS NOT NULL AND (c.card_no IS NULL OR c.patient_id <> r.patient_id) THEN '就诊卡号与' || k.word || '记录不符'
           WHEN p.name IS NOT :realName THEN '姓名与' || k.word || '记录不符'
           WHEN p.id_no IS NULL OR upper(substr(p.id_no, -4)) <> upper(substr(:idCard, -4)) THEN '身份证号与' || k.word || '记录不符'
           WHEN r.status = '1' THEN '该' || k.word || '已由其他订单支付'
           WHEN r.status = '9' THEN '该' || k.word || '已取消'
           WHEN r.status <> '0' THEN '该' || k.word || '当前状态不能支付'
           WHEN r.visit_date < date('now', 'localtime') THEN '该' || k.word || '已过就诊日期'
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
FROM temp.hisgw_pay_kind k
LEFT JOIN pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0'
LEFT JOIN outp_register r ON r.register_id = k.order_id
LEFT JOIN patient p ON p.patient_id = r.patient_id
LEFT JOIN card c ON c.card_no = :patientCard
LEFT JOIN schedule s ON s.schedule_id = r.schedule_id;

-- Book: one conditional UPDATE, no read-then-write.
UPDATE outp_register
SET status = '1',
    trade_no = :tradeNo
WHERE register_id = (SELECT b.register_id FROM temp.hisgw_pay_booking b WHERE b.result IS NULL)
  AND status = '0';

-- changes() is the row count of the UPDATE just above.
UPDATE temp.hisgw_pay_booking
SET book      = changes(),
    result    = CASE WHEN changes() = 1 THEN 'success' ELSE 'error' END,
    message   = CASE WHEN changes() = 1 THEN (SELECT k.word || '支付成功' FROM temp.hisgw_pay_kind k)
                     ELSE (SELECT '该' || k.word || '状态已变更，不能支付' FROM temp.hisgw_pay_kind k) END,
    is_refund = CASE WHEN changes() = 1 THEN '0' ELSE '1' END
WHERE result IS NULL;

-- New numbers: increment, then read back (the write lock is ours until commit).
UPDATE sys_sequence
SET cur_val = cur_val + 1
WHERE seq_name IN ('pay_seq', 'invoice_no')
  AND EXISTS (SELECT 1 FROM temp.hisgw_pay_booking WHERE book = 1);

UPDATE temp.hisgw_pay_booking
SET his_pay_id = 'SF' || strftime('%Y%m%d', :payedTime)
                 || printf('%06d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'pay_seq')),
    invoice_no = 'MZ' || strftime('%Y%m%d', :payedTime)
                 || printf('%06d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'invoice_no'))
WHERE book = 1;

UPDATE outp_register
SET invoice_no = (SELECT b.invoice_no FROM temp.hisgw_pay_booking b)
WHERE register_id = (SELECT b.register_id FROM temp.hisgw_pay_booking b WHERE b.book = 1);

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT b.his_pay_id, '1', b.register_id, b.patient_id, b.amount,
       -- the HIS's word for how it was paid: shared/pay_way.sql
-- @include pay_way
       , :payType, :tradeNo, '0', NULL, b.invoice_no, :payedTime, '睿博平台'
FROM temp.hisgw_pay_booking b
WHERE b.book = 1;

-- The answer: the spec's fields only on success, isRefund always.
SELECT b.result     AS result,
       b.message    AS message,
       CASE WHEN b.result = 'success' THEN b.clinic_no END   AS clinicNo,
       CASE WHEN b.result = 'success' THEN b.invoice_no END  AS invoiceNo,
       CASE WHEN b.result = 'success' THEN b.register_id END AS registerId,
       b.is_refund  AS isRefund
FROM temp.hisgw_pay_booking b;
