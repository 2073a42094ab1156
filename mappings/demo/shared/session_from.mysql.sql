-- A clinic session s with its slots sl: the FROM of the schedule reads
-- (MySQL: the slots summed per session in a derived table, so the caller
-- needs no GROUP BY and every column it selects is the session's own).
FROM schedule s
JOIN (
    SELECT schedule_id, SUM(total_num - used_num) AS free_num, SUM(total_num) AS total_num
    FROM schedule_slot
    GROUP BY schedule_id
) AS sl ON sl.schedule_id = s.schedule_id
