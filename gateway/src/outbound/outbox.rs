//! The outbox: hisgw's table of calls to the platform (event pushes and
//! refunds) in the hospital's database, and the watermarks of the event
//! sources. `Outbox` is its one API — rows and states typed — for the
//! workers that deliver, `hisgw outbox`, and the admin listener; the SQL of
//! each dialect stays in this file. A row is claimed with a lease by one
//! UPDATE whose conditions are checked again on the row itself, so two
//! gateway processes never hold the same row; a process that dies leaves
//! its claim to expire.

use std::fmt;
use std::str::FromStr;

use chrono::{Duration as Span, NaiveDateTime};

use crate::catalogue::REFUND_APPLY;
use crate::execute::{Database, Dialect, ExecError, Param, ResultSet, Statement};
use crate::ledger::StatedTable;

pub use crate::clock::now;

/// Where a row is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// Waiting for its next attempt.
    Pending,
    /// The platform answered SUCCESS.
    Sent,
    /// A refund the platform refused (a definite answer).
    Failed,
    /// Given up after the configured attempts.
    Dead,
    /// Given up by hand.
    Dropped,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Pending,
        State::Sent,
        State::Failed,
        State::Dead,
        State::Dropped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Sent => "sent",
            State::Failed => "failed",
            State::Dead => "dead",
            State::Dropped => "dropped",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for State {
    type Err = String;

    fn from_str(s: &str) -> Result<State, String> {
        State::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<_> = State::ALL.iter().map(|s| s.as_str()).collect();
                format!("{s:?} is not an outbox state ({})", all.join(", "))
            })
    }
}

/// What a row carries to the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// An event from an event source.
    Push,
    /// A refund request (14.1).
    Refund,
}

impl RowKind {
    fn as_str(self) -> &'static str {
        match self {
            RowKind::Push => "push",
            RowKind::Refund => "refund",
        }
    }

    fn parse(s: &str) -> RowKind {
        if s == RowKind::Refund.as_str() {
            RowKind::Refund
        } else {
            RowKind::Push
        }
    }
}

impl fmt::Display for RowKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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

/// The statement of `dialect`, given as (SQLite, SQL Server, PostgreSQL,
/// MySQL).
fn pick(dialect: Dialect, [sqlite, mssql, postgres, mysql]: [&'static str; 4]) -> &'static str {
    match dialect {
        Dialect::Sqlite => sqlite,
        Dialect::Mssql => mssql,
        Dialect::Postgres => postgres,
        Dialect::Mysql => mysql,
    }
}

/// One outbox row as claimed.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: i64,
    pub kind: RowKind,
    pub data_type: String,
    pub event_key: String,
    pub payload: Vec<(String, String)>,
    pub attempts: i64,
}

/// One outbox row as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: i64,
    pub kind: RowKind,
    pub data_type: String,
    pub event_key: String,
    pub state: State,
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
fn enqueue(
    dialect: Dialect,
    kind: &str,
    data_type: &str,
    event_key: &str,
    payload: &str,
    at: NaiveDateTime,
) -> Statement {
    let sql = pick(
        dialect,
        [
        "INSERT OR IGNORE INTO hisgw_outbox (kind, data_type, event_key, payload, state, attempts, next_attempt_at, created_at) \
         VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)",
        "IF NOT EXISTS (SELECT 1 FROM dbo.hisgw_outbox WHERE data_type = @P2 AND event_key = @P3) \
         INSERT INTO dbo.hisgw_outbox (kind, data_type, event_key, payload, state, attempts, next_attempt_at, created_at) \
         VALUES (@P1, @P2, @P3, @P4, 'pending', 0, CAST(@P5 AS DATETIME2(3)), CAST(@P5 AS DATETIME2(3)))",
        "INSERT INTO hisgw_outbox (kind, data_type, event_key, payload, state, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', 0, CAST($5::text AS timestamp(3)), CAST($5::text AS timestamp(3))) \
         ON CONFLICT (data_type, event_key) DO NOTHING",
        "INSERT IGNORE INTO hisgw_outbox (kind, data_type, event_key, payload, state, attempts, next_attempt_at, created_at) \
         VALUES (?1, ?2, ?3, ?4, 'pending', 0, CAST(?5 AS DATETIME(3)), CAST(?5 AS DATETIME(3)))",
    ]);
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
fn claim(
    dialect: Dialect,
    token: &str,
    until: NaiveDateTime,
    at: NaiveDateTime,
    limit: usize,
    only: Option<i64>,
) -> Statement {
    let sql = pick(
        dialect,
        [
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
        // SKIP LOCKED: a row another gateway process is claiming is left
        // to it, as READPAST does on SQL Server.
        "UPDATE hisgw_outbox SET claimed_by = $1::text, claimed_until = CAST($2::text AS timestamp(3)) \
         WHERE id IN (SELECT id FROM hisgw_outbox \
                      WHERE state = 'pending' AND next_attempt_at <= CAST($3::text AS timestamp(3)) \
                        AND (claimed_until IS NULL OR claimed_until < CAST($3::text AS timestamp(3))) \
                        AND ($5::text = '' OR id = CAST(NULLIF($5::text, '') AS bigint)) \
                      ORDER BY next_attempt_at, id LIMIT CAST($4::text AS integer) \
                      FOR UPDATE SKIP LOCKED) \
           AND state = 'pending' \
           AND (claimed_until IS NULL OR claimed_until < CAST($3::text AS timestamp(3))); \
         SELECT id, kind, data_type, event_key, payload, attempts FROM hisgw_outbox \
         WHERE claimed_by = $1::text AND state = 'pending' ORDER BY id;",
        // MySQL takes no LIMIT in an IN subquery and no subquery on the
        // table it updates: the due rows are numbered in a derived table
        // and joined. A row another process claimed meanwhile fails the
        // re-checked WHERE (READ COMMITTED reads its newest version).
        "UPDATE hisgw_outbox o \
         JOIN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY next_attempt_at, id) AS n FROM hisgw_outbox \
                      WHERE state = 'pending' AND next_attempt_at <= CAST(?3 AS DATETIME(3)) \
                        AND (claimed_until IS NULL OR claimed_until < CAST(?3 AS DATETIME(3))) \
                        AND (?5 = '' OR id = CAST(NULLIF(?5, '') AS SIGNED))) AS due \
               WHERE n <= CAST(?4 AS SIGNED)) AS d ON d.id = o.id \
         SET o.claimed_by = ?1, o.claimed_until = CAST(?2 AS DATETIME(3)) \
         WHERE o.state = 'pending' AND (o.claimed_until IS NULL OR o.claimed_until < CAST(?3 AS DATETIME(3))); \
         SELECT id, kind, data_type, event_key, payload, attempts FROM hisgw_outbox \
         WHERE claimed_by = ?1 AND state = 'pending' ORDER BY id;",
    ]);
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
fn claimed(sets: &[Vec<ResultSet>]) -> Vec<Item> {
    let Some(set) = sets.iter().flatten().find(|s| s.columns.len() == 6) else {
        return Vec::new();
    };
    set.rows
        .iter()
        .map(|r| Item {
            id: r[0].int(),
            kind: RowKind::parse(&r[1].text()),
            data_type: r[2].text(),
            event_key: r[3].text(),
            payload: payload_fields(&r[4].text()),
            attempts: r[5].int(),
        })
        .collect()
}

/// Records an attempt's outcome on a row this claim still holds.
#[allow(clippy::too_many_arguments)]
fn settle(
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
        [
        "UPDATE hisgw_outbox SET state = ?2, attempts = attempts + 1, next_attempt_at = ?3, \
         last_result = ?4, last_message = ?5, sent_at = CASE WHEN ?2 = 'sent' THEN ?6 ELSE sent_at END, \
         claimed_by = NULL, claimed_until = NULL WHERE id = CAST(?1 AS INTEGER) AND claimed_by = ?7",
        "UPDATE dbo.hisgw_outbox SET state = @P2, attempts = attempts + 1, next_attempt_at = CAST(@P3 AS DATETIME2(3)), \
         last_result = @P4, last_message = @P5, \
         sent_at = CASE WHEN @P2 = 'sent' THEN CAST(@P6 AS DATETIME2(3)) ELSE sent_at END, \
         claimed_by = NULL, claimed_until = NULL WHERE id = CAST(@P1 AS BIGINT) AND claimed_by = @P7",
        "UPDATE hisgw_outbox SET state = $2::text, attempts = attempts + 1, next_attempt_at = CAST($3::text AS timestamp(3)), \
         last_result = $4::text, last_message = $5::text, \
         sent_at = CASE WHEN $2::text = 'sent' THEN CAST($6::text AS timestamp(3)) ELSE sent_at END, \
         claimed_by = NULL, claimed_until = NULL WHERE id = CAST($1::text AS bigint) AND claimed_by = $7::text",
        "UPDATE hisgw_outbox SET state = ?2, attempts = attempts + 1, next_attempt_at = CAST(?3 AS DATETIME(3)), \
         last_result = ?4, last_message = ?5, \
         sent_at = CASE WHEN ?2 = 'sent' THEN CAST(?6 AS DATETIME(3)) ELSE sent_at END, \
         claimed_by = NULL, claimed_until = NULL WHERE id = CAST(?1 AS SIGNED) AND claimed_by = ?7",
    ]);
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
fn list(dialect: Dialect, state: &str, key: Option<(&str, &str)>) -> Statement {
    let sql = pick(
        dialect,
        [
        "SELECT id, kind, data_type, event_key, state, attempts, next_attempt_at, last_result, last_message, payload \
         FROM hisgw_outbox WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR (data_type = ?2 AND event_key = ?3)) \
         ORDER BY id DESC LIMIT 500",
        "SELECT TOP (500) id, kind, data_type, event_key, state, attempts, next_attempt_at, last_result, last_message, payload \
         FROM dbo.hisgw_outbox WHERE (@P1 = N'' OR state = @P1) AND (@P2 = N'' OR (data_type = @P2 AND event_key = @P3)) \
         ORDER BY id DESC",
        "SELECT id, kind, data_type, event_key, state, attempts, next_attempt_at, last_result, last_message, payload \
         FROM hisgw_outbox WHERE ($1::text = '' OR state = $1::text) AND ($2::text = '' OR (data_type = $2::text AND event_key = $3::text)) \
         ORDER BY id DESC LIMIT 500",
        "SELECT id, kind, data_type, event_key, state, attempts, next_attempt_at, last_result, last_message, payload \
         FROM hisgw_outbox WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR (data_type = ?2 AND event_key = ?3)) \
         ORDER BY id DESC LIMIT 500",
    ]);
    let (data_type, event_key) = key.unwrap_or(("", ""));
    Statement::new(sql, vec![text(state), text(data_type), text(event_key)])
}

fn rows(sets: &[Vec<ResultSet>]) -> Vec<Row> {
    let Some(set) = sets.first().and_then(|s| s.first()) else {
        return Vec::new();
    };
    set.rows
        .iter()
        .map(|r| Row {
            id: r[0].int(),
            kind: RowKind::parse(&r[1].text()),
            data_type: r[2].text(),
            event_key: r[3].text(),
            state: r[4].text().parse().unwrap_or(State::Pending),
            attempts: r[5].int(),
            next_attempt_at: r[6].text(),
            last_result: r[7].text(),
            last_message: r[8].text(),
            payload: r[9].text(),
        })
        .collect()
}

/// Makes a dead, failed or pending row due now with a fresh attempt count.
fn retry(dialect: Dialect, id: i64, at: NaiveDateTime) -> Statement {
    let sql = pick(
        dialect,
        [
        "UPDATE hisgw_outbox SET state = 'pending', attempts = 0, next_attempt_at = ?2, claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST(?1 AS INTEGER) AND state IN ('pending', 'dead', 'failed'); SELECT changes() AS changed;",
        "UPDATE dbo.hisgw_outbox SET state = 'pending', attempts = 0, next_attempt_at = CAST(@P2 AS DATETIME2(3)), claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST(@P1 AS BIGINT) AND state IN ('pending', 'dead', 'failed'); SELECT @@ROWCOUNT AS changed;",
        "WITH u AS (UPDATE hisgw_outbox SET state = 'pending', attempts = 0, next_attempt_at = CAST($2::text AS timestamp(3)), \
         claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST($1::text AS bigint) AND state IN ('pending', 'dead', 'failed') RETURNING 1) \
         SELECT COUNT(*) AS changed FROM u",
        "UPDATE hisgw_outbox SET state = 'pending', attempts = 0, next_attempt_at = CAST(?2 AS DATETIME(3)), claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST(?1 AS SIGNED) AND state IN ('pending', 'dead', 'failed'); SELECT ROW_COUNT() AS changed;",
    ]);
    Statement::new(sql, vec![text(&id.to_string()), text(&stamp(at))])
}

/// Gives up on a row that was not sent: it stays listed as dropped.
fn drop_row(dialect: Dialect, id: i64) -> Statement {
    let sql = pick(
        dialect,
        [
        "UPDATE hisgw_outbox SET state = 'dropped', claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST(?1 AS INTEGER) AND state <> 'sent'; SELECT changes() AS changed;",
        "UPDATE dbo.hisgw_outbox SET state = 'dropped', claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST(@P1 AS BIGINT) AND state <> 'sent'; SELECT @@ROWCOUNT AS changed;",
        "WITH u AS (UPDATE hisgw_outbox SET state = 'dropped', claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST($1::text AS bigint) AND state <> 'sent' RETURNING 1) \
         SELECT COUNT(*) AS changed FROM u",
        "UPDATE hisgw_outbox SET state = 'dropped', claimed_by = NULL, claimed_until = NULL \
         WHERE id = CAST(?1 AS SIGNED) AND state <> 'sent'; SELECT ROW_COUNT() AS changed;",
    ]);
    Statement::new(sql, vec![text(&id.to_string())])
}

fn get_watermark(dialect: Dialect, source: &str) -> Statement {
    let sql = pick(
        dialect,
        [
            "SELECT value FROM hisgw_watermark WHERE source = ?1",
            "SELECT value FROM dbo.hisgw_watermark WHERE source = @P1",
            "SELECT value FROM hisgw_watermark WHERE source = $1",
            "SELECT value FROM hisgw_watermark WHERE source = ?1",
        ],
    );
    Statement::new(sql, vec![text(source)])
}

/// Moves a source's watermark forward (never back).
fn set_watermark(dialect: Dialect, source: &str, value: &str, at: NaiveDateTime) -> Statement {
    let sql = pick(
        dialect,
        [
        "INSERT INTO hisgw_watermark (source, value, updated_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at \
         WHERE hisgw_watermark.value IS NULL OR hisgw_watermark.value < excluded.value",
        "UPDATE dbo.hisgw_watermark SET value = @P2, updated_at = CAST(@P3 AS DATETIME2(3)) \
         WHERE source = @P1 AND (value IS NULL OR value < @P2); \
         IF NOT EXISTS (SELECT 1 FROM dbo.hisgw_watermark WHERE source = @P1) \
         INSERT INTO dbo.hisgw_watermark (source, value, updated_at) VALUES (@P1, @P2, CAST(@P3 AS DATETIME2(3)));",
        "INSERT INTO hisgw_watermark (source, value, updated_at) VALUES ($1, $2, CAST($3::text AS timestamp(3))) \
         ON CONFLICT (source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at \
         WHERE hisgw_watermark.value IS NULL OR hisgw_watermark.value < excluded.value",
        "INSERT INTO hisgw_watermark (source, value, updated_at) VALUES (?1, ?2, CAST(?3 AS DATETIME(3))) \
         ON DUPLICATE KEY UPDATE \
           updated_at = IF(value IS NULL OR value < VALUES(value), VALUES(updated_at), updated_at), \
           value = IF(value IS NULL OR value < VALUES(value), VALUES(value), value)",
    ]);
    Statement::new(sql, vec![text(source), text(value), text(&stamp(at))])
}

/// The outcome of one delivery attempt, as its row records it.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub state: State,
    /// When the row is due again (if still pending).
    pub next: NaiveDateTime,
    /// SUCCESS, ERROR, UNKNOWN or transport.
    pub result: &'a str,
    pub message: &'a str,
    pub at: NaiveDateTime,
}

/// The outbox of one hospital's database.
pub struct Outbox<'a> {
    db: &'a Database,
}

impl<'a> Outbox<'a> {
    pub fn of(db: &'a Database) -> Outbox<'a> {
        Outbox { db }
    }

    fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    /// Rows in `state` (all when `None`), newest first, at most 500.
    pub async fn list(&self, state: Option<State>) -> Result<Vec<Row>, ExecError> {
        let state = state.map_or("", State::as_str);
        let sets = self
            .db
            .query(vec![list(self.dialect(), state, None)])
            .await?;
        Ok(rows(&sets))
    }

    /// The refund row of a HIS refund id, if it was asked for.
    pub async fn refund(&self, his_id: &str) -> Result<Option<Row>, ExecError> {
        let key = Some((REFUND_APPLY.key(), his_id));
        let sets = self.db.query(vec![list(self.dialect(), "", key)]).await?;
        Ok(rows(&sets).into_iter().next())
    }

    /// Makes a dead, failed or pending row due now with a fresh attempt
    /// count; `false` when no such row is in a state that allows it.
    pub async fn retry(&self, id: i64) -> Result<bool, ExecError> {
        self.changed(retry(self.dialect(), id, now())).await
    }

    /// Gives up on a row that was not sent (it stays listed as dropped);
    /// `false` when no such row is in a state that allows it.
    pub async fn drop(&self, id: i64) -> Result<bool, ExecError> {
        self.changed(drop_row(self.dialect(), id)).await
    }

    async fn changed(&self, statement: Statement) -> Result<bool, ExecError> {
        let sets = self.db.execute(vec![statement]).await?;
        let changed = sets
            .iter()
            .flatten()
            .last()
            .and_then(|s| s.rows.first())
            .map(|r| r[0].int());
        Ok(changed == Some(1))
    }

    /// How many rows are in each state (for `/metrics`).
    pub async fn count_by_state(&self) -> Result<Vec<(State, i64)>, ExecError> {
        let counts = crate::ledger::count_by_state(self.db, StatedTable::Outbox).await?;
        Ok(counts
            .into_iter()
            .filter_map(|(state, n)| Some((state.parse().ok()?, n)))
            .collect())
    }

    /// Enqueues a refund request once per HIS refund id (asking again with
    /// the same id changes nothing).
    pub async fn enqueue_refund(&self, his_id: &str, payload: &str) -> Result<(), ExecError> {
        let statement = enqueue(
            self.dialect(),
            RowKind::Refund.as_str(),
            REFUND_APPLY.key(),
            his_id,
            payload,
            now(),
        );
        self.db.execute(vec![statement]).await.map(drop)
    }

    /// Claims up to `limit` due rows (or only row `only`) for `token` until
    /// `until`, and returns them.
    pub async fn claim(
        &self,
        token: &str,
        until: NaiveDateTime,
        limit: usize,
        only: Option<i64>,
    ) -> Result<Vec<Item>, ExecError> {
        let statement = claim(self.dialect(), token, until, now(), limit, only);
        let sets = self.db.execute(vec![statement]).await?;
        Ok(claimed(&sets))
    }

    /// Records an attempt on a row this claim still holds.
    pub async fn settle(&self, id: i64, token: &str, a: &Attempt<'_>) -> Result<(), ExecError> {
        self.settle_with(id, token, a, Vec::new()).await
    }

    /// Settles a row and runs `also` in the same transaction: a refund the
    /// platform confirmed is in the ledger exactly when its row says sent.
    pub async fn settle_with(
        &self,
        id: i64,
        token: &str,
        a: &Attempt<'_>,
        also: Vec<Statement>,
    ) -> Result<(), ExecError> {
        let statement = settle(
            self.dialect(),
            id,
            token,
            a.state.as_str(),
            a.next,
            a.result,
            a.message,
            a.at,
        );
        let mut statements = vec![statement];
        statements.extend(also);
        self.db.execute(statements).await.map(drop)
    }

    /// An event source's watermark; `None` before its first poll.
    pub async fn watermark(&self, source: &str) -> Result<Option<String>, ExecError> {
        let sets = self
            .db
            .query(vec![get_watermark(self.dialect(), source)])
            .await?;
        Ok(sets
            .first()
            .and_then(|s| s.first())
            .and_then(|s| s.rows.first())
            .map(|r| r[0].text()))
    }

    /// Enqueues a source's events (each (event key, payload) once) and moves
    /// its watermark to `watermark`, in one transaction.
    pub async fn record_events(
        &self,
        source: &str,
        events: &[(String, String)],
        watermark: &str,
    ) -> Result<(), ExecError> {
        let at = now();
        let mut statements: Vec<Statement> = events
            .iter()
            .map(|(key, payload)| {
                enqueue(
                    self.dialect(),
                    RowKind::Push.as_str(),
                    source,
                    key,
                    payload,
                    at,
                )
            })
            .collect();
        statements.push(set_watermark(self.dialect(), source, watermark, at));
        self.db.execute(statements).await.map(drop)
    }
}
