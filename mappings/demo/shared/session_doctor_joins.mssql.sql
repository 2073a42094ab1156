-- The doctor of a session and the name of the doctor's title.
LEFT JOIN dbo.doctor_dict doc ON doc.doctor_code = s.doctor_code
LEFT JOIN dbo.title_dict t ON t.title_code = doc.title_code
