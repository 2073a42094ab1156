-- 6.2 cancelRegister (挂号取消), SQL Server version of cancelRegister.sql.
-- HIS tables read and written: outp_register, schedule_slot.
-- Cancels an UNPAID registration (status '0' 锁号待支付): it becomes '9'
-- 已退号 with its cancel time, and its slot goes back to the session
-- (used_num - 1, never below 0, so the slots left never exceed the total).
-- A paid registration (status '1') is not cancelled here: it answers error
-- and the patient asks for 退号退费. A cancelled one answers error too, so a
-- second cancellation changes nothing. No money moved, so no hisRefundId.
--
-- The gateway runs this batch in one transaction (XACT_ABORT ON) and
-- commits only when the result is success. The cancellation is one
-- conditional UPDATE (status still '0') whose @@ROWCOUNT decides, so the
-- slot is returned once (a cancellation or payment that came first answers
-- its own message).
-- Parameters compared with varchar columns (outp_register.register_id) bind
-- as varchar.
-- @varchar :registerId
SET NOCOUNT ON;
DECLARE @now datetime;
SET @now = CONVERT(datetime, CONVERT(char(19), GETDATE(), 120), 120);
DECLARE @result varchar(20), @message nvarchar(100),
        @register_id varchar(20), @slot_id int, @status char(1);

SELECT @register_id = r.register_id, @slot_id = r.slot_id, @status = r.status
FROM dbo.outp_register r
WHERE r.register_id = :registerId;

SELECT @result = CASE
           WHEN @register_id IS NULL THEN 'error'
           WHEN @status = '0' THEN NULL
           ELSE 'error'
       END,
       @message = CASE
           WHEN @register_id IS NULL THEN N'挂号记录不存在'
           WHEN @status = '0' THEN NULL
           WHEN @status = '9' THEN N'该挂号已取消，请勿重复操作'
           WHEN @status = '1' THEN N'该挂号已支付，不能直接取消，请申请退号退费'
           ELSE N'该挂号当前状态不能取消'
       END;

IF @result IS NULL
BEGIN
    UPDATE dbo.outp_register
    SET status = '9', cancel_time = @now
    WHERE register_id = @register_id AND status = '0';
    IF @@ROWCOUNT = 1
    BEGIN
        SELECT @result = 'success', @message = N'取消挂号成功';
        UPDATE dbo.schedule_slot
        SET used_num = used_num - 1
        WHERE slot_id = @slot_id AND used_num > 0;
    END
    ELSE
        SELECT @result = 'error',
               @message = CASE r.status
                   WHEN '9' THEN N'该挂号已取消，请勿重复操作'
                   WHEN '1' THEN N'该挂号已支付，不能直接取消，请申请退号退费'
                   ELSE N'该挂号当前状态不能取消'
               END
        FROM dbo.outp_register r
        WHERE r.register_id = @register_id;
END;

-- No hisRefundId column: a selected column is always sent, and no money
-- moved, so there is no refund number to report.
SELECT @result  AS result,
       @message AS message;
