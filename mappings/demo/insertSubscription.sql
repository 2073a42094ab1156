-- 5.1 insertSubscription (新增预约记录)
-- HIS tables read: schedule, schedule_slot, card, patient, outp_register.
-- HIS tables written: schedule_slot (used_num), sys_sequence, outp_register.
-- This HIS keeps a booking (预约) as a registration: an outp_register row
-- with reg_type '2' 预约, reg_way '3' 互联网 and status '0' 锁号待支付 until
-- 5.3 subscriptionPay books the payment. subscriptionId is its register_id.
-- The rules are those of insertRegister.sql (6.1):
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
--   error          the patient already holds a booking or registration of
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
-- write, so slots are never overbooked. subscriptionId ('GH' + visit day +
-- the 4-digit register_seq) and the 门诊就诊号 come from sys_sequence, each
-- incremented first and read back inside this same write transaction.
--
-- The booking itself is shared/booking.sql (shared with insertRegister);
-- temp.hisgw_booking holds this call's state from one statement to the next
-- (one row; the connection's own temp schema).
-- @section header
CREATE TEMP TABLE IF NOT EXISTS hisgw_booking_kind (reg_type TEXT, booked TEXT, again TEXT);
DELETE FROM temp.hisgw_booking_kind;
INSERT INTO temp.hisgw_booking_kind VALUES ('2', '预约成功', '您已预约该排班，请勿重复预约');
-- @include booking

SELECT b.result AS result, b.message AS message, b.register_id AS subscriptionId, b.reg_fee AS amount
FROM temp.hisgw_booking b;
