-- 4.1 addPatientCard (在线建卡), PostgreSQL version of addPatientCard.sql.
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
-- The gateway runs this section in one write transaction (READ COMMITTED)
-- and commits only when the result is success. The patient_id sequence row
-- is locked first (a no-op UPDATE, held to commit), and the lookup is the
-- statement after it, so two calls with the same ID number never both
-- create a patient; new numbers come from sys_sequence by UPDATE …
-- RETURNING (the value this transaction wrote; patient_id then card_no).
-- :idCard compares with the varchar column patient.id_no, :realName with
-- patient.name (IS DISTINCT FROM is SQLite's IS NOT); sex and birth date
-- are read from :idCard's digits (the gateway has checked its birth date).
-- The temp table hisgw_add_patient_card holds this call's state from one
-- statement to the next (one row; the connection's own).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_add_patient_card (
    result      varchar(20),    -- NULL while a patient or card is to be created
    message     varchar(100),
    patient_id  varchar(20),    -- the existing patient, or the new one
    card_no     varchar(20),    -- the existing card, or the new one
    new_patient boolean,
    new_card    boolean
);
DELETE FROM hisgw_add_patient_card;

-- One addPatientCard at a time.
UPDATE sys_sequence SET cur_val = cur_val WHERE seq_name = 'patient_id';

INSERT INTO hisgw_add_patient_card (result, message, patient_id, card_no, new_patient, new_card)
SELECT CASE
           WHEN p.patient_id IS NULL AND (length(CAST(:realName AS varchar)) > 10 OR length(CAST(:phone AS varchar)) > 20) THEN 'error'
           WHEN p.patient_id IS NULL THEN NULL
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN 'error'
           WHEN c.card_no IS NOT NULL THEN 'success'
       END,
       CASE
           WHEN p.patient_id IS NULL AND length(CAST(:realName AS varchar)) > 10 THEN '姓名超过10个字，请到窗口办理建卡'
           WHEN p.patient_id IS NULL AND length(CAST(:phone AS varchar)) > 20 THEN '联系电话格式不正确'
           WHEN p.patient_id IS NULL THEN NULL
           WHEN p.name IS DISTINCT FROM CAST(:realName AS varchar) THEN '该身份证号已建档，姓名与档案不符，请到窗口核对'
           WHEN c.card_no IS NOT NULL THEN '您已在本院建档，返回已有就诊卡'
       END,
       p.patient_id,
       c.card_no,
       p.patient_id IS NULL,
       c.card_no IS NULL
FROM (SELECT 1 AS one) AS req
LEFT JOIN patient p ON p.patient_id = (
    SELECT p2.patient_id FROM patient p2
    WHERE p2.id_no IN (CAST(:idCard AS varchar), replace(:idCard, 'X', 'x'))
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

WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'patient_id'
      AND EXISTS (SELECT 1 FROM hisgw_add_patient_card WHERE result IS NULL AND new_patient)
    RETURNING cur_val
)
UPDATE hisgw_add_patient_card
SET patient_id = seq.cur_val::text
FROM seq
WHERE result IS NULL AND new_patient;

INSERT INTO patient (patient_id, name, sex, birth_date, id_type, id_no, phone, address, create_time, valid_flag)
SELECT b.patient_id, :realName,
       CASE WHEN CAST(substr(:idCard, 17, 1) AS integer) % 2 = 1 THEN '1' ELSE '2' END,
       to_date(substr(:idCard, 7, 8), 'YYYYMMDD'),
       '01', :idCard, :phone, NULL, date_trunc('second', localtimestamp), '1'
FROM hisgw_add_patient_card b
WHERE b.result IS NULL AND b.new_patient;

WITH seq AS (
    UPDATE sys_sequence
    SET cur_val = cur_val + 1
    WHERE seq_name = 'card_no'
      AND EXISTS (SELECT 1 FROM hisgw_add_patient_card WHERE result IS NULL AND new_card)
    RETURNING cur_val
)
UPDATE hisgw_add_patient_card
SET card_no = seq.cur_val::text
FROM seq
WHERE result IS NULL AND new_card;

INSERT INTO card (card_no, patient_id, card_type, status, issue_time, status_time)
SELECT b.card_no, b.patient_id, '4', '0', date_trunc('second', localtimestamp), NULL
FROM hisgw_add_patient_card b
WHERE b.result IS NULL AND b.new_card;

UPDATE hisgw_add_patient_card
SET result = 'success', message = '建卡成功'
WHERE result IS NULL;

SELECT b.result     AS result,
       b.message    AS message,
       b.card_no    AS patientCard,
       b.patient_id AS hisNo
FROM hisgw_add_patient_card b;
