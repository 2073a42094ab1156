-- 8.3 outpatientPay (门诊缴费支付), SQL Server version of outpatientPay.sql.
-- HIS tables read: pay_ledger, card, patient, rx_master, rx_detail.
-- HIS tables written: rx_master (charge_status, charge_time, invoice_no,
-- pay_id), sys_sequence (pay_seq, invoice_no), pay_ledger.
-- prescriptionNo lists one or more 处方号 (rx_master.rx_no) separated by
-- commas (full-width '，' too; spaces ignored, a number listed twice counts
-- once). One payment pays them all: each becomes charge_status '1' 已收费
-- with charge_time = payedTime, one new 门诊发票号 and pay_id = the one new
-- pay_ledger row (biz_type '2' 门诊缴费, biz_no = the listed numbers joined
-- by ',', channel '0', payed_time = payedTime, pay_type = payType), whose
-- his_pay_id is answered as serialNo. biz_no is varchar(100): a longer list
-- is kept as its first 96 characters + ',...' (each prescription's pay_id
-- still names the payment).
--
-- The gateway has already claimed tradeNo in its own ledger and runs this
-- batch inside its transaction (XACT_ABORT ON); a result other than success
-- undoes everything the batch wrote. Checks, in order, with the isRefund
-- each refusal answers (1 = the HIS will never book this payment, the
-- platform refunds the patient; 0 = do not refund):
--   success        tradeNo is already in pay_ledger as a 门诊缴费 of this
--                  amount: the HIS booked it before; its answer again,
--                  nothing written;
--   error  0       tradeNo is already in pay_ledger for another business or
--                  another amount: the HIS holds this money, never refund it;
--   error  1       the card does not exist, or the name is not the card
--                  holder's;
--   error  1       prescriptionNo lists no number;
--   error  1       a listed prescription does not exist (they are named);
--   error  1       a listed prescription is another patient's;
--   error  1       a listed prescription is paid already (charge_status '1'),
--                  refunded ('2') or void ('9');
--   error  1       orderFee is not exactly the sum of the listed
--                  prescriptions' rx_detail amounts (decimal compare);
--   error  1       the prescriptions changed between the checks and the
--                  booking UPDATE (not possible: they are locked first; kept
--                  so the decision is the UPDATE's own).
-- feeType is not compared (the HIS charges by prescription, not fee type).
--
-- Concurrency (no read-then-write anywhere):
--   * the listed prescriptions are locked first (a no-op UPDATE, held to
--     commit), so the checks see what the booking UPDATE will change, and
--     two orders for one prescription never both pay it;
--   * the numbers come from sys_sequence once every check passed
--     (incremented, then read back: the row lock is this transaction's
--     until commit, so the value read is the one it wrote. Not UPDATE …
--     OUTPUT: Babelfish answers OUTPUT with the value from before a
--     concurrent writer it had to wait for):
--       invoiceNo  'MZ' + payed day yyyymmdd + 6-digit invoice_no;
--       serialNo   'SF' + payed day yyyymmdd + 6-digit pay_seq;
--   * the prescriptions are booked by one conditional UPDATE (charge_status
--     still '0') whose @@ROWCOUNT must be the number listed.
-- Parameters compared with varchar columns (card.card_no,
-- pay_ledger.trade_no) bind as varchar; :prescriptionNo stays nvarchar (it
-- is split here, each number then compared as varchar); :realName stays
-- nvarchar (patient.name is varchar in code page 936); :orderFee converts to
-- decimal, :payedTime to datetime; pay_ledger.pay_type keeps the first 20
-- characters of :payType.
-- @varchar :patientCard, :tradeNo
SET NOCOUNT ON;
DECLARE @fee decimal(38,8), @payed datetime;
SET @fee = CAST(:orderFee AS decimal(38,8));
SET @payed = CONVERT(datetime, :payedTime, 120);
DECLARE @result varchar(20), @message nvarchar(400), @is_refund char(1), @book bit,
        @patient_id varchar(20), @rx_count int, @amount decimal(38,2),
        @all varchar(8000), @missing varchar(8000), @other varchar(8000), @paid varchar(8000), @void varchar(8000),
        @pos int, @no varchar(100), @found bit, @m_patient varchar(20), @m_status char(1),
        @invoice_no varchar(30), @his_pay_id varchar(30), @pay_seq bigint, @invoice_seq bigint;
DECLARE @rx TABLE (rx_no varchar(100) NOT NULL PRIMARY KEY, pos int NOT NULL);
SET @book = 0;

-- The numbers listed, each once, in the order first given.
WITH split (pos, item, rest) AS (
    SELECT CAST(0 AS int), CAST(NULL AS nvarchar(4000)),
           CAST(REPLACE(REPLACE(:prescriptionNo, N' ', N''), N'，', N',') + N',' AS nvarchar(4000))
    UNION ALL
    SELECT pos + 1,
           CAST(LEFT(rest, CHARINDEX(N',', rest) - 1) AS nvarchar(4000)),
           CAST(SUBSTRING(rest, CHARINDEX(N',', rest) + 1, 4000) AS nvarchar(4000))
    FROM split
    WHERE rest <> N''
)
INSERT INTO @rx (rx_no, pos)
SELECT CAST(LEFT(item, 100) AS varchar(100)), MIN(pos)
FROM split
WHERE item <> N''
GROUP BY CAST(LEFT(item, 100) AS varchar(100))
OPTION (MAXRECURSION 1000);
SELECT @rx_count = COUNT(*) FROM @rx;

-- Lock the listed prescriptions until commit.
UPDATE dbo.rx_master SET charge_status = charge_status
WHERE rx_no IN (SELECT x.rx_no FROM @rx x);

-- The order already booked, the card and the name.
SELECT @result = CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '2' AND l.amount = @fee THEN 'success'
           WHEN l.his_pay_id IS NOT NULL THEN 'error'
           WHEN c.card_no IS NULL THEN 'error'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN 'error'
       END,
       @message = CASE
           WHEN l.his_pay_id IS NOT NULL AND l.biz_type = '2' AND l.amount = @fee THEN N'该订单已缴费成功'
           WHEN l.his_pay_id IS NOT NULL THEN N'该订单号已在HIS记账，与本次门诊缴费不符，请人工核对'
           WHEN c.card_no IS NULL THEN N'就诊卡号不存在'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN N'姓名与就诊卡不匹配'
       END,
       @is_refund = CASE WHEN l.his_pay_id IS NOT NULL THEN '0' ELSE '1' END,
       @patient_id = c.patient_id,
       @invoice_no = l.invoice_no,
       @his_pay_id = l.his_pay_id
FROM (SELECT 1 AS one) AS req
LEFT JOIN dbo.pay_ledger l ON l.trade_no = :tradeNo AND l.channel = '0'
LEFT JOIN dbo.card c ON c.card_no = :patientCard
LEFT JOIN dbo.patient p ON p.patient_id = c.patient_id;

-- The prescriptions, one by one in the order listed: which fail which check.
SET @pos = -1;
WHILE @result IS NULL
BEGIN
    SELECT TOP 1 @pos = x.pos, @no = x.rx_no FROM @rx x WHERE x.pos > @pos ORDER BY x.pos;
    IF @@ROWCOUNT = 0 BREAK;
    SELECT @found = 0, @m_patient = NULL, @m_status = NULL;
    SELECT @found = 1, @m_patient = m.patient_id, @m_status = m.charge_status
    FROM dbo.rx_master m
    WHERE m.rx_no = @no;
    SET @all = COALESCE(@all + ',', '') + @no;
    IF @found = 0 SET @missing = COALESCE(@missing + ',', '') + @no;
    IF @found = 1 AND @m_patient <> @patient_id SET @other = COALESCE(@other + ',', '') + @no;
    IF @found = 1 AND @m_status = '1' SET @paid = COALESCE(@paid + ',', '') + @no;
    IF @found = 1 AND @m_status NOT IN ('0', '1') SET @void = COALESCE(@void + ',', '') + @no;
END;

IF @result IS NULL
    SELECT @result = CASE
               WHEN @rx_count = 0 OR @missing IS NOT NULL OR @other IS NOT NULL
                    OR @paid IS NOT NULL OR @void IS NOT NULL THEN 'error'
           END,
           @message = CASE
               WHEN @rx_count = 0 THEN N'未指定处方号'
               WHEN @missing IS NOT NULL THEN N'处方不存在：' + @missing
               WHEN @other IS NOT NULL THEN N'处方不属于该就诊人：' + @other
               WHEN @paid IS NOT NULL THEN N'处方已缴费：' + @paid
               WHEN @void IS NOT NULL THEN N'处方已退费或已作废：' + @void
           END;

-- The amount: the HIS's exact sum.
IF @result IS NULL
BEGIN
    SELECT @amount = COALESCE(SUM(d.amount), 0)
    FROM dbo.rx_detail d
    WHERE d.rx_no IN (SELECT x.rx_no FROM @rx x);
    IF @amount <> @fee
        SELECT @result = 'error',
               @message = N'缴费金额与处方金额不符（应缴' + CAST(@amount AS nvarchar(40)) + N'元）';
END;

IF @result IS NULL
BEGIN
    -- The payment's numbers: SF… in the HIS's journal, invoice MZ….
    DECLARE @pay_prefix char(2) = 'SF', @invoice_prefix char(2) = 'MZ';
    -- @include next_pay_numbers

    -- Book: one conditional UPDATE of every listed prescription.
    UPDATE dbo.rx_master
    SET charge_status = '1', charge_time = @payed, invoice_no = @invoice_no, pay_id = @his_pay_id
    WHERE rx_no IN (SELECT x.rx_no FROM @rx x)
      AND charge_status = '0'
      AND patient_id = @patient_id;
    IF @@ROWCOUNT = @rx_count
        SELECT @result = 'success', @message = N'缴费成功', @is_refund = '0', @book = 1;
    ELSE
        SELECT @result = 'error', @message = N'处方状态已变更，不能缴费', @is_refund = '1';
END;

IF @book = 1
    INSERT INTO dbo.pay_ledger (his_pay_id, biz_type, biz_no, patient_id, amount, pay_way, pay_type, trade_no,
                                channel, refund_id, invoice_no, payed_time, operator)
    VALUES (@his_pay_id, '2',
            CASE WHEN LEN(@all) <= 100 THEN @all ELSE LEFT(@all, 96) + ',...' END,
            @patient_id, @amount,
            -- the HIS's word for how it was paid: shared/pay_way.mssql.sql
-- @include pay_way
            , LEFT(:payType, 20), :tradeNo, '0', NULL, @invoice_no, @payed, N'睿博平台');

SELECT @result    AS result,
       @message   AS message,
       CASE WHEN @result = 'success' THEN @invoice_no END AS invoiceNo,
       CASE WHEN @result = 'success' THEN @his_pay_id END AS serialNo,
       @is_refund AS isRefund;
