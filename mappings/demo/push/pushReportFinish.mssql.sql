-- 16.6 pushReportFinish (HIS 推送检验/检查报告通知): event source, SQL
-- Server version of pushReportFinish.sql.
-- HIS tables read: lis_report, pacs_report, patient, outp_register,
-- inpatient, ward_dict, dept_dict, card.
-- The event: a report is audited. The LIS and the PACS each set status '2'
-- 已审核 and report_time (审核时间) when the report is signed; one event
-- per report, in the order they were signed.
--   event_key  'LIS|' / 'PACS|' + report_id: the two systems number their
--              reports independently (831409bb… exists in both), so the
--              system is part of the key. A report signed again keeps its key
--              and is not announced twice.
--   watermark  report_time (yyyy-MM-dd HH:mm:ss) + '|1|' (LIS) or '|2|'
--              (PACS) + report_id, compared and ordered as binary text
--              (Latin1_General_BIN2), whatever the database's collation.
-- Returns report_id, report_scope (source_type: 1 门诊, 2 住院; the demo has
-- no 体检), report_date (送检日期: the day the sample was taken or the exam
-- done), report_address (where to collect it: an outpatient's LIS report at
-- the 检验科's self-service printer, a PACS report at the window of the
-- department that did the exam, an inpatient's report at the ward's nurse
-- station), and the patient's name, ID number and card (the card of the
-- visit or the stay, else the patient's card in use, 就诊卡 first).
-- Only seconds that are over are read (report_time before the current
-- second), and the reports are read under locking READ COMMITTED
-- (READCOMMITTEDLOCK, also on a database with READ_COMMITTED_SNAPSHOT):
-- a report being signed in a transaction not yet committed makes the poll
-- wait for it rather than skip it. A NULL or empty watermark (before the
-- first event) starts at today 00:00:00: the first poll reads today's
-- reports only, never the whole history. ix_lis_signed / ix_pacs_signed
-- (status, report_time) make each poll read only the reports signed since
-- the watermark.
DECLARE @wm varchar(200) = COALESCE(NULLIF(:watermark, N''), CONVERT(varchar(10), GETDATE(), 120) + ' 00:00:00');
DECLARE @from datetime = CONVERT(datetime, LEFT(@wm, 19), 120);
DECLARE @now datetime = CONVERT(datetime, CONVERT(varchar(19), GETDATE(), 120), 120);

SELECT TOP (500)
       CASE s.sys WHEN '1' THEN 'LIS|' ELSE 'PACS|' END + s.report_id AS event_key,
       (CONVERT(varchar(19), s.report_time, 120) + '|' + s.sys + '|' + s.report_id)
           COLLATE Latin1_General_BIN2 AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(g.card_no, i.card_no, mc.card_no) AS patient_card,
       s.report_id    AS report_id,
       s.source_type  AS report_scope,
       CAST(s.sent_time AS date) AS report_date,
       CASE
           WHEN s.source_type = '2' THEN COALESCE(wd.ward_name, N'住院病区') + N'护士站'
           WHEN s.sys = '1' THEN d.dept_name + N'(' + d.location + N')自助报告机'
           ELSE d.dept_name + N'(' + d.location + N')报告领取窗口'
       END            AS report_address
FROM (
    SELECT '1' AS sys, r.report_id, r.patient_id, r.source_type, r.register_id, r.inp_no,
           'JYK' AS dept_code, r.sample_time AS sent_time, r.report_time
    FROM dbo.lis_report r WITH (READCOMMITTEDLOCK)
    WHERE r.status = '2'
      AND r.report_time >= @from
      AND r.report_time < @now
    UNION ALL
    SELECT '2', r.report_id, r.patient_id, r.source_type, r.register_id, r.inp_no,
           CASE r.exam_class WHEN N'超声' THEN 'CSK' WHEN N'病理' THEN 'BLK' ELSE 'FSK' END,
           r.exam_time, r.report_time
    FROM dbo.pacs_report r WITH (READCOMMITTEDLOCK)
    WHERE r.status = '2'
      AND r.report_time >= @from
      AND r.report_time < @now
) AS s
JOIN dbo.patient p ON p.patient_id = s.patient_id
LEFT JOIN dbo.outp_register g ON g.register_id = s.register_id
LEFT JOIN dbo.inpatient i ON i.inp_no = s.inp_no
LEFT JOIN dbo.ward_dict wd ON wd.ward_code = i.ward_code
LEFT JOIN dbo.dept_dict d ON d.dept_code = s.dept_code
-- @include main_card_apply
WHERE (CONVERT(varchar(19), s.report_time, 120) + '|' + s.sys + '|' + s.report_id)
          COLLATE Latin1_General_BIN2 > @wm
ORDER BY watermark;
