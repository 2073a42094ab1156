-- 2.2 findAllDoctors (获取医生列表信息)
-- HIS tables read: doctor_dict, title_dict.
-- positionId is the clinical title's name (主任医师 ...), jobTitleId the
-- academic title (教授 ...; empty for doctors without one). departmentCode
-- is the doctor's home department; a doctor may also hold sessions in other
-- departments (see 3.2).
-- Portable: the same SQL runs on the SQLite demo and on SQL Server (no
-- override). No parameters.
SELECT doc.doctor_name    AS doctorName,
       doc.doctor_code    AS doctorCode,
       doc.photo_url      AS photo,
       t.title_name       AS positionId,
       doc.academic_title AS jobTitleId,
       doc.specialty      AS doctorSpecialty,
       doc.intro          AS doctorSummary,
       doc.dept_code      AS departmentCode
FROM doctor_dict doc
LEFT JOIN title_dict t ON t.title_code = doc.title_code
WHERE doc.valid_flag = '1'
ORDER BY doc.dept_code, doc.title_code, doc.doctor_code;
