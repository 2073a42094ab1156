-- hisgw's own tables, version 2: the outbox of calls to the platform (event
-- pushes and refunds) and the watermark of each event source. Every step
-- is guarded, so an interrupted run is simply run again.

-- One row per event or refund, delivered by whichever gateway process
-- claims it first (claimed_by/claimed_until: a lease). (data_type,
-- event_key) is unique: an event is enqueued once, and a HIS refund id
-- (refundApply's hisId) names one refund only.
CREATE TABLE IF NOT EXISTS hisgw_outbox (
    id               BIGINT         NOT NULL AUTO_INCREMENT,
    kind             VARCHAR(10)    NOT NULL,
    data_type        VARCHAR(40)    NOT NULL,
    event_key        VARCHAR(200)   NOT NULL,
    payload          MEDIUMTEXT     NOT NULL,
    state            VARCHAR(10)    NOT NULL,
    attempts         INT            NOT NULL DEFAULT 0,
    next_attempt_at  DATETIME(3)    NOT NULL,
    claimed_by       VARCHAR(100)   NULL,
    claimed_until    DATETIME(3)    NULL,
    last_result      VARCHAR(20)    NULL,
    last_message     VARCHAR(1000)  NULL,
    created_at       DATETIME(3)    NOT NULL,
    sent_at          DATETIME(3)    NULL,
    CONSTRAINT pk_hisgw_outbox PRIMARY KEY (id),
    CONSTRAINT ux_hisgw_outbox_event UNIQUE (data_type, event_key),
    INDEX ix_hisgw_outbox_due (state, next_attempt_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS hisgw_watermark (
    source      VARCHAR(40)   NOT NULL,
    value       VARCHAR(200)  NULL,
    updated_at  DATETIME(3)   NOT NULL,
    CONSTRAINT pk_hisgw_watermark PRIMARY KEY (source)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

INSERT IGNORE INTO hisgw_schema (version, description, applied_at)
VALUES (2, 'outbox and watermarks', NOW());
