-- hisgw's own tables in the HIS database, version 1: the payment ledger.
-- Applied by `hisgw migrate` (and automatically for SQLite databases, which
-- the gateway owns). Never edit an applied migration: add the next one.

CREATE TABLE IF NOT EXISTS hisgw_schema (
    version      INTEGER PRIMARY KEY,
    description  TEXT NOT NULL,
    applied_at   TEXT NOT NULL
);

-- One row per platform order (tradeNo). The row is inserted as 'pending'
-- and settled as 'booked' or 'refused' in the SAME transaction as the HIS
-- booking, so a committed row is always final and 'pending' is never seen
-- by anyone else. The primary key is what makes a tradeNo book once, across
-- every gateway process that shares this database.
CREATE TABLE IF NOT EXISTS hisgw_payment (
    trade_no          TEXT PRIMARY KEY,     -- tradeNo
    method            TEXT NOT NULL,        -- subscriptionPay, payRegister, ...
    transaction_type  TEXT NOT NULL,        -- 13.1: 1 挂号 2 门诊缴费 3 住院预交 4 一卡通充值
    data_src          TEXT NOT NULL,        -- 15.2 dataSrc
    order_ref         TEXT,                 -- the HIS order paid for (subscriptionId, registerId, prescriptionNo)
    amount            TEXT NOT NULL,        -- exact decimal, yuan
    patient           TEXT NOT NULL,        -- the patient fields a retry must repeat
    pay_type          TEXT,
    payed_time        TEXT NOT NULL,        -- payedTime: the booking time reconciliation uses
    state             TEXT NOT NULL,        -- pending | booked | refused
    result            TEXT,
    message           TEXT,
    is_refund         TEXT,
    invoice_no        TEXT,
    his_pay_id        TEXT,                 -- serialNo, else invoiceNo
    register_id       TEXT,
    his_order_number  TEXT,
    reply             TEXT,                 -- the answer given, replayed to every retry
    received_at       TEXT NOT NULL,
    settled_at        TEXT
);
CREATE INDEX IF NOT EXISTS ix_hisgw_payment_payed ON hisgw_payment (payed_time);
CREATE INDEX IF NOT EXISTS ix_hisgw_payment_order ON hisgw_payment (order_ref);

-- Refunds the HIS made for booked payments (a cancellation that answered
-- hisRefundId), for 13.1/13.2.
CREATE TABLE IF NOT EXISTS hisgw_refund (
    his_refund_id     TEXT PRIMARY KEY,
    trade_no          TEXT NOT NULL REFERENCES hisgw_payment (trade_no),
    transaction_type  TEXT NOT NULL,
    amount            TEXT NOT NULL,
    refund_time       TEXT NOT NULL,
    source            TEXT NOT NULL         -- the method that refunded
);
CREATE INDEX IF NOT EXISTS ix_hisgw_refund_time ON hisgw_refund (refund_time);

INSERT OR IGNORE INTO hisgw_schema (version, description, applied_at)
VALUES (1, 'payment ledger', datetime('now', 'localtime'));
