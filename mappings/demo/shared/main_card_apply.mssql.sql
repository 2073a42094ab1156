-- The patient's card in use as mc.card_no, for a push whose HIS row names no
-- card of its own: the main card (主卡) first, then the oldest. p is the patient.
OUTER APPLY (SELECT TOP (1) c.card_no FROM dbo.card c
             WHERE c.patient_id = p.patient_id AND c.status = '0'
             ORDER BY CASE WHEN c.card_type = '1' THEN 0 ELSE 1 END, c.issue_time) AS mc
