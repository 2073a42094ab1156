-- 2.1 findAllDepartments (获取科室列表信息), SQL Server version of
-- findAllDepartments.sql (the type is compared with a Unicode literal, so
-- the query does not depend on the database's code page).
-- HIS tables read: dept_dict.
-- Lists the first-level departments and the clinical (门诊) second-level
-- departments, each parent followed by its children (sort_no). 医技
-- departments (检验科, 放射科 ...) are not offered for registration.
-- No parameters.
SELECT
-- @include department_columns
FROM dbo.dept_dict d
WHERE d.valid_flag = '1'
  AND d.dept_type = N'门诊'
ORDER BY d.sort_no, d.dept_code COLLATE Latin1_General_BIN2;
