-- 7.1 findInspectionReport (查询检验、检查报告列表), MySQL version of
-- findInspectionReport.sql.
-- HIS tables read: patient, card, inpatient, lis_report, pacs_report.
-- queryId may be a card number, the HIS 病人ID or a 住院号; it selects the
-- patient, whose name must equal realName. Lists the patient's LIS reports
-- (checkType 1) and PACS reports (checkType 2) sampled / examined between
-- startDate and endDate (the gateway fills the one-month default), of
-- 门诊 (reportType 1) or 住院 (reportType 2) origin when reportType is given.
-- hisRegisterId is the outpatient registration, or the 住院号 for ward
-- reports; status 1 = audited report, 0 = still in progress; age is the age
-- on the day of the sample / exam.
-- The LIS and PACS systems number their reports independently, so a
-- reportId is unique within its checkType.
-- The dates are compared as a range on the datetime columns
-- (>= startDate, < the day after endDate), so the indexes on
-- (patient_id, sample_time / exam_time) serve.
-- :queryId, :realName and :reportType compare with varchar / char columns
-- (patient.patient_id, card.card_no, inpatient.inp_no, patient.name,
-- source_type); :startDate / :endDate are read as date.
WITH who AS (
    SELECT p.patient_id, p.name, p.birth_date
    FROM patient p
    WHERE p.name = :realName
      AND (p.patient_id = :queryId
           OR p.patient_id IN (SELECT c.patient_id FROM card c WHERE c.card_no = :queryId)
           OR p.patient_id IN (SELECT i.patient_id FROM inpatient i WHERE i.inp_no = :queryId))
)
SELECT r.report_id  AS reportId,
       r.group_name AS reportName,
       COALESCE(r.register_id, r.inp_no) AS hisRegisterId,
       w.name       AS realName,
       YEAR(r.sample_time) - YEAR(w.birth_date)
           - (DATE_FORMAT(r.sample_time, '%m-%d') < DATE_FORMAT(w.birth_date, '%m-%d')) AS age,
       '1'          AS checkType,
       CAST(r.sample_time AS date) AS checkDate,
       CASE WHEN r.status = '2' THEN '1' ELSE '0' END AS status,
       r.diag_code  AS diagnosisCode,
       r.diag_name  AS diagnosisName
FROM lis_report r
JOIN who w ON w.patient_id = r.patient_id
WHERE r.sample_time >= CAST(:startDate AS date)
  AND r.sample_time < CAST(:endDate AS date) + INTERVAL 1 DAY
  AND (:reportType IS NULL OR r.source_type = :reportType)
UNION ALL
SELECT r.report_id,
       r.exam_item,
       COALESCE(r.register_id, r.inp_no),
       w.name,
       YEAR(r.exam_time) - YEAR(w.birth_date)
           - (DATE_FORMAT(r.exam_time, '%m-%d') < DATE_FORMAT(w.birth_date, '%m-%d')),
       '2',
       CAST(r.exam_time AS date),
       CASE WHEN r.status = '2' THEN '1' ELSE '0' END,
       r.diag_code,
       r.diag_name
FROM pacs_report r
JOIN who w ON w.patient_id = r.patient_id
WHERE r.exam_time >= CAST(:startDate AS date)
  AND r.exam_time < CAST(:endDate AS date) + INTERVAL 1 DAY
  AND (:reportType IS NULL OR r.source_type = :reportType)
ORDER BY checkDate DESC, checkType, reportId;
