-- 4.1 addPatientCard (在线建卡), MySQL version of addPatientCard.sql.
-- HIS tables read: patient, card. Written: sys_sequence, patient, card.
-- One patient per person: a valid patient (valid_flag '1') already holding
-- this 身份证号 gets their existing card back (a card in use, 就诊卡 first,
-- then 虚拟卡, then the others, the oldest first) and their 病人ID as hisNo;
-- nothing is written. When the name differs from that patient's, the call
-- is refused (the card is not handed to another name). A patient whose
-- cards are all lost or cancelled gets a new card. Otherwise a new patient
-- (病人ID from sys_sequence 'patient_id'; sex and birth date read from the
-- ID number: 17th digit odd = 男, even = 女) and a new 虚拟卡 (card_type
-- '4', the platform's online card, from sys_sequence 'card_no') are
-- created. The phone of an existing patient is not changed. A new patient's
-- name is at most 10 characters and the phone at most 20 (patient.name is
-- varchar(20) in the T-SQL HIS, where it is GBK: 10 Chinese characters;
-- patient.phone varchar(20)); longer ones are refused with a message.
-- The gateway checks idCard (18 characters, GB 11643 check digit, upper-case
-- X) before this runs; legacy rows holding a lower-case x are matched too.
--
-- The gateway runs these statements in one READ COMMITTED transaction and
-- commits only when the result is success. The patient_id sequence row is
-- locked first (a no-op UPDATE, held to commit), so two calls with the same
-- ID number never both create a patient (the second waits, then sees the
-- first one's patient); new numbers come from sys_sequence, each
-- incremented by UPDATE … SET cur_val = LAST_INSERT_ID(cur_val + 1) and
-- read back by LAST_INSERT_ID().
-- The state of this call lives in session variables @hisgw_a_*, all set by
-- the statement that looks the patient up.
-- :idCard and :realName compare with varchar columns (patient.id_no,
-- patient.name); the lengths are counted in characters (CHAR_LENGTH).
-- One addPatientCard at a time.
UPDATE sys_sequence SET cur_val = cur_val WHERE seq_name = 'patient_id';

-- The person's patient, if any (a patient with a card in use first), and
-- the card to hand back.
SELECT x.patient_id,
       CASE
           WHEN x.patient_id IS NOT NULL AND NOT (x.name <=> :realName) THEN 'error'
           WHEN x.patient_id IS NOT NULL AND x.card_no IS NOT NULL THEN 'success'
           WHEN x.patient_id IS NOT NULL THEN NULL
           WHEN CHAR_LENGTH(:realName) > 10 THEN 'error'
           WHEN CHAR_LENGTH(:phone) > 20 THEN 'error'
       END,
       CASE
           WHEN x.patient_id IS NOT NULL AND NOT (x.name <=> :realName) THEN '该身份证号已建档，姓名与档案不符，请到窗口核对'
           WHEN x.patient_id IS NOT NULL AND x.card_no IS NOT NULL THEN '您已在本院建档，返回已有就诊卡'
           WHEN x.patient_id IS NOT NULL THEN NULL
           WHEN CHAR_LENGTH(:realName) > 10 THEN '姓名超过10个字，请到窗口办理建卡'
           WHEN CHAR_LENGTH(:phone) > 20 THEN '联系电话格式不正确'
       END,
       CASE WHEN NOT (x.name <=> :realName) THEN NULL ELSE x.card_no END,
       CASE WHEN SUBSTRING(:idCard, 7, 8) REGEXP '^[0-9]{8}$'
            THEN STR_TO_DATE(SUBSTRING(:idCard, 7, 8), '%Y%m%d') END,
       CAST(NOW() AS datetime)
INTO @hisgw_a_patient_id, @hisgw_a_result, @hisgw_a_message, @hisgw_a_card_no, @hisgw_a_birth, @hisgw_a_now
FROM (SELECT 1 AS one) AS req
LEFT JOIN (
    SELECT p.patient_id, p.name,
           (SELECT c.card_no FROM card c
            WHERE c.patient_id = p.patient_id AND c.status = '0'
            ORDER BY CASE c.card_type WHEN '1' THEN 0 WHEN '4' THEN 1 ELSE 2 END, c.issue_time, c.card_no
            LIMIT 1) AS card_no
    FROM patient p
    WHERE p.id_no IN (:idCard, REPLACE(:idCard, 'X', 'x'))
      AND p.valid_flag = '1'
    ORDER BY CASE WHEN EXISTS (SELECT 1 FROM card c WHERE c.patient_id = p.patient_id AND c.status = '0') THEN 0 ELSE 1 END,
             p.create_time, p.patient_id
    LIMIT 1
) AS x ON 1 = 1;

-- A new patient: the next 病人ID.
UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'patient_id' AND @hisgw_a_result IS NULL AND @hisgw_a_patient_id IS NULL;
SET @hisgw_a_new_patient = CASE WHEN ROW_COUNT() = 1 THEN CAST(LAST_INSERT_ID() AS char) END;

INSERT INTO patient (patient_id, name, sex, birth_date, id_type, id_no, phone, address, create_time, valid_flag)
SELECT @hisgw_a_new_patient, :realName,
       CASE WHEN SUBSTRING(:idCard, 17, 1) IN ('1', '3', '5', '7', '9') THEN '1' ELSE '2' END,
       @hisgw_a_birth, '01', :idCard, :phone, NULL, @hisgw_a_now, '1'
FROM DUAL
WHERE @hisgw_a_new_patient IS NOT NULL;

SET @hisgw_a_patient_id = COALESCE(@hisgw_a_patient_id, @hisgw_a_new_patient);

-- A new card (for the new patient, or for one whose cards are all out of use).
UPDATE sys_sequence SET cur_val = LAST_INSERT_ID(cur_val + 1)
WHERE seq_name = 'card_no' AND @hisgw_a_result IS NULL;
SET @hisgw_a_new_card = CASE WHEN ROW_COUNT() = 1 THEN CAST(LAST_INSERT_ID() AS char) END;

INSERT INTO card (card_no, patient_id, card_type, status, issue_time, status_time)
SELECT @hisgw_a_new_card, @hisgw_a_patient_id, '4', '0', @hisgw_a_now, NULL
FROM DUAL
WHERE @hisgw_a_new_card IS NOT NULL;

SET @hisgw_a_card_no = COALESCE(@hisgw_a_new_card, @hisgw_a_card_no),
    @hisgw_a_message = CASE WHEN @hisgw_a_new_card IS NOT NULL THEN '建卡成功' ELSE @hisgw_a_message END,
    @hisgw_a_result = CASE WHEN @hisgw_a_new_card IS NOT NULL THEN 'success' ELSE @hisgw_a_result END;

SELECT @hisgw_a_result     AS result,
       @hisgw_a_message    AS message,
       @hisgw_a_card_no    AS patientCard,
       @hisgw_a_patient_id AS hisNo;
