-- 睿博演示医院: keep the roster rolling (run at every start; idempotent).
--
-- Generates the sessions of the next 14 days (today .. today+13) from the
-- weekly roster (schedule_tpl) and the time points of every upcoming session.
-- Both inserts are INSERT OR IGNORE on the natural keys, (tpl_id, clinic_date)
-- and (schedule_id, point_no): existing sessions, their bookings, the legacy
-- session r001 and the stopped session are left exactly as they are.

WITH RECURSIVE days (n, d) AS (
    SELECT 0, date('now', 'localtime')
    UNION ALL
    SELECT n + 1, date(d, '+1 day') FROM days WHERE n < 13
)
INSERT OR IGNORE INTO schedule (schedule_id, tpl_id, clinic_date, ampm, dept_code, doctor_code, clinic_type, time_quantum, reg_fee, status, create_time)
SELECT 'PB' || strftime('%Y%m%d', days.d) || printf('%03d', t.tpl_id),
       t.tpl_id, days.d, t.ampm, t.dept_code, t.doctor_code, t.clinic_type, t.time_quantum, t.reg_fee, '1',
       datetime('now', 'localtime')
FROM days
JOIN schedule_tpl t
  ON t.valid_flag = '1'
 AND instr(t.week_days, CAST((CAST(strftime('%w', days.d) AS INTEGER) + 6) % 7 + 1 AS TEXT)) > 0;

-- New time points start with some slots already taken (window and phone
-- bookings the demo does not model one by one), fewer the further ahead.
INSERT OR IGNORE INTO schedule_slot (schedule_id, point_no, visit_time, total_num, used_num)
SELECT s.schedule_id, p.point_no, p.visit_time, t.nums_per_point,
       ((t.tpl_id * 7 + p.point_no * 5 + CAST(julianday(s.clinic_date) AS INTEGER) * 3) % (t.nums_per_point + 1))
           * (14 - MIN(13, CAST(julianday(s.clinic_date) - julianday(date('now', 'localtime')) AS INTEGER))) / 14
FROM schedule s
JOIN schedule_tpl t ON t.tpl_id = s.tpl_id
JOIN time_point_dict p ON p.ampm = s.ampm
WHERE s.clinic_date >= date('now', 'localtime');
