-- 11.2 rechargeECard (一卡通充值), SQL Server version of rechargeECard.sql.
-- HIS tables read: pay_ledger, card, patient, ecard_account.
-- HIS tables written: ecard_account (balance, update_time), sys_sequence
-- (pay_seq, invoice_no), ecard_txn, pay_ledger.
-- A top-up adds amount to the card's 一卡通 account balance exactly (the
-- balance is money, the amount decimal: both exact), with one ecard_txn row
-- (txn_type '1' 充值, balance_after = the new balance, txn_time = payedTime,
-- trade_no, remark 睿博平台充值) and one pay_ledger row (biz_type '4'
-- 一卡通充值, biz_no = card_no, channel '0', payed_time = payedTime,
-- pay_type = payType) whose his_pay_id is answered as serialNo. nonceStr and
-- sign are checked by the gateway (§17) before this runs.
--
-- The gateway has already claimed tradeNo in its own ledger and runs this
-- batch inside its transaction (XACT_ABORT ON); a result other than success
-- undoes everything the batch wrote. Checks, in order, with the isRefund
-- each refusal answers (1 = the HIS will never book this payment, the
-- platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger as a top-up of this card
--                  and amount: the HIS booked it before; its answer again,
--                  nothing written;
--   error  0       tradeNo is already in pay_ledger for another business,
--                  card or amount: the HIS holds this money, never refund it;
--   error  0       amount is not above zero (no money to give back);
--   error  1       amount has more than two decimal places (分), or does not
--                  fit the HIS's decimal(12,2);
--   error  1       the card does not exist, or the name is not the card
--                  holder's;
--   error  1       the card is lost (挂失) or cancelled (注销);
--   error  1       the card has no 一卡通 account, or it is frozen (status '1');
--   error  1       the account was frozen between the checks and the top-up
--                  (the conditional UPDATE below).
--
-- Concurrency (no read-then-write anywhere): the top-up is one conditional
-- UPDATE (account still '0' 正常) that adds to the balance in place and
-- whose @@ROWCOUNT decides, so concurrent top-ups and payments of one card
-- never lose an amount; balance_after is read back under the row lock the
-- UPDATE took. Only then are the numbers taken from sys_sequence
-- (incremented, then read back: the row lock is this transaction's until
-- commit, so the value read is the one it wrote. Not UPDATE … OUTPUT:
-- Babelfish answers OUTPUT with the value from before a concurrent writer
-- it had to wait for.):
--   invoiceNo  'YK' + payed day yyyymmdd + 6-digit invoice_no;
--   serialNo   'CZ' + payed day yyyymmdd + 6-digit pay_seq.
-- Parameters compared with varchar columns (card.card_no,
-- pay_ledger.trade_no) bind as varchar; :realName stays nvarchar
-- (patient.name is varchar in code page 936); :amount converts to decimal,
-- :payedTime to datetime; pay_ledger.pay_type keeps the first 20 characters
-- of :payType.
-- @varchar :patientCard, :tradeNo
SET NOCOUNT ON;
DECLARE @amt decimal(38,8), @payed datetime;
SET @amt = CAST(:amount AS decimal(38,8));
SET @payed = CONVERT(datetime, :payedTime, 120);
DECLARE @result varchar(20), @message nvarchar(100), @is_refund char(1), @book bit,
        @card_no varchar(20), @patient_id varchar(20), @balance money,
        @invoice_no varchar(30), @his_pay_id varchar(30), @pay_seq bigint, @invoice_seq bigint,
        @pay_way nvarchar(10);
SET @book = 0;

SELECT @result = CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '4' AND l.biz_no = :patientCard
                AND l.amount = @amt THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN @amt <= 0 THEN 'error'
           WHEN @amt <> ROUND(@amt, 2) OR @amt >= 10000000000 THEN 'error'
           WHEN c.card_no IS NULL THEN 'error'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN 'error'
           WHEN c.status <> '0' THEN 'error'
           WHEN e.card_no IS NULL THEN 'error'
           WHEN e.status <> '0' THEN 'error'
       END,
       @message = CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '4' AND l.biz_no = :patientCard
                AND l.amount = @amt THEN N'该订单已充值成功'
           WHEN l.his_pay_id IS NOT NULL THEN N'该订单号已在HIS记账，与本次一卡通充值不符，请人工核对'
           WHEN @amt <= 0 THEN N'充值金额必须大于0'
           WHEN @amt <> ROUND(@amt, 2) THEN N'充值金额最多两位小数'
           WHEN @amt >= 10000000000 THEN N'充值金额超出范围'
           WHEN c.card_no IS NULL THEN N'就诊卡号不存在'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN N'姓名与卡号不匹配'
           WHEN c.status = '1' THEN N'就诊卡已挂失'
           WHEN c.status <> '0' THEN N'就诊卡已注销'
           WHEN e.card_no IS NULL THEN N'该卡未开通一卡通账户'
           WHEN e.status <> '0' THEN N'一卡通账户已冻结'
       END,
       @is_refund = CASE
           WHEN l.his_pay_id IS NOT NULL THEN '0'
           WHEN @amt <= 0 THEN '0'
           ELSE '1'
       END,
       @card_no = c.card_no,
       @patient_id = c.patient_id,
       @invoice_no = l.invoice_no,
       @his_pay_id = l.his_pay_id
FROM (SELECT 1 AS one) AS req
LEFT JOIN dbo.pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0'
LEFT JOIN dbo.card c ON c.card_no = :patientCard
LEFT JOIN dbo.patient p ON p.patient_id = c.patient_id
LEFT JOIN dbo.ecard_account e ON e.card_no = c.card_no;

-- Top up: one conditional UPDATE adding in place.
IF @result IS NULL
BEGIN
    UPDATE dbo.ecard_account
    SET balance = balance + CAST(@amt AS decimal(12,2)), update_time = @payed
    WHERE card_no = @card_no AND status = '0';
    IF @@ROWCOUNT = 1
        SELECT @result = 'success', @message = N'充值成功', @is_refund = '0', @book = 1;
    ELSE
        SELECT @result = 'error', @message = N'一卡通账户状态已变更，不能充值', @is_refund = '1';
END;

IF @book = 1
BEGIN
    SELECT @balance = balance FROM dbo.ecard_account WHERE card_no = @card_no;
    -- The payment's numbers: CZ… in the HIS's journal, invoice YK….
    DECLARE @pay_prefix char(2) = 'CZ', @invoice_prefix char(2) = 'YK';
    -- @include next_pay_numbers
    -- the HIS's word for how it was paid: shared/pay_way.mssql.sql
    SET @pay_way =
-- @include pay_way
    ;

    INSERT INTO dbo.ecard_txn (card_no, txn_type, amount, balance_after, pay_way, trade_no, txn_time, remark)
    VALUES (@card_no, '1', CAST(@amt AS decimal(12,2)), @balance, @pay_way, :tradeNo, @payed, N'睿博平台充值');

    INSERT INTO dbo.pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                                channel, refund_id, invoice_no, payed_time, operator)
    VALUES (@his_pay_id, '4', @card_no, @patient_id, CAST(@amt AS decimal(12,2)), @pay_way,
            LEFT(:payType, 20), :tradeNo, '0', NULL, @invoice_no, @payed, N'睿博平台');
END;

SELECT @result    AS result,
       @message   AS message,
       CASE WHEN @result = 'success' THEN @invoice_no END AS invoiceNo,
       CASE WHEN @result = 'success' THEN @his_pay_id END AS serialNo,
       @is_refund AS isRefund;
