-- A booked payment's numbers, taken from sys_sequence: incremented, then
-- read back (the row lock is this transaction's until commit, so the value
-- read is the one it wrote; not UPDATE … OUTPUT: Babelfish answers OUTPUT
-- with the value from before a concurrent writer it had to wait for).
-- The including file declares the variables pay_prefix and invoice_prefix
-- and has payed, pay_seq, invoice_seq, his_pay_id and invoice_no; this sets
--   his_pay_id  pay_prefix + payed day yyyymmdd + 6-digit pay_seq;
--   invoice_no  invoice_prefix + payed day yyyymmdd + 6-digit invoice_no.
UPDATE dbo.sys_sequence
SET cur_val = cur_val + 1
WHERE seq_name IN ('pay_seq', 'invoice_no');
SELECT @pay_seq = cur_val FROM dbo.sys_sequence WHERE seq_name = 'pay_seq';
SELECT @invoice_seq = cur_val FROM dbo.sys_sequence WHERE seq_name = 'invoice_no';
SET @his_pay_id = @pay_prefix + CONVERT(char(8), @payed, 112)
                + CASE WHEN @pay_seq < 1000000 THEN RIGHT('00000' + CAST(@pay_seq AS varchar(20)), 6)
                       ELSE CAST(@pay_seq AS varchar(20)) END;
SET @invoice_no = @invoice_prefix + CONVERT(char(8), @payed, 112)
                + CASE WHEN @invoice_seq < 1000000 THEN RIGHT('00000' + CAST(@invoice_seq AS varchar(20)), 6)
                       ELSE CAST(@invoice_seq AS varchar(20)) END;
