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
-- The booking itself is shared/booking.mssql.sql.
DECLARE @reg_type varchar(10) = 'by_day',
        @booked_message nvarchar(50) = N'挂号成功',
        @again_message nvarchar(50) = N'您已挂过该排班的号，请勿重复挂号',
        @busy_message nvarchar(50) = N'挂号人数较多，请稍后重试';
-- @include booking

SELECT @result AS result, @message AS message, @register_id AS registerId, @reg_fee AS amount;
