-- 13.2 GetChecLedgerDetail from hisgw's payment ledger (built in: used when
-- the hospital maps payments but has no GetChecLedgerDetail.sql of its own).
-- channel 0: booked payments by payedTime; channel 1: refunds by refund time.
-- @section content
SELECT x.transactionType, x.hisPayId, x.tradeNo, x.hisRefundId, x.channel, x.amount
FROM (
    SELECT p.transaction_type AS transactionType, p.his_pay_id AS hisPayId, p.trade_no AS tradeNo,
           CAST(NULL AS CHAR(100)) AS hisRefundId, '0' AS channel, p.amount AS amount
    FROM hisgw_payment p
    WHERE p.state = 'booked'
      AND p.payed_time >= CAST(:checkDate AS date)
      AND p.payed_time < DATE_ADD(CAST(:checkDate AS date), INTERVAL 1 DAY)
      AND (:transactionType IS NULL OR p.transaction_type = :transactionType)
    UNION ALL
    SELECT r.transaction_type, p.his_pay_id, r.trade_no, r.his_refund_id, '1', r.amount
    FROM hisgw_refund r
    LEFT JOIN hisgw_payment p ON p.trade_no = r.trade_no
    WHERE r.refund_time >= CAST(:checkDate AS date)
      AND r.refund_time < DATE_ADD(CAST(:checkDate AS date), INTERVAL 1 DAY)
      AND (:transactionType IS NULL OR r.transaction_type = :transactionType)
) AS x
ORDER BY x.channel, x.tradeNo;
