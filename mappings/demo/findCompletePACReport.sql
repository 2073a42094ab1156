-- 7.3 findCompletePACReport (查询检查报告详情)
-- HIS tables read: pacs_report, patient.
-- reportId is a PACS report id and checkType must be 2 (检查); the PACS
-- numbers its reports independently of the LIS. A report not audited yet
-- is refused.
SELECT CASE WHEN r.status = '2' THEN 'success' ELSE 'error' END AS result,
       CASE WHEN r.status = '2' THEN '成功' ELSE '报告尚未审核，请稍后查询' END AS message,
       p.name AS realName,
       CASE p.sex WHEN '1' THEN '男' WHEN '2' THEN '女' ELSE '未知' END AS sex,
       CAST(strftime('%Y', r.exam_time) AS INTEGER) - CAST(strftime('%Y', p.birth_date) AS INTEGER)
           - (strftime('%m-%d', r.exam_time) < strftime('%m-%d', p.birth_date)) AS age,
       date(r.exam_time) AS checkDate,
       '检查报告'   AS type,
       r.findings   AS reportMessage,
       r.impression AS reportResult,
       r.image_url  AS reportImagePath
FROM pacs_report r
JOIN patient p ON p.patient_id = r.patient_id
WHERE r.report_id = :reportId
  AND CAST(:checkType AS TEXT) = '2';
