-- The department, doctor and 门诊号 of a registration r (d its department,
-- doc its doctor), as 7.3 findClinicNo answers them on both databases.
       d.dept_name     AS departmentName,
       r.dept_code     AS departmentCode,
       doc.doctor_name AS doctorName,
       r.doctor_code   AS doctorCode,
       r.clinic_no     AS clinicNo
