-- 4.2 checkPatientCard (就诊人信息校验), SQL Server version of checkPatientCard.sql.
-- HIS tables read: card, patient.
-- Always one row: result 'success' or 'error' with the reason in message.
-- Matching rules of this HIS:
--   * the card must exist and be in use (not 挂失 / 注销);
--   * the name must equal the patient's name exactly;
--   * the ID number is compared by its LAST FOUR characters only (an 'x'
--     matches 'X'), because the platform sends ID numbers masked, as in the
--     spec's example 430702xxxxxxxx8766;
--   * the phone number is not compared: the HIS copy is often out of date.
-- Parameters compared with varchar columns (card.card_no) bind as varchar;
-- :idCard is compared by its last four characters only.
-- :realName stays nvarchar: patient.name is varchar in code page 936
-- (Chinese_PRC_CI_AS), and an nvarchar parameter compares with it exactly
-- whatever the database's default collation.
-- @varchar :patientCard
SELECT CASE
           WHEN c.card_no IS NULL THEN 'error'
           WHEN c.status <> '0' THEN 'error'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN 'error'
           WHEN :idCard IS NULL OR p.id_no IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN 'error'
           ELSE 'success'
       END AS result,
       CASE
           WHEN c.card_no IS NULL THEN N'就诊卡号不存在'
           WHEN c.status = '1' THEN N'就诊卡已挂失'
           WHEN c.status <> '0' THEN N'就诊卡已注销'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN N'姓名与卡号不匹配'
           WHEN :idCard IS NULL OR p.id_no IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN N'身份证号与卡号不匹配'
           ELSE N'成功'
       END AS message
FROM (SELECT 1 AS one) AS req
LEFT JOIN dbo.card c ON c.card_no = :patientCard
LEFT JOIN dbo.patient p ON p.patient_id = c.patient_id;
