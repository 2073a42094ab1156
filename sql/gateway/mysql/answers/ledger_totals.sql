-- 13.1 GetCheckLedgerInfo from hisgw's payment ledger (built in: used when
-- the hospital maps payments but has no GetCheckLedgerInfo.sql of its own).
-- Payments count on the day of their payedTime; refunds on the day the HIS
-- refunded. Only booked payments count: a refused notification booked nothing.
-- @section header
SELECT 'success' AS result,
       '' AS message,
       COALESCE((SELECT SUM(p.amount) FROM hisgw_payment p
                 WHERE p.state = 'booked' AND p.payed_time >= CAST(:checkDate AS date)
                   AND p.payed_time < DATE_ADD(CAST(:checkDate AS date), INTERVAL 1 DAY)), 0) AS totalCash,
       (SELECT COUNT(*) FROM hisgw_payment p
        WHERE p.state = 'booked' AND p.payed_time >= CAST(:checkDate AS date)
          AND p.payed_time < DATE_ADD(CAST(:checkDate AS date), INTERVAL 1 DAY)) AS totalCount,
       COALESCE((SELECT SUM(r.amount) FROM hisgw_refund r
                 WHERE r.refund_time >= CAST(:checkDate AS date)
                   AND r.refund_time < DATE_ADD(CAST(:checkDate AS date), INTERVAL 1 DAY)), 0) AS refundCash,
       (SELECT COUNT(*) FROM hisgw_refund r
        WHERE r.refund_time >= CAST(:checkDate AS date)
          AND r.refund_time < DATE_ADD(CAST(:checkDate AS date), INTERVAL 1 DAY)) AS refundCount;

-- @section detail
SELECT x.t AS transactionType,
       SUM(CASE WHEN x.channel = 0 THEN x.amount ELSE 0 END) AS totalCash,
       SUM(CASE WHEN x.channel = 0 THEN 1 ELSE 0 END) AS totalCount,
       SUM(CASE WHEN x.channel = 1 THEN x.amount ELSE 0 END) AS refundCash,
       SUM(CASE WHEN x.channel = 1 THEN 1 ELSE 0 END) AS refundCount
FROM (
    SELECT p.transaction_type AS t, 0 AS channel, p.amount
    FROM hisgw_payment p
    WHERE p.state = 'booked' AND p.payed_time >= CAST(:checkDate AS date)
      AND p.payed_time < DATE_ADD(CAST(:checkDate AS date), INTERVAL 1 DAY)
    UNION ALL
    SELECT r.transaction_type, 1, r.amount
    FROM hisgw_refund r
    WHERE r.refund_time >= CAST(:checkDate AS date)
      AND r.refund_time < DATE_ADD(CAST(:checkDate AS date), INTERVAL 1 DAY)
) AS x
GROUP BY x.t
ORDER BY x.t;
