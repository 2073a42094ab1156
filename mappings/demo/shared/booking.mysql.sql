-- The booking of a session's slot, shared by 6.1 insertRegister and 5.1
-- insertSubscription (a booking of this HIS is a registration too), MySQL
-- version of booking.sql. The including file sets what differs (session
-- variables) before it includes this:
--   reg_type  @hisgw_b_reg_type, outp_register.reg_type: '2' 预约, or
--             'by_day' for '1' 当日挂号 ('2' when the session is on a later
--             day);
--   booked    @hisgw_b_booked, the message of a success;
--   again     @hisgw_b_again, the message when the patient already holds
--             this session.
-- Afterwards the variables @hisgw_b_result, @hisgw_b_message, the
-- variables @hisgw_b_register_id and @hisgw_b_reg_fee hold the answer. The
-- rules and checks are in insertRegister.mysql.sql.
-- The state of this call lives in session variables @hisgw_b_* of the
-- connection; the first statement sets every one of them, so nothing is
-- left over from an earlier call on the same connection. Each statement
-- after the checks does nothing once @hisgw_b_result is set (no control
-- flow: the conditions are in the statements).

-- The checks: one row, whatever exists (the request row, left-joined).
SELECT CASE
           WHEN s.schedule_id IS NULL THEN 'no_scheduling'
           WHEN NOT (s.dept_code <=> :departmentCode)
                OR NOT (s.clinic_date <=> CAST(:clinicDate AS date))
                OR (s.doctor_code IS NOT NULL AND NOT (s.doctor_code <=> :doctorCode)) THEN 'no_scheduling'
           WHEN s.clinic_date < CURDATE() THEN 'no_scheduling'
           WHEN s.status <> '1' THEN 'close'
           WHEN (:sourceNo IS NOT NULL OR :sourceOrder IS NOT NULL) AND sl.slot_id IS NULL THEN 'no_scheduling'
           WHEN c.card_no IS NULL OR c.status <> '0' THEN 'invalid_card'
           WHEN NOT (p.name <=> :realName) THEN 'invalid_card'
           WHEN p.id_no IS NULL OR :idCard IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN 'invalid_card'
       END,
       CASE
           WHEN s.schedule_id IS NULL THEN '排班不存在'
           WHEN NOT (s.dept_code <=> :departmentCode)
                OR NOT (s.clinic_date <=> CAST(:clinicDate AS date))
                OR (s.doctor_code IS NOT NULL AND NOT (s.doctor_code <=> :doctorCode)) THEN '排班与所选科室、医生或日期不符'
           WHEN s.clinic_date < CURDATE() THEN '该排班已过就诊日期'
           WHEN s.status <> '1' THEN CONCAT('该排班已停诊', COALESCE(CONCAT('：', s.stop_reason), ''))
           WHEN (:sourceNo IS NOT NULL OR :sourceOrder IS NOT NULL) AND sl.slot_id IS NULL THEN '所选号源不存在'
           WHEN c.card_no IS NULL THEN '就诊卡号不存在'
           WHEN c.status = '1' THEN '就诊卡已挂失'
           WHEN c.status <> '0' THEN '就诊卡已注销'
           WHEN NOT (p.name <=> :realName) THEN '姓名与就诊卡不匹配'
           WHEN p.id_no IS NULL OR :idCard IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN '身份证号与就诊卡不匹配'
       END,
       s.schedule_id, s.clinic_date, s.reg_fee, p.patient_id, c.card_no, sl.slot_id,
       NULL, NULL, NULL, NULL
INTO @hisgw_b_result, @hisgw_b_message,
     @hisgw_b_schedule_id, @hisgw_b_clinic_date, @hisgw_b_reg_fee, @hisgw_b_patient_id, @hisgw_b_card_no, @hisgw_b_want_slot,
     @hisgw_b_slot_id, @hisgw_b_seq, @hisgw_b_register_id, @hisgw_b_clinic_no
FROM (SELECT 1 AS one) AS req
LEFT JOIN schedule s ON s.schedule_id = :scheduleId
LEFT JOIN schedule_slot sl
       ON sl.schedule_id = s.schedule_id
      AND (:sourceNo IS NOT NULL OR :sourceOrder IS NOT NULL)
      AND (:sourceNo IS NULL OR CAST(sl.slot_id AS char) = :sourceNo)
      AND (:sourceOrder IS NULL OR CAST(sl.point_no AS char) = :sourceOrder)
LEFT JOIN card c ON c.card_no = :patientCard
LEFT JOIN patient p ON p.patient_id = c.patient_id;

-- One call per patient at a time (the patient's row locked by a no-op
-- UPDATE, held to commit), then the duplicate check: a second call for the
-- same patient waits here and then sees the first one's registration.
UPDATE patient SET valid_flag = valid_flag
WHERE patient_id = @hisgw_b_patient_id AND @hisgw_b_result IS NULL;

SET @hisgw_b_again_found = @hisgw_b_result IS NULL
        AND EXISTS (SELECT 1 FROM outp_register r
                    WHERE r.patient_id = @hisgw_b_patient_id
                      AND r.schedule_id = @hisgw_b_schedule_id
                      AND r.status IN ('0', '1'));

-- (Each SET reads only values set by earlier statements: MariaDB evaluates
-- every expression of a SET before it assigns any.)
SET @hisgw_b_message = CASE WHEN @hisgw_b_again_found THEN @hisgw_b_again ELSE @hisgw_b_message END,
    @hisgw_b_result = CASE WHEN @hisgw_b_again_found THEN 'error' ELSE @hisgw_b_result END;

-- Take a slot: one conditional UPDATE, no read-then-write. The time point
-- asked for, else the earliest with room (ORDER BY point_no LIMIT 1: a slot
-- another call filled meanwhile no longer matches, and the next one is
-- taken). The taken slot's id comes back through LAST_INSERT_ID(slot_id)
-- (the id set to itself), ROW_COUNT() says whether one was taken.
UPDATE schedule_slot
SET used_num = used_num + 1,
    slot_id = LAST_INSERT_ID(slot_id)
WHERE schedule_id = @hisgw_b_schedule_id
  AND (@hisgw_b_want_slot IS NULL OR slot_id = @hisgw_b_want_slot)
  AND used_num < total_num
  AND @hisgw_b_result IS NULL
  AND EXISTS (SELECT 1 FROM schedule s WHERE s.schedule_id = @hisgw_b_schedule_id AND s.status = '1')
ORDER BY point_no
LIMIT 1;

-- ROW_COUNT() is the row count of the UPDATE just above.
SET @hisgw_b_slot_id = CASE WHEN ROW_COUNT() = 1 THEN LAST_INSERT_ID() END;

SET @hisgw_b_message = CASE
        WHEN @hisgw_b_result IS NOT NULL THEN @hisgw_b_message
        WHEN @hisgw_b_slot_id IS NOT NULL THEN @hisgw_b_booked
        WHEN (SELECT s.status FROM schedule s WHERE s.schedule_id = @hisgw_b_schedule_id) <> '1' THEN '该排班已停诊'
        WHEN @hisgw_b_want_slot IS NOT NULL THEN '该时间点号源已满，请选择其他时间'
        ELSE '该排班号源已满'
    END,
    @hisgw_b_result = CASE
        WHEN @hisgw_b_result IS NOT NULL THEN @hisgw_b_result
        WHEN @hisgw_b_slot_id IS NOT NULL THEN 'success'
        WHEN (SELECT s.status FROM schedule s WHERE s.schedule_id = @hisgw_b_schedule_id) <> '1' THEN 'close'
        ELSE 'full'
    END;

-- New numbers: each incremented and read back by LAST_INSERT_ID(expr) (the
-- row lock is ours until commit), in key order: clinic_no, register_seq.
UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'clinic_no' AND @hisgw_b_result = 'success';
SET @hisgw_b_clinic_no = CASE WHEN ROW_COUNT() = 1 THEN CAST(LAST_INSERT_ID() AS char) END;

UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'register_seq' AND @hisgw_b_result = 'success';
SET @hisgw_b_seq = CASE WHEN ROW_COUNT() = 1 THEN LAST_INSERT_ID() END;

-- registerId: 'GH' + visit day + the 4-digit register_seq (more digits
-- past 9999: LPAD would cut them).
SET @hisgw_b_register_id = CASE
        WHEN @hisgw_b_result = 'success'
            THEN CONCAT('GH', DATE_FORMAT(@hisgw_b_clinic_date, '%Y%m%d'),
                        CASE WHEN @hisgw_b_seq < 10000 THEN LPAD(@hisgw_b_seq, 4, '0') ELSE @hisgw_b_seq END)
    END;

INSERT INTO outp_register (register_id, clinic_no, patient_id, card_no, schedule_id, slot_id, dept_code, doctor_code, clinic_type,
                           visit_date, ampm, visit_time, reg_fee, reg_type, reg_way, status, visit_status, queue_no,
                           trade_no, invoice_no, reg_time, see_time, cancel_time)
SELECT @hisgw_b_register_id, @hisgw_b_clinic_no, @hisgw_b_patient_id, @hisgw_b_card_no, s.schedule_id, sl.slot_id,
       s.dept_code, s.doctor_code, s.clinic_type,
       s.clinic_date, s.ampm, sl.visit_time, s.reg_fee,
       CASE WHEN @hisgw_b_reg_type <> 'by_day' THEN @hisgw_b_reg_type
            WHEN s.clinic_date > CURDATE() THEN '2' ELSE '1' END, '3', '0', '0', NULL,
       NULL, NULL, CAST(NOW() AS datetime), NULL, NULL
FROM schedule s
JOIN schedule_slot sl ON sl.slot_id = @hisgw_b_slot_id
WHERE s.schedule_id = @hisgw_b_schedule_id
  AND @hisgw_b_result = 'success';
