-- 11.1 checkECard (一卡通信息校验), MySQL version of checkECard.sql.
-- HIS tables read: card, patient, ecard_account.
-- The card's 一卡通 account balance. Refused when the name does not match
-- the card, the card is lost or cancelled, it has no 一卡通 account, or the
-- account is frozen. remainAmt is ecard_account.balance (decimal(19,4),
-- exact) as stored.
-- :patientCard and :realName compare with varchar columns (card.card_no,
-- patient.name; NOT (a <=> b) is SQLite's a IS NOT b).
SELECT CASE
           WHEN NOT (p.name <=> :realName) THEN 'error'
           WHEN c.status <> '0' THEN 'error'
           WHEN a.card_no IS NULL THEN 'error'
           WHEN a.status <> '0' THEN 'error'
           ELSE 'success'
       END AS result,
       CASE
           WHEN NOT (p.name <=> :realName) THEN '姓名与卡号不匹配'
           WHEN c.status = '1' THEN '就诊卡已挂失'
           WHEN c.status <> '0' THEN '就诊卡已注销'
           WHEN a.card_no IS NULL THEN '该卡未开通一卡通账户'
           WHEN a.status <> '0' THEN '一卡通账户已冻结'
           ELSE '成功'
       END AS message,
       a.balance AS remainAmt
FROM card c
JOIN patient p ON p.patient_id = c.patient_id
LEFT JOIN ecard_account a ON a.card_no = c.card_no
WHERE c.card_no = :patientCard;
