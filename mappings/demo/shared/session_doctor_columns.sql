-- The doctor of a session (3.2 and 3.3): doc and t are joined by
-- session_doctor_joins.
       doc.doctor_name AS doctorName,
       doc.title_code  AS positionId,
       t.title_name    AS positionName,
       doc.specialty   AS doctorSpecialty,
       doc.intro       AS doctorSummary,
