-- 5.2 cancelSubscription (取消预约记录), MySQL version of
-- cancelSubscription.sql.
-- HIS tables read: outp_register, pay_ledger.
-- HIS tables written: outp_register, schedule_slot, and for a paid booking
-- sys_sequence (pay_seq) and pay_ledger (the refund).
-- A booking of this HIS is an outp_register row (insertSubscription.sql);
-- subscriptionId is its register_id. A cancelled booking becomes '9' 已退号
-- with its cancel time, and its slot goes back to the session (used_num - 1,
-- never below 0, so the slots left never exceed the total).
--   * An UNPAID booking (status '0' 锁号待支付) is simply cancelled: no money
--     moved, so hisRefundId stays NULL.
--   * A PAID booking (status '1') is cancelled with a refund (退号退费) when
--     the platform paid it (trade_no set), its clinic day has not passed and
--     the visit has not started (visit_status '0', no see_time): a refund row
--     goes into pay_ledger (biz_type '1', channel '1' 退款, the amount, pay_way
--     and pay_type of the original payment, its trade_no and invoice_no),
--     his_pay_id = refund_id = the new HIS refund number
--     'TF' + today yyyymmdd + 6-digit pay_seq (incremented by
--     UPDATE … SET cur_val = LAST_INSERT_ID(cur_val + 1) and read back by
--     LAST_INSERT_ID() under the row lock this transaction holds), answered
--     as hisRefundId;
--     the gateway then asks the platform to refund that order.
--
-- The gateway runs these statements in one READ COMMITTED transaction and
-- commits only when the result is success. Checks, in order (every refusal
-- is error):
--   the booking does not exist;
--   it is cancelled already (so a second cancellation changes nothing);
--   it is paid but not through the platform (trade_no NULL: 退号退费 at the
--   window), its clinic day has passed, or the visit has started;
--   any other state than '0' or '1'.
-- The cancellation is one conditional UPDATE (status still the one checked,
-- and for a paid booking still refundable) whose ROW_COUNT() decides, so the
-- slot is returned and the refund booked once, and a booking paid after the
-- check is never cancelled as an unpaid one (a cancellation or payment that
-- came first answers its own message).
-- hisRefundId is always selected: NULL (sent empty) for an unpaid booking.
-- The state of this call lives in session variables @hisgw_c_*, all set by
-- the first statement.
-- :subscriptionId compares with the varchar column outp_register.register_id.
SELECT r.register_id, r.slot_id, r.status,
       CASE
           WHEN r.register_id IS NULL THEN 'error'
           WHEN r.status = '0' THEN NULL
           WHEN r.status = '1' AND r.trade_no IS NOT NULL AND r.visit_date >= CURDATE()
                AND r.visit_status = '0' AND r.see_time IS NULL THEN NULL
           ELSE 'error'
       END,
       CASE
           WHEN r.register_id IS NULL THEN '预约记录不存在'
           WHEN r.status = '0' THEN NULL
           WHEN r.status = '9' THEN '该预约已取消，请勿重复操作'
           WHEN r.status = '1' AND r.trade_no IS NULL THEN '该预约非平台支付，请到窗口办理退号退费'
           WHEN r.status = '1' AND r.visit_date < CURDATE() THEN '该预约已过就诊日期，不能取消'
           WHEN r.status = '1' AND (r.visit_status <> '0' OR r.see_time IS NOT NULL) THEN '该预约已就诊，不能取消'
           WHEN r.status = '1' THEN NULL
           ELSE '该预约当前状态不能取消'
       END,
       CAST(NOW() AS datetime), 0, NULL
INTO @hisgw_c_register_id, @hisgw_c_slot_id, @hisgw_c_status, @hisgw_c_result, @hisgw_c_message,
     @hisgw_c_now, @hisgw_c_done, @hisgw_c_refund_id
FROM (SELECT 1 AS one) AS req
LEFT JOIN outp_register r ON r.register_id = :subscriptionId;

-- The cancellation: one conditional UPDATE (status still the one checked,
-- and for a paid booking still refundable).
UPDATE outp_register
SET status = '9', cancel_time = @hisgw_c_now
WHERE register_id = @hisgw_c_register_id
  AND @hisgw_c_result IS NULL
  AND status = @hisgw_c_status
  AND (status = '0'
       OR (status = '1' AND trade_no IS NOT NULL
           AND visit_date >= CAST(@hisgw_c_now AS date)
           AND visit_status = '0' AND see_time IS NULL));

-- ROW_COUNT() is the row count of the UPDATE just above.
SET @hisgw_c_done = CASE WHEN @hisgw_c_result IS NULL AND ROW_COUNT() = 1 THEN 1 ELSE 0 END;

SET @hisgw_c_message = CASE
        WHEN @hisgw_c_result IS NOT NULL THEN @hisgw_c_message
        WHEN @hisgw_c_done = 1 AND @hisgw_c_status = '1' THEN '取消预约成功，挂号费将原路退回'
        WHEN @hisgw_c_done = 1 THEN '取消预约成功'
        ELSE (SELECT CASE r.status
                         WHEN '9' THEN '该预约已取消，请勿重复操作'
                         WHEN '1' THEN '该预约状态已变更，请重新提交取消申请'
                         ELSE '该预约当前状态不能取消'
                     END
              FROM outp_register r WHERE r.register_id = @hisgw_c_register_id)
    END,
    @hisgw_c_result = CASE
        WHEN @hisgw_c_result IS NOT NULL THEN @hisgw_c_result
        WHEN @hisgw_c_done = 1 THEN 'success'
        ELSE 'error'
    END;

-- The slot goes back, once.
UPDATE schedule_slot
SET used_num = used_num - 1
WHERE slot_id = @hisgw_c_slot_id AND used_num > 0
  AND @hisgw_c_done = 1;

-- The refund of a paid booking: a new refund number, then what the original
-- payment (channel '0', same order) took, back the same way.
UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'pay_seq' AND @hisgw_c_done = 1 AND @hisgw_c_status = '1';

SET @hisgw_c_refund_id = CASE
        WHEN ROW_COUNT() = 1
            THEN CONCAT('TF', DATE_FORMAT(@hisgw_c_now, '%Y%m%d'),
                        CASE WHEN LAST_INSERT_ID() < 1000000 THEN LPAD(LAST_INSERT_ID(), 6, '0') ELSE LAST_INSERT_ID() END)
    END;

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT @hisgw_c_refund_id, '1', r.register_id, r.patient_id, COALESCE(l.amount, r.reg_fee),
       COALESCE(l.pay_way, '互联网'), l.pay_type, r.trade_no,
       '1', @hisgw_c_refund_id, r.invoice_no, @hisgw_c_now, '睿博平台'
FROM outp_register r
LEFT JOIN pay_ledger l ON l.trade_no = r.trade_no AND l.channel = '0'
WHERE r.register_id = @hisgw_c_register_id
  AND @hisgw_c_refund_id IS NOT NULL;

SELECT @hisgw_c_result    AS result,
       @hisgw_c_message   AS message,
       @hisgw_c_refund_id AS hisRefundId;
