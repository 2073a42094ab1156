-- 5.2 cancelSubscription (取消预约记录)
-- HIS tables read and written: outp_register, schedule_slot.
-- A booking of this HIS is an outp_register row (insertSubscription.sql);
-- subscriptionId is its register_id. Cancels an UNPAID booking (status '0'
-- 锁号待支付): it becomes '9' 已退号 with its cancel time, and its slot goes
-- back to the session (used_num - 1, never below 0, so the slots left never
-- exceed the total). A paid booking (status '1') is not cancelled here: it
-- answers error and the patient asks for 退号退费. A cancelled one answers
-- error too, so a second cancellation changes nothing. No money moved, so
-- no hisRefundId.
--
-- The gateway runs this section in one write transaction and commits only
-- when the result is success. The cancellation is one conditional UPDATE
-- (status still '0') whose changes() decides, so the slot is returned once
-- (a cancellation or payment that came first answers its own message).
-- temp.hisgw_cancel_subscription holds this call's state from one statement
-- to the next (one row; the connection's own temp schema).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_cancel_subscription (
    result      TEXT,       -- NULL while the registration may be cancelled
    message     TEXT,
    register_id TEXT,
    slot_id     INTEGER
);
DELETE FROM temp.hisgw_cancel_subscription;

INSERT INTO temp.hisgw_cancel_subscription (result, message, register_id, slot_id)
SELECT CASE
           WHEN r.register_id IS NULL THEN 'error'
           WHEN r.status = '0' THEN NULL
           ELSE 'error'
       END,
       CASE
           WHEN r.register_id IS NULL THEN '预约记录不存在'
           WHEN r.status = '0' THEN NULL
           WHEN r.status = '9' THEN '该预约已取消，请勿重复操作'
           WHEN r.status = '1' THEN '该预约已支付，不能直接取消，请申请退号退费'
           ELSE '该预约当前状态不能取消'
       END,
       r.register_id, r.slot_id
FROM (SELECT 1 AS one) AS req
LEFT JOIN outp_register r ON r.register_id = :subscriptionId;

UPDATE outp_register
SET status = '9',
    cancel_time = datetime('now', 'localtime')
WHERE register_id = (SELECT b.register_id FROM temp.hisgw_cancel_subscription b WHERE b.result IS NULL)
  AND status = '0';

-- changes() is the row count of the UPDATE just above.
UPDATE temp.hisgw_cancel_subscription
SET result  = CASE WHEN changes() = 1 THEN 'success' ELSE 'error' END,
    message = CASE WHEN changes() = 1 THEN '取消预约成功'
                   ELSE CASE (SELECT r.status FROM outp_register r WHERE r.register_id = hisgw_cancel_subscription.register_id)
                            WHEN '9' THEN '该预约已取消，请勿重复操作'
                            WHEN '1' THEN '该预约已支付，不能直接取消，请申请退号退费'
                            ELSE '该预约当前状态不能取消'
                        END
              END
WHERE result IS NULL;

UPDATE schedule_slot
SET used_num = used_num - 1
WHERE slot_id = (SELECT b.slot_id FROM temp.hisgw_cancel_subscription b WHERE b.result = 'success')
  AND used_num > 0;

-- No hisRefundId column: a selected column is always sent, and no money
-- moved, so there is no refund number to report.
SELECT b.result  AS result,
       b.message AS message
FROM temp.hisgw_cancel_subscription b;
