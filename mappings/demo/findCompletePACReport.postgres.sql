-- 7.3 findCompletePACReport (查询检查报告详情), PostgreSQL version of
-- findCompletePACReport.sql.
-- HIS tables read: pacs_report, patient.
-- reportId is a PACS report id and checkType must be 2 (检查); the PACS
-- numbers its reports independently of the LIS. A report not audited yet
-- is refused. age is whole years on the day of the exam (the years
-- between, less one before the birthday, as SQLite counts it).
-- :reportId compares with the varchar column pacs_report.report_id;
-- :checkType is read as text and compared with a literal only.
SELECT CASE WHEN r.status = '2' THEN 'success' ELSE 'error' END AS result,
       CASE WHEN r.status = '2' THEN '成功' ELSE '报告尚未审核，请稍后查询' END AS message,
       p.name AS realName,
       CASE p.sex WHEN '1' THEN '男' WHEN '2' THEN '女' ELSE '未知' END AS sex,
       CAST(extract(year FROM r.exam_time) - extract(year FROM p.birth_date) AS integer)
           - CASE WHEN to_char(r.exam_time, 'MM-DD') < to_char(p.birth_date, 'MM-DD') THEN 1 ELSE 0 END AS age,
       CAST(r.exam_time AS date) AS checkDate,
       '检查报告'   AS type,
       r.findings   AS reportMessage,
       r.impression AS reportResult,
       r.image_url  AS reportImagePath
FROM pacs_report r
JOIN patient p ON p.patient_id = r.patient_id
WHERE r.report_id = :reportId
  AND CAST(:checkType AS text) = '2';
