-- 12.2 getOutPatientOrderNum (查询患者排队序号), MySQL version of
-- getOutPatientOrderNum.sql.
-- HIS tables read: card, patient, queue_list.
-- The patient's number in the department's queue (in the doctor's queue when
-- doctorCode is given) on the triage system's current day. The card selects
-- the patient; the name must match it and, when patientId (HIS 病人ID) is
-- given, so must the patient id. A patient not in the queue is refused.
-- :patientCard, :realName, :patientId, :departmentCode and :doctorCode
-- compare with varchar columns (NOT (a <=> b) is SQLite's a IS NOT b).
SELECT CASE
           WHEN NOT (p.name <=> :realName) THEN 'error'
           WHEN :patientId IS NOT NULL AND NOT (p.patient_id <=> :patientId) THEN 'error'
           WHEN q.queue_no IS NULL THEN 'error'
           ELSE 'success'
       END AS result,
       CASE
           WHEN NOT (p.name <=> :realName) THEN '姓名与卡号不匹配'
           WHEN :patientId IS NOT NULL AND NOT (p.patient_id <=> :patientId) THEN '病人ID与卡号不匹配'
           WHEN q.queue_no IS NULL THEN '未查询到该患者的排队信息'
           ELSE '成功'
       END AS message,
       q.queue_no AS hisOrderNum
FROM card c
JOIN patient p ON p.patient_id = c.patient_id
LEFT JOIN queue_list q ON q.queue_id = (
    SELECT q2.queue_id
    FROM queue_list q2
    WHERE q2.patient_id = c.patient_id
      AND q2.dept_code = :departmentCode
      AND (:doctorCode IS NULL OR q2.doctor_code = :doctorCode)
      AND q2.queue_date = (SELECT MAX(q3.queue_date) FROM queue_list q3)
    ORDER BY q2.status IN ('2', '3'), q2.queue_no DESC
    LIMIT 1
)
WHERE c.card_no = :patientCard;
