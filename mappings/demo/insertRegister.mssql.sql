-- 6.1 insertRegister (新增挂号记录), SQL Server version of insertRegister.sql.
-- HIS tables read: schedule, schedule_slot, card, patient, outp_register.
-- HIS tables written: schedule_slot (used_num), sys_sequence, outp_register
-- (and patient, locked by a no-op UPDATE).
-- A registration of this HIS is an outp_register row: status '0' 锁号待支付
-- until 6.3 payRegister books the payment; reg_way '3' 互联网;
-- reg_type '1' 当日挂号, or '2' 预约 when the session is on a later day.
--
-- The gateway runs this batch in one transaction (XACT_ABORT ON) and
-- commits only when the result is success. Checks, in order:
--   no_scheduling  the session does not exist, is not the one of the
--                  department / doctor / date sent (a 普通门诊 session
--                  without a named doctor takes any doctorCode), its day has
--                  passed, or sourceNo / sourceOrder name no time point of it;
--   close          the session is stopped (停诊), with its reason;
--   invalid_card   the card does not exist, is lost (挂失) or cancelled
--                  (注销), the name is not the card holder's, or the ID
--                  number's last four characters differ (as checkPatientCard);
--   error          the patient already holds a registration or booking of
--                  this session that is not cancelled;
--   full           no slot left (at the time point asked for, when given).
-- sourceNo is the slot id (号源编号) and sourceOrder the time point's number
-- in the session, as queryScheduleTime gives them; without either the
-- earliest time point with a slot left is taken. clinicTime, clinicType,
-- the names and clinicFee are not compared: scheduleId names the session,
-- and amount answers the session's fee.
--
-- Concurrency (no read-then-write anywhere):
--   * the patient's row is locked first (a no-op UPDATE, held to commit), so
--     two calls for one patient cannot both pass the duplicate check;
--   * the slot is taken by one conditional UPDATE (used_num < total_num and
--     the session open) and @@ROWCOUNT decides. Without a time point asked
--     for, the earliest slot with room is looked up and taken; when another
--     call took it in between (0 rows) the next one is tried, and full is
--     answered only when no slot of the session has room. Slots are never
--     overbooked;
--   * registerId ('GH' + visit day + the 4-digit register_seq) and the
--     门诊就诊号 come from sys_sequence by UPDATE … OUTPUT.
-- hisOrderNumber is not answered: this HIS numbers the queue when the
-- patient checks in at triage (12.2 getOutPatientOrderNum answers it then).
-- Parameters compared with varchar columns (schedule.schedule_id, dept_code,
-- doctor_code, card.card_no) bind as varchar; :realName stays nvarchar
-- (patient.name is varchar in code page 936); :idCard is compared by its
-- last four characters only; :clinicDate converts to date.
-- @varchar :scheduleId, :departmentCode, :doctorCode, :patientCard
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
        SELECT @result = 'error', @message = N'您已挂过该排班的号，请勿重复挂号';
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
            SELECT @result = 'success', @message = N'挂号成功';
        ELSE IF EXISTS (SELECT 1 FROM dbo.schedule s WHERE s.schedule_id = @schedule_id AND s.status <> '1')
            SELECT @result = 'close', @message = N'该排班已停诊';
        ELSE IF @want_slot IS NOT NULL
            SELECT @result = 'full', @message = N'该时间点号源已满，请选择其他时间';
        ELSE IF @tries >= 50
            SELECT @result = 'error', @message = N'挂号人数较多，请稍后重试';
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
           CASE WHEN s.clinic_date > @today THEN '2' ELSE '1' END, '3', '0', '0', NULL,
           NULL, NULL, @now, NULL, NULL
    FROM dbo.schedule s
    JOIN dbo.schedule_slot sl ON sl.slot_id = @slot_id
    WHERE s.schedule_id = @schedule_id;
END;

SELECT @result      AS result,
       @message     AS message,
       @register_id AS registerId,
       @reg_fee     AS amount;
