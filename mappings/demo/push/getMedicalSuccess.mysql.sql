-- 16.1 getMedicalSuccess (推送取药成功消息): event source, MySQL
-- version of getMedicalSuccess.sql (LPAD for the padding, CAST ... AS SIGNED).
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
-- The outbox is read by its primary key (ix_his_event_type): each poll reads
-- only the events after the watermark. A NULL or empty watermark reads the
-- outbox from its first row (it only holds events since the triggers exist).
SELECT e.ref_id   AS event_key,
       LPAD(e.event_id, 12, '0') AS watermark,
       e.trade_no AS tradeNo,
       e.ref_id   AS his_no,
       '1'        AS status
FROM his_event e
WHERE e.event_type = 'getMedicalSuccess'
  AND e.event_id > COALESCE(CAST(NULLIF(:watermark, '') AS SIGNED), 0)
ORDER BY e.event_id
LIMIT 500;
