-- 7.2 findCompleteLISReport (查询检验报告详情), MySQL version of
-- findCompleteLISReport.sql.
-- HIS tables read: lis_report, lis_result, patient.
-- reportId is a LIS report id and checkType must be 1 (检验); a report that
-- is not audited yet is refused (its results may still change). conclusion
-- is translated from the LIS abnormal flag. age is the age on the day of
-- the sample (whole years, as the SQLite version counts them).
-- :reportId compares with the varchar column lis_report.report_id;
-- :checkType is compared as text.

-- @section header
SELECT CASE WHEN r.status = '2' THEN 'success' ELSE 'error' END AS result,
       CASE WHEN r.status = '2' THEN '成功' ELSE '报告尚未审核，请稍后查询' END AS message,
       p.name AS realName,
       CASE p.sex WHEN '1' THEN '男' WHEN '2' THEN '女' ELSE '未知' END AS sex,
       YEAR(r.sample_time) - YEAR(p.birth_date)
           - (DATE_FORMAT(r.sample_time, '%m-%d') < DATE_FORMAT(p.birth_date, '%m-%d')) AS age,
       CAST(r.sample_time AS date) AS checkDate,
       '检验报告' AS type
FROM lis_report r
JOIN patient p ON p.patient_id = r.patient_id
WHERE r.report_id = :reportId
  AND CAST(:checkType AS char) = '1';

-- @section content
SELECT x.item_name    AS itemName,
       r.sample_type  AS sample,
       x.result_value AS realResult,
       x.ref_range    AS referprint,
       CASE x.abnormal_flag WHEN 'H' THEN '偏高' WHEN 'L' THEN '偏低' WHEN 'P' THEN '阳性' ELSE '正常' END AS conclusion
FROM lis_result x
JOIN lis_report r ON r.report_id = x.report_id
WHERE x.report_id = :reportId
  AND CAST(:checkType AS char) = '1'
  AND r.status = '2'
ORDER BY x.seq;
