-- The booking of a registration's payment, shared by 6.3 payRegister and
-- 5.3 subscriptionPay (a booking of this HIS is a registration too),
-- PostgreSQL version of pay_booking.sql. The including file first fills the
-- temp table hisgw_pay_kind with what differs: word ('挂号' or '预约', for
-- the messages) and order_id (the registration paid for: :registerId or
-- :subscriptionId). It answers for the including file (clinicNo,
-- invoiceNo, registerId, isRefund). The rules and checks are in
-- payRegister.postgres.sql.
CREATE TEMP TABLE IF NOT EXISTS hisgw_pay_booking (
    result      varchar(20),    -- NULL while every check passes
    message     varchar(200),
    is_refund   char(1),
    book        integer NOT NULL DEFAULT 0,  -- 1 when this call books the payment
    register_id varchar(20),
    clinic_no   varchar(20),
    patient_id  varchar(20),
    amount      numeric(12,2),
    invoice_no  varchar(30),
    his_pay_id  varchar(30)
);
DELETE FROM hisgw_pay_booking;

INSERT INTO hisgw_pay_booking
       (result, message, is_refund, register_id, clinic_no, patient_id, amount, invoice_no)
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = k.order_id
                AND l.amount = CAST(:clinicFee AS numeric) THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN r.register_id IS NULL THEN 'error'
           WHEN r.status = '1' AND r.trade_no = CAST(:tradeNo AS varchar) AND r.reg_fee = CAST(:clinicFee AS numeric) THEN 'success'
           WHEN r.schedule_id IS DISTINCT FROM CAST(:scheduleId AS varchar) THEN 'error'
           WHEN CAST(:patientCard AS varchar) IS NOT NULL AND (c.card_no IS NULL OR c.patient_id <> r.patient_id) THEN 'error'
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN 'error'
           WHEN p.id_no IS NULL OR CAST(:idCard AS text) IS NULL
                OR upper(right(p.id_no, 4)) <> upper(right(:idCard, 4)) THEN 'error'
           WHEN r.status <> '0' THEN 'error'
           WHEN r.visit_date < CURRENT_DATE THEN 'error'
           WHEN s.status IS NOT NULL AND s.status <> '1' THEN 'error'
           WHEN r.reg_fee <> CAST(:clinicFee AS numeric) THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = k.order_id
                AND l.amount = CAST(:clinicFee AS numeric) THEN '该订单已支付成功'
           WHEN l.his_pay_id IS NOT NULL THEN '该订单号已在HIS记账，与本次' || k.word || '支付不符，请人工核对'
           WHEN r.register_id IS NULL THEN k.word || '记录不存在'
           WHEN r.status = '1' AND r.trade_no = CAST(:tradeNo AS varchar) AND r.reg_fee = CAST(:clinicFee AS numeric) THEN '该订单已支付成功'
           WHEN r.schedule_id IS DISTINCT FROM CAST(:scheduleId AS varchar) THEN k.word || '记录与排班不符'
           WHEN CAST(:patientCard AS varchar) IS NOT NULL AND (c.card_no IS NULL OR c.patient_id <> r.patient_id) THEN '就诊卡号与' || k.word || '记录不符'
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN '姓名与' || k.word || '记录不符'
           WHEN p.id_no IS NULL OR CAST(:idCard AS text) IS NULL
                OR upper(right(p.id_no, 4)) <> upper(right(:idCard, 4)) THEN '身份证号与' || k.word || '记录不符'
           WHEN r.status = '1' THEN '该' || k.word || '已由其他订单支付'
           WHEN r.status = '9' THEN '该' || k.word || '已取消'
           WHEN r.status <> '0' THEN '该' || k.word || '当前状态不能支付'
           WHEN r.visit_date < CURRENT_DATE THEN '该' || k.word || '已过就诊日期'
           WHEN s.status IS NOT NULL AND s.status <> '1' THEN '该排班已停诊' || COALESCE('：' || s.stop_reason, '')
           WHEN r.reg_fee <> CAST(:clinicFee AS numeric) THEN '支付金额与挂号费不符（应付' || r.reg_fee || '元）'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN r.register_id IS NOT NULL AND r.status = '1' AND r.trade_no = CAST(:tradeNo AS varchar)
                AND r.reg_fee = CAST(:clinicFee AS numeric) THEN '0'
           ELSE '1'
       END,
       r.register_id, r.clinic_no, r.patient_id, r.reg_fee,
       COALESCE(l.invoice_no, r.invoice_no)
FROM hisgw_pay_kind k
LEFT JOIN pay_ledger l ON l.trade_no = CAST(:tradeNo AS varchar) AND l.channel = '0'
LEFT JOIN outp_register r ON r.register_id = k.order_id
LEFT JOIN patient p ON p.patient_id = r.patient_id
LEFT JOIN card c ON c.card_no = CAST(:patientCard AS varchar)
LEFT JOIN schedule s ON s.schedule_id = r.schedule_id;

-- Book: one conditional UPDATE, no read-then-write; its RETURNING decides
-- (a concurrent payment or cancellation of the registration is waited for,
-- and the status checked again once it ends).
WITH booked AS (
    UPDATE outp_register
    SET status = '1',
        trade_no = CAST(:tradeNo AS varchar)
    WHERE register_id = (SELECT b.register_id FROM hisgw_pay_booking b WHERE b.result IS NULL)
      AND status = '0'
    RETURNING register_id
)
UPDATE hisgw_pay_booking
SET book      = (SELECT count(*) FROM booked),
    result    = CASE WHEN EXISTS (SELECT 1 FROM booked) THEN 'success' ELSE 'error' END,
    message   = CASE WHEN EXISTS (SELECT 1 FROM booked) THEN (SELECT k.word || '支付成功' FROM hisgw_pay_kind k)
                     ELSE (SELECT '该' || k.word || '状态已变更，不能支付' FROM hisgw_pay_kind k) END,
    is_refund = CASE WHEN EXISTS (SELECT 1 FROM booked) THEN '0' ELSE '1' END
WHERE result IS NULL;

-- New numbers: incremented, the value written read back by RETURNING
-- (pay_seq, then invoice_no, in every call).
WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'pay_seq'
      AND EXISTS (SELECT 1 FROM hisgw_pay_booking WHERE book = 1)
    RETURNING cur_val
)
UPDATE hisgw_pay_booking
SET his_pay_id = 'SF' || to_char(CAST(:payedTime AS timestamp), 'YYYYMMDD')
                 || CASE WHEN seq.cur_val < 1000000 THEN lpad(seq.cur_val::text, 6, '0') ELSE seq.cur_val::text END
FROM seq
WHERE book = 1;

WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'invoice_no'
      AND EXISTS (SELECT 1 FROM hisgw_pay_booking WHERE book = 1)
    RETURNING cur_val
)
UPDATE hisgw_pay_booking
SET invoice_no = 'MZ' || to_char(CAST(:payedTime AS timestamp), 'YYYYMMDD')
                 || CASE WHEN seq.cur_val < 1000000 THEN lpad(seq.cur_val::text, 6, '0') ELSE seq.cur_val::text END
FROM seq
WHERE book = 1;

UPDATE outp_register
SET invoice_no = b.invoice_no
FROM hisgw_pay_booking b
WHERE b.book = 1
  AND outp_register.register_id = b.register_id;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT b.his_pay_id, '1', b.register_id, b.patient_id, b.amount,
       -- the HIS's word for how it was paid: shared/pay_way.postgres.sql
-- @include pay_way
       , left(:payType, 20), CAST(:tradeNo AS varchar), '0', NULL, b.invoice_no, CAST(:payedTime AS timestamp), '睿博平台'
FROM hisgw_pay_booking b
WHERE b.book = 1;

-- The answer: the spec's fields only on success, isRefund always.
SELECT b.result     AS result,
       b.message    AS message,
       CASE WHEN b.result = 'success' THEN b.clinic_no END   AS clinicNo,
       CASE WHEN b.result = 'success' THEN b.invoice_no END  AS invoiceNo,
       CASE WHEN b.result = 'success' THEN b.register_id END AS registerId,
       b.is_refund  AS isRefund
FROM hisgw_pay_booking b;
