-- How a payment was made, in the HIS's words (pay_ledger.pay_way), from
-- the platform's payType; every payment method books it the same way.
-- (PostgreSQL: :payType is read as varchar, cast where it is first used.)
CASE
    WHEN CAST(:payType AS varchar) IS NULL THEN '互联网'
    WHEN lower(:payType) LIKE '%medpay%' THEN '医保'
    WHEN lower(:payType) LIKE '%wechat%' THEN '微信'
    WHEN lower(:payType) LIKE 'ali%' THEN '支付宝'
    WHEN lower(:payType) = 'unionpay' THEN '银联'
    WHEN lower(:payType) = 'ecardpay' THEN '一卡通'
    ELSE '互联网'
END
