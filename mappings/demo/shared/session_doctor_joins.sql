-- The doctor of a session and the name of the doctor's title.
LEFT JOIN doctor_dict doc ON doc.doctor_code = s.doctor_code
LEFT JOIN title_dict t ON t.title_code = doc.title_code
