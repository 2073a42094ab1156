-- 13.1 GetCheckLedgerInfo from hisgw's payment ledger (built in: used when
-- the hospital maps payments but has no GetCheckLedgerInfo.sql of its own).
-- Payments count on the day of their payedTime; refunds on the day the HIS
-- refunded. Only booked payments count: a refused notification booked nothing.
-- @section header
SELECT 'success' AS result,
       '' AS message,
       COALESCE((SELECT dec_sum(p.amount) FROM hisgw_payment p
                 WHERE p.state = 'booked' AND p.payed_time >= :checkDate
                   AND p.payed_time < date(:checkDate, '+1 day')), '0.00') AS totalCash,
       (SELECT count(*) FROM hisgw_payment p
        WHERE p.state = 'booked' AND p.payed_time >= :checkDate
          AND p.payed_time < date(:checkDate, '+1 day')) AS totalCount,
       COALESCE((SELECT dec_sum(r.amount) FROM hisgw_refund r
                 WHERE r.refund_time >= :checkDate
                   AND r.refund_time < date(:checkDate, '+1 day')), '0.00') AS refundCash,
       (SELECT count(*) FROM hisgw_refund r
        WHERE r.refund_time >= :checkDate
          AND r.refund_time < date(:checkDate, '+1 day')) AS refundCount;

-- @section detail
SELECT x.t AS transactionType,
       COALESCE(dec_sum(CASE WHEN x.channel = 0 THEN x.amount END), '0.00') AS totalCash,
       SUM(CASE WHEN x.channel = 0 THEN 1 ELSE 0 END) AS totalCount,
       COALESCE(dec_sum(CASE WHEN x.channel = 1 THEN x.amount END), '0.00') AS refundCash,
       SUM(CASE WHEN x.channel = 1 THEN 1 ELSE 0 END) AS refundCount
FROM (
    SELECT p.transaction_type AS t, 0 AS channel, p.amount
    FROM hisgw_payment p
    WHERE p.state = 'booked' AND p.payed_time >= :checkDate
      AND p.payed_time < date(:checkDate, '+1 day')
    UNION ALL
    SELECT r.transaction_type, 1, r.amount
    FROM hisgw_refund r
    WHERE r.refund_time >= :checkDate AND r.refund_time < date(:checkDate, '+1 day')
) AS x
GROUP BY x.t
ORDER BY x.t;
