-- 6.1 insertRegister (新增挂号记录)
-- HIS tables read: schedule, schedule_slot, card, patient, outp_register.
-- HIS tables written: schedule_slot (used_num), sys_sequence, outp_register.
-- A registration of this HIS is an outp_register row: status '0' 锁号待支付
-- until 6.3 payRegister books the payment; reg_way '3' 互联网;
-- reg_type '1' 当日挂号, or '2' 预约 when the session is on a later day.
--
-- The gateway runs this section in one write transaction (BEGIN IMMEDIATE)
-- and commits only when the result is success. Checks, in order:
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
-- The slot is taken by one conditional UPDATE (used_num < total_num and the
-- session open) whose changes() decides success or full: never read-then-
-- write, so slots are never overbooked. registerId ('GH' + visit day + the
-- 4-digit register_seq) and the 门诊就诊号 come from sys_sequence, each
-- incremented first and read back inside this same write transaction.
-- hisOrderNumber is not answered: this HIS numbers the queue when the
-- patient checks in at triage (12.2 getOutPatientOrderNum answers it then).
--
-- The booking itself is shared/booking.sql (shared with insertSubscription);
-- temp.hisgw_booking holds this call's state from one statement to the next
-- (one row; the connection's own temp schema).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_booking_kind (reg_type TEXT, booked TEXT, again TEXT);
DELETE FROM temp.hisgw_booking_kind;
INSERT INTO temp.hisgw_booking_kind VALUES ('by_day', '挂号成功', '您已挂过该排班的号，请勿重复挂号');
-- @include booking

SELECT b.result AS result, b.message AS message, b.register_id AS registerId, b.reg_fee AS amount
FROM temp.hisgw_booking b;
