-- 6.2 cancelRegister (挂号取消), MySQL version of cancelRegister.sql.
-- HIS tables read and written: outp_register, schedule_slot.
-- Cancels an UNPAID registration (status '0' 锁号待支付): it becomes '9'
-- 已退号 with its cancel time, and its slot goes back to the session
-- (used_num - 1, never below 0, so the slots left never exceed the total).
-- A paid registration (status '1') is not cancelled here: it answers error
-- and the patient asks for 退号退费. A cancelled one answers error too, so a
-- second cancellation changes nothing. No money moved, so no hisRefundId.
--
-- The gateway runs these statements in one READ COMMITTED transaction and
-- commits only when the result is success. The cancellation is one
-- conditional UPDATE (status still '0') whose ROW_COUNT() decides, so the
-- slot is returned once (a cancellation or payment that came first answers
-- its own message). The state of this call lives in the session
-- variables hisgw_c_* (@hisgw_c_…), all set by the first statement.
-- :registerId compares with the varchar column outp_register.register_id.
SELECT r.register_id, r.slot_id, r.status,
       CASE
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
       END
INTO @hisgw_c_register_id, @hisgw_c_slot_id, @hisgw_c_status, @hisgw_c_result, @hisgw_c_message
FROM (SELECT 1 AS one) AS req
LEFT JOIN outp_register r ON r.register_id = :registerId;

UPDATE outp_register
SET status = '9', cancel_time = CAST(NOW() AS datetime)
WHERE register_id = @hisgw_c_register_id AND status = '0'
  AND @hisgw_c_result IS NULL;

-- ROW_COUNT() is the row count of the UPDATE just above.
SET @hisgw_c_done = CASE WHEN @hisgw_c_result IS NULL AND ROW_COUNT() = 1 THEN 1 ELSE 0 END;

SET @hisgw_c_message = CASE
        WHEN @hisgw_c_result IS NOT NULL THEN @hisgw_c_message
        WHEN @hisgw_c_done = 1 THEN '取消挂号成功'
        ELSE (SELECT CASE r.status
                         WHEN '9' THEN '该挂号已取消，请勿重复操作'
                         WHEN '1' THEN '该挂号已支付，不能直接取消，请申请退号退费'
                         ELSE '该挂号当前状态不能取消'
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

-- No hisRefundId column: a selected column is always sent, and no money
-- moved, so there is no refund number to report.
SELECT @hisgw_c_result  AS result,
       @hisgw_c_message AS message;
