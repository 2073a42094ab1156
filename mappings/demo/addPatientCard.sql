-- 4.1 addPatientCard (在线建卡)
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
-- name is at most 10 characters and the phone at most 20 (the widths of
-- patient.name and patient.phone in the SQL Server HIS: varchar(20), code
-- page 936); longer ones are refused with a message.
-- The gateway checks idCard (18 characters, GB 11643 check digit, upper-case
-- X) before this runs; legacy rows holding a lower-case x are matched too.
--
-- The gateway runs this section in one write transaction (BEGIN IMMEDIATE:
-- no other writer between the lookup and the inserts) and commits only when
-- the result is success. New numbers: each sequence row is incremented and
-- then read back inside the same transaction.
-- temp.hisgw_add_patient_card holds this call's state from one statement to
-- the next (one row; the connection's own temp schema).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_add_patient_card (
    result      TEXT,       -- NULL while a patient or card is to be created
    message     TEXT,
    patient_id  TEXT,       -- the existing patient, or the new one
    card_no     TEXT,       -- the existing card, or the new one
    new_patient INTEGER,
    new_card    INTEGER
);
DELETE FROM temp.hisgw_add_patient_card;

INSERT INTO temp.hisgw_add_patient_card (result, message, patient_id, card_no, new_patient, new_card)
SELECT CASE
           WHEN p.patient_id IS NULL AND (length(:realName) > 10 OR length(:phone) > 20) THEN 'error'
           WHEN p.patient_id IS NULL THEN NULL
           WHEN p.name IS NOT :realName THEN 'error'
           WHEN c.card_no IS NOT NULL THEN 'success'
       END,
       CASE
           WHEN p.patient_id IS NULL AND length(:realName) > 10 THEN '姓名超过10个字，请到窗口办理建卡'
           WHEN p.patient_id IS NULL AND length(:phone) > 20 THEN '联系电话格式不正确'
           WHEN p.patient_id IS NULL THEN NULL
           WHEN p.name IS NOT :realName THEN '该身份证号已建档，姓名与档案不符，请到窗口核对'
           WHEN c.card_no IS NOT NULL THEN '您已在本院建档，返回已有就诊卡'
       END,
       p.patient_id,
       c.card_no,
       p.patient_id IS NULL,
       c.card_no IS NULL
FROM (SELECT 1 AS one) AS req
LEFT JOIN patient p ON p.patient_id = (
    SELECT p2.patient_id FROM patient p2
    WHERE p2.id_no IN (:idCard, replace(:idCard, 'X', 'x'))
      AND p2.valid_flag = '1'
    ORDER BY EXISTS (SELECT 1 FROM card c2 WHERE c2.patient_id = p2.patient_id AND c2.status = '0') DESC,
             p2.create_time, p2.patient_id
    LIMIT 1
)
LEFT JOIN card c ON c.card_no = (
    SELECT c2.card_no FROM card c2
    WHERE c2.patient_id = p.patient_id AND c2.status = '0'
    ORDER BY CASE c2.card_type WHEN '1' THEN 0 WHEN '4' THEN 1 ELSE 2 END, c2.issue_time, c2.card_no
    LIMIT 1
);

-- A new patient: the next 病人ID.
UPDATE sys_sequence
SET cur_val = cur_val + 1
WHERE seq_name = 'patient_id'
  AND EXISTS (SELECT 1 FROM temp.hisgw_add_patient_card WHERE result IS NULL AND new_patient);

UPDATE temp.hisgw_add_patient_card
SET patient_id = CAST((SELECT cur_val FROM sys_sequence WHERE seq_name = 'patient_id') AS TEXT)
WHERE result IS NULL AND new_patient;

INSERT INTO patient (patient_id, name, sex, birth_date, id_type, id_no, phone, address, create_time, valid_flag)
SELECT b.patient_id, :realName,
       CASE WHEN CAST(substr(:idCard, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END,
       CASE WHEN date(substr(:idCard, 7, 4) || '-' || substr(:idCard, 11, 2) || '-' || substr(:idCard, 13, 2))
                 = substr(:idCard, 7, 4) || '-' || substr(:idCard, 11, 2) || '-' || substr(:idCard, 13, 2)
            THEN substr(:idCard, 7, 4) || '-' || substr(:idCard, 11, 2) || '-' || substr(:idCard, 13, 2)
       END,
       '01', :idCard, :phone, NULL, datetime('now', 'localtime'), '1'
FROM temp.hisgw_add_patient_card b
WHERE b.result IS NULL AND b.new_patient;

-- A new card (for the new patient, or for one whose cards are all out of use).
UPDATE sys_sequence
SET cur_val = cur_val + 1
WHERE seq_name = 'card_no'
  AND EXISTS (SELECT 1 FROM temp.hisgw_add_patient_card WHERE result IS NULL AND new_card);

UPDATE temp.hisgw_add_patient_card
SET card_no = CAST((SELECT cur_val FROM sys_sequence WHERE seq_name = 'card_no') AS TEXT)
WHERE result IS NULL AND new_card;

INSERT INTO card (card_no, patient_id, card_type, status, issue_time, status_time)
SELECT b.card_no, b.patient_id, '4', '0', datetime('now', 'localtime'), NULL
FROM temp.hisgw_add_patient_card b
WHERE b.result IS NULL AND b.new_card;

UPDATE temp.hisgw_add_patient_card
SET result = 'success', message = '建卡成功'
WHERE result IS NULL;

SELECT b.result     AS result,
       b.message    AS message,
       b.card_no    AS patientCard,
       b.patient_id AS hisNo
FROM temp.hisgw_add_patient_card b;
