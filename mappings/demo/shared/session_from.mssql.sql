-- A clinic session s with its slots sl: the FROM of the schedule reads.
FROM dbo.schedule s
JOIN (
    SELECT schedule_id, SUM(total_num - used_num) AS free_num, SUM(total_num) AS total_num
    FROM dbo.schedule_slot
    GROUP BY schedule_id
) AS sl ON sl.schedule_id = s.schedule_id
