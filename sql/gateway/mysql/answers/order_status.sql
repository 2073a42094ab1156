-- 15.2 queryOrderStatus from hisgw's payment ledger (built in: used when
-- the hospital maps payments but has no queryOrderStatus.sql of its own).
-- success only for a booked payment of the dataSrc asked about; a refused
-- notification answers its refusal; an unknown tradeNo answers the
-- method's empty message.
-- @section header
SELECT CASE WHEN p.state = 'booked' AND p.data_src = :dataSrc THEN 'success' ELSE 'error' END AS result,
       CASE WHEN p.state = 'booked' AND p.data_src = :dataSrc THEN ''
            WHEN p.state = 'booked' THEN CONCAT('该订单不是', :dataSrc, '订单 (booked as ', p.data_src, ')')
            ELSE CONCAT('该订单未记账：', COALESCE(p.message, '')) END AS message,
       p.invoice_no AS invoiceNo,
       p.his_pay_id AS hisPayId,
       p.register_id AS registerId,
       CASE WHEN p.his_order_number REGEXP '^[0-9]{1,9}$' THEN CAST(p.his_order_number AS SIGNED) END AS his_ordernumber
FROM hisgw_payment p
WHERE p.trade_no = :tradeNo AND p.state IN ('booked', 'refused');
