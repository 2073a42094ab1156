-- The booking of a registration's payment, shared by 6.3 payRegister and
-- 5.3 subscriptionPay (a booking of this HIS is a registration too), MySQL
-- version of pay_booking.sql. The including file sets what differs before
-- it includes this: the session variables @hisgw_p_word ('挂号' or '预约',
-- for the messages) and @hisgw_p_order_id (the registration paid for: the
-- request's registerId or subscriptionId). It answers for the including file (clinicNo,
-- invoiceNo, registerId, isRefund). The rules and checks are in
-- payRegister.mysql.sql.
-- The state of this call lives in session variables @hisgw_p_* of the
-- connection; the first statement sets every one of them, so nothing is
-- left over from an earlier call on the same connection. Each statement
-- after the checks does nothing unless its condition on that state holds
-- (no control flow: the conditions are in the statements).

-- The checks: one row, whatever exists (the request row, left-joined).
-- :clinicFee is read as decimal and :payedTime as datetime here, once.
SELECT CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = @hisgw_p_order_id
                AND l.amount = CAST(:clinicFee AS decimal(38,8)) THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN r.register_id IS NULL THEN 'error'
           WHEN r.status = '1' AND r.trade_no = :tradeNo AND r.reg_fee = CAST(:clinicFee AS decimal(38,8)) THEN 'success'
           WHEN r.schedule_id IS NULL OR r.schedule_id <> :scheduleId THEN 'error'
           WHEN :patientCard IS NOT NULL AND (c.card_no IS NULL OR c.patient_id <> r.patient_id) THEN 'error'
           WHEN NOT (p.name <=> :realName) THEN 'error'
           WHEN p.id_no IS NULL OR :idCard IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN 'error'
           WHEN r.status <> '0' THEN 'error'
           WHEN r.visit_date < CURDATE() THEN 'error'
           WHEN s.status IS NOT NULL AND s.status <> '1' THEN 'error'
           WHEN r.reg_fee <> CAST(:clinicFee AS decimal(38,8)) THEN 'error'
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = @hisgw_p_order_id
                AND l.amount = CAST(:clinicFee AS decimal(38,8)) THEN '该订单已支付成功'
           WHEN l.his_pay_id IS NOT NULL THEN CONCAT('该订单号已在HIS记账，与本次', @hisgw_p_word, '支付不符，请人工核对')
           WHEN r.register_id IS NULL THEN CONCAT(@hisgw_p_word, '记录不存在')
           WHEN r.status = '1' AND r.trade_no = :tradeNo AND r.reg_fee = CAST(:clinicFee AS decimal(38,8)) THEN '该订单已支付成功'
           WHEN r.schedule_id IS NULL OR r.schedule_id <> :scheduleId THEN CONCAT(@hisgw_p_word, '记录与排班不符')
           WHEN :patientCard IS NOT NULL AND (c.card_no IS NULL OR c.patient_id <> r.patient_id) THEN CONCAT('就诊卡号与', @hisgw_p_word, '记录不符')
           WHEN NOT (p.name <=> :realName) THEN CONCAT('姓名与', @hisgw_p_word, '记录不符')
           WHEN p.id_no IS NULL OR :idCard IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN CONCAT('身份证号与', @hisgw_p_word, '记录不符')
           WHEN r.status = '1' THEN CONCAT('该', @hisgw_p_word, '已由其他订单支付')
           WHEN r.status = '9' THEN CONCAT('该', @hisgw_p_word, '已取消')
           WHEN r.status <> '0' THEN CONCAT('该', @hisgw_p_word, '当前状态不能支付')
           WHEN r.visit_date < CURDATE() THEN CONCAT('该', @hisgw_p_word, '已过就诊日期')
           WHEN s.status IS NOT NULL AND s.status <> '1' THEN CONCAT('该排班已停诊', COALESCE(CONCAT('：', s.stop_reason), ''))
           WHEN r.reg_fee <> CAST(:clinicFee AS decimal(38,8)) THEN CONCAT('支付金额与挂号费不符（应付', r.reg_fee, '元）')
       END,
       CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN r.register_id IS NOT NULL AND r.status = '1' AND r.trade_no = :tradeNo
                AND r.reg_fee = CAST(:clinicFee AS decimal(38,8)) THEN '0'
           ELSE '1'
       END,
       r.register_id, r.clinic_no, r.patient_id, r.reg_fee,
       COALESCE(l.invoice_no, r.invoice_no),
       CAST(:payedTime AS datetime),
       0, NULL, NULL
INTO @hisgw_p_result, @hisgw_p_message, @hisgw_p_is_refund,
     @hisgw_p_register_id, @hisgw_p_clinic_no, @hisgw_p_patient_id, @hisgw_p_reg_fee,
     @hisgw_p_invoice_no, @hisgw_p_payed,
     @hisgw_p_book, @hisgw_p_pay_seq, @hisgw_p_invoice_seq
FROM (SELECT 1 AS one) AS req
LEFT JOIN pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0'
LEFT JOIN outp_register r ON r.register_id = @hisgw_p_order_id
LEFT JOIN patient p ON p.patient_id = r.patient_id
LEFT JOIN card c ON c.card_no = :patientCard
LEFT JOIN schedule s ON s.schedule_id = r.schedule_id;

-- Book: one conditional UPDATE (status still '0'), no read-then-write; two
-- orders for one registration never both book it.
UPDATE outp_register
SET status = '1', trade_no = :tradeNo
WHERE register_id = @hisgw_p_register_id AND status = '0'
  AND @hisgw_p_result IS NULL;

-- ROW_COUNT() is the row count of the UPDATE just above.
SET @hisgw_p_book = CASE WHEN @hisgw_p_result IS NULL AND ROW_COUNT() = 1 THEN 1 ELSE 0 END;

SET @hisgw_p_message = CASE
        WHEN @hisgw_p_result IS NOT NULL THEN @hisgw_p_message
        WHEN @hisgw_p_book = 1 THEN CONCAT(@hisgw_p_word, '支付成功')
        ELSE (SELECT CASE r.status
                         WHEN '1' THEN CONCAT('该', @hisgw_p_word, '已由其他订单支付')
                         WHEN '9' THEN CONCAT('该', @hisgw_p_word, '已取消')
                         ELSE CONCAT('该', @hisgw_p_word, '状态已变更，不能支付')
                     END
              FROM outp_register r WHERE r.register_id = @hisgw_p_register_id)
    END,
    @hisgw_p_is_refund = CASE
        WHEN @hisgw_p_result IS NOT NULL THEN @hisgw_p_is_refund
        WHEN @hisgw_p_book = 1 THEN '0'
        ELSE '1'
    END,
    @hisgw_p_result = CASE
        WHEN @hisgw_p_result IS NOT NULL THEN @hisgw_p_result
        WHEN @hisgw_p_book = 1 THEN 'success'
        ELSE 'error'
    END;

-- The payment's numbers, only when booked: each incremented and read back
-- by LAST_INSERT_ID(expr) (the row lock is ours until commit), in key
-- order: invoice_no, pay_seq.
--   invoiceNo              'MZ' + payed day yyyymmdd + 6-digit invoice_no;
--   pay_ledger.his_pay_id  'SF' + payed day yyyymmdd + 6-digit pay_seq.
UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'invoice_no' AND @hisgw_p_book = 1;
SET @hisgw_p_invoice_seq = CASE WHEN ROW_COUNT() = 1 THEN LAST_INSERT_ID() END;

UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'pay_seq' AND @hisgw_p_book = 1;
SET @hisgw_p_pay_seq = CASE WHEN ROW_COUNT() = 1 THEN LAST_INSERT_ID() END;

SET @hisgw_p_invoice_no = CASE
        WHEN @hisgw_p_book = 1
            THEN CONCAT('MZ', DATE_FORMAT(@hisgw_p_payed, '%Y%m%d'),
                        CASE WHEN @hisgw_p_invoice_seq < 1000000 THEN LPAD(@hisgw_p_invoice_seq, 6, '0')
                             ELSE @hisgw_p_invoice_seq END)
        ELSE @hisgw_p_invoice_no
    END;

UPDATE outp_register SET invoice_no = @hisgw_p_invoice_no
WHERE register_id = @hisgw_p_register_id AND @hisgw_p_book = 1;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT CONCAT('SF', DATE_FORMAT(@hisgw_p_payed, '%Y%m%d'),
              CASE WHEN @hisgw_p_pay_seq < 1000000 THEN LPAD(@hisgw_p_pay_seq, 6, '0') ELSE @hisgw_p_pay_seq END),
       '1', @hisgw_p_register_id, @hisgw_p_patient_id, r.reg_fee,
       -- the HIS's word for how it was paid: shared/pay_way.sql
-- @include pay_way
       , LEFT(:payType, 20), :tradeNo, '0', NULL, @hisgw_p_invoice_no, @hisgw_p_payed, '睿博平台'
FROM outp_register r
WHERE r.register_id = @hisgw_p_register_id AND @hisgw_p_book = 1;

-- The answer: the spec's fields only on success, isRefund always.
SELECT @hisgw_p_result    AS result,
       @hisgw_p_message   AS message,
       CASE WHEN @hisgw_p_result = 'success' THEN @hisgw_p_clinic_no END   AS clinicNo,
       CASE WHEN @hisgw_p_result = 'success' THEN @hisgw_p_invoice_no END  AS invoiceNo,
       CASE WHEN @hisgw_p_result = 'success' THEN @hisgw_p_register_id END AS registerId,
       @hisgw_p_is_refund AS isRefund;
