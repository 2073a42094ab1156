-- How a payment was made, in the HIS's words (pay_ledger.pay_way), from
-- the platform's payType; every payment method books it the same way.
CASE
    WHEN :payType IS NULL THEN N'互联网'
    WHEN LOWER(:payType) LIKE N'%medpay%' THEN N'医保'
    WHEN LOWER(:payType) LIKE N'%wechat%' THEN N'微信'
    WHEN LOWER(:payType) LIKE N'ali%' THEN N'支付宝'
    WHEN LOWER(:payType) = N'unionpay' THEN N'银联'
    WHEN LOWER(:payType) = N'ecardpay' THEN N'一卡通'
    ELSE N'互联网'
END
