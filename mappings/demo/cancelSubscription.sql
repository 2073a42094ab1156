-- 5.2 cancelSubscription (取消预约记录)
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
--     'TF' || today yyyymmdd || 6-digit pay_seq, answered as hisRefundId;
--     the gateway then asks the platform to refund that order.
--
-- The gateway runs this section in one write transaction and commits only
-- when the result is success. Checks, in order (every refusal is error):
--   the booking does not exist;
--   it is cancelled already (so a second cancellation changes nothing);
--   it is paid but not through the platform (trade_no NULL: 退号退费 at the
--   window), its clinic day has passed, or the visit has started;
--   any other state than '0' or '1'.
-- The cancellation is one conditional UPDATE (status still the one checked,
-- and for a paid booking still refundable) whose changes() decides, so the
-- slot is returned and the refund booked once (a cancellation or payment
-- that came first answers its own message).
-- hisRefundId is always selected: NULL (sent empty) for an unpaid booking.
-- temp.hisgw_cancel_subscription holds this call's state from one statement
-- to the next (one row; the connection's own temp schema).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_cancel_subscription (
    result      TEXT,       -- NULL while the booking may be cancelled
    message     TEXT,
    register_id TEXT,
    slot_id     INTEGER,
    status      TEXT,       -- the status checked: '0' cancel, '1' cancel and refund
    now_time    TEXT,       -- cancel_time and the refund's payed_time
    refund_id   TEXT
);
DELETE FROM temp.hisgw_cancel_subscription;

INSERT INTO temp.hisgw_cancel_subscription (result, message, register_id, slot_id, status, now_time)
SELECT CASE
           WHEN r.register_id IS NULL THEN 'error'
           WHEN r.status = '0' THEN NULL
           WHEN r.status = '1' AND r.trade_no IS NOT NULL
                AND r.visit_date >= date('now', 'localtime')
                AND r.visit_status = '0' AND r.see_time IS NULL THEN NULL
           ELSE 'error'
       END,
       CASE
           WHEN r.register_id IS NULL THEN '预约记录不存在'
           WHEN r.status = '0' THEN NULL
           WHEN r.status = '9' THEN '该预约已取消，请勿重复操作'
           WHEN r.status = '1' AND r.trade_no IS NULL THEN '该预约非平台支付，请到窗口办理退号退费'
           WHEN r.status = '1' AND r.visit_date < date('now', 'localtime') THEN '该预约已过就诊日期，不能取消'
           WHEN r.status = '1' AND (r.visit_status <> '0' OR r.see_time IS NOT NULL) THEN '该预约已就诊，不能取消'
           WHEN r.status = '1' THEN NULL
           ELSE '该预约当前状态不能取消'
       END,
       r.register_id, r.slot_id, r.status, datetime('now', 'localtime')
FROM (SELECT 1 AS one) AS req
LEFT JOIN outp_register r ON r.register_id = :subscriptionId;

UPDATE outp_register
SET status = '9',
    cancel_time = (SELECT b.now_time FROM temp.hisgw_cancel_subscription b)
WHERE register_id = (SELECT b.register_id FROM temp.hisgw_cancel_subscription b WHERE b.result IS NULL)
  AND status = (SELECT b.status FROM temp.hisgw_cancel_subscription b)
  AND (status = '0'
       OR (status = '1' AND trade_no IS NOT NULL
           AND visit_date >= date('now', 'localtime')
           AND visit_status = '0' AND see_time IS NULL));

-- changes() is the row count of the UPDATE just above.
UPDATE temp.hisgw_cancel_subscription
SET result  = CASE WHEN changes() = 1 THEN 'success' ELSE 'error' END,
    message = CASE WHEN changes() = 1 AND status = '1' THEN '取消预约成功，挂号费将原路退回'
                   WHEN changes() = 1 THEN '取消预约成功'
                   ELSE CASE (SELECT r.status FROM outp_register r WHERE r.register_id = hisgw_cancel_subscription.register_id)
                            WHEN '9' THEN '该预约已取消，请勿重复操作'
                            WHEN '1' THEN '该预约状态已变更，请重新提交取消申请'
                            ELSE '该预约当前状态不能取消'
                        END
              END
WHERE result IS NULL;

UPDATE schedule_slot
SET used_num = used_num - 1
WHERE slot_id = (SELECT b.slot_id FROM temp.hisgw_cancel_subscription b WHERE b.result = 'success')
  AND used_num > 0;

-- The refund number: increment, then read back (the write lock is ours until commit).
UPDATE sys_sequence
SET cur_val = cur_val + 1
WHERE seq_name = 'pay_seq'
  AND EXISTS (SELECT 1 FROM temp.hisgw_cancel_subscription WHERE result = 'success' AND status = '1');

UPDATE temp.hisgw_cancel_subscription
SET refund_id = 'TF' || strftime('%Y%m%d', now_time)
                || printf('%06d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'pay_seq'))
WHERE result = 'success' AND status = '1';

-- The refund: what the original payment (channel '0', same order) took, back the same way.
INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT b.refund_id, '1', r.register_id, r.patient_id, COALESCE(l.amount, r.reg_fee),
       COALESCE(l.pay_way, '互联网'), l.pay_type, r.trade_no,
       '1', b.refund_id, r.invoice_no, b.now_time, '睿博平台'
FROM temp.hisgw_cancel_subscription b
JOIN outp_register r ON r.register_id = b.register_id
LEFT JOIN pay_ledger l ON l.trade_no = r.trade_no AND l.channel = '0'
WHERE b.refund_id IS NOT NULL;

SELECT b.result    AS result,
       b.message   AS message,
       b.refund_id AS hisRefundId
FROM temp.hisgw_cancel_subscription b;
