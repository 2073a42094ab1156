-- 16.6 pushReportFinish (HIS 推送检验/检查报告通知): event source, MySQL
-- version of pushReportFinish.sql (datetime columns, the watermark
-- text built with DATE_FORMAT and CONCAT and compared bytewise: the
-- utf8mb4_bin collation of the columns wins).
-- HIS tables read: lis_report, pacs_report, patient, outp_register,
-- inpatient, ward_dict, dept_dict, card.
-- The event: a report is audited. The LIS and the PACS each set status '2'
-- 已审核 and report_time (审核时间) when the report is signed; one event
-- per report, in the order they were signed.
--   event_key  'LIS|' / 'PACS|' || report_id: the two systems number their
--              reports independently (831409bb… exists in both), so the
--              system is part of the key. A report signed again keeps its key
--              and is not announced twice.
--   watermark  report_time || '|1|' (LIS) or '|2|' (PACS) || report_id.
-- Returns report_id, report_scope (source_type: 1 门诊, 2 住院; the demo has
-- no 体检), report_date (送检日期: the day the sample was taken or the exam
-- done), report_address (where to collect it: an outpatient's LIS report at
-- the 检验科's self-service printer, a PACS report at the window of the
-- department that did the exam, an inpatient's report at the ward's nurse
-- station), and the patient's name, ID number and card (the card of the
-- visit or the stay, else the patient's card in use, 就诊卡 first).
-- Only seconds that are over are read (report_time before the current
-- second): a report signed in the same second as the last one read, but
-- committed after that poll, is still found. A NULL or empty watermark
-- (before the first event) starts at today 00:00:00: the first poll reads
-- today's reports only, never the whole history. ix_lis_signed /
-- ix_pacs_signed (status, report_time) make each poll read only the reports
-- signed since the watermark.
WITH w AS (
    SELECT x.wm, CAST(LEFT(x.wm, 19) AS datetime) AS from_time, CAST(NOW() AS datetime) AS now_time
    FROM (SELECT COALESCE(NULLIF(:watermark, ''), CONCAT(DATE_FORMAT(CURDATE(), '%Y-%m-%d'), ' 00:00:00')) AS wm) AS x
),
signed AS (
    SELECT '1' AS sys, r.report_id, r.patient_id, r.source_type, r.register_id, r.inp_no,
           'JYK' AS dept_code, r.sample_time AS sent_time,
           DATE_FORMAT(r.report_time, '%Y-%m-%d %H:%i:%s') AS signed_at
    FROM w
    JOIN lis_report r ON r.report_time >= w.from_time AND r.report_time < w.now_time
    WHERE r.status = '2'
    UNION ALL
    SELECT '2', r.report_id, r.patient_id, r.source_type, r.register_id, r.inp_no,
           CASE r.exam_class WHEN '超声' THEN 'CSK' WHEN '病理' THEN 'BLK' ELSE 'FSK' END,
           r.exam_time, DATE_FORMAT(r.report_time, '%Y-%m-%d %H:%i:%s')
    FROM w
    JOIN pacs_report r ON r.report_time >= w.from_time AND r.report_time < w.now_time
    WHERE r.status = '2'
)
SELECT CONCAT(CASE s.sys WHEN '1' THEN 'LIS|' ELSE 'PACS|' END, s.report_id) AS event_key,
       CONCAT(s.signed_at, '|', s.sys, '|', s.report_id) AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(g.card_no, i.card_no,
                -- @include main_card
                ) AS patient_card,
       s.report_id    AS report_id,
       s.source_type  AS report_scope,
       CAST(s.sent_time AS date) AS report_date,
       CASE
           WHEN s.source_type = '2' THEN CONCAT(COALESCE(wd.ward_name, '住院病区'), '护士站')
           WHEN s.sys = '1' THEN CONCAT(d.dept_name, '(', d.location, ')自助报告机')
           ELSE CONCAT(d.dept_name, '(', d.location, ')报告领取窗口')
       END            AS report_address
FROM signed s
CROSS JOIN w
JOIN patient p ON p.patient_id = s.patient_id
LEFT JOIN outp_register g ON g.register_id = s.register_id
LEFT JOIN inpatient i ON i.inp_no = s.inp_no
LEFT JOIN ward_dict wd ON wd.ward_code = i.ward_code
LEFT JOIN dept_dict d ON d.dept_code = s.dept_code
WHERE CONCAT(s.signed_at, '|', s.sys, '|', s.report_id) > w.wm
ORDER BY watermark
LIMIT 500;
