-- The booking of a session's slot, shared by 6.1 insertRegister and 5.1
-- insertSubscription (a booking of this HIS is a registration too),
-- PostgreSQL version of booking.sql. The including file first fills the
-- temp table hisgw_booking_kind with what differs:
--   reg_type  outp_register.reg_type: '2' 预约, or 'by_day' for '1' 当日挂号
--             ('2' when the session is on a later day);
--   booked    the message of a success;
--   again     the message when the patient already holds this session.
-- Afterwards hisgw_booking holds result, message, register_id and reg_fee
-- for the including file's answer. The rules and checks are in
-- insertRegister.postgres.sql.
-- Each statement below is its own statement (READ COMMITTED: each sees
-- what was committed when it started), in this order:
--   1. the checks, into the one-row scratch table;
--   2. the patient's row locked (FOR NO KEY UPDATE, held to commit), so two
--      calls for one patient cannot both pass the duplicate check;
--   3. the duplicate check, a statement after the lock: it sees a booking
--      the other call committed;
--   4. the slot chosen and locked: the one asked for, else the earliest
--      with room (SELECT ... ORDER BY point_no LIMIT 1 FOR UPDATE: a slot
--      another call holds is waited for and checked again, and passed over
--      when that call filled it);
--   5. the slot taken by one conditional UPDATE (used_num < total_num and
--      the session open) whose RETURNING decides success, close or full;
--   6. the numbers: register_seq then clinic_no, each incremented by an
--      UPDATE ... RETURNING (the value this transaction wrote, under a row
--      lock held to commit; always in this order, so two calls never wait
--      on each other crosswise);
--   7. the registration.
CREATE TEMP TABLE IF NOT EXISTS hisgw_booking (
    result      varchar(20),    -- NULL while every check passes
    message     varchar(200),
    schedule_id varchar(20),
    clinic_date date,
    reg_fee     numeric(12,2),
    patient_id  varchar(20),
    card_no     varchar(20),
    want_slot   integer,        -- the time point asked for (sourceNo / sourceOrder)
    slot_id     integer,        -- the slot this call takes
    register_id varchar(20),
    clinic_no   varchar(20)
);
DELETE FROM hisgw_booking;

INSERT INTO hisgw_booking
       (result, message, schedule_id, clinic_date, reg_fee, patient_id, card_no, want_slot)
SELECT CASE
           WHEN s.schedule_id IS NULL THEN 'no_scheduling'
           WHEN s.dept_code IS DISTINCT FROM CAST(:departmentCode AS varchar)
                OR s.clinic_date IS DISTINCT FROM CAST(:clinicDate AS date)
                OR (s.doctor_code IS NOT NULL AND s.doctor_code IS DISTINCT FROM CAST(:doctorCode AS varchar)) THEN 'no_scheduling'
           WHEN s.clinic_date < CURRENT_DATE THEN 'no_scheduling'
           WHEN s.status <> '1' THEN 'close'
           WHEN (CAST(:sourceNo AS text) IS NOT NULL OR CAST(:sourceOrder AS text) IS NOT NULL) AND sl.slot_id IS NULL THEN 'no_scheduling'
           WHEN c.card_no IS NULL OR c.status <> '0' THEN 'invalid_card'
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN 'invalid_card'
           WHEN p.id_no IS NULL OR CAST(:idCard AS text) IS NULL
                OR upper(right(p.id_no, 4)) <> upper(right(:idCard, 4)) THEN 'invalid_card'
       END,
       CASE
           WHEN s.schedule_id IS NULL THEN '排班不存在'
           WHEN s.dept_code IS DISTINCT FROM CAST(:departmentCode AS varchar)
                OR s.clinic_date IS DISTINCT FROM CAST(:clinicDate AS date)
                OR (s.doctor_code IS NOT NULL AND s.doctor_code IS DISTINCT FROM CAST(:doctorCode AS varchar)) THEN '排班与所选科室、医生或日期不符'
           WHEN s.clinic_date < CURRENT_DATE THEN '该排班已过就诊日期'
           WHEN s.status <> '1' THEN '该排班已停诊' || COALESCE('：' || s.stop_reason, '')
           WHEN (CAST(:sourceNo AS text) IS NOT NULL OR CAST(:sourceOrder AS text) IS NOT NULL) AND sl.slot_id IS NULL THEN '所选号源不存在'
           WHEN c.card_no IS NULL THEN '就诊卡号不存在'
           WHEN c.status = '1' THEN '就诊卡已挂失'
           WHEN c.status <> '0' THEN '就诊卡已注销'
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN '姓名与就诊卡不匹配'
           WHEN p.id_no IS NULL OR CAST(:idCard AS text) IS NULL
                OR upper(right(p.id_no, 4)) <> upper(right(:idCard, 4)) THEN '身份证号与就诊卡不匹配'
       END,
       s.schedule_id, s.clinic_date, s.reg_fee, p.patient_id, c.card_no, sl.slot_id
FROM (SELECT 1 AS one) AS req
LEFT JOIN schedule s ON s.schedule_id = CAST(:scheduleId AS varchar)
LEFT JOIN schedule_slot sl
       ON sl.schedule_id = s.schedule_id
      AND (CAST(:sourceNo AS text) IS NOT NULL OR CAST(:sourceOrder AS text) IS NOT NULL)
      AND (CAST(:sourceNo AS text) IS NULL OR CAST(sl.slot_id AS text) = :sourceNo)
      AND (CAST(:sourceOrder AS text) IS NULL OR CAST(sl.point_no AS text) = :sourceOrder)
LEFT JOIN card c ON c.card_no = CAST(:patientCard AS varchar)
LEFT JOIN patient p ON p.patient_id = c.patient_id;

-- One call per patient at a time: the patient's row, locked to commit.
WITH locked AS (
    SELECT p.patient_id
    FROM patient p
    WHERE p.patient_id = (SELECT b.patient_id FROM hisgw_booking b WHERE b.result IS NULL)
    FOR NO KEY UPDATE
)
UPDATE hisgw_booking SET patient_id = locked.patient_id
FROM locked;

-- Then the duplicate check (this statement sees what was committed before
-- the lock was granted).
UPDATE hisgw_booking
SET result = 'error',
    message = (SELECT k.again FROM hisgw_booking_kind k)
WHERE result IS NULL
  AND EXISTS (SELECT 1 FROM outp_register r
              WHERE r.patient_id = hisgw_booking.patient_id
                AND r.schedule_id = hisgw_booking.schedule_id
                AND r.status IN ('0', '1'));

-- The slot to take: the one asked for, else the earliest with room, locked.
UPDATE hisgw_booking
SET slot_id = COALESCE(want_slot,
                       (SELECT sl.slot_id FROM schedule_slot sl
                        WHERE sl.schedule_id = hisgw_booking.schedule_id
                          AND sl.used_num < sl.total_num
                        ORDER BY sl.point_no
                        LIMIT 1
                        FOR NO KEY UPDATE))
WHERE result IS NULL;

-- Take it: one conditional UPDATE, no read-then-write; its RETURNING decides.
WITH taken AS (
    UPDATE schedule_slot
    SET used_num = used_num + 1
    WHERE slot_id = (SELECT b.slot_id FROM hisgw_booking b WHERE b.result IS NULL)
      AND used_num < total_num
      AND EXISTS (SELECT 1 FROM schedule s WHERE s.schedule_id = schedule_slot.schedule_id AND s.status = '1')
    RETURNING slot_id
)
UPDATE hisgw_booking
SET result  = CASE WHEN EXISTS (SELECT 1 FROM taken) THEN 'success'
                   WHEN (SELECT s.status FROM schedule s WHERE s.schedule_id = hisgw_booking.schedule_id) <> '1' THEN 'close'
                   ELSE 'full' END,
    message = CASE WHEN EXISTS (SELECT 1 FROM taken) THEN (SELECT k.booked FROM hisgw_booking_kind k)
                   WHEN (SELECT s.status FROM schedule s WHERE s.schedule_id = hisgw_booking.schedule_id) <> '1' THEN '该排班已停诊'
                   WHEN want_slot IS NOT NULL THEN '该时间点号源已满，请选择其他时间'
                   ELSE '该排班号源已满' END
WHERE result IS NULL;

-- New numbers: incremented, the value written read back by RETURNING.
WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'register_seq'
      AND EXISTS (SELECT 1 FROM hisgw_booking WHERE result = 'success')
    RETURNING cur_val
)
UPDATE hisgw_booking
SET register_id = 'GH' || to_char(clinic_date, 'YYYYMMDD')
                  || CASE WHEN seq.cur_val < 10000 THEN lpad(seq.cur_val::text, 4, '0') ELSE seq.cur_val::text END
FROM seq
WHERE result = 'success';

WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'clinic_no'
      AND EXISTS (SELECT 1 FROM hisgw_booking WHERE result = 'success')
    RETURNING cur_val
)
UPDATE hisgw_booking
SET clinic_no = seq.cur_val::text
FROM seq
WHERE result = 'success';

INSERT INTO outp_register (register_id, clinic_no, patient_id, card_no, schedule_id, slot_id, dept_code, doctor_code, clinic_type,
                           visit_date, ampm, visit_time, reg_fee, reg_type, reg_way, status, visit_status, queue_no,
                           trade_no, invoice_no, reg_time, see_time, cancel_time)
SELECT b.register_id, b.clinic_no, b.patient_id, b.card_no, s.schedule_id, sl.slot_id, s.dept_code, s.doctor_code, s.clinic_type,
       s.clinic_date, s.ampm, sl.visit_time, s.reg_fee,
       CASE WHEN k.reg_type <> 'by_day' THEN k.reg_type
            WHEN s.clinic_date > CURRENT_DATE THEN '2' ELSE '1' END, '3', '0', '0', NULL,
       NULL, NULL, date_trunc('second', localtimestamp), NULL, NULL
FROM hisgw_booking b
CROSS JOIN hisgw_booking_kind k
JOIN schedule s ON s.schedule_id = b.schedule_id
JOIN schedule_slot sl ON sl.slot_id = b.slot_id
WHERE b.result = 'success';
