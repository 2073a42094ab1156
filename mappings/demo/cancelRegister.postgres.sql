-- 6.2 cancelRegister (挂号取消), PostgreSQL version of cancelRegister.sql.
-- HIS tables read and written: outp_register, schedule_slot.
-- Cancels an UNPAID registration (status '0' 锁号待支付): it becomes '9'
-- 已退号 with its cancel time, and its slot goes back to the session
-- (used_num - 1, never below 0, so the slots left never exceed the total).
-- A paid registration (status '1') is not cancelled here: it answers error
-- and the patient asks for 退号退费. A cancelled one answers error too, so a
-- second cancellation changes nothing. No money moved, so no hisRefundId.
--
-- The gateway runs this section in one write transaction (READ COMMITTED)
-- and commits only when the result is success. The cancellation is one
-- conditional UPDATE (status still '0') whose RETURNING decides (a
-- concurrent payment or cancellation is waited for and the status checked
-- again), so the slot is returned once; a cancellation or payment that
-- came first answers its own message, read by the statement after it.
-- The temp table hisgw_cancel_register holds this call's state from one
-- statement to the next (one row; the connection's own).
-- :registerId compares with the varchar column outp_register.register_id.
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_cancel_register (
    result      varchar(20),    -- NULL while the registration may be cancelled
    message     varchar(100),
    register_id varchar(20),
    slot_id     integer
);
DELETE FROM hisgw_cancel_register;

INSERT INTO hisgw_cancel_register (result, message, register_id, slot_id)
SELECT CASE
           WHEN r.register_id IS NULL THEN 'error'
           WHEN r.status = '0' THEN NULL
           ELSE 'error'
       END,
       CASE
           WHEN r.register_id IS NULL THEN '挂号记录不存在'
           WHEN r.status = '0' THEN NULL
           WHEN r.status = '9' THEN '该挂号已取消，请勿重复操作'
           WHEN r.status = '1' THEN '该挂号已支付，不能直接取消，请申请退号退费'
           ELSE '该挂号当前状态不能取消'
       END,
       r.register_id, r.slot_id
FROM (SELECT 1 AS one) AS req
LEFT JOIN outp_register r ON r.register_id = CAST(:registerId AS varchar);

WITH cancelled AS (
    UPDATE outp_register
    SET status = '9',
        cancel_time = date_trunc('second', localtimestamp)
    WHERE register_id = (SELECT b.register_id FROM hisgw_cancel_register b WHERE b.result IS NULL)
      AND status = '0'
    RETURNING register_id
)
UPDATE hisgw_cancel_register
SET result  = CASE WHEN EXISTS (SELECT 1 FROM cancelled) THEN 'success' ELSE 'error' END,
    message = CASE WHEN EXISTS (SELECT 1 FROM cancelled) THEN '取消挂号成功' END
WHERE result IS NULL;

-- Refused by the UPDATE: the state another call left it in.
UPDATE hisgw_cancel_register
SET message = CASE (SELECT r.status FROM outp_register r WHERE r.register_id = hisgw_cancel_register.register_id)
                  WHEN '9' THEN '该挂号已取消，请勿重复操作'
                  WHEN '1' THEN '该挂号已支付，不能直接取消，请申请退号退费'
                  ELSE '该挂号当前状态不能取消'
              END
WHERE result = 'error' AND message IS NULL;

UPDATE schedule_slot
SET used_num = used_num - 1
WHERE slot_id = (SELECT b.slot_id FROM hisgw_cancel_register b WHERE b.result = 'success')
  AND used_num > 0;

-- No hisRefundId column: a selected column is always sent, and no money
-- moved, so there is no refund number to report.
SELECT b.result  AS result,
       b.message AS message
FROM hisgw_cancel_register b;
