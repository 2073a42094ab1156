-- 8.1 findClinicNo (查询门诊号), SQL Server version of findClinicNo.sql.
-- HIS tables read: card, patient, outp_register, rx_master, dept_dict, doctor_dict.
-- The patient's latest outpatient visit up to today (a registration that is
-- not cancelled or still unpaid): its 就诊号 (outp_register.clinic_no),
-- department and doctor. createDate is the day its latest prescription was
-- written, or the visit day when it has none. The name must match the card.
-- Parameters compared with varchar columns (card.card_no) bind as varchar.
-- :realName stays nvarchar: patient.name is varchar in code page 936
-- (Chinese_PRC_CI_AS), and an nvarchar parameter compares with it exactly
-- whatever the database's default collation.
-- @varchar :patientCard
SELECT CASE
           WHEN :realName IS NULL OR p.name <> :realName THEN 'error'
           WHEN r.register_id IS NULL THEN 'error'
           ELSE 'success'
       END AS result,
       CASE
           WHEN :realName IS NULL OR p.name <> :realName THEN N'姓名与卡号不匹配'
           WHEN r.register_id IS NULL THEN N'未查询到门诊就诊记录'
           ELSE N'成功'
       END AS message,
       p.name          AS realName,
       c.card_no       AS patientCard,
       COALESCE((SELECT MAX(CAST(m.create_time AS date)) FROM dbo.rx_master m WHERE m.register_id = r.register_id),
                r.visit_date) AS createDate,
-- @include visit_columns
FROM dbo.card c
JOIN dbo.patient p ON p.patient_id = c.patient_id
OUTER APPLY (
    SELECT TOP 1 r2.register_id, r2.dept_code, r2.doctor_code, r2.clinic_no, r2.visit_date
    FROM dbo.outp_register r2
    WHERE r2.patient_id = c.patient_id
      AND r2.status = '1'
      AND r2.visit_date <= CAST(GETDATE() AS date)
    ORDER BY r2.visit_date DESC, r2.reg_time DESC
) AS r
LEFT JOIN dbo.dept_dict d ON d.dept_code = r.dept_code
LEFT JOIN dbo.doctor_dict doc ON doc.doctor_code = r.doctor_code
WHERE c.card_no = :patientCard;
