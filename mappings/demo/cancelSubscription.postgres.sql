-- 5.2 cancelSubscription (取消预约记录), PostgreSQL version of
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
--     'TF' || today yyyymmdd || 6-digit pay_seq, answered as hisRefundId;
--     the gateway then asks the platform to refund that order.
--
-- The gateway runs this section in one write transaction (READ COMMITTED)
-- and commits only when the result is success. Checks, in order (every refusal is error):
--   the booking does not exist;
--   it is cancelled already (so a second cancellation changes nothing);
--   it is paid but not through the platform (trade_no NULL: 退号退费 at the
--   window), its clinic day has passed, or the visit has started;
--   any other state than '0' or '1'.
-- The cancellation is one conditional UPDATE (status still the one checked,
-- and for a paid booking still refundable) whose RETURNING decides (a
-- concurrent payment or cancellation is waited for and the row checked
-- again), so the slot is returned and the refund booked once (a
-- cancellation or payment that came first answers its own message, read by
-- the statement after it). The refund number's pay_seq is incremented by an
-- UPDATE … RETURNING (the value this transaction wrote, under a row lock
-- held to commit).
-- hisRefundId is always selected: NULL (sent empty) for an unpaid booking.
-- The temp table hisgw_cancel_subscription holds this call's state from one
-- statement to the next (one row; the connection's own).
-- :subscriptionId compares with the varchar column outp_register.register_id.
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_cancel_subscription (
    result      varchar(20),    -- NULL while the booking may be cancelled
    message     varchar(100),
    register_id varchar(20),
    slot_id     integer,
    status      char(1),        -- the status checked: '0' cancel, '1' cancel and refund
    now_time    timestamp(0),   -- the cancel time, and the refund's booking time
    refund_id   varchar(30)     -- 'TF' … for a refunded booking
);
DELETE FROM hisgw_cancel_subscription;

INSERT INTO hisgw_cancel_subscription (result, message, register_id, slot_id, status, now_time)
SELECT CASE
           WHEN r.register_id IS NULL THEN 'error'
           WHEN r.status = '0' THEN NULL
           WHEN r.status = '1' AND r.trade_no IS NOT NULL
                AND r.visit_date >= CURRENT_DATE
                AND r.visit_status = '0' AND r.see_time IS NULL THEN NULL
           ELSE 'error'
       END,
       CASE
           WHEN r.register_id IS NULL THEN '预约记录不存在'
           WHEN r.status = '0' THEN NULL
           WHEN r.status = '9' THEN '该预约已取消，请勿重复操作'
           WHEN r.status = '1' AND r.trade_no IS NULL THEN '该预约非平台支付，请到窗口办理退号退费'
           WHEN r.status = '1' AND r.visit_date < CURRENT_DATE THEN '该预约已过就诊日期，不能取消'
           WHEN r.status = '1' AND (r.visit_status <> '0' OR r.see_time IS NOT NULL) THEN '该预约已就诊，不能取消'
           WHEN r.status = '1' THEN NULL
           ELSE '该预约当前状态不能取消'
       END,
       r.register_id, r.slot_id, r.status, date_trunc('second', localtimestamp)
FROM (SELECT 1 AS one) AS req
LEFT JOIN outp_register r ON r.register_id = CAST(:subscriptionId AS varchar);

WITH cancelled AS (
    UPDATE outp_register
    SET status = '9',
        cancel_time = (SELECT b.now_time FROM hisgw_cancel_subscription b)
    WHERE register_id = (SELECT b.register_id FROM hisgw_cancel_subscription b WHERE b.result IS NULL)
      AND status = (SELECT b.status FROM hisgw_cancel_subscription b)
      AND (status = '0'
           OR (status = '1' AND trade_no IS NOT NULL
               AND visit_date >= CURRENT_DATE
               AND visit_status = '0' AND see_time IS NULL))
    RETURNING register_id
)
UPDATE hisgw_cancel_subscription
SET result  = CASE WHEN EXISTS (SELECT 1 FROM cancelled) THEN 'success' ELSE 'error' END,
    message = CASE WHEN EXISTS (SELECT 1 FROM cancelled) AND status = '1' THEN '取消预约成功，挂号费将原路退回'
                   WHEN EXISTS (SELECT 1 FROM cancelled) THEN '取消预约成功'
              END
WHERE result IS NULL;

-- Refused by the UPDATE: the state another call left it in.
UPDATE hisgw_cancel_subscription
SET message = CASE (SELECT r.status FROM outp_register r WHERE r.register_id = hisgw_cancel_subscription.register_id)
                  WHEN '9' THEN '该预约已取消，请勿重复操作'
                  WHEN '1' THEN '该预约状态已变更，请重新提交取消申请'
                  ELSE '该预约当前状态不能取消'
              END
WHERE result = 'error' AND message IS NULL;

UPDATE schedule_slot
SET used_num = used_num - 1
WHERE slot_id = (SELECT b.slot_id FROM hisgw_cancel_subscription b WHERE b.result = 'success')
  AND used_num > 0;

WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'pay_seq'
      AND EXISTS (SELECT 1 FROM hisgw_cancel_subscription WHERE result = 'success' AND status = '1')
    RETURNING cur_val
)
UPDATE hisgw_cancel_subscription
SET refund_id = 'TF' || to_char(now_time, 'YYYYMMDD')
                || CASE WHEN seq.cur_val < 1000000 THEN lpad(seq.cur_val::text, 6, '0') ELSE seq.cur_val::text END
FROM seq
WHERE result = 'success' AND status = '1';

INSERT INTO pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                        channel, refund_id, invoice_no, payed_time, operator)
SELECT b.refund_id, '1', r.register_id, r.patient_id, COALESCE(l.amount, r.reg_fee),
       COALESCE(l.pay_way, '互联网'), l.pay_type, r.trade_no,
       '1', b.refund_id, r.invoice_no, b.now_time, '睿博平台'
FROM hisgw_cancel_subscription b
JOIN outp_register r ON r.register_id = b.register_id
LEFT JOIN pay_ledger l ON l.trade_no = r.trade_no AND l.channel = '0'
WHERE b.refund_id IS NOT NULL;

SELECT b.result    AS result,
       b.message   AS message,
       b.refund_id AS hisRefundId
FROM hisgw_cancel_subscription b;
