-- hisgw's own tables in the HIS database, version 1: the payment ledger.
-- Applied by `hisgw migrate --hospital ID` (PostgreSQL and its family), in
-- one transaction. Every step is guarded, so a run is simply run again.
-- Never edit an applied migration: add the next one.

CREATE TABLE IF NOT EXISTS hisgw_schema (
    version      integer       NOT NULL CONSTRAINT pk_hisgw_schema PRIMARY KEY,
    description  varchar(200)  NOT NULL,
    applied_at   timestamp(0)  NOT NULL
);

-- One row per platform order (tradeNo). The row is inserted as 'pending'
-- and settled as 'booked' or 'refused' in the SAME transaction as the HIS
-- booking, so a committed row is always final. The primary key makes a
-- second claim of a tradeNo wait for the first transaction and then fail,
-- across every gateway process that shares this database.
CREATE TABLE IF NOT EXISTS hisgw_payment (
    trade_no          varchar(64)    NOT NULL CONSTRAINT pk_hisgw_payment PRIMARY KEY,
    method            varchar(40)    NOT NULL,
    transaction_type  varchar(2)     NOT NULL,
    data_src          varchar(30)    NOT NULL,
    order_ref         varchar(400)   NULL,
    amount            numeric(18, 4) NOT NULL,
    patient           varchar(200)   NOT NULL,
    pay_type          varchar(40)    NULL,
    payed_time        timestamp(0)   NOT NULL,
    state             varchar(10)    NOT NULL,
    result            varchar(40)    NULL,
    message           varchar(1000)  NULL,
    is_refund         varchar(10)    NULL,
    invoice_no        varchar(100)   NULL,
    his_pay_id        varchar(100)   NULL,
    register_id       varchar(100)   NULL,
    his_order_number  varchar(40)    NULL,
    reply             text           NULL,
    received_at       timestamp(3)   NOT NULL,
    settled_at        timestamp(3)   NULL
);

CREATE INDEX IF NOT EXISTS ix_hisgw_payment_payed ON hisgw_payment (payed_time);
CREATE INDEX IF NOT EXISTS ix_hisgw_payment_order ON hisgw_payment (order_ref);

-- Refunds the HIS made for booked payments (a cancellation that answered
-- hisRefundId), for 13.1/13.2.
CREATE TABLE IF NOT EXISTS hisgw_refund (
    his_refund_id     varchar(100)   NOT NULL CONSTRAINT pk_hisgw_refund PRIMARY KEY,
    trade_no          varchar(64)    NOT NULL CONSTRAINT fk_hisgw_refund_payment REFERENCES hisgw_payment (trade_no),
    transaction_type  varchar(2)     NOT NULL,
    amount            numeric(18, 4) NOT NULL,
    refund_time       timestamp(0)   NOT NULL,
    source            varchar(40)    NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_hisgw_refund_time ON hisgw_refund (refund_time);

INSERT INTO hisgw_schema (version, description, applied_at)
VALUES (1, 'payment ledger', LOCALTIMESTAMP(0))
ON CONFLICT (version) DO NOTHING;
