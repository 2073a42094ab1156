-- hisgw's own tables, version 2: the outbox of calls to the platform (event
-- pushes and refunds) and the watermark of each event source. Every step is
-- guarded, so an interrupted run is simply run again.

-- One row per event or refund, delivered by whichever gateway process
-- claims it first (claimed_by/claimed_until: a lease). (data_type,
-- event_key) is unique: an event is enqueued once, and a HIS refund id
-- (refundApply's hisId) names one refund only.
IF OBJECT_ID(N'dbo.hisgw_outbox', N'U') IS NULL
CREATE TABLE dbo.hisgw_outbox (
    id               BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_hisgw_outbox PRIMARY KEY,
    kind             VARCHAR(10)    NOT NULL,
    data_type        VARCHAR(40)    NOT NULL,
    event_key        NVARCHAR(200)  NOT NULL,
    payload          NVARCHAR(MAX)  NOT NULL,
    state            VARCHAR(10)    NOT NULL,
    attempts         INT            NOT NULL CONSTRAINT df_hisgw_outbox_attempts DEFAULT 0,
    next_attempt_at  DATETIME2(3)   NOT NULL,
    claimed_by       VARCHAR(100)   NULL,
    claimed_until    DATETIME2(3)   NULL,
    last_result      VARCHAR(20)    NULL,
    last_message     NVARCHAR(1000) NULL,
    created_at       DATETIME2(3)   NOT NULL,
    sent_at          DATETIME2(3)   NULL,
    CONSTRAINT ux_hisgw_outbox_event UNIQUE (data_type, event_key)
);
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'ix_hisgw_outbox_due')
CREATE INDEX ix_hisgw_outbox_due ON dbo.hisgw_outbox (state, next_attempt_at);
GO

IF OBJECT_ID(N'dbo.hisgw_watermark', N'U') IS NULL
CREATE TABLE dbo.hisgw_watermark (
    source      VARCHAR(40)   NOT NULL CONSTRAINT pk_hisgw_watermark PRIMARY KEY,
    value       NVARCHAR(200) NULL,
    updated_at  DATETIME2(3)  NOT NULL
);
GO

IF NOT EXISTS (SELECT 1 FROM dbo.hisgw_schema WHERE version = 2)
INSERT INTO dbo.hisgw_schema (version, description, applied_at)
VALUES (2, N'outbox and watermarks', SYSDATETIME());
GO
