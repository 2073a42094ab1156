-- hisgw's own tables in the HIS database, version 1: the payment ledger.
-- Applied by `hisgw migrate --hospital ID` (MySQL and its family). MySQL
-- commits each CREATE by itself: every step is guarded, so a run
-- interrupted half-way is simply run again. Never edit an applied
-- migration: add the next one.

CREATE TABLE IF NOT EXISTS hisgw_schema (
    version      INT           NOT NULL,
    description  VARCHAR(200)  NOT NULL,
    applied_at   DATETIME      NOT NULL,
    CONSTRAINT pk_hisgw_schema PRIMARY KEY (version)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- One row per platform order (tradeNo). The row is inserted as 'pending'
-- and settled as 'booked' or 'refused' in the SAME transaction as the HIS
-- booking, so a committed row is always final. The primary key makes a
-- second claim of a tradeNo wait for the first transaction and then fail,
-- across every gateway process that shares this database.
CREATE TABLE IF NOT EXISTS hisgw_payment (
    trade_no          VARCHAR(64)    NOT NULL,
    method            VARCHAR(40)    NOT NULL,
    transaction_type  VARCHAR(2)     NOT NULL,
    data_src          VARCHAR(30)    NOT NULL,
    order_ref         VARCHAR(400)   NULL,
    amount            DECIMAL(18, 4) NOT NULL,
    patient           VARCHAR(200)   NOT NULL,
    pay_type          VARCHAR(40)    NULL,
    payed_time        DATETIME       NOT NULL,
    state             VARCHAR(10)    NOT NULL,
    result            VARCHAR(40)    NULL,
    message           VARCHAR(1000)  NULL,
    is_refund         VARCHAR(10)    NULL,
    invoice_no        VARCHAR(100)   NULL,
    his_pay_id        VARCHAR(100)   NULL,
    register_id       VARCHAR(100)   NULL,
    his_order_number  VARCHAR(40)    NULL,
    reply             MEDIUMTEXT     NULL,
    received_at       DATETIME(3)    NOT NULL,
    settled_at        DATETIME(3)    NULL,
    CONSTRAINT pk_hisgw_payment PRIMARY KEY (trade_no),
    INDEX ix_hisgw_payment_payed (payed_time),
    INDEX ix_hisgw_payment_order (order_ref(191))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Refunds the HIS made for booked payments (a cancellation that answered
-- hisRefundId), for 13.1/13.2.
CREATE TABLE IF NOT EXISTS hisgw_refund (
    his_refund_id     VARCHAR(100)   NOT NULL,
    trade_no          VARCHAR(64)    NOT NULL,
    transaction_type  VARCHAR(2)     NOT NULL,
    amount            DECIMAL(18, 4) NOT NULL,
    refund_time       DATETIME       NOT NULL,
    source            VARCHAR(40)    NOT NULL,
    CONSTRAINT pk_hisgw_refund PRIMARY KEY (his_refund_id),
    CONSTRAINT fk_hisgw_refund_payment FOREIGN KEY (trade_no) REFERENCES hisgw_payment (trade_no),
    INDEX ix_hisgw_refund_time (refund_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

INSERT IGNORE INTO hisgw_schema (version, description, applied_at)
VALUES (1, 'payment ledger', NOW());
