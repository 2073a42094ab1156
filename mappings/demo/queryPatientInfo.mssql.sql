-- 4.3 queryPatientInfo (门诊病人信息查询), SQL Server version of
-- queryPatientInfo.sql.
-- HIS tables read: card, patient, ecard_account.
-- An unknown card gives no row (the gateway answers 就诊卡号不存在); a lost
-- or cancelled card is refused. sex is translated from the GB/T 2261 code;
-- eCardBalance is the balance (money) of this card's 一卡通 account, left
-- out when the card has none; hisNo is the HIS 病人ID.
-- Parameters compared with varchar columns (card.card_no) bind as varchar.
-- @varchar :patientCard
SELECT CASE WHEN c.status = '0' THEN 'success' ELSE 'error' END AS result,
       CASE c.status WHEN '0' THEN N'成功' WHEN '1' THEN N'就诊卡已挂失' ELSE N'就诊卡已注销' END AS message,
       p.name       AS realName,
       p.id_no      AS idCard,
       p.phone      AS phone,
       CASE p.sex WHEN '1' THEN N'男' WHEN '2' THEN N'女' ELSE N'未知' END AS sex,
       p.birth_date AS birthday,
       a.balance    AS eCardBalance,
       p.patient_id AS hisNo
FROM dbo.card c
JOIN dbo.patient p ON p.patient_id = c.patient_id
LEFT JOIN dbo.ecard_account a ON a.card_no = c.card_no
WHERE c.card_no = :patientCard;
