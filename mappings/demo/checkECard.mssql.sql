-- 11.1 checkECard (一卡通信息校验), SQL Server version of checkECard.sql.
-- HIS tables read: card, patient, ecard_account.
-- The card's 一卡通 account balance. Refused when the name does not match
-- the card, the card is lost or cancelled, it has no 一卡通 account, or the
-- account is frozen. remainAmt is ecard_account.balance (money) as stored.
-- Parameters compared with varchar columns (card.card_no) bind as varchar.
-- :realName stays nvarchar: patient.name is varchar in code page 936
-- (Chinese_PRC_CI_AS), and an nvarchar parameter compares with it exactly
-- whatever the database's default collation.
-- @varchar :patientCard
SELECT CASE
           WHEN :realName IS NULL OR p.name <> :realName THEN 'error'
           WHEN c.status <> '0' THEN 'error'
           WHEN a.card_no IS NULL THEN 'error'
           WHEN a.status <> '0' THEN 'error'
           ELSE 'success'
       END AS result,
       CASE
           WHEN :realName IS NULL OR p.name <> :realName THEN N'姓名与卡号不匹配'
           WHEN c.status = '1' THEN N'就诊卡已挂失'
           WHEN c.status <> '0' THEN N'就诊卡已注销'
           WHEN a.card_no IS NULL THEN N'该卡未开通一卡通账户'
           WHEN a.status <> '0' THEN N'一卡通账户已冻结'
           ELSE N'成功'
       END AS message,
       a.balance AS remainAmt
FROM dbo.card c
JOIN dbo.patient p ON p.patient_id = c.patient_id
LEFT JOIN dbo.ecard_account a ON a.card_no = c.card_no
WHERE c.card_no = :patientCard;
