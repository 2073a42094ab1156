-- A clinic session s with its slots sl: the FROM of the schedule reads.
-- (SQLite: the caller groups by s.schedule_id after its WHERE.)
FROM schedule s
JOIN schedule_slot sl ON sl.schedule_id = s.schedule_id
