-- 7.2 findCompleteLISReport (查询检验报告详情), PostgreSQL version of
-- findCompleteLISReport.sql.
-- HIS tables read: lis_report, lis_result, patient.
-- reportId is a LIS report id and checkType must be 1 (检验); a report that
-- is not audited yet is refused (its results may still change). conclusion
-- is translated from the LIS abnormal flag. age is whole years on the day of
-- the sample (the years between, less one before the birthday, as SQLite
-- counts it).
-- :reportId compares with varchar columns (lis_report.report_id,
-- lis_result.report_id); :checkType is read as text and compared with a
-- literal only.

-- @section header
SELECT CASE WHEN r.status = '2' THEN 'success' ELSE 'error' END AS result,
       CASE WHEN r.status = '2' THEN '成功' ELSE '报告尚未审核，请稍后查询' END AS message,
       p.name AS realName,
       CASE p.sex WHEN '1' THEN '男' WHEN '2' THEN '女' ELSE '未知' END AS sex,
       CAST(extract(year FROM r.sample_time) - extract(year FROM p.birth_date) AS integer)
           - CASE WHEN to_char(r.sample_time, 'MM-DD') < to_char(p.birth_date, 'MM-DD') THEN 1 ELSE 0 END AS age,
       CAST(r.sample_time AS date) AS checkDate,
       '检验报告' AS type
FROM lis_report r
JOIN patient p ON p.patient_id = r.patient_id
WHERE r.report_id = :reportId
  AND CAST(:checkType AS text) = '1';

-- @section content
SELECT x.item_name    AS itemName,
       r.sample_type  AS sample,
       x.result_value AS realResult,
       x.ref_range    AS referprint,
       CASE x.abnormal_flag WHEN 'H' THEN '偏高' WHEN 'L' THEN '偏低' WHEN 'P' THEN '阳性' ELSE '正常' END AS conclusion
FROM lis_result x
JOIN lis_report r ON r.report_id = x.report_id
WHERE x.report_id = :reportId
  AND CAST(:checkType AS text) = '1'
  AND r.status = '2'
ORDER BY x.seq;
