//! Ledger: hisgw's own tables in each hospital's HIS database — the
//! payment ledger (`hisgw_payment`, `hisgw_refund`) and its schema version
//! (`hisgw_schema`) — with their migrations, the statements that read and
//! write them, and the built-in answers (13.1, 13.2, 15.2) read from them.
//!
//! The SQL lives in `sql/gateway/{sqlite,mssql}/` and is compiled into the
//! binary, so a deployed gateway needs no SQL files of its own. This module
//! must never decide whether a payment books: `payments` does; this module
//! only says how the ledger is written and read. Values reach SQL only as
//! bound parameters.

use rust_decimal::Decimal;

use crate::catalogue::LedgerAnswer;
use crate::execute::{Database, Dialect, ExecError, Param, ResultSet, Statement, Value};

/// One migration: its version and its script in each dialect.
struct Migration {
    version: u32,
    description: &'static str,
    sqlite: &'static str,
    mssql: &'static str,
    postgres: &'static str,
    mysql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "payment ledger",
        sqlite: include_str!("../../../sql/gateway/sqlite/001_payment_ledger.sql"),
        mssql: include_str!("../../../sql/gateway/mssql/001_payment_ledger.sql"),
        postgres: include_str!("../../../sql/gateway/postgres/001_payment_ledger.sql"),
        mysql: include_str!("../../../sql/gateway/mysql/001_payment_ledger.sql"),
    },
    Migration {
        version: 2,
        description: "outbox and watermarks",
        sqlite: include_str!("../../../sql/gateway/sqlite/002_outbox.sql"),
        mssql: include_str!("../../../sql/gateway/mssql/002_outbox.sql"),
        postgres: include_str!("../../../sql/gateway/postgres/002_outbox.sql"),
        mysql: include_str!("../../../sql/gateway/mysql/002_outbox.sql"),
    },
];

/// The schema version this gateway needs.
pub const LATEST: u32 = 2;

/// The ledger schema version of a database (0: no ledger yet).
pub async fn version(db: &Database, dialect: Dialect) -> Result<u32, ExecError> {
    let exists = match dialect {
        Dialect::Sqlite => {
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'hisgw_schema'"
        }
        Dialect::Mssql => {
            "SELECT CASE WHEN OBJECT_ID(N'dbo.hisgw_schema', N'U') IS NULL THEN 0 ELSE 1 END"
        }
        // The table as the search path finds it (the HIS's schema).
        Dialect::Postgres => {
            "SELECT CASE WHEN to_regclass('hisgw_schema') IS NULL THEN 0 ELSE 1 END"
        }
        Dialect::Mysql => {
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'hisgw_schema'"
        }
    };
    let sets = db.query(vec![Statement::new(exists, Vec::new())]).await?;
    if first_int(&sets) != Some(1) {
        return Ok(0);
    }
    let max = "SELECT COALESCE(MAX(version), 0) FROM hisgw_schema";
    let sets = db.query(vec![Statement::new(max, Vec::new())]).await?;
    Ok(first_int(&sets).unwrap_or(0).max(0) as u32)
}

fn first_int(sets: &[Vec<ResultSet>]) -> Option<i64> {
    match sets.first()?.first()?.rows.first()?.first()? {
        Value::Int(n) => Some(*n),
        Value::Decimal(d) => d.to_string().parse().ok(),
        Value::Text(t) => t.parse().ok(),
        _ => None,
    }
}

/// Applies every migration newer than the database's version, in order;
/// returns the versions applied (none when up to date).
pub async fn migrate(db: &Database, dialect: Dialect) -> Result<Vec<u32>, ExecError> {
    let current = version(db, dialect).await?;
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let script = match dialect {
            Dialect::Sqlite => m.sqlite,
            Dialect::Mssql => m.mssql,
            Dialect::Postgres => m.postgres,
            Dialect::Mysql => m.mysql,
        };
        db.run_script(script.to_string())
            .await
            .map_err(|e| ExecError::Script {
                script: format!("ledger migration {} ({})", m.version, m.description),
                message: e.to_string(),
            })?;
        applied.push(m.version);
    }
    Ok(applied)
}

/// A built-in answer from the ledger, in the mapping format.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// Where its SQL comes from, for messages.
    pub origin: &'static str,
    pub sql: &'static str,
    /// What it answers when the ledger has nothing.
    pub empty_message: Option<&'static str>,
}

/// The built-in answer of `answer` in `dialect`.
pub fn builtin_answer(answer: LedgerAnswer, dialect: Dialect) -> Builtin {
    macro_rules! sql {
        ($d:literal, $file:literal) => {
            (
                concat!("sql/gateway/", $d, "/answers/", $file, ".sql (built in)"),
                include_str!(concat!(
                    "../../../sql/gateway/",
                    $d,
                    "/answers/",
                    $file,
                    ".sql"
                )),
            )
        };
    }
    let (origin, sql) = match (dialect, answer) {
        (Dialect::Sqlite, LedgerAnswer::Totals) => sql!("sqlite", "ledger_totals"),
        (Dialect::Sqlite, LedgerAnswer::Details) => sql!("sqlite", "ledger_details"),
        (Dialect::Sqlite, LedgerAnswer::OrderStatus) => sql!("sqlite", "order_status"),
        (Dialect::Mssql, LedgerAnswer::Totals) => sql!("mssql", "ledger_totals"),
        (Dialect::Mssql, LedgerAnswer::Details) => sql!("mssql", "ledger_details"),
        (Dialect::Mssql, LedgerAnswer::OrderStatus) => sql!("mssql", "order_status"),
        (Dialect::Postgres, LedgerAnswer::Totals) => sql!("postgres", "ledger_totals"),
        (Dialect::Postgres, LedgerAnswer::Details) => sql!("postgres", "ledger_details"),
        (Dialect::Postgres, LedgerAnswer::OrderStatus) => sql!("postgres", "order_status"),
        (Dialect::Mysql, LedgerAnswer::Totals) => sql!("mysql", "ledger_totals"),
        (Dialect::Mysql, LedgerAnswer::Details) => sql!("mysql", "ledger_details"),
        (Dialect::Mysql, LedgerAnswer::OrderStatus) => sql!("mysql", "order_status"),
    };
    let empty_message = (answer == LedgerAnswer::OrderStatus)
        .then_some("未查询到该订单的记账记录 (no booking of this tradeNo)");
    Builtin {
        origin,
        sql,
        empty_message,
    }
}

/// What the ledger records of a payment notification when it claims it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub trade_no: String,
    pub method: &'static str,
    pub transaction_type: &'static str,
    pub data_src: &'static str,
    pub order_ref: Option<String>,
    pub amount: Decimal,
    pub patient: String,
    pub pay_type: Option<String>,
    /// `yyyy-MM-dd HH:mm:ss`.
    pub payed_time: String,
}

/// The final state of a claimed payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Booked,
    Refused,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Booked => "booked",
            State::Refused => "refused",
        }
    }
}

/// What the ledger records when a payment is settled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settlement {
    pub result: String,
    pub message: String,
    pub is_refund: Option<String>,
    pub invoice_no: Option<String>,
    pub his_pay_id: Option<String>,
    pub register_id: Option<String>,
    pub his_order_number: Option<String>,
    /// The stored reply (see `payments`), replayed to every retry.
    pub reply: String,
}

/// A settled payment as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub method: String,
    pub amount: Decimal,
    pub patient: String,
    pub state: String,
    pub reply: String,
}

fn text(value: Option<&str>) -> Param {
    // Optional values travel as '' and become NULL in SQL (NULLIF): every
    // parameter of a ledger statement is then a plain string.
    Param::Text(value.unwrap_or_default().to_string())
}

/// Inserts the 'pending' row that claims a tradeNo. A second claim of the
/// same tradeNo fails on the primary key (after waiting for the first).
pub fn claim(dialect: Dialect, c: &Claim) -> Statement {
    let sql = match dialect {
        Dialect::Sqlite => {
            "INSERT INTO hisgw_payment (trade_no, method, transaction_type, data_src, order_ref, amount, patient, pay_type, payed_time, state, received_at) \
             VALUES (?1, ?2, ?3, ?4, NULLIF(?5, ''), ?6, ?7, NULLIF(?8, ''), ?9, 'pending', datetime('now', 'localtime'))"
        }
        Dialect::Mssql => {
            "INSERT INTO dbo.hisgw_payment (trade_no, method, transaction_type, data_src, order_ref, amount, patient, pay_type, payed_time, state, received_at) \
             VALUES (@P1, @P2, @P3, @P4, NULLIF(@P5, N''), CAST(@P6 AS DECIMAL(18, 4)), @P7, NULLIF(@P8, N''), CAST(@P9 AS DATETIME2(0)), 'pending', SYSDATETIME())"
        }
        Dialect::Postgres => {
            "INSERT INTO hisgw_payment (trade_no, method, transaction_type, data_src, order_ref, amount, patient, pay_type, payed_time, state, received_at) \
             VALUES ($1, $2, $3, $4, NULLIF($5::text, ''), CAST($6::text AS numeric(18, 4)), $7, NULLIF($8::text, ''), CAST($9::text AS timestamp(0)), 'pending', LOCALTIMESTAMP(3))"
        }
        Dialect::Mysql => {
            "INSERT INTO hisgw_payment (trade_no, method, transaction_type, data_src, order_ref, amount, patient, pay_type, payed_time, state, received_at) \
             VALUES (?1, ?2, ?3, ?4, NULLIF(?5, ''), CAST(?6 AS DECIMAL(18, 4)), ?7, NULLIF(?8, ''), CAST(?9 AS DATETIME), 'pending', NOW(3))"
        }
    };
    Statement::new(
        sql,
        vec![
            text(Some(&c.trade_no)),
            text(Some(c.method)),
            text(Some(c.transaction_type)),
            text(Some(c.data_src)),
            text(c.order_ref.as_deref()),
            text(Some(&c.amount.to_string())),
            text(Some(&c.patient)),
            text(c.pay_type.as_deref()),
            text(Some(&c.payed_time)),
        ],
    )
}

/// Settles a claimed row as booked or refused, with the answer given.
pub fn settle(dialect: Dialect, trade_no: &str, state: State, s: &Settlement) -> Statement {
    let sql = match dialect {
        Dialect::Sqlite => {
            "UPDATE hisgw_payment SET state = ?2, result = ?3, message = NULLIF(?4, ''), is_refund = NULLIF(?5, ''), \
             invoice_no = NULLIF(?6, ''), his_pay_id = NULLIF(?7, ''), register_id = NULLIF(?8, ''), \
             his_order_number = NULLIF(?9, ''), reply = ?10, settled_at = datetime('now', 'localtime') \
             WHERE trade_no = ?1 AND state = 'pending'"
        }
        Dialect::Mssql => {
            "UPDATE dbo.hisgw_payment SET state = @P2, result = @P3, message = NULLIF(@P4, N''), is_refund = NULLIF(@P5, N''), \
             invoice_no = NULLIF(@P6, N''), his_pay_id = NULLIF(@P7, N''), register_id = NULLIF(@P8, N''), \
             his_order_number = NULLIF(@P9, N''), reply = @P10, settled_at = SYSDATETIME() \
             WHERE trade_no = @P1 AND state = 'pending'"
        }
        Dialect::Postgres => {
            "UPDATE hisgw_payment SET state = $2, result = $3, message = NULLIF($4::text, ''), is_refund = NULLIF($5::text, ''), \
             invoice_no = NULLIF($6::text, ''), his_pay_id = NULLIF($7::text, ''), register_id = NULLIF($8::text, ''), \
             his_order_number = NULLIF($9::text, ''), reply = $10, settled_at = LOCALTIMESTAMP(3) \
             WHERE trade_no = $1 AND state = 'pending'"
        }
        Dialect::Mysql => {
            "UPDATE hisgw_payment SET state = ?2, result = ?3, message = NULLIF(?4, ''), is_refund = NULLIF(?5, ''), \
             invoice_no = NULLIF(?6, ''), his_pay_id = NULLIF(?7, ''), register_id = NULLIF(?8, ''), \
             his_order_number = NULLIF(?9, ''), reply = ?10, settled_at = NOW(3) \
             WHERE trade_no = ?1 AND state = 'pending'"
        }
    };
    Statement::new(
        sql,
        vec![
            text(Some(trade_no)),
            text(Some(state.as_str())),
            text(Some(&s.result)),
            text(Some(&s.message)),
            text(s.is_refund.as_deref()),
            text(s.invoice_no.as_deref()),
            text(s.his_pay_id.as_deref()),
            text(s.register_id.as_deref()),
            text(s.his_order_number.as_deref()),
            text(Some(&s.reply)),
        ],
    )
}

/// hisgw's tables whose rows have a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatedTable {
    /// `hisgw_payment`: pending, booked, refused.
    Payments,
    /// `hisgw_outbox`: see `outbound::outbox::State`.
    Outbox,
}

/// How many rows of `table` are in each state (for `/metrics`).
pub async fn count_by_state(
    db: &Database,
    table: StatedTable,
) -> Result<Vec<(String, i64)>, ExecError> {
    let sql = match table {
        StatedTable::Payments => "SELECT state, COUNT(*) FROM hisgw_payment GROUP BY state",
        StatedTable::Outbox => "SELECT state, COUNT(*) FROM hisgw_outbox GROUP BY state",
    };
    let sets = db.query(vec![Statement::new(sql, Vec::new())]).await?;
    Ok(sets
        .iter()
        .flatten()
        .flat_map(|s| s.rows.iter())
        .map(|r| (r[0].text(), r[1].int()))
        .collect())
}

/// One day's payments by state: (state, count, amount) rows, for the
/// console's overview. `day` is `yyyy-MM-dd`; payments count on the day of
/// their payedTime, as in 13.1.
pub fn day_payments(dialect: Dialect, day: chrono::NaiveDate) -> Statement {
    let sql = match dialect {
        Dialect::Sqlite => {
            "SELECT state, COUNT(*), COALESCE(dec_sum(amount), '0') FROM hisgw_payment \
             WHERE payed_time >= ?1 AND payed_time < ?2 GROUP BY state ORDER BY state"
        }
        Dialect::Mssql => {
            "SELECT state, COUNT(*), COALESCE(SUM(amount), 0) FROM dbo.hisgw_payment \
             WHERE payed_time >= CAST(@P1 AS DATETIME2(0)) AND payed_time < CAST(@P2 AS DATETIME2(0)) \
             GROUP BY state ORDER BY state"
        }
        Dialect::Postgres => {
            "SELECT state, COUNT(*), COALESCE(SUM(amount), 0) FROM hisgw_payment \
             WHERE payed_time >= CAST($1::text AS timestamp) AND payed_time < CAST($2::text AS timestamp) \
             GROUP BY state ORDER BY state"
        }
        Dialect::Mysql => {
            "SELECT state, COUNT(*), COALESCE(SUM(amount), 0) FROM hisgw_payment \
             WHERE payed_time >= CAST(?1 AS DATETIME) AND payed_time < CAST(?2 AS DATETIME) \
             GROUP BY state ORDER BY state"
        }
    };
    Statement::new(sql, day_bounds(day))
}

/// One day's payments, newest first (at most 500): trade_no, method,
/// transaction_type, amount, patient, state, result, message, payed_time.
pub fn day_payment_list(dialect: Dialect, day: chrono::NaiveDate) -> Statement {
    let sql = match dialect {
        Dialect::Sqlite => {
            "SELECT trade_no, method, transaction_type, amount, patient, state, result, message, payed_time \
             FROM hisgw_payment WHERE payed_time >= ?1 AND payed_time < ?2 ORDER BY payed_time DESC, trade_no LIMIT 500"
        }
        Dialect::Mssql => {
            "SELECT TOP (500) trade_no, method, transaction_type, amount, patient, state, result, message, payed_time \
             FROM dbo.hisgw_payment WHERE payed_time >= CAST(@P1 AS DATETIME2(0)) AND payed_time < CAST(@P2 AS DATETIME2(0)) \
             ORDER BY payed_time DESC, trade_no"
        }
        Dialect::Postgres => {
            "SELECT trade_no, method, transaction_type, amount, patient, state, result, message, payed_time \
             FROM hisgw_payment WHERE payed_time >= CAST($1::text AS timestamp) AND payed_time < CAST($2::text AS timestamp) \
             ORDER BY payed_time DESC, trade_no LIMIT 500"
        }
        Dialect::Mysql => {
            "SELECT trade_no, method, transaction_type, amount, patient, state, result, message, payed_time \
             FROM hisgw_payment WHERE payed_time >= CAST(?1 AS DATETIME) AND payed_time < CAST(?2 AS DATETIME) \
             ORDER BY payed_time DESC, trade_no LIMIT 500"
        }
    };
    Statement::new(sql, day_bounds(day))
}

/// One day's refunds: one row (count, amount), by the day the HIS refunded.
pub fn day_refunds(dialect: Dialect, day: chrono::NaiveDate) -> Statement {
    let sql = match dialect {
        Dialect::Sqlite => {
            "SELECT COUNT(*), COALESCE(dec_sum(amount), '0') FROM hisgw_refund \
             WHERE refund_time >= ?1 AND refund_time < ?2"
        }
        Dialect::Mssql => {
            "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM dbo.hisgw_refund \
             WHERE refund_time >= CAST(@P1 AS DATETIME2(0)) AND refund_time < CAST(@P2 AS DATETIME2(0))"
        }
        Dialect::Postgres => {
            "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM hisgw_refund \
             WHERE refund_time >= CAST($1::text AS timestamp) AND refund_time < CAST($2::text AS timestamp)"
        }
        Dialect::Mysql => {
            "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM hisgw_refund \
             WHERE refund_time >= CAST(?1 AS DATETIME) AND refund_time < CAST(?2 AS DATETIME)"
        }
    };
    Statement::new(sql, day_bounds(day))
}

fn day_bounds(day: chrono::NaiveDate) -> Vec<Param> {
    let next = day.succ_opt().unwrap_or(day);
    vec![
        Param::Text(format!("{} 00:00:00", day.format("%Y-%m-%d"))),
        Param::Text(format!("{} 00:00:00", next.format("%Y-%m-%d"))),
    ]
}

/// Reads the settled row of a tradeNo (a 'pending' row is never committed).
pub fn lookup(dialect: Dialect, trade_no: &str) -> Statement {
    let sql = match dialect {
        Dialect::Sqlite => {
            "SELECT method, amount, patient, state, reply FROM hisgw_payment WHERE trade_no = ?1 AND state <> 'pending'"
        }
        Dialect::Mssql => {
            "SELECT method, amount, patient, state, reply FROM dbo.hisgw_payment WHERE trade_no = @P1 AND state <> 'pending'"
        }
        Dialect::Postgres => {
            "SELECT method, amount, patient, state, reply FROM hisgw_payment WHERE trade_no = $1 AND state <> 'pending'"
        }
        Dialect::Mysql => {
            "SELECT method, amount, patient, state, reply FROM hisgw_payment WHERE trade_no = ?1 AND state <> 'pending'"
        }
    };
    Statement::new(sql, vec![text(Some(trade_no))])
}

/// Reads the result of `lookup`.
pub fn entry(sets: &[Vec<ResultSet>]) -> Option<Entry> {
    let set = sets.first()?.first()?;
    let row = set.rows.first()?;
    let get = |i: usize| match row.get(i)? {
        Value::Text(t) => Some(t.clone()),
        Value::Decimal(d) => Some(d.to_string()),
        Value::Int(n) => Some(n.to_string()),
        _ => None,
    };
    Some(Entry {
        method: get(0)?,
        amount: crate::money::parse_decimal(&get(1)?)?,
        patient: get(2)?,
        state: get(3)?,
        reply: get(4).unwrap_or_default(),
    })
}

/// Records the refund of the booked payment of `payment` whose order was
/// `order_ref`, when a cancellation answered `his_refund_id`. Nothing is
/// inserted when no booked payment matches or the refund is known already.
pub fn refund(
    dialect: Dialect,
    his_refund_id: &str,
    payment: &str,
    order_ref: &str,
    source: &str,
) -> Statement {
    let sql = match dialect {
        Dialect::Sqlite => {
            "INSERT INTO hisgw_refund (his_refund_id, trade_no, transaction_type, amount, refund_time, source) \
             SELECT ?1, p.trade_no, p.transaction_type, p.amount, datetime('now', 'localtime'), ?4 \
             FROM hisgw_payment p \
             WHERE p.method = ?2 AND p.order_ref = ?3 AND p.state = 'booked' \
               AND NOT EXISTS (SELECT 1 FROM hisgw_refund r WHERE r.his_refund_id = ?1)"
        }
        Dialect::Mssql => {
            "INSERT INTO dbo.hisgw_refund (his_refund_id, trade_no, transaction_type, amount, refund_time, source) \
             SELECT @P1, p.trade_no, p.transaction_type, p.amount, SYSDATETIME(), @P4 \
             FROM dbo.hisgw_payment p \
             WHERE p.method = @P2 AND p.order_ref = @P3 AND p.state = 'booked' \
               AND NOT EXISTS (SELECT 1 FROM dbo.hisgw_refund r WHERE r.his_refund_id = @P1)"
        }
        Dialect::Postgres => {
            "INSERT INTO hisgw_refund (his_refund_id, trade_no, transaction_type, amount, refund_time, source) \
             SELECT $1::text, p.trade_no, p.transaction_type, p.amount, LOCALTIMESTAMP(0), $4::text \
             FROM hisgw_payment p \
             WHERE p.method = $2::text AND p.order_ref = $3::text AND p.state = 'booked' \
               AND NOT EXISTS (SELECT 1 FROM hisgw_refund r WHERE r.his_refund_id = $1::text)"
        }
        Dialect::Mysql => {
            "INSERT INTO hisgw_refund (his_refund_id, trade_no, transaction_type, amount, refund_time, source) \
             SELECT ?1, p.trade_no, p.transaction_type, p.amount, NOW(), ?4 \
             FROM hisgw_payment p \
             WHERE p.method = ?2 AND p.order_ref = ?3 AND p.state = 'booked' \
               AND NOT EXISTS (SELECT 1 FROM hisgw_refund r WHERE r.his_refund_id = ?1)"
        }
    };
    Statement::new(
        sql,
        vec![
            text(Some(his_refund_id)),
            text(Some(payment)),
            text(Some(order_ref)),
            text(Some(source)),
        ],
    )
}

/// Records a refund the platform confirmed (14.1 refundApply answered
/// SUCCESS) against the booked payment of `trade_no`, on the day it
/// succeeded, so the built-in 13.1/13.2 and `hisgw reconcile` count it.
/// Nothing is inserted when the payment is not in the ledger (paid before
/// hisgw served it) or the refund id is known already (a cancellation that
/// refunded under the same HIS refund id recorded it then).
pub fn confirmed_refund(
    dialect: Dialect,
    his_refund_id: &str,
    trade_no: &str,
    amount: Decimal,
) -> Statement {
    let sql = match dialect {
        Dialect::Sqlite => {
            "INSERT INTO hisgw_refund (his_refund_id, trade_no, transaction_type, amount, refund_time, source) \
             SELECT ?1, p.trade_no, p.transaction_type, ?3, datetime('now', 'localtime'), ?4 \
             FROM hisgw_payment p \
             WHERE p.trade_no = ?2 AND p.state = 'booked' \
               AND NOT EXISTS (SELECT 1 FROM hisgw_refund r WHERE r.his_refund_id = ?1)"
        }
        Dialect::Mssql => {
            "INSERT INTO dbo.hisgw_refund (his_refund_id, trade_no, transaction_type, amount, refund_time, source) \
             SELECT @P1, p.trade_no, p.transaction_type, @P3, SYSDATETIME(), @P4 \
             FROM dbo.hisgw_payment p \
             WHERE p.trade_no = @P2 AND p.state = 'booked' \
               AND NOT EXISTS (SELECT 1 FROM dbo.hisgw_refund r WHERE r.his_refund_id = @P1)"
        }
        Dialect::Postgres => {
            "INSERT INTO hisgw_refund (his_refund_id, trade_no, transaction_type, amount, refund_time, source) \
             SELECT $1::text, p.trade_no, p.transaction_type, CAST($3::text AS numeric(18, 4)), LOCALTIMESTAMP(0), $4::text \
             FROM hisgw_payment p \
             WHERE p.trade_no = $2::text AND p.state = 'booked' \
               AND NOT EXISTS (SELECT 1 FROM hisgw_refund r WHERE r.his_refund_id = $1::text)"
        }
        Dialect::Mysql => {
            "INSERT INTO hisgw_refund (his_refund_id, trade_no, transaction_type, amount, refund_time, source) \
             SELECT ?1, p.trade_no, p.transaction_type, CAST(?3 AS DECIMAL(18, 4)), NOW(), ?4 \
             FROM hisgw_payment p \
             WHERE p.trade_no = ?2 AND p.state = 'booked' \
               AND NOT EXISTS (SELECT 1 FROM hisgw_refund r WHERE r.his_refund_id = ?1)"
        }
    };
    Statement::new(
        sql,
        vec![
            text(Some(his_refund_id)),
            text(Some(trade_no)),
            text(Some(&crate::money::format_money(amount))),
            text(Some(crate::catalogue::REFUND_APPLY.name)),
        ],
    )
}

/// The booked amount of `trade_no` and what the ledger has refunded of it
/// so far; no row when the payment is not in the ledger.
pub fn refundable(dialect: Dialect, trade_no: &str) -> Statement {
    let sql = match dialect {
        Dialect::Sqlite => {
            "SELECT p.amount, \
                    COALESCE((SELECT dec_sum(r.amount) FROM hisgw_refund r WHERE r.trade_no = p.trade_no), '0') \
             FROM hisgw_payment p WHERE p.trade_no = ?1 AND p.state = 'booked'"
        }
        Dialect::Mssql => {
            "SELECT p.amount, \
                    COALESCE((SELECT SUM(r.amount) FROM dbo.hisgw_refund r WHERE r.trade_no = p.trade_no), 0) \
             FROM dbo.hisgw_payment p WHERE p.trade_no = @P1 AND p.state = 'booked'"
        }
        Dialect::Postgres => {
            "SELECT p.amount, \
                    COALESCE((SELECT SUM(r.amount) FROM hisgw_refund r WHERE r.trade_no = p.trade_no), 0) \
             FROM hisgw_payment p WHERE p.trade_no = $1 AND p.state = 'booked'"
        }
        Dialect::Mysql => {
            "SELECT p.amount, \
                    COALESCE((SELECT SUM(r.amount) FROM hisgw_refund r WHERE r.trade_no = p.trade_no), 0) \
             FROM hisgw_payment p WHERE p.trade_no = ?1 AND p.state = 'booked'"
        }
    };
    Statement::new(sql, vec![text(Some(trade_no))])
}

/// Reads the result of `refundable`: (booked, refunded).
pub fn refundable_amounts(sets: &[Vec<ResultSet>]) -> Option<(Decimal, Decimal)> {
    let row = sets.first()?.first()?.rows.first()?;
    let amount = |v: &Value| match v {
        Value::Decimal(d) => Some(*d),
        Value::Int(n) => Some(Decimal::from(*n)),
        Value::Text(t) => crate::money::parse_decimal(t),
        _ => None,
    };
    Some((amount(row.first()?)?, amount(row.get(1)?)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execute::sqlite::{SqliteDatabase, SqliteOptions};
    use crate::execute::{Decision, Ending, Settle, WriteTx};
    use std::time::Duration;

    fn open(dir: &std::path::Path) -> Database {
        Database::Sqlite(
            SqliteDatabase::open(&SqliteOptions {
                path: dir.join("ledger.sqlite"),
                pool_size: 2,
                init_scripts: Vec::new(),
                start_scripts: Vec::new(),
                checkout_timeout: Duration::from_secs(5),
                query_timeout: Duration::from_secs(5),
            })
            .unwrap(),
        )
    }

    fn claim_of(trade_no: &str) -> Claim {
        Claim {
            trade_no: trade_no.into(),
            method: "prePayExpense",
            transaction_type: "3",
            data_src: "prepaySrc",
            order_ref: None,
            amount: Decimal::new(20000, 2),
            patient: "12345678".into(),
            pay_type: Some("weChat".into()),
            payed_time: "2026-11-26 10:00:00".into(),
        }
    }

    #[tokio::test]
    async fn migrations_apply_once_and_report_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        assert_eq!(version(&db, Dialect::Sqlite).await.unwrap(), 0);
        assert_eq!(migrate(&db, Dialect::Sqlite).await.unwrap(), vec![1, 2]);
        assert_eq!(version(&db, Dialect::Sqlite).await.unwrap(), LATEST);
        assert!(migrate(&db, Dialect::Sqlite).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_claim_settles_in_its_transaction_and_a_second_claim_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        migrate(&db, Dialect::Sqlite).await.unwrap();
        let booked = Settlement {
            result: "success".into(),
            reply: "{}".into(),
            invoice_no: Some("ZY1".into()),
            ..Settlement::default()
        };
        let tx = |settle: Settle| WriteTx {
            claim: Some((claim(Dialect::Sqlite, &claim_of("EH1")), "taken")),
            work: Vec::new(),
            decide: Box::new(move |_| Decision { settle, answer: () }),
        };
        // Rolled back: no trace, the tradeNo can still be claimed.
        let out = db.write(tx(Settle::Abort)).await.unwrap().unwrap();
        assert_eq!(out.ending, Ending::RolledBack);
        let found = db
            .query(vec![lookup(Dialect::Sqlite, "EH1")])
            .await
            .unwrap();
        assert_eq!(entry(&found), None);

        let settle = settle(Dialect::Sqlite, "EH1", State::Booked, &booked);
        let out = db
            .write(tx(Settle::Commit(vec![settle])))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(out.ending, Ending::Committed);
        let out = db.write(tx(Settle::Abort)).await.unwrap();
        assert!(matches!(out, Err("taken")));
        let found = db
            .query(vec![lookup(Dialect::Sqlite, "EH1")])
            .await
            .unwrap();
        let entry = entry(&found).unwrap();
        assert_eq!(entry.state, "booked");
        assert_eq!(entry.amount, Decimal::new(200, 0));
        assert_eq!(
            count_by_state(&db, StatedTable::Payments).await.unwrap(),
            [("booked".into(), 1)]
        );
    }
}
