-- 15.3 queryClinicStatus (就诊状态查询)
-- HIS tables read: outp_register.
-- By registerId (that registration, whatever its state) and/or by
-- clinicDate (the valid registrations for that day; cancelled and unpaid
-- ones are left out). With neither, nothing is listed. status 1 = the
-- doctor has seen the patient, 0 = not yet.
-- Portable: the same SQL runs on the SQLite demo and on SQL Server (no
-- override). On SQL Server :registerId compares with a varchar column
-- (outp_register.register_id) and binds as varchar; :clinicDate compares
-- with the date column visit_date (a yyyy-MM-dd text converts to date
-- whatever SET DATEFORMAT says).
-- @varchar :registerId
SELECT r.register_id AS registerId,
       CASE WHEN r.visit_status = '1' THEN 1 ELSE 0 END AS status
FROM outp_register r
WHERE (:registerId IS NOT NULL OR :clinicDate IS NOT NULL)
  AND (:registerId IS NULL OR r.register_id = :registerId)
  AND (:clinicDate IS NULL OR r.visit_date = :clinicDate)
  AND (:registerId IS NOT NULL OR r.status = '1')
ORDER BY r.visit_date, r.register_id;
