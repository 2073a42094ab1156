-- The patient's card in use, for a push whose HIS row names no card of its
-- own: the main card (主卡) first, then the oldest. p is the patient.
(SELECT c.card_no FROM card c
 WHERE c.patient_id = p.patient_id AND c.status = '0'
 ORDER BY c.card_type = '1' DESC, c.issue_time
 LIMIT 1)
