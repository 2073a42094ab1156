-- 5.1 insertSubscription (新增预约记录), SQL Server version of
-- insertSubscription.sql.
-- HIS tables read: schedule, schedule_slot, card, patient, outp_register.
-- HIS tables written: schedule_slot (used_num), sys_sequence, outp_register
-- (and patient, locked by a no-op UPDATE).
-- This HIS keeps a booking (预约) as a registration: an outp_register row
-- with reg_type '2' 预约, reg_way '3' 互联网 and status '0' 锁号待支付 until
-- 5.3 subscriptionPay books the payment. subscriptionId is its register_id.
-- The rules are those of insertRegister.mssql.sql (6.1):
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
--   error          the patient already holds a booking or registration of
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
--   * subscriptionId ('GH' + visit day + the 4-digit register_seq) and the
--     门诊就诊号 come from sys_sequence by UPDATE … OUTPUT.
-- Parameters compared with varchar columns (schedule.schedule_id, dept_code,
-- doctor_code, card.card_no) bind as varchar; :realName stays nvarchar
-- (patient.name is varchar in code page 936); :idCard is compared by its
-- last four characters only; :clinicDate converts to date.
-- @varchar :scheduleId, :departmentCode, :doctorCode, :patientCard
-- The booking itself is shared/booking.mssql.sql.
DECLARE @reg_type varchar(10) = '2',
        @booked_message nvarchar(50) = N'预约成功',
        @again_message nvarchar(50) = N'您已预约该排班，请勿重复预约',
        @busy_message nvarchar(50) = N'预约人数较多，请稍后重试';
-- @include booking

SELECT @result AS result, @message AS message, @register_id AS subscriptionId, @reg_fee AS amount;
