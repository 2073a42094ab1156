-- 8.1 findClinicNo (查询门诊号), MySQL version of findClinicNo.sql.
-- HIS tables read: card, patient, outp_register, rx_master, dept_dict, doctor_dict.
-- The patient's latest outpatient visit up to today (a registration that is
-- not cancelled or still unpaid): its 就诊号 (outp_register.clinic_no),
-- department and doctor. createDate is the day its latest prescription was
-- written, or the visit day when it has none. The name must match the card.
-- Today is CURDATE() (the server's local day, as SQLite's
-- date('now', 'localtime')).
-- :patientCard and :realName compare with varchar columns (card.card_no,
-- patient.name; NOT (a <=> b) is SQLite's a IS NOT b).
SELECT CASE
           WHEN NOT (p.name <=> :realName) THEN 'error'
           WHEN r.register_id IS NULL THEN 'error'
           ELSE 'success'
       END AS result,
       CASE
           WHEN NOT (p.name <=> :realName) THEN '姓名与卡号不匹配'
           WHEN r.register_id IS NULL THEN '未查询到门诊就诊记录'
           ELSE '成功'
       END AS message,
       p.name          AS realName,
       c.card_no       AS patientCard,
       COALESCE((SELECT MAX(CAST(m.create_time AS date)) FROM rx_master m WHERE m.register_id = r.register_id),
                r.visit_date) AS createDate,
-- @include visit_columns
FROM card c
JOIN patient p ON p.patient_id = c.patient_id
LEFT JOIN outp_register r ON r.register_id = (
    SELECT r2.register_id
    FROM outp_register r2
    WHERE r2.patient_id = c.patient_id
      AND r2.status = '1'
      AND r2.visit_date <= CURDATE()
    ORDER BY r2.visit_date DESC, r2.reg_time DESC
    LIMIT 1
)
LEFT JOIN dept_dict d ON d.dept_code = r.dept_code
LEFT JOIN doctor_dict doc ON doc.doctor_code = r.doctor_code
WHERE c.card_no = :patientCard;
