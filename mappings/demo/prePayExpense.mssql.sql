-- 10.1 prePayExpense (预缴住院费用), SQL Server version of prePayExpense.sql.
-- HIS tables read: pay_ledger, inpatient, patient, card.
-- HIS tables written: inpatient (locked by a no-op UPDATE), sys_sequence
-- (pay_seq, invoice_no), inp_prepay, pay_ledger.
-- patientCard is a 住院号 or a card number (as 9.1 getPatientExpense reads
-- it): the patient's current stay is used (else the latest). A prepayment
-- is an inp_prepay row (status '1' 有效, pay_time = payedTime, trade_no,
-- receipt_no = the new 预交金收据号 answered as invoiceNo, operator
-- 睿博平台) and one pay_ledger row (biz_type '3' 住院预交, biz_no = inp_no,
-- channel '0', payed_time = payedTime, pay_type = payType) whose his_pay_id
-- is answered as serialNo.
--
-- The gateway has already claimed tradeNo in its own ledger and runs this
-- batch inside its transaction (XACT_ABORT ON); a result other than success
-- undoes everything the batch wrote. Checks, in order, with the isRefund
-- each refusal answers (1 = the HIS will never book this payment, the
-- platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger as a 住院预交 of this
--                  amount: the HIS booked it before (the §10 note: a booked
--                  order answers success again); nothing written;
--   error  0       tradeNo is already in pay_ledger for another business or
--                  another amount: the HIS holds this money, never refund it;
--   error  0       prepayaAmt is not above zero (no money to give back);
--   error  1       prepayaAmt has more than two decimal places (分), or does
--                  not fit the HIS's decimal(12,2);
--   error  1       no stay is found for the 住院号 / card number;
--   error  1       the name is not the patient's;
--   error  1       the patient is not in hospital (inp_status '1' 在院);
--   error  1       the patient was discharged between the checks and the
--                  booking (the conditional UPDATE below).
--
-- Concurrency (no read-then-write anywhere): the stay is taken by one
-- conditional UPDATE (a no-op, still in hospital) whose @@ROWCOUNT decides
-- and which holds the row to commit, so a discharge cannot slip in between;
-- only then are the numbers taken from sys_sequence
-- (incremented, then read back: the row lock is this transaction's until
-- commit, so the value read is the one it wrote. Not UPDATE … OUTPUT:
-- Babelfish answers OUTPUT with the value from before a concurrent writer
-- it had to wait for.):
--   invoiceNo  'ZY' + payed day yyyymmdd + 6-digit invoice_no;
--   serialNo   'YJ' + payed day yyyymmdd + 6-digit pay_seq.
-- Parameters compared with varchar columns (inpatient.inp_no, card.card_no,
-- pay_ledger.trade_no) bind as varchar; :realName stays nvarchar
-- (patient.name is varchar in code page 936); :prepayaAmt converts to
-- decimal, :payedTime to datetime; pay_ledger.pay_type keeps the first 20
-- characters of :payType.
-- @varchar :patientCard, :tradeNo
SET NOCOUNT ON;
DECLARE @amt decimal(38,8), @payed datetime;
SET @amt = CAST(:prepayaAmt AS decimal(38,8));
SET @payed = CONVERT(datetime, :payedTime, 120);
DECLARE @result varchar(20), @message nvarchar(100), @is_refund char(1), @book bit,
        @inp_no varchar(20), @inp_status char(1), @patient_id varchar(20), @name varchar(20),
        @invoice_no varchar(30), @his_pay_id varchar(30), @pay_seq bigint, @invoice_seq bigint,
        @pay_way nvarchar(10);
SET @book = 0;

SELECT TOP 1 @inp_no = i.inp_no, @inp_status = i.inp_status, @patient_id = i.patient_id, @name = p.name
FROM dbo.inpatient i
JOIN dbo.patient p ON p.patient_id = i.patient_id
WHERE i.inp_no = :patientCard
   OR i.patient_id IN (SELECT c.patient_id FROM dbo.card c WHERE c.card_no = :patientCard)
ORDER BY CASE WHEN i.inp_status = '1' THEN 0 ELSE 1 END, i.admit_time DESC;

SELECT @result = CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '3' AND l.amount = @amt THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN @amt <= 0 THEN 'error'
           WHEN @amt <> ROUND(@amt, 2) OR @amt >= 10000000000 THEN 'error'
           WHEN @inp_no IS NULL THEN 'error'
           WHEN @name IS NULL OR :realName IS NULL OR @name <> :realName THEN 'error'
           WHEN @inp_status <> '1' THEN 'error'
       END,
       @message = CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '3' AND l.amount = @amt THEN N'该订单已预缴成功'
           WHEN l.his_pay_id IS NOT NULL THEN N'该订单号已在HIS记账，与本次住院预缴不符，请人工核对'
           WHEN @amt <= 0 THEN N'预缴金额必须大于0'
           WHEN @amt <> ROUND(@amt, 2) THEN N'预缴金额最多两位小数'
           WHEN @amt >= 10000000000 THEN N'预缴金额超出范围'
           WHEN @inp_no IS NULL THEN N'未查询到该住院号/卡号的住院记录'
           WHEN @name IS NULL OR :realName IS NULL OR @name <> :realName THEN N'姓名与住院号/卡号不匹配'
           WHEN @inp_status <> '1' THEN N'患者已出院，不能预缴住院费用'
       END,
       @is_refund = CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN @amt <= 0 THEN '0'
           ELSE '1'
       END,
       @invoice_no = l.invoice_no,
       @his_pay_id = l.his_pay_id
FROM (SELECT 1 AS one) AS req
LEFT JOIN dbo.pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0';

-- Book: one conditional UPDATE (still in hospital) that holds the stay.
IF @result IS NULL
BEGIN
    UPDATE dbo.inpatient SET inp_status = inp_status
    WHERE inp_no = @inp_no AND inp_status = '1';
    IF @@ROWCOUNT = 1
        SELECT @result = 'success', @message = N'预缴成功', @is_refund = '0', @book = 1;
    ELSE
        SELECT @result = 'error', @message = N'患者已出院，不能预缴住院费用', @is_refund = '1';
END;

IF @book = 1
BEGIN
    -- The payment's numbers: YJ… in the HIS's journal, invoice ZY….
    DECLARE @pay_prefix char(2) = 'YJ', @invoice_prefix char(2) = 'ZY';
    -- @include next_pay_numbers
    -- the HIS's word for how it was paid: shared/pay_way.mssql.sql
    SET @pay_way =
-- @include pay_way
    ;

    INSERT INTO dbo.inp_prepay (inp_no, amount, pay_way, trade_no, receipt_no, pay_time, operator, status)
    VALUES (@inp_no, CAST(@amt AS decimal(12,2)), @pay_way, :tradeNo, @invoice_no, @payed, N'睿博平台', '1');

    INSERT INTO dbo.pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                                channel, refund_id, invoice_no, payed_time, operator)
    VALUES (@his_pay_id, '3', @inp_no, @patient_id, CAST(@amt AS decimal(12,2)), @pay_way,
            LEFT(:payType, 20), :tradeNo, '0', NULL, @invoice_no, @payed, N'睿博平台');
END;

SELECT @result    AS result,
       @message   AS message,
       CASE WHEN @result = 'success' THEN @invoice_no END AS invoiceNo,
       CASE WHEN @result = 'success' THEN @his_pay_id END AS serialNo,
       @is_refund AS isRefund;
