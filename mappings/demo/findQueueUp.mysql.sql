-- 12.1 findQueueUp (科室排队查询), MySQL version of findQueueUp.sql (every
-- column that is not summed is grouped: MySQL 8's ONLY_FULL_GROUP_BY).
-- HIS tables read: queue_list, dept_dict, doctor_dict.
-- The department's queue in the triage system's current day (queue_list
-- holds the live queue; its latest queue_date is "today" for the triage
-- system). The department is found by its code; departmentName is not
-- compared. One row per doctor's queue, named doctors first; the
-- department's shared 普通门诊 queue reports doctorName 普通门诊.
-- queueNownum is the number being seen (or last seen), queueWaitnum the
-- patients still waiting.
-- :departmentCode compares with the varchar column queue_list.dept_code.
SELECT d.dept_name AS departmentName,
       q.dept_code AS departmentCode,
       COALESCE(doc.doctor_name, '普通门诊') AS doctorName,
       q.doctor_code AS doctorCode,
       COALESCE(MAX(CASE WHEN q.status IN ('1', '2') THEN q.queue_no END), 0) AS queueNownum,
       SUM(CASE WHEN q.status = '0' THEN 1 ELSE 0 END) AS queueWaitnum
FROM queue_list q
JOIN dept_dict d ON d.dept_code = q.dept_code
LEFT JOIN doctor_dict doc ON doc.doctor_code = q.doctor_code
WHERE q.dept_code = :departmentCode
  AND q.queue_date = (SELECT MAX(q2.queue_date) FROM queue_list q2)
GROUP BY q.dept_code, q.doctor_code, d.dept_name, doc.doctor_name
ORDER BY q.doctor_code IS NULL, q.doctor_code;
