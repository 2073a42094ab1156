-- The booking of a session's slot, shared by 6.1 insertRegister and 5.1
-- insertSubscription (a booking of this HIS is a registration too). The
-- including file first fills temp.hisgw_booking_kind with what differs:
--   reg_type  outp_register.reg_type: '2' 预约, or 'by_day' for '1' 当日挂号
--             ('2' when the session is on a later day);
--   booked    the message of a success;
--   again     the message when the patient already holds this session.
-- Afterwards temp.hisgw_booking holds result, message, register_id and
-- reg_fee for the including file's answer. The rules and checks are in
-- insertRegister.sql.
CREATE TEMP TABLE IF NOT EXISTS hisgw_booking (
    result      TEXT,       -- NULL while every check passes
    message     TEXT,
    schedule_id TEXT,
    clinic_date TEXT,
    reg_fee     TEXT,
    patient_id  TEXT,
    card_no     TEXT,
    want_slot   INTEGER,    -- the time point asked for (sourceNo / sourceOrder)
    slot_id     INTEGER,    -- the slot this call tries to take
    register_id TEXT,
    clinic_no   TEXT
);
DELETE FROM temp.hisgw_booking;

INSERT INTO temp.hisgw_booking
       (result, message, schedule_id, clinic_date, reg_fee, patient_id, card_no, want_slot)
SELECT CASE
           WHEN s.schedule_id IS NULL THEN 'no_scheduling'
           WHEN s.dept_code IS NOT :departmentCode
                OR s.clinic_date IS NOT :clinicDate
                OR (s.doctor_code IS NOT NULL AND s.doctor_code IS NOT :doctorCode) THEN 'no_scheduling'
           WHEN s.clinic_date < date('now', 'localtime') THEN 'no_scheduling'
           WHEN s.status <> '1' THEN 'close'
           WHEN (:sourceNo IS NOT NULL OR :sourceOrder IS NOT NULL) AND sl.slot_id IS NULL THEN 'no_scheduling'
           WHEN c.card_no IS NULL OR c.status <> '0' THEN 'invalid_card'
           WHEN p.name IS NOT :realName THEN 'invalid_card'
           WHEN p.id_no IS NULL OR upper(substr(p.id_no, -4)) <> upper(substr(:idCard, -4)) THEN 'invalid_card'
           WHEN EXISTS (SELECT 1 FROM outp_register r
                        WHERE r.patient_id = p.patient_id
                          AND r.schedule_id = s.schedule_id
                          AND r.status IN ('0', '1')) THEN 'error'
       END,
       CASE
           WHEN s.schedule_id IS NULL THEN '排班不存在'
           WHEN s.dept_code IS NOT :departmentCode
                OR s.clinic_date IS NOT :clinicDate
                OR (s.doctor_code IS NOT NULL AND s.doctor_code IS NOT :doctorCode) THEN '排班与所选科室、医生或日期不符'
           WHEN s.clinic_date < date('now', 'localtime') THEN '该排班已过就诊日期'
           WHEN s.status <> '1' THEN '该排班已停诊' || COALESCE('：' || s.stop_reason, '')
           WHEN (:sourceNo IS NOT NULL OR :sourceOrder IS NOT NULL) AND sl.slot_id IS NULL THEN '所选号源不存在'
           WHEN c.card_no IS NULL THEN '就诊卡号不存在'
           WHEN c.status = '1' THEN '就诊卡已挂失'
           WHEN c.status <> '0' THEN '就诊卡已注销'
           WHEN p.name IS NOT :realName THEN '姓名与就诊卡不匹配'
           WHEN p.id_no IS NULL OR upper(substr(p.id_no, -4)) <> upper(substr(:idCard, -4)) THEN '身份证号与就诊卡不匹配'
           WHEN EXISTS (SELECT 1 FROM outp_register r
                        WHERE r.patient_id = p.patient_id
                          AND r.schedule_id = s.schedule_id
                          AND r.status IN ('0', '1')) THEN (SELECT k.again FROM temp.hisgw_booking_kind k)
       END,
       s.schedule_id, s.clinic_date, s.reg_fee, p.patient_id, c.card_no, sl.slot_id
FROM (SELECT 1 AS one) AS req
LEFT JOIN schedule s ON s.schedule_id = :scheduleId
LEFT JOIN schedule_slot sl
       ON sl.schedule_id = s.schedule_id
      AND (:sourceNo IS NOT NULL OR :sourceOrder IS NOT NULL)
      AND (:sourceNo IS NULL OR CAST(sl.slot_id AS TEXT) = :sourceNo)
      AND (:sourceOrder IS NULL OR CAST(sl.point_no AS TEXT) = :sourceOrder)
LEFT JOIN card c ON c.card_no = :patientCard
LEFT JOIN patient p ON p.patient_id = c.patient_id;

-- The slot to take: the one asked for, else the earliest with room.
UPDATE temp.hisgw_booking
SET slot_id = COALESCE(want_slot,
                       (SELECT sl.slot_id FROM schedule_slot sl
                        WHERE sl.schedule_id = hisgw_booking.schedule_id
                          AND sl.used_num < sl.total_num
                        ORDER BY sl.point_no
                        LIMIT 1))
WHERE result IS NULL;

-- Take it: one conditional UPDATE, no read-then-write.
UPDATE schedule_slot
SET used_num = used_num + 1
WHERE slot_id = (SELECT b.slot_id FROM temp.hisgw_booking b WHERE b.result IS NULL)
  AND used_num < total_num
  AND EXISTS (SELECT 1 FROM schedule s WHERE s.schedule_id = schedule_slot.schedule_id AND s.status = '1');

-- changes() is the row count of the UPDATE just above.
UPDATE temp.hisgw_booking
SET result  = CASE WHEN changes() = 1 THEN 'success'
                   WHEN (SELECT s.status FROM schedule s WHERE s.schedule_id = hisgw_booking.schedule_id) <> '1' THEN 'close'
                   ELSE 'full' END,
    message = CASE WHEN changes() = 1 THEN (SELECT k.booked FROM temp.hisgw_booking_kind k)
                   WHEN (SELECT s.status FROM schedule s WHERE s.schedule_id = hisgw_booking.schedule_id) <> '1' THEN '该排班已停诊'
                   WHEN want_slot IS NOT NULL THEN '该时间点号源已满，请选择其他时间'
                   ELSE '该排班号源已满' END
WHERE result IS NULL;

-- New numbers: increment, then read back (the write lock is ours until commit).
UPDATE sys_sequence
SET cur_val = cur_val + 1
WHERE seq_name IN ('register_seq', 'clinic_no')
  AND EXISTS (SELECT 1 FROM temp.hisgw_booking WHERE result = 'success');

UPDATE temp.hisgw_booking
SET register_id = 'GH' || strftime('%Y%m%d', clinic_date)
                  || printf('%04d', (SELECT cur_val FROM sys_sequence WHERE seq_name = 'register_seq')),
    clinic_no   = CAST((SELECT cur_val FROM sys_sequence WHERE seq_name = 'clinic_no') AS TEXT)
WHERE result = 'success';

INSERT INTO outp_register (register_id, clinic_no, patient_id, card_no, schedule_id, slot_id, dept_code, doctor_code, clinic_type,
                           visit_date, ampm, visit_time, reg_fee, reg_type, reg_way, status, visit_status, queue_no,
                           trade_no, invoice_no, reg_time, see_time, cancel_time)
SELECT b.register_id, b.clinic_no, b.patient_id, b.card_no, s.schedule_id, sl.slot_id, s.dept_code, s.doctor_code, s.clinic_type,
       s.clinic_date, s.ampm, sl.visit_time, s.reg_fee,
       CASE WHEN (SELECT k.reg_type FROM temp.hisgw_booking_kind k) <> 'by_day' THEN (SELECT k.reg_type FROM temp.hisgw_booking_kind k)
            WHEN s.clinic_date > date('now', 'localtime') THEN '2' ELSE '1' END, '3', '0', '0', NULL,
       NULL, NULL, datetime('now', 'localtime'), NULL, NULL
FROM temp.hisgw_booking b
JOIN schedule s ON s.schedule_id = b.schedule_id
JOIN schedule_slot sl ON sl.slot_id = b.slot_id
WHERE b.result = 'success';
