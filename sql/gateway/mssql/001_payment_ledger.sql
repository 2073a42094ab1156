-- hisgw's own tables in the HIS database, version 1: the payment ledger.
-- Applied by `hisgw migrate --hospital ID`. Every step is guarded, so a run
-- interrupted half-way is simply run again. Never edit an applied
-- migration: add the next one.

IF OBJECT_ID(N'dbo.hisgw_schema', N'U') IS NULL
CREATE TABLE dbo.hisgw_schema (
    version      INT           NOT NULL CONSTRAINT pk_hisgw_schema PRIMARY KEY,
    description  NVARCHAR(200) NOT NULL,
    applied_at   DATETIME2(0)  NOT NULL
);
GO

-- One row per platform order (tradeNo). The row is inserted as 'pending'
-- and settled as 'booked' or 'refused' in the SAME transaction as the HIS
-- booking, so a committed row is always final. The primary key makes a
-- second claim of a tradeNo wait for the first transaction and then fail,
-- across every gateway process that shares this database.
IF OBJECT_ID(N'dbo.hisgw_payment', N'U') IS NULL
CREATE TABLE dbo.hisgw_payment (
    trade_no          NVARCHAR(64)   NOT NULL CONSTRAINT pk_hisgw_payment PRIMARY KEY,
    method            VARCHAR(40)    NOT NULL,
    transaction_type  VARCHAR(2)     NOT NULL,
    data_src          VARCHAR(30)    NOT NULL,
    order_ref         NVARCHAR(400)  NULL,
    amount            DECIMAL(18, 4) NOT NULL,
    patient           NVARCHAR(200)  NOT NULL,
    pay_type          NVARCHAR(40)   NULL,
    payed_time        DATETIME2(0)   NOT NULL,
    state             VARCHAR(10)    NOT NULL,
    result            NVARCHAR(40)   NULL,
    message           NVARCHAR(1000) NULL,
    is_refund         NVARCHAR(10)   NULL,
    invoice_no        NVARCHAR(100)  NULL,
    his_pay_id        NVARCHAR(100)  NULL,
    register_id       NVARCHAR(100)  NULL,
    his_order_number  NVARCHAR(40)   NULL,
    reply             NVARCHAR(MAX)  NULL,
    received_at       DATETIME2(3)   NOT NULL,
    settled_at        DATETIME2(3)   NULL
);
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_hisgw_payment_payed')
CREATE INDEX ix_hisgw_payment_payed ON dbo.hisgw_payment (payed_time);
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_hisgw_payment_order')
CREATE INDEX ix_hisgw_payment_order ON dbo.hisgw_payment (order_ref);
GO

-- Refunds the HIS made for booked payments (a cancellation that answered
-- hisRefundId), for 13.1/13.2.
IF OBJECT_ID(N'dbo.hisgw_refund', N'U') IS NULL
CREATE TABLE dbo.hisgw_refund (
    his_refund_id     NVARCHAR(100)  NOT NULL CONSTRAINT pk_hisgw_refund PRIMARY KEY,
    trade_no          NVARCHAR(64)   NOT NULL CONSTRAINT fk_hisgw_refund_payment REFERENCES dbo.hisgw_payment (trade_no),
    transaction_type  VARCHAR(2)     NOT NULL,
    amount            DECIMAL(18, 4) NOT NULL,
    refund_time       DATETIME2(0)   NOT NULL,
    source            VARCHAR(40)    NOT NULL
);
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_hisgw_refund_time')
CREATE INDEX ix_hisgw_refund_time ON dbo.hisgw_refund (refund_time);
GO

IF NOT EXISTS (SELECT 1 FROM dbo.hisgw_schema WHERE version = 1)
INSERT INTO dbo.hisgw_schema (version, description, applied_at)
VALUES (1, N'payment ledger', SYSDATETIME());
GO
