-- 6.3 payRegister (挂号支付), SQL Server version of payRegister.sql.
-- HIS tables read: pay_ledger, outp_register, patient, card, schedule.
-- HIS tables written: outp_register (status, trade_no, invoice_no),
-- sys_sequence (pay_seq, invoice_no), pay_ledger.
-- A registration of this HIS is an outp_register row (insertRegister.sql),
-- registerId its register_id, status '0' 锁号待支付 until this payment
-- books it: status '1' 已挂号(已支付) with the platform order (trade_no) and
-- a new 门诊发票号, and one pay_ledger row (biz_type '1' 挂号, channel '0'
-- 收款, payed_time = payedTime, pay_type = payType).
--
-- The gateway has already claimed tradeNo in its own ledger and runs this
-- batch inside its transaction (XACT_ABORT ON); a result other than success
-- undoes everything the batch wrote. Checks, in order, with the
-- isRefund each refusal answers (1 = the HIS will never book this payment,
-- the platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger for this registration
--                  with this amount, or the registration is paid with this
--                  tradeNo: the HIS booked it before; its answer again,
--                  nothing written;
--   error  0       tradeNo is already in pay_ledger for another business or
--                  another amount: the HIS holds this money, never refund it;
--   error  1       the registration does not exist;
--   error  1       it is not a registration of scheduleId;
--   error  1       patientCard is not a card of the registration's patient,
--                  the name is not the patient's, or the ID number's last
--                  four characters differ (as checkPatientCard);
--   error  1       the registration is paid already (by another order:
--                  status '1'), cancelled (status '9') or in any other state
--                  than '0';
--   error  1       its clinic day has passed, or its session is stopped (停诊);
--   error  1       clinicFee is not exactly the registration's reg_fee
--                  (decimal compare);
--   error  1       another call paid or cancelled the registration between
--                  the checks and the booking UPDATE.
-- departmentCode, doctorCode, clinicDate, clinicTimeQuantum and customerId
-- are not compared: registerId and scheduleId name the registration.
--
-- The booking is one conditional UPDATE (status still '0') whose @@ROWCOUNT
-- decides, so two orders for one registration never both book it; only then
-- are the numbers taken from sys_sequence
-- (incremented, then read back: the row lock is this transaction's until
-- commit, so the value read is the one it wrote. Not UPDATE … OUTPUT:
-- Babelfish answers OUTPUT with the value from before a concurrent writer
-- it had to wait for.):
--   invoiceNo  'MZ' + payed day yyyymmdd + 6-digit invoice_no;
--   pay_ledger.his_pay_id  'SF' + payed day yyyymmdd + 6-digit pay_seq.
-- clinicNo and registerId are the registration's; hisOrderNumber is not
-- answered: this HIS numbers the queue when the patient checks in at triage
-- (12.2 getOutPatientOrderNum answers it then).
-- Parameters compared with varchar columns (outp_register.register_id,
-- schedule_id, card.card_no, pay_ledger.trade_no) bind as varchar;
-- :realName stays nvarchar (patient.name is varchar in code page 936);
-- :idCard is compared by its last four characters only; :clinicFee converts
-- to decimal, :payedTime to datetime; pay_ledger.pay_type keeps the first 20
-- characters of :payType.
-- @varchar :registerId, :scheduleId, :patientCard, :tradeNo
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
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = :registerId
                AND l.amount = @fee THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN r.register_id IS NULL THEN 'error'
           WHEN r.status = '1' AND r.trade_no = :tradeNo AND r.reg_fee = @fee THEN 'success'
           WHEN r.schedule_id IS NULL OR r.schedule_id <> :scheduleId THEN 'error'
           WHEN c.card_no IS NULL OR c.patient_id <> r.patient_id THEN 'error'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN 'error'
           WHEN p.id_no IS NULL OR :idCard IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN 'error'
           WHEN r.status <> '0' THEN 'error'
           WHEN r.visit_date < @today THEN 'error'
           WHEN s.status IS NOT NULL AND s.status <> '1' THEN 'error'
           WHEN r.reg_fee <> @fee THEN 'error'
       END,
       @message = CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '1' AND l.biz_no = :registerId
                AND l.amount = @fee THEN N'该订单已支付成功'
           WHEN l.his_pay_id IS NOT NULL THEN N'该订单号已在HIS记账，与本次挂号支付不符，请人工核对'
           WHEN r.register_id IS NULL THEN N'挂号记录不存在'
           WHEN r.status = '1' AND r.trade_no = :tradeNo AND r.reg_fee = @fee THEN N'该订单已支付成功'
           WHEN r.schedule_id IS NULL OR r.schedule_id <> :scheduleId THEN N'挂号记录与排班不符'
           WHEN c.card_no IS NULL OR c.patient_id <> r.patient_id THEN N'就诊卡号与挂号记录不符'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN N'姓名与挂号记录不符'
           WHEN p.id_no IS NULL OR :idCard IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN N'身份证号与挂号记录不符'
           WHEN r.status = '1' THEN N'该挂号已由其他订单支付'
           WHEN r.status = '9' THEN N'该挂号已取消'
           WHEN r.status <> '0' THEN N'该挂号当前状态不能支付'
           WHEN r.visit_date < @today THEN N'该挂号已过就诊日期'
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
LEFT JOIN dbo.outp_register r ON r.register_id = :registerId
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
        SELECT @result = 'success', @message = N'挂号支付成功', @is_refund = '0', @book = 1;
    ELSE
        SELECT @result = 'error', @is_refund = '1',
               @message = CASE r.status
                   WHEN '1' THEN N'该挂号已由其他订单支付'
                   WHEN '9' THEN N'该挂号已取消'
                   ELSE N'该挂号状态已变更，不能支付'
               END
        FROM dbo.outp_register r
        WHERE r.register_id = @register_id;
END;

IF @book = 1
BEGIN
    UPDATE dbo.sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name IN ('pay_seq', 'invoice_no');
    SELECT @pay_seq = cur_val FROM dbo.sys_sequence WHERE seq_name = 'pay_seq';
    SELECT @invoice_seq = cur_val FROM dbo.sys_sequence WHERE seq_name = 'invoice_no';
    SET @his_pay_id = 'SF' + CONVERT(char(8), @payed, 112)
                    + CASE WHEN @pay_seq < 1000000 THEN RIGHT('00000' + CAST(@pay_seq AS varchar(20)), 6)
                           ELSE CAST(@pay_seq AS varchar(20)) END;
    SET @invoice_no = 'MZ' + CONVERT(char(8), @payed, 112)
                    + CASE WHEN @invoice_seq < 1000000 THEN RIGHT('00000' + CAST(@invoice_seq AS varchar(20)), 6)
                           ELSE CAST(@invoice_seq AS varchar(20)) END;

    UPDATE dbo.outp_register SET invoice_no = @invoice_no WHERE register_id = @register_id;

    INSERT INTO dbo.pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                                channel, refund_id, invoice_no, payed_time, operator)
    VALUES (@his_pay_id, '1', @register_id, @patient_id, @reg_fee,
            CASE
                WHEN :payType IS NULL THEN N'互联网'
                WHEN LOWER(:payType) LIKE N'%medpay%' THEN N'医保'
                WHEN LOWER(:payType) LIKE N'%wechat%' THEN N'微信'
                WHEN LOWER(:payType) LIKE N'ali%' THEN N'支付宝'
                WHEN LOWER(:payType) = N'unionpay' THEN N'银联'
                WHEN LOWER(:payType) = N'ecardpay' THEN N'一卡通'
                ELSE N'互联网'
            END,
            LEFT(:payType, 20), :tradeNo, '0', NULL, @invoice_no, @payed, N'睿博平台');
END;

SELECT @result    AS result,
       @message   AS message,
       CASE WHEN @result = 'success' THEN @clinic_no END   AS clinicNo,
       CASE WHEN @result = 'success' THEN @invoice_no END  AS invoiceNo,
       CASE WHEN @result = 'success' THEN @register_id END AS registerId,
       @is_refund AS isRefund;
