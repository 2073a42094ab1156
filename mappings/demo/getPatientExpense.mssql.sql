-- 9.1 getPatientExpense (获取就诊人已预缴的住院费用), SQL Server version of
-- getPatientExpense.sql.
-- HIS tables read: inpatient, patient, card, inp_prepay, inp_fee_detail.
-- queryId may be a 住院号, a card number or the HIS 病人ID. The patient's
-- current stay is used (else the latest). Only a patient who is in hospital
-- may be queried (and prepay), as the spec requires; a discharged patient or
-- a name that does not match is refused. prepayAmt is the valid
-- prepayments, usedAmt the charges booked so far, remainAmt the difference
-- (decimal sums; 0 when there are none).
-- Parameters compared with varchar columns (inpatient.inp_no,
-- inpatient.patient_id, card.card_no) bind as varchar.
-- :realName stays nvarchar: patient.name is varchar in code page 936
-- (Chinese_PRC_CI_AS), and an nvarchar parameter compares with it exactly
-- whatever the database's default collation.
-- @varchar :queryId
WITH stay AS (
    SELECT TOP 1 i.inp_no, i.inp_status, p.name
    FROM dbo.inpatient i
    JOIN dbo.patient p ON p.patient_id = i.patient_id
    WHERE i.inp_no = :queryId
       OR i.patient_id = :queryId
       OR i.patient_id IN (SELECT c.patient_id FROM dbo.card c WHERE c.card_no = :queryId)
    ORDER BY CASE WHEN i.inp_status = '1' THEN 0 ELSE 1 END, i.admit_time DESC
),
sums AS (
    SELECT s.inp_no, s.inp_status, s.name,
           (SELECT COALESCE(SUM(y.amount), 0) FROM dbo.inp_prepay y
             WHERE y.inp_no = s.inp_no AND y.status = '1') AS prepaid,
           (SELECT COALESCE(SUM(f.amount), 0) FROM dbo.inp_fee_detail f
             WHERE f.inp_no = s.inp_no) AS used
    FROM stay s
)
SELECT CASE
           WHEN :realName IS NULL OR m.name <> :realName THEN 'error'
           WHEN m.inp_status <> '1' THEN 'error'
           ELSE 'success'
       END AS result,
       CASE
           WHEN :realName IS NULL OR m.name <> :realName THEN N'姓名与住院号/卡号不匹配'
           WHEN m.inp_status <> '1' THEN N'患者已出院，不能查询或预缴住院费用'
           ELSE N'成功'
       END AS message,
       m.prepaid AS prepayAmt,
       m.used    AS usedAmt,
       m.prepaid - m.used AS remainAmt
FROM sums m;
