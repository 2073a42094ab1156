-- 16.1 getMedicalSuccess (推送取药成功消息): event source, SQL Server version
-- of getMedicalSuccess.sql.
-- HIS tables read: his_event.
-- The event: the pharmacy hands out a prescription that was paid on the
-- platform. The pharmacy records each handout in rx_dispense; the trigger
-- tr_rx_dispense_event writes a his_event row (event_type
-- 'getMedicalSuccess', ref_id the 处方号, trade_no the platform order of
-- the payment, pay_ledger.trade_no via rx_master.pay_id) in the same
-- transaction. Prescriptions paid at the window have no platform order and
-- raise no event; a prescription is announced once.
--   event_key  the 处方号 (ref_id).
--   watermark  event_id, zero-padded to 12 digits.
-- Returns tradeNo, his_no (one 处方号: each handout is its own event, the
-- spec's comma-separated list is not needed) and status 1 已取药.
-- The outbox is read by its key (ix_his_event_type) under locking READ
-- COMMITTED (READCOMMITTEDLOCK): an IDENTITY value is taken at insert, so an
-- event whose transaction has not committed yet may have a smaller id than
-- one already committed; the poll waits for it instead of passing it. A
-- NULL or empty watermark reads the outbox from its first row (it only
-- holds events since the triggers exist).
SELECT TOP (500)
       e.ref_id   AS event_key,
       RIGHT('000000000000' + CAST(e.event_id AS varchar(20)), 12) AS watermark,
       e.trade_no AS tradeNo,
       e.ref_id   AS his_no,
       '1'        AS status
FROM dbo.his_event e WITH (READCOMMITTEDLOCK)
WHERE e.event_type = 'getMedicalSuccess'
  AND e.event_id > COALESCE(CAST(NULLIF(:watermark, N'') AS bigint), 0)
ORDER BY e.event_id;
