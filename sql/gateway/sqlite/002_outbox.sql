-- hisgw's own tables, version 2: the outbox of calls to the platform (event
-- pushes and refunds) and the watermark of each event source.

-- One row per event or refund, delivered by whichever gateway process
-- claims it first (claimed_by/claimed_until: a lease, renewed by nobody, so
-- a process that dies mid-send leaves the row to the next claim).
-- (data_type, event_key) is unique: an event is enqueued once, and a HIS
-- refund id (refundApply's hisId) names one refund only.
CREATE TABLE IF NOT EXISTS hisgw_outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT NOT NULL,           -- push | refund
    data_type        TEXT NOT NULL,           -- a pushHisData dataType, pushStopSchedule, refundApply
    event_key        TEXT NOT NULL,           -- the source's event id; refunds: hisId
    payload          TEXT NOT NULL,           -- JSON [[field, value], ...] as sent
    state            TEXT NOT NULL,           -- pending | sent | failed | dead | dropped
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    claimed_by       TEXT,
    claimed_until    TEXT,
    last_result      TEXT,                    -- SUCCESS | ERROR | UNKNOWN | transport
    last_message     TEXT,                    -- the platform's message (refunds: the refund number)
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    UNIQUE (data_type, event_key)
);
CREATE INDEX IF NOT EXISTS ix_hisgw_outbox_due ON hisgw_outbox (state, next_attempt_at);

CREATE TABLE IF NOT EXISTS hisgw_watermark (
    source      TEXT PRIMARY KEY,             -- the dataType
    value       TEXT,                         -- the last watermark enqueued
    updated_at  TEXT NOT NULL
);

INSERT OR IGNORE INTO hisgw_schema (version, description, applied_at)
VALUES (2, 'outbox and watermarks', datetime('now', 'localtime'));
