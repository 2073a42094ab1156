-- 8.2 findOutpatientPay (查询门诊缴费列表, 未交费), MySQL version of
-- findOutpatientPay.sql.
-- HIS tables read: card, patient, rx_master, rx_detail, outp_register,
-- dept_dict, doctor_dict.
-- The patient's unpaid prescriptions (rx_master.charge_status '0'), of one
-- visit when clinicNo (the 就诊号) is given. The card selects the patient and
-- the name must match it. orderFee is the exact sum of the prescription's
-- lines (decimal); feeType is translated from the prescription type.
-- feeDetail holds the lines of all listed prescriptions, read in one query
-- and attached to their prescription by prescriptionNo. usage is 用法 plus
-- 频次 and dosage the single dose (drugs only); patientTime is when the
-- doctor saw the patient (the registration time if not recorded).
-- (USAGE is a reserved word in MySQL: the alias is quoted, `usage`.)
-- :patientCard, :realName and :clinicNo compare with varchar columns
-- (card.card_no, patient.name, outp_register.clinic_no).

-- @section content
SELECT r.clinic_no      AS clinicNo,
       m.register_id    AS hisRegisterId,
       m.rx_no          AS prescriptionNo,
       p.name           AS realName,
       c.card_no        AS patientCard,
       (SELECT SUM(x.amount) FROM rx_detail x WHERE x.rx_no = m.rx_no) AS orderFee,
       m.create_time    AS createDate,
       CASE m.rx_type WHEN '1' THEN '药费' WHEN '2' THEN '药费' WHEN '3' THEN '检查费'
                      WHEN '4' THEN '检验费' ELSE '治疗费' END AS feeType,
       d.dept_name      AS departmentName,
       m.dept_code      AS departmentCode,
       doc.doctor_name  AS doctorName,
       m.doctor_code    AS doctorCode,
       m.diag_code      AS diagnosisCode,
       m.diag_name      AS diagnosisName
FROM card c
JOIN patient p ON p.patient_id = c.patient_id
JOIN rx_master m ON m.patient_id = p.patient_id
JOIN outp_register r ON r.register_id = m.register_id
LEFT JOIN dept_dict d ON d.dept_code = m.dept_code
LEFT JOIN doctor_dict doc ON doc.doctor_code = m.doctor_code
WHERE c.card_no = :patientCard
  AND p.name = :realName
  AND m.charge_status = '0'
  AND (:clinicNo IS NULL OR r.clinic_no = :clinicNo)
ORDER BY m.create_time, m.rx_no;

-- @section feeDetail
SELECT m.rx_no       AS prescriptionNo,
       x.price       AS price,
       m.create_time AS createDate,
       COALESCE(r.see_time, r.reg_time) AS patientTime,
       CASE
           WHEN x.route_name IS NULL THEN x.freq_name
           WHEN x.freq_name IS NULL THEN x.route_name
           ELSE CONCAT(x.route_name, ' ', x.freq_name)
       END           AS `usage`,
       CASE
           WHEN x.dose IS NULL THEN NULL
           WHEN x.dose_unit IS NULL THEN x.dose
           ELSE CONCAT('每次', x.dose, x.dose_unit)
       END           AS dosage,
       x.qty         AS count,
       x.item_name   AS feeName,
       CASE m.rx_type WHEN '1' THEN '药费' WHEN '2' THEN '药费' WHEN '3' THEN '检查费'
                      WHEN '4' THEN '检验费' ELSE '治疗费' END AS feeType
FROM card c
JOIN patient p ON p.patient_id = c.patient_id
JOIN rx_master m ON m.patient_id = p.patient_id
JOIN outp_register r ON r.register_id = m.register_id
JOIN rx_detail x ON x.rx_no = m.rx_no
WHERE c.card_no = :patientCard
  AND p.name = :realName
  AND m.charge_status = '0'
  AND (:clinicNo IS NULL OR r.clinic_no = :clinicNo)
ORDER BY m.create_time, m.rx_no, x.line_no;
