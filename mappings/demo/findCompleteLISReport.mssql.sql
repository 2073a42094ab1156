-- 7.2 findCompleteLISReport (查询检验报告详情), SQL Server version of
-- findCompleteLISReport.sql.
-- HIS tables read: lis_report, lis_result, patient.
-- reportId is a LIS report id and checkType must be 1 (检验); a report that
-- is not audited yet is refused (its results may still change). conclusion
-- is translated from the LIS abnormal flag. age is whole years on the day of
-- the sample.
-- Parameters compared with varchar columns (lis_report.report_id,
-- lis_result.report_id) bind as varchar; :checkType is compared with a
-- literal only.
-- @varchar :reportId

-- @section header
SELECT CASE WHEN r.status = '2' THEN 'success' ELSE 'error' END AS result,
       CASE WHEN r.status = '2' THEN N'成功' ELSE N'报告尚未审核，请稍后查询' END AS message,
       p.name AS realName,
       CASE p.sex WHEN '1' THEN N'男' WHEN '2' THEN N'女' ELSE N'未知' END AS sex,
       DATEDIFF(year, p.birth_date, r.sample_time)
           - CASE WHEN MONTH(r.sample_time) * 100 + DAY(r.sample_time)
                       < MONTH(p.birth_date) * 100 + DAY(p.birth_date) THEN 1 ELSE 0 END AS age,
       CAST(r.sample_time AS date) AS checkDate,
       N'检验报告' AS type
FROM dbo.lis_report r
JOIN dbo.patient p ON p.patient_id = r.patient_id
WHERE r.report_id = :reportId
  AND :checkType = '1';

-- @section content
SELECT x.item_name    AS itemName,
       r.sample_type  AS sample,
       x.result_value AS realResult,
       x.ref_range    AS referprint,
       CASE x.abnormal_flag WHEN 'H' THEN N'偏高' WHEN 'L' THEN N'偏低' WHEN 'P' THEN N'阳性' ELSE N'正常' END AS conclusion
FROM dbo.lis_result x
JOIN dbo.lis_report r ON r.report_id = x.report_id
WHERE x.report_id = :reportId
  AND :checkType = '1'
  AND r.status = '2'
ORDER BY x.seq;
