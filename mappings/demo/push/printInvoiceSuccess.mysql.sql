-- 16.7 printInvoiceSuccess (HIS 推送发票打印通知): event source, MySQL
-- version of printInvoiceSuccess.sql (LPAD for the padding, CAST ... AS SIGNED).
-- HIS tables read: his_event.
-- The event: the invoice of a platform payment is printed for the first
-- time (at a window or a self-service machine). Every print is logged in
-- invoice_print_log; the trigger tr_invoice_print_event writes a his_event
-- row for a first print (print_type '1') of a payment that has a platform
-- order (pay_ledger.trade_no): event_type 'printInvoiceSuccess', ref_id the
-- 发票号, with the order, the payment's amount, the place and the operator,
-- in the same transaction. Reprints and window payments raise no event.
--   event_key  the 发票号 (ref_id).
--   watermark  event_id, zero-padded to 12 digits.
-- Returns trade_no, invoice_number, print_time, invoice_amount (the
-- payment's amount), print_place and print_account (the operator or
-- machine account that printed it). lable (发票标签) is not kept by the HIS
-- and is left out.
-- The outbox is read by its primary key (ix_his_event_type): each poll reads
-- only the events after the watermark. A NULL or empty watermark reads the
-- outbox from its first row (it only holds events since the triggers exist).
SELECT e.ref_id     AS event_key,
       LPAD(e.event_id, 12, '0') AS watermark,
       e.trade_no   AS trade_no,
       e.ref_id     AS invoice_number,
       e.event_time AS print_time,
       e.amount     AS invoice_amount,
       e.operator   AS print_account,
       e.place      AS print_place
FROM his_event e
WHERE e.event_type = 'printInvoiceSuccess'
  AND e.event_id > COALESCE(CAST(NULLIF(:watermark, '') AS SIGNED), 0)
ORDER BY e.event_id
LIMIT 500;
