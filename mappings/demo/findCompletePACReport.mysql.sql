-- 7.3 findCompletePACReport (查询检查报告详情), MySQL version of
-- findCompletePACReport.sql.
-- HIS tables read: pacs_report, patient.
-- reportId is a PACS report id and checkType must be 2 (检查); the PACS
-- numbers its reports independently of the LIS. A report not audited yet
-- is refused. age is the age on the day of the exam.
-- :reportId compares with the varchar column pacs_report.report_id;
-- :checkType is compared as text.
SELECT CASE WHEN r.status = '2' THEN 'success' ELSE 'error' END AS result,
       CASE WHEN r.status = '2' THEN '成功' ELSE '报告尚未审核，请稍后查询' END AS message,
       p.name AS realName,
       CASE p.sex WHEN '1' THEN '男' WHEN '2' THEN '女' ELSE '未知' END AS sex,
       YEAR(r.exam_time) - YEAR(p.birth_date)
           - (DATE_FORMAT(r.exam_time, '%m-%d') < DATE_FORMAT(p.birth_date, '%m-%d')) AS age,
       CAST(r.exam_time AS date) AS checkDate,
       '检查报告'   AS type,
       r.findings   AS reportMessage,
       r.impression AS reportResult,
       r.image_url  AS reportImagePath
FROM pacs_report r
JOIN patient p ON p.patient_id = r.patient_id
WHERE r.report_id = :reportId
  AND CAST(:checkType AS char) = '2';
