-- 4.1 addPatientCard (在线建卡), SQL Server version of addPatientCard.sql.
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
-- varchar(20) in code page 936, patient.phone varchar(20)); longer ones are
-- refused with a message.
-- The gateway checks idCard (18 characters, GB 11643 check digit, upper-case
-- X) before this runs; legacy rows holding a lower-case x are matched too.
--
-- The gateway runs this batch in one transaction (XACT_ABORT ON) and
-- commits only when the result is success. The patient_id sequence row is
-- locked first (a no-op UPDATE, held to commit), so two calls with the same
-- ID number never both create a patient; new numbers come from sys_sequence
-- by UPDATE … OUTPUT.
-- :idCard compares with the varchar column patient.id_no and binds as
-- varchar; :realName stays nvarchar (patient.name is varchar in code page
-- 936, and an nvarchar parameter compares with it exactly whatever the
-- database's default collation).
-- @varchar :idCard
SET NOCOUNT ON;
DECLARE @now datetime;
SET @now = CONVERT(datetime, CONVERT(char(19), GETDATE(), 120), 120);
DECLARE @result varchar(20), @message nvarchar(100),
        @patient_id varchar(20), @same_name bit, @card_no varchar(20),
        @birth varchar(8);
DECLARE @seqs TABLE (cur_val bigint NOT NULL);

-- One addPatientCard at a time.
UPDATE dbo.sys_sequence SET cur_val = cur_val WHERE seq_name = 'patient_id';

SELECT TOP 1
       @patient_id = p.patient_id,
       @same_name = CASE WHEN :realName IS NOT NULL AND p.name = :realName THEN 1 ELSE 0 END
FROM dbo.patient p
WHERE p.id_no IN (:idCard, REPLACE(:idCard, 'X', 'x'))
  AND p.valid_flag = '1'
ORDER BY CASE WHEN EXISTS (SELECT 1 FROM dbo.card c WHERE c.patient_id = p.patient_id AND c.status = '0') THEN 0 ELSE 1 END,
         p.create_time, p.patient_id;

IF @patient_id IS NOT NULL
BEGIN
    IF @same_name = 0
        SELECT @result = 'error', @message = N'该身份证号已建档，姓名与档案不符，请到窗口核对';
    ELSE
    BEGIN
        SELECT TOP 1 @card_no = c.card_no
        FROM dbo.card c
        WHERE c.patient_id = @patient_id AND c.status = '0'
        ORDER BY CASE c.card_type WHEN '1' THEN 0 WHEN '4' THEN 1 ELSE 2 END, c.issue_time, c.card_no;
        IF @card_no IS NOT NULL
            SELECT @result = 'success', @message = N'您已在本院建档，返回已有就诊卡';
    END;
END
ELSE IF LEN(:realName) > 10
    SELECT @result = 'error', @message = N'姓名超过10个字，请到窗口办理建卡';
ELSE IF LEN(:phone) > 20
    SELECT @result = 'error', @message = N'联系电话格式不正确';

-- A new patient: the next 病人ID.
IF @result IS NULL AND @patient_id IS NULL
BEGIN
    UPDATE dbo.sys_sequence
    SET cur_val = cur_val + 1
    OUTPUT inserted.cur_val INTO @seqs (cur_val)
    WHERE seq_name = 'patient_id';
    SELECT @patient_id = CAST(cur_val AS varchar(20)) FROM @seqs;
    DELETE FROM @seqs;
    SET @birth = SUBSTRING(:idCard, 7, 8);
    INSERT INTO dbo.patient (patient_id, name, sex, birth_date, id_type, id_no, phone, address, create_time, valid_flag)
    VALUES (@patient_id, :realName,
            CASE WHEN SUBSTRING(:idCard, 17, 1) IN ('1', '3', '5', '7', '9') THEN '1' ELSE '2' END,
            CASE WHEN @birth NOT LIKE '%[^0-9]%' AND ISDATE(@birth) = 1 THEN CONVERT(date, @birth, 112) END,
            '01', :idCard, :phone, NULL, @now, '1');
END;

-- A new card (for the new patient, or for one whose cards are all out of use).
IF @result IS NULL
BEGIN
    UPDATE dbo.sys_sequence
    SET cur_val = cur_val + 1
    OUTPUT inserted.cur_val INTO @seqs (cur_val)
    WHERE seq_name = 'card_no';
    SELECT @card_no = CAST(cur_val AS varchar(20)) FROM @seqs;
    INSERT INTO dbo.card (card_no, patient_id, card_type, status, issue_time, status_time)
    VALUES (@card_no, @patient_id, '4', '0', @now, NULL);
    SELECT @result = 'success', @message = N'建卡成功';
END;

SELECT @result     AS result,
       @message    AS message,
       @card_no    AS patientCard,
       @patient_id AS hisNo;
