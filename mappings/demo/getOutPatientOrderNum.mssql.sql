-- 12.2 getOutPatientOrderNum (查询患者排队序号), SQL Server version of
-- getOutPatientOrderNum.sql.
-- HIS tables read: card, patient, queue_list.
-- The patient's number in the department's queue (in the doctor's queue when
-- doctorCode is given) on the triage system's current day. The card selects
-- the patient; the name must match it and, when patientId (HIS 病人ID) is
-- given, so must the patient id. A patient not in the queue is refused.
-- Parameters compared with varchar columns (card.card_no, patient.patient_id,
-- queue_list.dept_code / doctor_code) bind as varchar.
-- :realName stays nvarchar: patient.name is varchar in code page 936
-- (Chinese_PRC_CI_AS), and an nvarchar parameter compares with it exactly
-- whatever the database's default collation.
-- @varchar :patientCard, :patientId, :departmentCode, :doctorCode
SELECT CASE
           WHEN :realName IS NULL OR p.name <> :realName THEN 'error'
           WHEN :patientId IS NOT NULL AND p.patient_id <> :patientId THEN 'error'
           WHEN q.queue_no IS NULL THEN 'error'
           ELSE 'success'
       END AS result,
       CASE
           WHEN :realName IS NULL OR p.name <> :realName THEN N'姓名与卡号不匹配'
           WHEN :patientId IS NOT NULL AND p.patient_id <> :patientId THEN N'病人ID与卡号不匹配'
           WHEN q.queue_no IS NULL THEN N'未查询到该患者的排队信息'
           ELSE N'成功'
       END AS message,
       q.queue_no AS hisOrderNum
FROM dbo.card c
JOIN dbo.patient p ON p.patient_id = c.patient_id
OUTER APPLY (
    SELECT TOP 1 q2.queue_no
    FROM dbo.queue_list q2
    WHERE q2.patient_id = c.patient_id
      AND q2.dept_code = :departmentCode
      AND (:doctorCode IS NULL OR q2.doctor_code = :doctorCode)
      AND q2.queue_date = (SELECT MAX(queue_date) FROM dbo.queue_list)
    ORDER BY CASE WHEN q2.status IN ('2', '3') THEN 1 ELSE 0 END, q2.queue_no DESC
) AS q
WHERE c.card_no = :patientCard;
