-- The booking of a registration's payment, shared by 6.3 payRegister and
-- 5.3 subscriptionPay (a booking of this HIS is a registration too). The
-- including file declares what differs before it includes this: @word
-- (N'挂号' or N'预约', for the messages) and @order_id (the registration
-- paid for: :registerId or :subscriptionId). It answers for the including
-- file (clinicNo, invoiceNo, registerId, isRefund). The
-- rules and checks are in payRegister.mssql.sql.
SET NOCOUNT ON;
DECLARE @today date, @fee decimal(38,8), @payed datetime;
SET @today = CAST(GETDATE() AS date);
SET @fee = CAST(:clinicFee AS decimal(38,8));
SET @payed = CONVERT(datetime, :payedTime, 120);
DECLARE @result varchar(20), @message nvarchar(100), @is_refund char(1), @book bit,
        @register_id varchar(20), @clinic_no varchar(20), @patient_id varchar(20),
        @reg_fee decimal(12,2), @invoice_no varchar(30), @his_pay_id varchar(30),
        @pay_seq bigint, @invoice_seq bigint;
SET @book = 0;

SELECT @result = CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = @order_id
                AND l.amount = @fee THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN r.register_id IS NULL THEN 'error'
           WHEN r.status = '1' AND r.trade_no = :tradeNo AND r.reg_fee = @fee THEN 'success'
           WHEN r.schedule_id IS NULL OR r.schedule_id <> :scheduleId THEN 'error'
           WHEN :patientCard IS NOT NULL AND (c.card_no IS NULL OR c.patient_id <> r.patient_id) THEN 'error'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN 'error'
           WHEN p.id_no IS NULL OR :idCard IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN 'error'
           WHEN r.status <> '0' THEN 'error'
           WHEN r.visit_date < @today THEN 'error'
           WHEN s.status IS NOT NULL AND s.status <> '1' THEN 'error'
           WHEN r.reg_fee <> @fee THEN 'error'
       END,
       @message = CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = @order_id
                AND l.amount = @fee THEN N'该订单已支付成功'
           WHEN l.his_pay_id IS NOT NULL THEN N'该订单号已在HIS记账，与本次' + @word + N'支付不符，请人工核对'
           WHEN r.register_id IS NULL THEN @word + N'记录不存在'
           WHEN r.status = '1' AND r.trade_no = :tradeNo AND r.reg_fee = @fee THEN N'该订单已支付成功'
           WHEN r.schedule_id IS NULL OR r.schedule_id <> :scheduleId THEN @word + N'记录与排班不符'
           WHEN :patientCard IS NOT NULL AND (c.card_no IS NULL OR c.patient_id <> r.patient_id) THEN N'就诊卡号与' + @word + N'记录不符'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN N'姓名与' + @word + N'记录不符'
           WHEN p.id_no IS NULL OR :idCard IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN N'身份证号与' + @word + N'记录不符'
           WHEN r.status = '1' THEN N'该' + @word + N'已由其他订单支付'
           WHEN r.status = '9' THEN N'该' + @word + N'已取消'
           WHEN r.status <> '0' THEN N'该' + @word + N'当前状态不能支付'
           WHEN r.visit_date < @today THEN N'该' + @word + N'已过就诊日期'
           WHEN s.status IS NOT NULL AND s.status <> '1' THEN N'该排班已停诊' + COALESCE(N'：' + s.stop_reason, N'')
           WHEN r.reg_fee <> @fee THEN N'支付金额与挂号费不符（应付' + CAST(r.reg_fee AS nvarchar(20)) + N'元）'
       END,
       @is_refund = CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN r.register_id IS NOT NULL AND r.status = '1' AND r.trade_no = :tradeNo
                AND r.reg_fee = @fee THEN '0'
           ELSE '1'
       END,
       @register_id = r.register_id,
       @clinic_no = r.clinic_no,
       @patient_id = r.patient_id,
       @reg_fee = r.reg_fee,
       @invoice_no = COALESCE(l.invoice_no, r.invoice_no)
FROM (SELECT 1 AS one) AS req
LEFT JOIN dbo.pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0'
LEFT JOIN dbo.outp_register r ON r.register_id = @order_id
LEFT JOIN dbo.patient p ON p.patient_id = r.patient_id
LEFT JOIN dbo.card c ON c.card_no = :patientCard
LEFT JOIN dbo.schedule s ON s.schedule_id = r.schedule_id;

-- Book: one conditional UPDATE, no read-then-write.
IF @result IS NULL
BEGIN
    UPDATE dbo.outp_register
    SET status = '1', trade_no = :tradeNo
    WHERE register_id = @register_id AND status = '0';
    IF @@ROWCOUNT = 1
        SELECT @result = 'success', @message = @word + N'支付成功', @is_refund = '0', @book = 1;
    ELSE
        SELECT @result = 'error', @is_refund = '1',
               @message = CASE r.status
                   WHEN '1' THEN N'该' + @word + N'已由其他订单支付'
                   WHEN '9' THEN N'该' + @word + N'已取消'
                   ELSE N'该' + @word + N'状态已变更，不能支付'
               END
        FROM dbo.outp_register r
        WHERE r.register_id = @register_id;
END;

IF @book = 1
BEGIN
    -- The payment's numbers: SF… in the HIS's journal, invoice MZ….
    DECLARE @pay_prefix char(2) = 'SF', @invoice_prefix char(2) = 'MZ';
    -- @include next_pay_numbers

    UPDATE dbo.outp_register SET invoice_no = @invoice_no WHERE register_id = @register_id;

    INSERT INTO dbo.pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                                channel, refund_id, invoice_no, payed_time, operator)
    VALUES (@his_pay_id, '1', @register_id, @patient_id, @reg_fee,
            -- the HIS's word for how it was paid: shared/pay_way.mssql.sql
-- @include pay_way
            , LEFT(:payType, 20), :tradeNo, '0', NULL, @invoice_no, @payed, N'睿博平台');
END;

-- The answer: the spec's fields only on success, isRefund always.
SELECT @result    AS result,
       @message   AS message,
       CASE WHEN @result = 'success' THEN @clinic_no END   AS clinicNo,
       CASE WHEN @result = 'success' THEN @invoice_no END  AS invoiceNo,
       CASE WHEN @result = 'success' THEN @register_id END AS registerId,
       @is_refund AS isRefund;
