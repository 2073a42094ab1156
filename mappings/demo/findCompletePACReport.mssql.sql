-- 7.3 findCompletePACReport (查询检查报告详情), SQL Server version of
-- findCompletePACReport.sql.
-- HIS tables read: pacs_report, patient.
-- reportId is a PACS report id and checkType must be 2 (检查); the PACS
-- numbers its reports independently of the LIS. A report not audited yet
-- is refused. age is whole years on the day of the exam.
-- Parameters compared with varchar columns (pacs_report.report_id) bind as
-- varchar; :checkType is compared with a literal only.
-- @varchar :reportId
SELECT CASE WHEN r.status = '2' THEN 'success' ELSE 'error' END AS result,
       CASE WHEN r.status = '2' THEN N'成功' ELSE N'报告尚未审核，请稍后查询' END AS message,
       p.name AS realName,
       CASE p.sex WHEN '1' THEN N'男' WHEN '2' THEN N'女' ELSE N'未知' END AS sex,
       DATEDIFF(year, p.birth_date, r.exam_time)
           - CASE WHEN MONTH(r.exam_time) * 100 + DAY(r.exam_time)
                       < MONTH(p.birth_date) * 100 + DAY(p.birth_date) THEN 1 ELSE 0 END AS age,
       CAST(r.exam_time AS date) AS checkDate,
       N'检查报告'  AS type,
       r.findings   AS reportMessage,
       r.impression AS reportResult,
       r.image_url  AS reportImagePath
FROM dbo.pacs_report r
JOIN dbo.patient p ON p.patient_id = r.patient_id
WHERE r.report_id = :reportId
  AND :checkType = '2';
