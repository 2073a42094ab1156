-- 16.5 pushClinicFinish (HIS 推送就诊完成通知): event source, MySQL
-- version of pushClinicFinish.sql (datetime columns, the watermark
-- text built with DATE_FORMAT and CONCAT and compared bytewise: the
-- utf8mb4_bin collation of the columns wins over the parameter's).
-- HIS tables read: outp_register, patient, card.
-- The event: the doctor receives a registered patient. The doctor's station
-- sets outp_register.visit_status '1' 已就诊 and see_time (接诊时间); one
-- event per registration (status '1': paid, not cancelled), in the order
-- the patients were seen.
--   event_key  register_id (seen once: a registration is not announced twice).
--   watermark  see_time || '|' || register_id.
-- Returns his_id (the HIS 挂号 ID, register_id) and the patient's name, ID
-- number and card (the registration's, else the patient's card in use,
-- 就诊卡 first). register_id, the platform's own 挂号 ID, is not known to
-- the HIS and is left out (the spec asks for one of the two).
-- Only seconds that are over are read (see_time before the current second):
-- a visit seen in the same second as the last one read, but committed after
-- that poll, is still found. A NULL or empty watermark (before the first
-- event) starts at today 00:00:00: the first poll reads today's visits
-- only. ix_register_seen (visit_status, see_time) makes each poll read only
-- the visits since the watermark.
WITH w AS (
    SELECT x.wm, CAST(LEFT(x.wm, 19) AS datetime) AS from_time, CAST(NOW() AS datetime) AS now_time
    FROM (SELECT COALESCE(NULLIF(:watermark, ''), CONCAT(DATE_FORMAT(CURDATE(), '%Y-%m-%d'), ' 00:00:00')) AS wm) AS x
)
SELECT r.register_id AS event_key,
       CONCAT(DATE_FORMAT(r.see_time, '%Y-%m-%d %H:%i:%s'), '|', r.register_id) AS watermark,
       p.name         AS real_name,
       p.id_no        AS id_card,
       COALESCE(r.card_no,
                -- @include main_card
                ) AS patient_card,
       r.register_id  AS his_id
FROM w
JOIN outp_register r
  ON r.visit_status = '1'
 AND r.see_time >= w.from_time
 AND r.see_time < w.now_time
JOIN patient p ON p.patient_id = r.patient_id
WHERE r.status = '1'
  AND CONCAT(DATE_FORMAT(r.see_time, '%Y-%m-%d %H:%i:%s'), '|', r.register_id) > w.wm
ORDER BY watermark
LIMIT 500;
