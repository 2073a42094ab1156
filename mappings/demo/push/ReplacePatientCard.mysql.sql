-- 4.5 ReplacePatientCard (更换实体卡接口): event source, MySQL
-- version of ReplacePatientCard.sql (LPAD for the padding, CAST ... AS SIGNED).
-- HIS tables read: his_event, patient.
-- The event: a patient who registered online holds a virtual card (card_type
-- '4', 4.1 addPatientCard) and is issued a physical card (就诊卡 '1' or
-- 一卡通 '3') at the hospital. The HIS records nothing that says
-- "replaced", so the trigger tr_card_replace_event on card writes a
-- his_event row (event_type 'ReplacePatientCard', ref_id the virtual card,
-- card_no the new one) in the same transaction as the new card; a virtual
-- card is replaced once.
--   event_key  the virtual card number (ref_id).
--   watermark  event_id, zero-padded to 12 digits.
-- Returns oldPatientCard (the virtual card), newPatientCard, and the
-- patient's ID number and name as they are now.
-- The outbox is read by its primary key (ix_his_event_type): each poll reads
-- only the events after the watermark. A NULL or empty watermark reads the
-- outbox from its first row (it only holds events since the triggers exist).
SELECT e.ref_id  AS event_key,
       LPAD(e.event_id, 12, '0') AS watermark,
       p.id_no   AS idCard,
       p.name    AS realName,
       e.ref_id  AS oldPatientCard,
       e.card_no AS newPatientCard
FROM his_event e
LEFT JOIN patient p ON p.patient_id = e.patient_id
WHERE e.event_type = 'ReplacePatientCard'
  AND e.event_id > COALESCE(CAST(NULLIF(:watermark, '') AS SIGNED), 0)
ORDER BY e.event_id
LIMIT 500;
