-- 4.4 queryInHospitalPatient (住院病人信息查询), SQL Server version of
-- queryInHospitalPatient.sql.
-- HIS tables read: inpatient, patient, ward_dict, inp_prepay, inp_fee_detail.
-- serialNumber is the 住院号 (inpatient.inp_no). totleAmt is the valid
-- prepayments (预交金), usedAmt the charges booked so far, remainAmt their
-- difference (negative when in arrears; decimal sums, 0 when there are
-- none). status 1 = 在院, 0 = 出院 (whether settled or not). inpatientArea
-- is the ward (病区).
-- Parameters compared with varchar columns (inpatient.inp_no) bind as
-- varchar.
-- @varchar :serialNumber
SELECT p.name        AS realName,
       p.id_no       AS idCard,
       p.phone       AS phone,
       CASE p.sex WHEN '1' THEN N'男' WHEN '2' THEN N'女' ELSE N'未知' END AS sex,
       p.birth_date  AS birthday,
       pp.prepaid    AS totleAmt,
       fd.used       AS usedAmt,
       pp.prepaid - fd.used AS remainAmt,
       CASE WHEN i.inp_status = '1' THEN '1' ELSE '0' END AS status,
       CAST(i.admit_time AS date)     AS inhospitalDate,
       CAST(i.discharge_time AS date) AS leaveDate,
       w.ward_name   AS inpatientArea,
       i.dept_code   AS departmentCode,
       i.doctor_code AS doctorCode,
       p.patient_id  AS hisNo
FROM dbo.inpatient i
JOIN dbo.patient p ON p.patient_id = i.patient_id
LEFT JOIN dbo.ward_dict w ON w.ward_code = i.ward_code
CROSS APPLY (SELECT COALESCE(SUM(y.amount), 0) AS prepaid FROM dbo.inp_prepay y
             WHERE y.inp_no = i.inp_no AND y.status = '1') AS pp
CROSS APPLY (SELECT COALESCE(SUM(f.amount), 0) AS used FROM dbo.inp_fee_detail f
             WHERE f.inp_no = i.inp_no) AS fd
WHERE i.inp_no = :serialNumber;
