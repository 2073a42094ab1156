-- 5.2 cancelSubscription (取消预约记录), SQL Server version of
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
--     'TF' + today yyyymmdd + 6-digit pay_seq (incremented, then read back
--     under the row lock this transaction holds; not UPDATE … OUTPUT, which
--     Babelfish answers with the value from before a concurrent writer),
--     answered as hisRefundId;
--     the gateway then asks the platform to refund that order.
--
-- The gateway runs this batch in one transaction (XACT_ABORT ON) and
-- commits only when the result is success. Checks, in order (every refusal
-- is error):
--   the booking does not exist;
--   it is cancelled already (so a second cancellation changes nothing);
--   it is paid but not through the platform (trade_no NULL: 退号退费 at the
--   window), its clinic day has passed, or the visit has started;
--   any other state than '0' or '1'.
-- The cancellation is one conditional UPDATE (status still the one checked,
-- and for a paid booking still refundable) whose @@ROWCOUNT decides, so the
-- slot is returned and the refund booked once, and a booking paid after the
-- check is never cancelled as an unpaid one (a cancellation or payment that
-- came first answers its own message).
-- hisRefundId is always selected: NULL (sent empty) for an unpaid booking.
-- Parameters compared with varchar columns (outp_register.register_id) bind
-- as varchar.
-- @varchar :subscriptionId
SET NOCOUNT ON;
DECLARE @now datetime, @today date;
SET @now = CONVERT(datetime, CONVERT(char(19), GETDATE(), 120), 120);
SET @today = CAST(@now AS date);
DECLARE @result varchar(20), @message nvarchar(100),
        @register_id varchar(20), @slot_id int, @status char(1),
        @trade_no varchar(64), @visit_date date, @visit_status char(1), @see_time datetime,
        @seq bigint, @refund_id varchar(30);

SELECT @register_id = r.register_id, @slot_id = r.slot_id, @status = r.status,
       @trade_no = r.trade_no, @visit_date = r.visit_date,
       @visit_status = r.visit_status, @see_time = r.see_time
FROM dbo.outp_register r
WHERE r.register_id = :subscriptionId;

SELECT @result = CASE
           WHEN @register_id IS NULL THEN 'error'
           WHEN @status = '0' THEN NULL
           WHEN @status = '1' AND @trade_no IS NOT NULL AND @visit_date >= @today
                AND @visit_status = '0' AND @see_time IS NULL THEN NULL
           ELSE 'error'
       END,
       @message = CASE
           WHEN @register_id IS NULL THEN N'预约记录不存在'
           WHEN @status = '0' THEN NULL
           WHEN @status = '9' THEN N'该预约已取消，请勿重复操作'
           WHEN @status = '1' AND @trade_no IS NULL THEN N'该预约非平台支付，请到窗口办理退号退费'
           WHEN @status = '1' AND @visit_date < @today THEN N'该预约已过就诊日期，不能取消'
           WHEN @status = '1' AND (@visit_status <> '0' OR @see_time IS NOT NULL) THEN N'该预约已就诊，不能取消'
           WHEN @status = '1' THEN NULL
           ELSE N'该预约当前状态不能取消'
       END;

IF @result IS NULL
BEGIN
    UPDATE dbo.outp_register
    SET status = '9', cancel_time = @now
    WHERE register_id = @register_id
      AND status = @status
      AND (status = '0'
           OR (status = '1' AND trade_no IS NOT NULL
               AND visit_date >= @today
               AND visit_status = '0' AND see_time IS NULL));
    IF @@ROWCOUNT = 1
    BEGIN
        SELECT @result = 'success',
               @message = CASE WHEN @status = '1' THEN N'取消预约成功，挂号费将原路退回' ELSE N'取消预约成功' END;
        UPDATE dbo.schedule_slot
        SET used_num = used_num - 1
        WHERE slot_id = @slot_id AND used_num > 0;
    END
    ELSE
        SELECT @result = 'error',
               @message = CASE r.status
                   WHEN '9' THEN N'该预约已取消，请勿重复操作'
                   WHEN '1' THEN N'该预约状态已变更，请重新提交取消申请'
                   ELSE N'该预约当前状态不能取消'
               END
        FROM dbo.outp_register r
        WHERE r.register_id = @register_id;
END;

-- The refund: a new refund number, then what the original payment
-- (channel '0', same order) took, back the same way.
IF @result = 'success' AND @status = '1'
BEGIN
    UPDATE dbo.sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'pay_seq';
    SELECT @seq = cur_val FROM dbo.sys_sequence WHERE seq_name = 'pay_seq';
    SET @refund_id = 'TF' + CONVERT(char(8), @now, 112)
                   + CASE WHEN @seq < 1000000 THEN RIGHT('00000' + CAST(@seq AS varchar(20)), 6)
                          ELSE CAST(@seq AS varchar(20)) END;

    INSERT INTO dbo.pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                                channel, refund_id, invoice_no, payed_time, operator)
    SELECT @refund_id, '1', r.register_id, r.patient_id, COALESCE(l.amount, r.reg_fee),
           COALESCE(l.pay_way, N'互联网'), l.pay_type, r.trade_no,
           '1', @refund_id, r.invoice_no, @now, N'睿博平台'
    FROM dbo.outp_register r
    LEFT JOIN dbo.pay_ledger l ON l.trade_no = r.trade_no AND l.channel = '0'
    WHERE r.register_id = @register_id;
END;

SELECT @result    AS result,
       @message   AS message,
       @refund_id AS hisRefundId;
