-- 4.4 queryInHospitalPatient (住院病人信息查询), MySQL version of
-- queryInHospitalPatient.sql.
-- HIS tables read: inpatient, patient, ward_dict, inp_prepay, inp_fee_detail.
-- serialNumber is the 住院号 (inpatient.inp_no). totleAmt is the valid
-- prepayments (预交金), usedAmt the charges booked so far, remainAmt their
-- difference (negative when in arrears; decimal sums, exact, 0 when there
-- are none). status 1 = 在院, 0 = 出院 (whether settled or not).
-- inpatientArea is the ward (病区).
-- :serialNumber compares with the varchar column inpatient.inp_no.
SELECT p.name        AS realName,
       p.id_no       AS idCard,
       p.phone       AS phone,
       CASE p.sex WHEN '1' THEN '男' WHEN '2' THEN '女' ELSE '未知' END AS sex,
       p.birth_date  AS birthday,
       m.prepaid     AS totleAmt,
       m.used        AS usedAmt,
       m.prepaid - m.used AS remainAmt,
       CASE WHEN i.inp_status = '1' THEN '1' ELSE '0' END AS status,
       CAST(i.admit_time AS date)     AS inhospitalDate,
       CAST(i.discharge_time AS date) AS leaveDate,
       w.ward_name   AS inpatientArea,
       i.dept_code   AS departmentCode,
       i.doctor_code AS doctorCode,
       p.patient_id  AS hisNo
FROM inpatient i
JOIN patient p ON p.patient_id = i.patient_id
LEFT JOIN ward_dict w ON w.ward_code = i.ward_code
JOIN (
    SELECT (SELECT COALESCE(SUM(y.amount), 0) FROM inp_prepay y
             WHERE y.inp_no = :serialNumber AND y.status = '1') AS prepaid,
           (SELECT COALESCE(SUM(f.amount), 0) FROM inp_fee_detail f
             WHERE f.inp_no = :serialNumber) AS used
) AS m
WHERE i.inp_no = :serialNumber;
