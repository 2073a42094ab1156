-- 9.2 getDayExpense (获取某日住院费用清单, 一日清), MySQL version of
-- getDayExpense.sql.
-- HIS tables read: inp_fee_detail, inpatient, patient, card.
-- queryId may be a 住院号, a card number or the HIS 病人ID; the name must
-- match. One row per charged item of that day, in the order first charged:
-- feeType is the item's name (床位费, 二级护理, 注射用头孢曲松钠 ...), count
-- the quantity charged that day, price the unit price and amount the exact
-- total (decimal sums).
-- :queryId and :realName compare with varchar columns (inpatient.inp_no,
-- inpatient.patient_id, card.card_no, patient.name); :date is read as date
-- (fee_date).
SELECT f.item_name     AS feeType,
       SUM(f.amount)   AS amount,
       SUM(f.qty)      AS count,
       f.price         AS price
FROM inp_fee_detail f
JOIN inpatient i ON i.inp_no = f.inp_no
JOIN patient p ON p.patient_id = i.patient_id
WHERE (i.inp_no = :queryId
       OR i.patient_id = :queryId
       OR i.patient_id IN (SELECT c.patient_id FROM card c WHERE c.card_no = :queryId))
  AND p.name = :realName
  AND f.fee_date = CAST(:date AS date)
GROUP BY f.inp_no, f.item_code, f.item_name, f.price
ORDER BY MIN(f.fee_id);
