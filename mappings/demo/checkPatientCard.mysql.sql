-- 4.2 checkPatientCard (就诊人信息校验), MySQL version of checkPatientCard.sql.
-- HIS tables read: card, patient.
-- Always one row: result 'success' or 'error' with the reason in message.
-- Matching rules of this HIS:
--   * the card must exist and be in use (not 挂失 / 注销);
--   * the name must equal the patient's name exactly;
--   * the ID number is compared by its LAST FOUR characters only (an 'x'
--     matches 'X'), because the platform sends ID numbers masked, as in the
--     spec's example 430702xxxxxxxx8766;
--   * the phone number is not compared: the HIS copy is often out of date.
-- :patientCard and :realName compare with varchar columns (card.card_no,
-- patient.name; NOT (a <=> b) is SQLite's a IS NOT b); the last four of
-- :idCard and patient.id_no are compared upper-cased.
SELECT CASE
           WHEN c.card_no IS NULL THEN 'error'
           WHEN c.status <> '0' THEN 'error'
           WHEN NOT (p.name <=> :realName) THEN 'error'
           WHEN :idCard IS NULL OR p.id_no IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN 'error'
           ELSE 'success'
       END AS result,
       CASE
           WHEN c.card_no IS NULL THEN '就诊卡号不存在'
           WHEN c.status = '1' THEN '就诊卡已挂失'
           WHEN c.status <> '0' THEN '就诊卡已注销'
           WHEN NOT (p.name <=> :realName) THEN '姓名与卡号不匹配'
           WHEN :idCard IS NULL OR p.id_no IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN '身份证号与卡号不匹配'
           ELSE '成功'
       END AS message
FROM (SELECT 1 AS one) AS req
LEFT JOIN card c ON c.card_no = :patientCard
LEFT JOIN patient p ON p.patient_id = c.patient_id;
