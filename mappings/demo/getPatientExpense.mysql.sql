-- 9.1 getPatientExpense (获取就诊人已预缴的住院费用), MySQL version of
-- getPatientExpense.sql.
-- HIS tables read: inpatient, patient, card, inp_prepay, inp_fee_detail.
-- queryId may be a 住院号, a card number or the HIS 病人ID. The patient's
-- current stay is used (else the latest). Only a patient who is in hospital
-- may be queried (and prepay), as the spec requires; a discharged patient or
-- a name that does not match is refused. prepayAmt is the valid
-- prepayments, usedAmt the charges booked so far, remainAmt the difference
-- (decimal sums, exact; 0 when there are none).
-- :queryId and :realName compare with varchar columns (inpatient.inp_no,
-- inpatient.patient_id, card.card_no, patient.name; NOT (a <=> b) is
-- SQLite's a IS NOT b).
WITH stay AS (
    SELECT i.inp_no, i.inp_status, p.name
    FROM inpatient i
    JOIN patient p ON p.patient_id = i.patient_id
    WHERE i.inp_no = :queryId
       OR i.patient_id = :queryId
       OR i.patient_id IN (SELECT c.patient_id FROM card c WHERE c.card_no = :queryId)
    ORDER BY i.inp_status = '1' DESC, i.admit_time DESC
    LIMIT 1
),
sums AS (
    SELECT s.inp_no, s.inp_status, s.name,
           (SELECT COALESCE(SUM(y.amount), 0) FROM inp_prepay y
             WHERE y.inp_no = s.inp_no AND y.status = '1') AS prepaid,
           (SELECT COALESCE(SUM(f.amount), 0) FROM inp_fee_detail f
             WHERE f.inp_no = s.inp_no) AS used
    FROM stay s
)
SELECT CASE
           WHEN NOT (m.name <=> :realName) THEN 'error'
           WHEN m.inp_status <> '1' THEN 'error'
           ELSE 'success'
       END AS result,
       CASE
           WHEN NOT (m.name <=> :realName) THEN '姓名与住院号/卡号不匹配'
           WHEN m.inp_status <> '1' THEN '患者已出院，不能查询或预缴住院费用'
           ELSE '成功'
       END AS message,
       m.prepaid AS prepayAmt,
       m.used    AS usedAmt,
       m.prepaid - m.used AS remainAmt
FROM sums m;
