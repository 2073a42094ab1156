-- 12.2 getOutPatientOrderNum (查询患者排队序号), PostgreSQL version of
-- getOutPatientOrderNum.sql.
-- HIS tables read: card, patient, queue_list.
-- The patient's number in the department's queue (in the doctor's queue when
-- doctorCode is given) on the triage system's current day. The card selects
-- the patient; the name must match it and, when patientId (HIS 病人ID) is
-- given, so must the patient id. A patient not in the queue is refused.
-- :patientCard, :realName, :patientId, :departmentCode and :doctorCode
-- compare with varchar columns (IS DISTINCT FROM is SQLite's IS NOT; a
-- parameter tested only for NULL is cast, PostgreSQL infers a parameter's
-- type from where it is first used).
SELECT CASE
           WHEN p.name IS DISTINCT FROM :realName THEN 'error'
           WHEN CAST(:patientId AS varchar) IS NOT NULL AND p.patient_id IS DISTINCT FROM :patientId THEN 'error'
           WHEN q.queue_no IS NULL THEN 'error'
           ELSE 'success'
       END AS result,
       CASE
           WHEN p.name IS DISTINCT FROM :realName THEN '姓名与卡号不匹配'
           WHEN CAST(:patientId AS varchar) IS NOT NULL AND p.patient_id IS DISTINCT FROM :patientId THEN '病人ID与卡号不匹配'
           WHEN q.queue_no IS NULL THEN '未查询到该患者的排队信息'
           ELSE '成功'
       END AS message,
       q.queue_no AS hisOrderNum
FROM card c
JOIN patient p ON p.patient_id = c.patient_id
LEFT JOIN LATERAL (
    SELECT q2.queue_no
    FROM queue_list q2
    WHERE q2.patient_id = c.patient_id
      AND q2.dept_code = :departmentCode
      AND (CAST(:doctorCode AS varchar) IS NULL OR q2.doctor_code = :doctorCode)
      AND q2.queue_date = (SELECT max(queue_date) FROM queue_list)
    ORDER BY q2.status IN ('2', '3'), q2.queue_no DESC
    LIMIT 1
) AS q ON TRUE
WHERE c.card_no = :patientCard;
