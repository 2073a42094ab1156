-- 2.1 findAllDepartments (获取科室列表信息)
-- HIS tables read: dept_dict.
-- Lists the first-level departments and the clinical (门诊) second-level
-- departments, each parent followed by its children (sort_no). 医技
-- departments (检验科, 放射科 ...) are not offered for registration.
SELECT
-- @include department_columns
FROM dept_dict d
WHERE d.valid_flag = '1'
  AND d.dept_type = '门诊'
ORDER BY d.sort_no, d.dept_code;
