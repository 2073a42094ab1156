//! The outbox: hisgw's table of calls to the platform (event pushes and
//! refunds) in the hospital's database, with the statements that enqueue,
//! claim, settle and manage them. A row is claimed with a lease by one
//! UPDATE whose conditions are checked again on the row itself, so two
//! gateway processes never hold the same row; a process that dies leaves
//! its claim to expire.

use chrono::{Duration as Span, Local, NaiveDateTime};

use crate::execute::{Dialect, Param, ResultSet, Statement, Value};

/// Times are local, as the HIS's (millisecond text sorts as time in SQLite).
pub fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

pub fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
}

pub fn later(t: NaiveDateTime, seconds: i64) -> NaiveDateTime {
    t + Span::seconds(seconds)
}

fn text(v: &str) -> Param {
    Param::Text(v.to_string())
}

fn pick(dialect: Dialect, sqlite: &'static str, mssql: &'static str) -> &'static str {
    match dialect {
        Dialect::Sqlite => sqlite,
        Dialect::Mssql => mssql,
    }
}

/// One outbox row as claimed.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: i64,
    pub kind: String,
    pub data_type: String,
    pub event_key: String,
    pub payload: Vec<(String, String)>,
    pub attempts: i64,
}

/// One outbox row as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: i64,
    pub kind: String,
    pub data_type: String,
    pub event_key: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_result: String,
    pub last_message: String,
    pub payload: String,
}

pub fn payload_json(fields: &[(String, String)]) -> String {
    serde_json::Value::Array(
        fields
            .iter()
            .map(|(k, v)| serde_json::json!([k, v]))
            .collect(),
    )
    .to_string()
}

pub fn payload_fields(json: &str) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Array(pairs)) = serde_json::from_str(json) else {
        return Vec::new();
    };
    pairs
        .iter()
        .filter_map(|p| {
            Some((
                p.get(0)?.as_str()?.to_string(),
                p.get(1)?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// Enqueues an event once: a second enqueue of (data_type, event_key) is
/// a no-op.
pub fn enqueue(
    dialect: Dialect,
    kind: &str,
    data_type: &str,
    event_key: &str,
    payload: &str,
    at: NaiveDateTime,
) -> Statement {
    let sql = pick(
        dialect,
        "INSERT OR IGNORE INTO hisgw_outbox (kind, data_type, event_key, payload, state, attempts, next_attempt_at, created_at) \
         VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)",
        "IF NOT EXISTS (SELECT 1 FROM dbo.hisgw_outbox WHERE data_type = @P2 AND event_key = @P3) \
         INSERT INTO dbo.hisgw_outbox (kind, data_type, event_key, payload, state, attempts, next_attempt_at, created_at) \
         VALUES (@P1, @P2, @P3, @P4, 'pending', 0, CAST(@P5 AS DATETIME2(3)), CAST(@P5 AS DATETIME2(3)))",
    );
    Statement::new(
        sql,
        vec![
            text(kind),
            text(data_type),
            text(event_key),
            text(payload),
            text(&stamp(at)),
        ],
    )
}

/// Claims up to `limit` due rows (or only row `only`) for `token` until
/// `until`; the second statement returns the rows claimed.
pub fn claim(
    dialect: Dialect,
    token: &str,
    until: NaiveDateTime,
    at: NaiveDateTime,
    limit: usize,
    only: Option<i64>,
) -> Statement {
    let sql = pick(
        dialect,
        "UPDATE hisgw_outbox SET claimed_by = ?1, claimed_until = ?2 \
         WHERE id IN (SELECT id FROM hisgw_outbox \
                      WHERE state = 'pending' AND next_attempt_at <= ?3 \
                        AND (claimed_until IS NULL OR claimed_until < ?3) \
                        AND (?5 = '' OR id = CAST(?5 AS INTEGER)) \
                      ORDER BY next_attempt_at, id LIMIT CAST(?4 AS INTEGER)) \
           AND state = 'pending' AND (claimed_until IS NULL OR claimed_until < ?3); \
         SELECT id, kind, data_type, event_key, payload, attempts FROM hisgw_outbox \
         WHERE claimed_by = ?1 AND state = 'pending' ORDER BY id;",
        "UPDATE dbo.hisgw_outbox SET claimed_by = @P1, claimed_until = CAST(@P2 AS DATETIME2(3)) \
         WHERE id IN (SELECT TOP (CAST(@P4 AS INT)) id FROM dbo.hisgw_outbox WITH (READPAST) \
                      WHERE state = 'pending' AND next_attempt_at <= CAST(@P3 AS DATETIME2(3)) \
                        AND (claimed_until IS NULL OR claimed_until < CAST(@P3 AS DATETIME2(3))) \
                        AND (@P5 = N'' OR id = CAST(@P5 AS BIGINT)) \
                      ORDER BY next_attempt_at, id) \
           AND state = 'pending' \
           AND (claimed_until IS NULL OR claimed_until < CAST(@P3 AS DATETIME2(3))); \
         SELECT id, kind, data_type, event_key, payload, attempts FROM dbo.hisgw_outbox \
         WHERE claimed_by = @P1 AND state = 'pending' ORDER BY id;",
    );
    Statement::new(
        sql,
        vec![
            text(token),
            text(&stamp(until)),
            text(&stamp(at)),
            text(&limit.to_string()),
            text(&only.map(|i| i.to_string()).unwrap_or_default()),
        ],
    )
}

/// The rows a `claim` returned.
pub fn claimed(sets: &[Vec<ResultSet>]) -> Vec<Item> {
    let Some(set) = sets.iter().flatten().find(|s| s.columns.len() == 6) else {
        return Vec::new();
    };
    set.rows
        .iter()
        .map(|r| Item {
            id: int(&r[0]),
            kind: string(&r[1]),
            data_type: string(&r[2]),
            event_key: string(&r[3]),
            payload: payload_fields(&string(&r[4])),
            attempts: int(&r[5]),
        })
        .collect()
}

/// Records an attempt's outcome on a row this claim still holds.
#[allow(clippy::too_many_arguments)]
pub fn settle(
    dialect: Dialect,
    id: i64,
    token: &str,
    state: &str,
    next: NaiveDateTime,
    result: &str,
    message: &str,
    at: NaiveDateTime,
) -> Statement {
    let sql = pick(
        dialect,
        "UPDATE hisgw_outbox SET state = ?2, attempts = attempts + 1, next_attempt_at = ?3, \
         last_result = ?4, last_message = ?5, sent_at = CASE WHEN ?2 = 'sent' THEN ?6 ELSE sent_at END, \
         claimed_by = NULL, claimed_until = NULL WHERE id = CAST(?1 AS INTEGER) AND claimed_by = ?7",
        "UPDATE dbo.hisgw_outbox SET state = @P2, attempts = attempts + 1, next_attempt_at = CAST(@P3 AS DATETIME2(3)), \
         last_result = @P4, last_message = @P5, \
         sent_at = CASE WHEN @P2 = 'sent' THEN CAST(@P6 AS DATETIME2(3)) ELSE sent_at END, \
         claimed_by = NULL, claimed_until = NULL WHERE id = CAST(@P1 AS BIGINT) AND claimed_by = @P7",
    );
    Statement::new(
        sql,
        vec![
            text(&id.to_string()),
            text(state),
            text(&stamp(next)),
            text(result),
            text(&message.chars().take(900).collect::<String>()),
            text(&stamp(at)),
            text(token),
        ],
    )
}

/// Rows by state ('' for all), newest first, at most 500; or one event.
pub fn list(dialect: Dialect, state: &str, key: Option<(&str, &str)>) -> Statement {
    let sql = pick(
        dialect,
        "SELECT id, kind, data_type, event_key, state, attempts, next_attempt_at, last_result, last_message, payload \
         FROM hisgw_outbox WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR (data_type = ?2 AND event_key = ?3)) \
         ORDER BY id DESC LIMIT 500",
        "SELECT TOP (500) id, kind, data_type, event_key, state, attempts, next_attempt_at, last_result, last_message, payload \
         FROM dbo.hisgw_outbox WHERE (@P1 = N'' OR state = @P1) AND (@P2 = N'' OR (data_type = @P2 AND event_key = @P3)) \
         ORDER BY id DESC",
    );
    let (data_type, event_key) = key.unwrap_or(("", ""));
    Statement::new(sql, vec![text(state), text(data_type), text(event_key)])
}

pub fn rows(sets: &[Vec<ResultSet>]) -> Vec<Row> {
    let Some(set) = sets.first().and_then(|s| s.first()) else {
        return Vec::new();
    };
    set.rows
        .iter()
        .map(|r| Row {
            id: int(&r[0]),
            kind: string(&r[1]),
            data_type: string(&r[2]),
            event_key: string(&r[3]),
            state: string(&r[4]),
            attempts: int(&r[5]),
            next_attempt_at: string(&r[6]),
            last_result: string(&r[7]),
            last_message: string(&r[8]),
            payload: string(&r[9]),
        })
        .collect()
}

/// Makes a dead, failed or pending row due now with a fresh attempt count.
pub fn retry(dialect: Dialect, id: i64, at: NaiveDateTime) -> Statement {
    let sql = pick(
        dialect,
        "UPDATE hisgw_outbox SET state = 'pending', attempts = 0, next_attempt_at = ?2, claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST(?1 AS INTEGER) AND state IN ('pending', 'dead', 'failed'); SELECT changes() AS changed;",
        "UPDATE dbo.hisgw_outbox SET state = 'pending', attempts = 0, next_attempt_at = CAST(@P2 AS DATETIME2(3)), claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST(@P1 AS BIGINT) AND state IN ('pending', 'dead', 'failed'); SELECT @@ROWCOUNT AS changed;",
    );
    Statement::new(sql, vec![text(&id.to_string()), text(&stamp(at))])
}

/// Gives up on a row that was not sent: it stays listed as dropped.
pub fn drop_row(dialect: Dialect, id: i64) -> Statement {
    let sql = pick(
        dialect,
        "UPDATE hisgw_outbox SET state = 'dropped', claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST(?1 AS INTEGER) AND state <> 'sent'; SELECT changes() AS changed;",
        "UPDATE dbo.hisgw_outbox SET state = 'dropped', claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST(@P1 AS BIGINT) AND state <> 'sent'; SELECT @@ROWCOUNT AS changed;",
    );
    Statement::new(sql, vec![text(&id.to_string())])
}

pub fn get_watermark(dialect: Dialect, source: &str) -> Statement {
    let sql = pick(
        dialect,
        "SELECT value FROM hisgw_watermark WHERE source = ?1",
        "SELECT value FROM dbo.hisgw_watermark WHERE source = @P1",
    );
    Statement::new(sql, vec![text(source)])
}

/// Moves a source's watermark forward (never back).
pub fn set_watermark(dialect: Dialect, source: &str, value: &str, at: NaiveDateTime) -> Statement {
    let sql = pick(
        dialect,
        "INSERT INTO hisgw_watermark (source, value, updated_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at \
         WHERE hisgw_watermark.value IS NULL OR hisgw_watermark.value < excluded.value",
        "UPDATE dbo.hisgw_watermark SET value = @P2, updated_at = CAST(@P3 AS DATETIME2(3)) \
         WHERE source = @P1 AND (value IS NULL OR value < @P2); \
         IF NOT EXISTS (SELECT 1 FROM dbo.hisgw_watermark WHERE source = @P1) \
         INSERT INTO dbo.hisgw_watermark (source, value, updated_at) VALUES (@P1, @P2, CAST(@P3 AS DATETIME2(3)));",
    );
    Statement::new(sql, vec![text(source), text(value), text(&stamp(at))])
}

pub fn string(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Text(t) => t.clone(),
        Value::Int(n) => n.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
        Value::Bytes(_) => String::new(),
    }
}

pub fn int(v: &Value) -> i64 {
    match v {
        Value::Int(n) => *n,
        other => string(other).parse().unwrap_or_default(),
    }
}
