-- 15.3 queryClinicStatus (就诊状态查询), PostgreSQL version of
-- queryClinicStatus.sql (the parameters tested for NULL are cast to their
-- types: PostgreSQL infers a parameter's type from where it is first used,
-- and a NULL test alone tells it nothing).
-- HIS tables read: outp_register.
-- By registerId (that registration, whatever its state) and/or by
-- clinicDate (the valid registrations for that day; cancelled and unpaid
-- ones are left out). With neither, nothing is listed. status 1 = the
-- doctor has seen the patient, 0 = not yet.
-- :registerId compares with the varchar column outp_register.register_id;
-- :clinicDate is read as date (visit_date).
SELECT r.register_id AS registerId,
       CASE WHEN r.visit_status = '1' THEN 1 ELSE 0 END AS status
FROM outp_register r
WHERE (CAST(:registerId AS varchar) IS NOT NULL OR CAST(:clinicDate AS date) IS NOT NULL)
  AND (CAST(:registerId AS varchar) IS NULL OR r.register_id = :registerId)
  AND (CAST(:clinicDate AS date) IS NULL OR r.visit_date = CAST(:clinicDate AS date))
  AND (CAST(:registerId AS varchar) IS NOT NULL OR r.status = '1')
ORDER BY r.visit_date, r.register_id;
