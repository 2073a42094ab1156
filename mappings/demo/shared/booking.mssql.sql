-- The booking of a session's slot, shared by 6.1 insertRegister and 5.1
-- insertSubscription (a booking of this HIS is a registration too). The
-- including file declares what differs before it includes this:
--   reg_type        outp_register.reg_type: '2' 预约, or 'by_day' for
--                   '1' 当日挂号 ('2' when the session is on a later day);
--   booked_message  the message of a success;
--   again_message   the message when the patient already holds this session;
--   busy_message    the message when the slot was taken fifty times over
-- (each a variable of that name).
-- Afterwards @result, @message, @register_id and @reg_fee hold the answer.
-- The rules and checks are in insertRegister.mssql.sql.
SET NOCOUNT ON;
DECLARE @today date, @now datetime;
SET @today = CAST(GETDATE() AS date);
SET @now = CONVERT(datetime, CONVERT(char(19), GETDATE(), 120), 120);
DECLARE @result varchar(20), @message nvarchar(100),
        @schedule_id varchar(20), @clinic_date date, @reg_fee decimal(12,2),
        @patient_id varchar(20), @card_no varchar(20),
        @want_slot int, @slot_id int, @tries int,
        @seq bigint, @register_id varchar(20), @clinic_no varchar(20);
DECLARE @seqs TABLE (seq_name varchar(30) NOT NULL, cur_val bigint NOT NULL);

SELECT @result = CASE
           WHEN s.schedule_id IS NULL THEN 'no_scheduling'
           WHEN s.dept_code <> :departmentCode
                OR s.clinic_date <> CAST(:clinicDate AS date)
                OR (s.doctor_code IS NOT NULL AND (:doctorCode IS NULL OR s.doctor_code <> :doctorCode)) THEN 'no_scheduling'
           WHEN s.clinic_date < @today THEN 'no_scheduling'
           WHEN s.status <> '1' THEN 'close'
           WHEN (:sourceNo IS NOT NULL OR :sourceOrder IS NOT NULL) AND sl.slot_id IS NULL THEN 'no_scheduling'
           WHEN c.card_no IS NULL OR c.status <> '0' THEN 'invalid_card'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN 'invalid_card'
           WHEN p.id_no IS NULL OR :idCard IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN 'invalid_card'
       END,
       @message = CASE
           WHEN s.schedule_id IS NULL THEN N'排班不存在'
           WHEN s.dept_code <> :departmentCode
                OR s.clinic_date <> CAST(:clinicDate AS date)
                OR (s.doctor_code IS NOT NULL AND (:doctorCode IS NULL OR s.doctor_code <> :doctorCode)) THEN N'排班与所选科室、医生或日期不符'
           WHEN s.clinic_date < @today THEN N'该排班已过就诊日期'
           WHEN s.status <> '1' THEN N'该排班已停诊' + COALESCE(N'：' + s.stop_reason, N'')
           WHEN (:sourceNo IS NOT NULL OR :sourceOrder IS NOT NULL) AND sl.slot_id IS NULL THEN N'所选号源不存在'
           WHEN c.card_no IS NULL THEN N'就诊卡号不存在'
           WHEN c.status = '1' THEN N'就诊卡已挂失'
           WHEN c.status <> '0' THEN N'就诊卡已注销'
           WHEN p.name IS NULL OR :realName IS NULL OR p.name <> :realName THEN N'姓名与就诊卡不匹配'
           WHEN p.id_no IS NULL OR :idCard IS NULL
                OR UPPER(RIGHT(p.id_no, 4)) <> UPPER(RIGHT(:idCard, 4)) THEN N'身份证号与就诊卡不匹配'
       END,
       @schedule_id = s.schedule_id,
       @clinic_date = s.clinic_date,
       @reg_fee = s.reg_fee,
       @patient_id = p.patient_id,
       @card_no = c.card_no,
       @want_slot = sl.slot_id
FROM (SELECT 1 AS one) AS req
LEFT JOIN dbo.schedule s ON s.schedule_id = :scheduleId
LEFT JOIN dbo.schedule_slot sl
       ON sl.schedule_id = s.schedule_id
      AND (:sourceNo IS NOT NULL OR :sourceOrder IS NOT NULL)
      AND (:sourceNo IS NULL OR CAST(sl.slot_id AS varchar(12)) = :sourceNo)
      AND (:sourceOrder IS NULL OR CAST(sl.point_no AS varchar(12)) = :sourceOrder)
LEFT JOIN dbo.card c ON c.card_no = :patientCard
LEFT JOIN dbo.patient p ON p.patient_id = c.patient_id;

-- One call per patient at a time, then the duplicate check.
IF @result IS NULL
BEGIN
    UPDATE dbo.patient SET valid_flag = valid_flag WHERE patient_id = @patient_id;
    IF EXISTS (SELECT 1 FROM dbo.outp_register r
               WHERE r.patient_id = @patient_id
                 AND r.schedule_id = @schedule_id
                 AND r.status IN ('0', '1'))
        SELECT @result = 'error', @message = @again_message;
END;

-- Take a slot: one conditional UPDATE per try.
SET @tries = 0;
WHILE @result IS NULL
BEGIN
    SET @tries = @tries + 1;
    SET @slot_id = @want_slot;
    IF @slot_id IS NULL
        SELECT TOP 1 @slot_id = sl.slot_id
        FROM dbo.schedule_slot sl
        WHERE sl.schedule_id = @schedule_id
          AND sl.used_num < sl.total_num
        ORDER BY sl.point_no;
    IF @slot_id IS NULL
        SELECT @result = 'full', @message = N'该排班号源已满';
    ELSE
    BEGIN
        UPDATE dbo.schedule_slot
        SET used_num = used_num + 1
        WHERE slot_id = @slot_id
          AND used_num < total_num
          AND EXISTS (SELECT 1 FROM dbo.schedule s WHERE s.schedule_id = @schedule_id AND s.status = '1');
        IF @@ROWCOUNT = 1
            SELECT @result = 'success', @message = @booked_message;
        ELSE IF EXISTS (SELECT 1 FROM dbo.schedule s WHERE s.schedule_id = @schedule_id AND s.status <> '1')
            SELECT @result = 'close', @message = N'该排班已停诊';
        ELSE IF @want_slot IS NOT NULL
            SELECT @result = 'full', @message = N'该时间点号源已满，请选择其他时间';
        ELSE IF @tries >= 50
            SELECT @result = 'error', @message = @busy_message;
        -- else another call took that slot first: look again
    END;
END;

IF @result = 'success'
BEGIN
    UPDATE dbo.sys_sequence
    SET cur_val = cur_val + 1
    OUTPUT inserted.seq_name, inserted.cur_val INTO @seqs (seq_name, cur_val)
    WHERE seq_name IN ('register_seq', 'clinic_no');
    SELECT @seq = cur_val FROM @seqs WHERE seq_name = 'register_seq';
    SELECT @clinic_no = CAST(cur_val AS varchar(20)) FROM @seqs WHERE seq_name = 'clinic_no';
    SET @register_id = 'GH' + CONVERT(char(8), @clinic_date, 112)
                     + CASE WHEN @seq < 10000 THEN RIGHT('000' + CAST(@seq AS varchar(20)), 4)
                            ELSE CAST(@seq AS varchar(20)) END;

    INSERT INTO dbo.outp_register (register_id, clinic_no, patient_id, card_no, schedule_id, slot_id, dept_code, doctor_code, clinic_type,
                                   visit_date, ampm, visit_time, reg_fee, reg_type, reg_way, status, visit_status, queue_no,
                                   trade_no, invoice_no, reg_time, see_time, cancel_time)
    SELECT @register_id, @clinic_no, @patient_id, @card_no, s.schedule_id, sl.slot_id, s.dept_code, s.doctor_code, s.clinic_type,
           s.clinic_date, s.ampm, sl.visit_time, s.reg_fee,
           CASE WHEN @reg_type <> 'by_day' THEN @reg_type
                WHEN s.clinic_date > @today THEN '2' ELSE '1' END, '3', '0', '0', NULL,
           NULL, NULL, @now, NULL, NULL
    FROM dbo.schedule s
    JOIN dbo.schedule_slot sl ON sl.slot_id = @slot_id
    WHERE s.schedule_id = @schedule_id;
END;
