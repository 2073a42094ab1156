//! The SQL Server backend: tiberius connections in a bb8 pool.
//!
//! Legacy HIS servers are busy and old: the pool never opens more than its
//! maximum, a caller waits at most the checkout timeout for a connection
//! ("HIS database busy"), every statement has a query timeout, and a
//! connection that failed at the connection level is discarded so the next
//! call heals on a fresh one. Values cross as `Param`/`Value`; money and
//! decimals are exact; text in GBK (Chinese_PRC) collations is decoded by
//! tiberius from the column's collation.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use futures_util::TryStreamExt;
use rust_decimal::Decimal;
use tiberius::{Client, ColumnData, ColumnType, Config, FromSql, QueryItem, SqlBrowser, ToSql};
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

/// The TDS client library, for callers that set up test databases.
pub use tiberius;

use super::{
    Database, Description, Ending, ExecError, Param, PoolStats, ResultSet, Settle, Statement,
    Value, WriteOutcome, WriteTx,
};
use crate::money::real_to_decimal;

/// Everything needed to open and pool connections to one SQL Server database.
#[derive(Clone)]
pub struct MssqlOptions {
    pub config: Config,
    /// The database the configuration names (tiberius does not say).
    pub database: Option<String>,
    pub connect_timeout: Duration,
    pub query_timeout: Duration,
    pub max_size: u32,
    pub min_idle: u32,
    pub checkout_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_lifetime: Duration,
    pub health_check: bool,
}

type TdsClient = Client<Compat<TcpStream>>;

/// A pooled connection; `broken` makes the pool discard it on return.
pub struct TdsConnection {
    client: TdsClient,
    broken: bool,
}

/// The bb8 manager: connects with a timeout and checks health with `SELECT 1`.
pub struct TdsManager {
    config: Config,
    connect_timeout: Duration,
    last_error: LastError,
}

impl bb8::ManageConnection for TdsManager {
    type Connection = TdsConnection;
    type Error = ExecError;

    async fn connect(&self) -> Result<TdsConnection, ExecError> {
        let client = tokio::time::timeout(self.connect_timeout, connect(self.config.clone()))
            .await
            .map_err(|_| {
                ExecError::Unavailable(format!(
                    "connect timed out after {:?}",
                    self.connect_timeout
                ))
            })??;
        // Connected: an older failure no longer explains a wait.
        *self.last_error.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(TdsConnection {
            client,
            broken: false,
        })
    }

    async fn is_valid(&self, conn: &mut TdsConnection) -> Result<(), ExecError> {
        let check = async {
            conn.client
                .simple_query("SELECT 1")
                .await?
                .into_row()
                .await?;
            Ok::<_, tiberius::error::Error>(())
        };
        match tokio::time::timeout(self.connect_timeout, check).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ExecError::Unavailable(e.to_string())),
            Err(_) => Err(ExecError::Unavailable("health check timed out".into())),
        }
    }

    fn has_broken(&self, conn: &mut TdsConnection) -> bool {
        conn.broken
    }
}

/// Opens one connection, following a named instance through the SQL Browser
/// and an Azure-style routing redirect.
pub async fn connect(mut config: Config) -> Result<TdsClient, ExecError> {
    for _ in 0..2 {
        let tcp = TcpStream::connect_named(&config).await.map_err(|e| {
            ExecError::Unavailable(format!("cannot reach {}: {e}", config.get_addr()))
        })?;
        tcp.set_nodelay(true).ok();
        match Client::connect(config.clone(), tcp.compat_write()).await {
            Ok(client) => return Ok(client),
            Err(tiberius::error::Error::Routing { host, port }) => {
                config.host(host);
                config.port(port);
            }
            Err(e) => return Err(ExecError::Unavailable(e.to_string())),
        }
    }
    Err(ExecError::Unavailable("too many routing redirects".into()))
}

pub struct MssqlDatabase {
    pool: bb8::Pool<TdsManager>,
    checkout_timeout: Duration,
    query_timeout: Duration,
    waiting: std::sync::atomic::AtomicUsize,
    /// Why the last connection attempt failed, and when: a checkout that
    /// times out says so instead of only "busy".
    last_error: LastError,
}

/// The pool's last connection error (bb8 hands these to an error sink, not
/// to the caller that was waiting).
#[derive(Debug, Clone, Default)]
struct LastError(Arc<std::sync::Mutex<Option<(std::time::Instant, String)>>>);

impl bb8::ErrorSink<ExecError> for LastError {
    fn sink(&self, error: ExecError) {
        tracing::warn!(error = %error, "cannot connect to the HIS database");
        let why = match error {
            ExecError::Unavailable(why) => why,
            other => other.to_string(),
        };
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((std::time::Instant::now(), why));
    }

    fn boxed_clone(&self) -> Box<dyn bb8::ErrorSink<ExecError>> {
        Box::new(self.clone())
    }
}

impl LastError {
    /// The error of a connection attempt made within `within`, if any.
    fn recent(&self, within: Duration) -> Option<String> {
        let last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        last.as_ref()
            .filter(|(at, _)| at.elapsed() <= within)
            .map(|(_, e)| e.clone())
    }
}

impl MssqlDatabase {
    /// Builds the pool. It connects lazily, so the gateway starts while the
    /// HIS is down and heals when it comes back.
    pub fn open(options: &MssqlOptions) -> MssqlDatabase {
        let last_error = LastError::default();
        let manager = TdsManager {
            config: options.config.clone(),
            connect_timeout: options.connect_timeout,
            last_error: last_error.clone(),
        };
        let pool = bb8::Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(options.min_idle).filter(|n| *n > 0))
            .connection_timeout(options.checkout_timeout)
            .idle_timeout(Some(options.idle_timeout))
            .max_lifetime(Some(options.max_lifetime))
            .test_on_check_out(options.health_check)
            .retry_connection(false)
            .error_sink(Box::new(last_error.clone()))
            .build_unchecked(manager);
        MssqlDatabase {
            last_error,
            pool,
            checkout_timeout: options.checkout_timeout,
            query_timeout: options.query_timeout,
            waiting: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Connections the pool holds now and how many of them are idle.
    pub fn pool_state(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections)
    }

    async fn checkout(&self) -> Result<bb8::PooledConnection<'_, TdsManager>, ExecError> {
        self.waiting
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let got = self.pool.get().await;
        self.waiting
            .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        got.map_err(|e| match e {
            // No connection came: if connecting is what failed, say why.
            bb8::RunError::TimedOut => match self.last_error.recent(self.checkout_timeout * 2) {
                Some(why) => ExecError::Unavailable(why),
                None => ExecError::Busy(self.checkout_timeout),
            },
            bb8::RunError::User(e) => e,
        })
    }

    async fn run_once(
        &self,
        statements: &[Statement],
    ) -> Result<Vec<Vec<ResultSet>>, (bool, ExecError)> {
        let mut conn = self.checkout().await.map_err(|e| (false, e))?;
        // Until this call ends cleanly the connection counts as broken: a
        // caller that gives up mid-call (a time limit, a client gone) drops
        // it with results unread, and it must never be lent out again.
        conn.broken = true;
        let mut all = Vec::with_capacity(statements.len());
        for (i, statement) in statements.iter().enumerate() {
            let run = run_statement(&mut conn.client, statement, i);
            match tokio::time::timeout(self.query_timeout, run).await {
                Ok(Ok(sets)) => all.push(sets),
                Ok(Err(StatementError::Sql(e) | StatementError::Duplicate(e))) => {
                    conn.broken = false;
                    return Err((false, e));
                }
                Ok(Err(StatementError::Connection(e))) => {
                    conn.broken = true;
                    return Err((true, e));
                }
                Err(_) => {
                    // The server may still be working on it: the connection
                    // is in an unknown state and must not be reused.
                    conn.broken = true;
                    return Err((false, ExecError::Timeout(self.query_timeout)));
                }
            }
        }
        conn.broken = false;
        Ok(all)
    }
}

/// Creates the configured database on the server if it does not exist yet
/// (connecting to `master`), so a demo or test database can be set up with
/// the gateway alone.
pub async fn create_database(options: &MssqlOptions) -> Result<String, ExecError> {
    let name = options
        .database
        .clone()
        .ok_or_else(|| ExecError::Unavailable("no database named in the configuration".into()))?;
    let mut master = options.config.clone();
    master.database("master");
    let mut client = tokio::time::timeout(options.connect_timeout, connect(master))
        .await
        .map_err(|_| ExecError::Unavailable("connect timed out".into()))??;
    // The name is a bound parameter; QUOTENAME makes it a safe identifier.
    client
        .execute(
            "DECLARE @n sysname = @P1; IF DB_ID(@n) IS NULL BEGIN DECLARE @s nvarchar(400) = N'CREATE DATABASE ' + QUOTENAME(@n); EXEC (@s); END",
            &[&name.as_str()],
        )
        .await
        .map_err(|e| ExecError::Sql {
            statement: 0,
            message: format!("CREATE DATABASE {name}: {e}"),
        })?;
    Ok(name)
}

/// Commits or rolls back the open transaction (if XACT_ABORT already rolled
/// it back, there is nothing left to end).
async fn end_transaction(client: &mut TdsClient, commit: bool) -> Result<(), ExecError> {
    let sql = if commit {
        "COMMIT TRANSACTION"
    } else {
        "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION"
    };
    let stream = client
        .simple_query(sql)
        .await
        .map_err(|e| ExecError::Unavailable(e.to_string()))?;
    stream
        .into_results()
        .await
        .map_err(|e| ExecError::Unavailable(e.to_string()))?;
    Ok(())
}

/// How a write transaction's work ended, before COMMIT or ROLLBACK.
enum Step {
    ClaimTaken,
    Ran(Vec<Vec<ResultSet>>, Ending),
}

/// Runs a batch without parameters whose results do not matter.
async fn simple_batch(client: &mut TdsClient, sql: &str) -> Result<(), StatementError> {
    let lost = |e: tiberius::error::Error| match e {
        tiberius::error::Error::Server(_) => StatementError::Sql(ExecError::Sql {
            statement: 0,
            message: e.to_string(),
        }),
        other => StatementError::Connection(ExecError::Unavailable(other.to_string())),
    };
    client
        .simple_query(sql)
        .await
        .map_err(lost)?
        .into_results()
        .await
        .map_err(lost)?;
    Ok(())
}

/// Runs the `GO`-separated batches of `script` on `client`.
pub async fn run_batches(client: &mut TdsClient, script: &str) -> Result<(), ExecError> {
    for (n, batch) in split_batches(script).into_iter().enumerate() {
        let result = async {
            let stream = client.simple_query(batch.as_str()).await?;
            stream.into_results().await?;
            Ok::<_, tiberius::error::Error>(())
        }
        .await;
        result.map_err(|e| ExecError::Sql {
            statement: n,
            message: format!("batch {}: {e}", n + 1),
        })?;
    }
    Ok(())
}

/// The `Database`/`Initial Catalog` of an ADO.NET connection string.
pub fn ado_database(connection_string: &str) -> Option<String> {
    connection_string.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        let k = k.trim().to_ascii_lowercase();
        (k == "database" || k == "initial catalog").then(|| v.trim().to_string())
    })
}

/// Splits a script on lines that hold only `GO` (any case).
pub fn split_batches(script: &str) -> Vec<String> {
    let mut batches = Vec::new();
    let mut current = String::new();
    for line in script.lines() {
        if line.trim().eq_ignore_ascii_case("go") {
            if !current.trim().is_empty() {
                batches.push(std::mem::take(&mut current));
            }
            current.clear();
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    if !current.trim().is_empty() {
        batches.push(current);
    }
    batches
}

enum StatementError {
    /// The statement failed; the connection is fine.
    Sql(ExecError),
    /// A PRIMARY KEY or UNIQUE constraint refused a row (errors 2627, 2601).
    Duplicate(ExecError),
    /// The connection failed: discard it.
    Connection(ExecError),
}

async fn run_statement(
    client: &mut TdsClient,
    statement: &Statement,
    index: usize,
) -> Result<Vec<ResultSet>, StatementError> {
    // NULL goes into the SQL text, not as a parameter: tiberius sends a NULL
    // string as the untyped TDS NULLTYPE, which not every TDS server accepts
    // (Babelfish refuses it). The parameter slot keeps its number with a typed NULL.
    let sql = with_nulls_inline(statement);
    let nothing: Option<i32> = None;
    let params: Vec<&dyn ToSql> = statement
        .params
        .iter()
        .map(|p| match p {
            Param::Null => &nothing as &dyn ToSql,
            Param::Text(t) => t as &dyn ToSql,
        })
        .collect();
    let classify = |e: tiberius::error::Error| match e {
        tiberius::error::Error::Server(ref token) if matches!(token.code(), 2627 | 2601) => {
            StatementError::Duplicate(ExecError::Sql {
                statement: index,
                message: e.to_string(),
            })
        }
        tiberius::error::Error::Server(_) => StatementError::Sql(ExecError::Sql {
            statement: index,
            message: e.to_string(),
        }),
        tiberius::error::Error::Conversion(_)
        | tiberius::error::Error::Utf8
        | tiberius::error::Error::Utf16
        | tiberius::error::Error::Encoding(_) => StatementError::Sql(ExecError::Sql {
            statement: index,
            message: e.to_string(),
        }),
        other => StatementError::Connection(ExecError::Unavailable(other.to_string())),
    };
    let mut stream = client.query(&*sql, &params).await.map_err(classify)?;
    let mut sets: Vec<ResultSet> = Vec::new();
    let mut char_columns: Vec<bool> = Vec::new();
    while let Some(item) = stream.try_next().await.map_err(classify)? {
        match item {
            QueryItem::Metadata(meta) => {
                char_columns = meta
                    .columns()
                    .iter()
                    .map(|c| matches!(c.column_type(), ColumnType::BigChar | ColumnType::NChar))
                    .collect();
                sets.push(ResultSet {
                    columns: meta
                        .columns()
                        .iter()
                        .map(|c| c.name().to_string())
                        .collect(),
                    rows: Vec::new(),
                });
            }
            QueryItem::Row(row) => {
                let values = row
                    .cells()
                    .enumerate()
                    .map(|(i, (_, data))| {
                        read_value(data, char_columns.get(i).copied().unwrap_or(false))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(StatementError::Sql)?;
                if let Some(set) = sets.last_mut() {
                    set.rows.push(values);
                }
            }
        }
    }
    Ok(sets)
}

/// The statement's SQL with every placeholder of a NULL parameter replaced
/// by a typed NULL (`CAST(NULL AS NVARCHAR(4000))`, or `CAST(NULL AS
/// VARCHAR(8000))` where the mapping binds it as varchar).
fn with_nulls_inline(statement: &Statement) -> std::borrow::Cow<'_, str> {
    let nulls = |p: &super::Placeholder| matches!(statement.params.get(p.param), Some(Param::Null));
    if !statement.placeholders.iter().any(nulls) {
        return std::borrow::Cow::Borrowed(&statement.sql);
    }
    let sql = &statement.sql;
    let mut out = String::with_capacity(sql.len() + 32);
    let mut at = 0;
    for p in statement.placeholders.iter().filter(|p| nulls(p)) {
        let Some(original) = sql.get(p.start..p.end) else {
            continue;
        };
        out.push_str(&sql[at..p.start]);
        let name = format!("@P{}", p.param + 1);
        if original == name {
            out.push_str("CAST(NULL AS NVARCHAR(4000))");
        } else {
            out.push_str(&original.replace(&name, "NULL"));
        }
        at = p.end;
    }
    out.push_str(&sql[at..]);
    std::borrow::Cow::Owned(out)
}

/// Converts one cell. `char`/`nchar` padding is trimmed; money and floats
/// become decimals through their 15-significant-digit form; numeric and
/// decimal are exact; date-times stay as stored.
fn read_value(data: &ColumnData<'static>, fixed_char: bool) -> Result<Value, ExecError> {
    let conversion = |e: tiberius::error::Error| ExecError::Sql {
        statement: 0,
        message: format!("cannot read a value: {e}"),
    };
    Ok(match data {
        ColumnData::U8(v) => v.map_or(Value::Null, |n| Value::Int(n.into())),
        ColumnData::I16(v) => v.map_or(Value::Null, |n| Value::Int(n.into())),
        ColumnData::I32(v) => v.map_or(Value::Null, |n| Value::Int(n.into())),
        ColumnData::I64(v) => v.map_or(Value::Null, Value::Int),
        ColumnData::F32(v) => v
            .and_then(|f| real_to_decimal(f.into()))
            .map_or(Value::Null, Value::Decimal),
        ColumnData::F64(v) => v
            .and_then(real_to_decimal)
            .map_or(Value::Null, Value::Decimal),
        ColumnData::Bit(v) => v.map_or(Value::Null, |b| Value::Int(b.into())),
        ColumnData::String(v) => match v {
            None => Value::Null,
            Some(s) if fixed_char => Value::Text(s.trim_end_matches(' ').to_string()),
            Some(s) => Value::Text(s.to_string()),
        },
        ColumnData::Guid(v) => v.map_or(Value::Null, |g| Value::Text(g.to_string().to_uppercase())),
        ColumnData::Binary(v) => v.as_ref().map_or(Value::Null, |b| Value::Bytes(b.to_vec())),
        ColumnData::Numeric(v) => match v {
            None => Value::Null,
            Some(n) => Decimal::try_from_i128_with_scale(n.value(), n.scale().into())
                .map(Value::Decimal)
                .map_err(|e| {
                    conversion(tiberius::error::Error::Conversion(e.to_string().into()))
                })?,
        },
        ColumnData::Xml(v) => v
            .as_ref()
            .map_or(Value::Null, |x| Value::Text(x.to_string())),
        ColumnData::Date(_) => NaiveDate::from_sql(data)
            .map_err(conversion)?
            .map_or(Value::Null, Value::Date),
        ColumnData::Time(_) => NaiveTime::from_sql(data)
            .map_err(conversion)?
            .map_or(Value::Null, |t| {
                Value::Text(t.format("%H:%M:%S").to_string())
            }),
        ColumnData::DateTime(_) | ColumnData::SmallDateTime(_) | ColumnData::DateTime2(_) => {
            NaiveDateTime::from_sql(data)
                .map_err(conversion)?
                .map_or(Value::Null, Value::DateTime)
        }
        ColumnData::DateTimeOffset(_) => chrono::DateTime::<chrono::FixedOffset>::from_sql(data)
            .map_err(conversion)?
            // The local time the HIS wrote, never shifted to another zone.
            .map_or(Value::Null, |d| Value::DateTime(d.naive_local())),
        #[allow(unreachable_patterns)]
        other => Value::Text(format!("{other:?}")),
    })
}

#[async_trait]
impl Database for MssqlDatabase {
    fn pool_stats(&self) -> PoolStats {
        let s = self.pool.state();
        PoolStats {
            size: u64::from(s.connections),
            in_use: u64::from(s.connections.saturating_sub(s.idle_connections)),
            waiting: self.waiting.load(std::sync::atomic::Ordering::Relaxed) as u64,
        }
    }

    async fn query(&self, statements: Vec<Statement>) -> Result<Vec<Vec<ResultSet>>, ExecError> {
        match self.run_once(&statements).await {
            Ok(sets) => Ok(sets),
            // A connection the server dropped (restart, KILL) fails at the
            // connection level: reads are safe to run once more on a fresh one.
            Err((true, _)) => self.run_once(&statements).await.map_err(|(_, e)| e),
            Err((false, e)) => Err(e),
        }
    }

    async fn write(&self, write: WriteTx) -> Result<WriteOutcome, ExecError> {
        let mut conn = self.checkout().await?;
        // Broken until the transaction has ended cleanly (see run_once): a
        // dropped call leaves an open transaction the pool must not reuse.
        conn.broken = true;
        let client = &mut conn.client;
        let run = async {
            // XACT_ABORT: any error inside aborts and rolls back the whole
            // transaction on the server, whatever the client does next.
            simple_batch(client, "SET XACT_ABORT ON; BEGIN TRANSACTION;").await?;
            for (i, statement) in write.claim.iter().enumerate() {
                match run_statement(client, statement, i).await {
                    Ok(_) => {}
                    // The insert waited on the other transaction's key lock
                    // until it ended, and that one committed the key.
                    Err(StatementError::Duplicate(_)) => return Ok(Step::ClaimTaken),
                    Err(e) => return Err(e),
                }
            }
            simple_batch(client, "SAVE TRANSACTION hisgw_work;").await?;
            let mut sets = Vec::with_capacity(write.work.len());
            for (i, statement) in write.work.iter().enumerate() {
                sets.push(run_statement(client, statement, i).await?);
            }
            let (record, ending) = match (write.settle)(&sets) {
                Settle::Commit(record) => (record, Ending::Committed),
                Settle::UndoWork(record) => {
                    simple_batch(client, "ROLLBACK TRANSACTION hisgw_work;").await?;
                    (record, Ending::WorkUndone)
                }
                Settle::Abort => return Ok(Step::Ran(sets, Ending::RolledBack)),
            };
            for (i, statement) in record.iter().enumerate() {
                run_statement(client, statement, i).await?;
            }
            Ok::<_, StatementError>(Step::Ran(sets, ending))
        };
        let outcome = tokio::time::timeout(self.query_timeout, run).await;
        let (result, commit) = match outcome {
            Ok(Ok(Step::ClaimTaken)) => (Ok(WriteOutcome::ClaimTaken), false),
            Ok(Ok(Step::Ran(sets, ending))) => (
                Ok(WriteOutcome::Ran { sets, ending }),
                ending != Ending::RolledBack,
            ),
            Ok(Err(StatementError::Sql(e) | StatementError::Duplicate(e))) => (Err(e), false),
            Ok(Err(StatementError::Connection(e))) => {
                // The server rolls back a transaction whose connection is gone.
                conn.broken = true;
                return Err(e);
            }
            Err(_) => {
                conn.broken = true;
                return Err(ExecError::Timeout(self.query_timeout));
            }
        };
        if let Err(e) = end_transaction(&mut conn.client, commit).await {
            // A failed COMMIT leaves the outcome unknown to us; the caller
            // treats it as transient and a retry finds what really happened.
            conn.broken = true;
            return Err(e);
        }
        conn.broken = false;
        result
    }

    async fn run_script(&self, script: String) -> Result<(), ExecError> {
        let mut conn = self.checkout().await?;
        let result = run_batches(&mut conn.client, &script).await;
        if result.is_err() {
            // A failed batch may leave an open transaction or temp state behind.
            conn.broken = true;
        }
        result
    }

    async fn describe(&self, sql: Arc<str>, params: usize) -> Result<Description, ExecError> {
        let declared: Vec<String> = (1..=params)
            .map(|n| format!("@P{n} nvarchar(4000)"))
            .collect();
        let declared = declared.join(", ");
        let mut conn = self.checkout().await?;
        let describe = async {
            let rows = conn
                .client
                .query(
                    "EXEC sp_describe_first_result_set @tsql = @P1, @params = @P2",
                    &[&&*sql, &declared.as_str()],
                )
                .await?
                .into_first_result()
                .await?;
            let mut columns = Vec::new();
            for row in rows {
                let hidden: Option<bool> = row.try_get("is_hidden").unwrap_or(None);
                if hidden != Some(true) {
                    if let Ok(Some(name)) = row.try_get::<&str, _>("name") {
                        columns.push(name.to_string());
                    }
                }
            }
            Ok::<_, tiberius::error::Error>(columns)
        };
        let columns = tokio::time::timeout(self.query_timeout, describe)
            .await
            .map_err(|_| ExecError::Timeout(self.query_timeout))?
            .map_err(|e| ExecError::Sql {
                statement: 0,
                message: e.to_string(),
            })?;
        // What type the server infers for each placeholder from its use; a
        // server that cannot tell (or does not have the procedure) leaves it open.
        let mut parameter_types = vec![None; params];
        let undeclared = async {
            let rows = conn
                .client
                .query(
                    "EXEC sp_describe_undeclared_parameters @tsql = @P1",
                    &[&&*sql],
                )
                .await?
                .into_first_result()
                .await?;
            Ok::<_, tiberius::error::Error>(rows)
        };
        if let Ok(Ok(rows)) = tokio::time::timeout(self.query_timeout, undeclared).await {
            for row in rows {
                let name: Option<&str> = row.try_get("name").unwrap_or(None);
                let ty: Option<&str> = row.try_get("suggested_system_type_name").unwrap_or(None);
                if let (Some(name), Some(ty)) = (name, ty) {
                    if let Some(n) = name
                        .strip_prefix("@P")
                        .and_then(|n| n.parse::<usize>().ok())
                    {
                        if (1..=params).contains(&n) {
                            parameter_types[n - 1] = Some(ty.to_string());
                        }
                    }
                }
            }
        }
        Ok(Description {
            columns,
            parameter_types,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_on_go_lines_only() {
        let b = split_batches(
            "CREATE TABLE a(x int)\nGO\n  go  \nINSERT a VALUES (1) -- go\nGOTO x\nGo\n",
        );
        assert_eq!(
            b,
            vec![
                "CREATE TABLE a(x int)\n",
                "INSERT a VALUES (1) -- go\nGOTO x\n"
            ]
        );
    }

    #[test]
    fn null_parameters_are_written_as_typed_nulls() {
        use crate::execute::Dialect;
        let (sections, _) = crate::plan::sql::parse(
            "-- @varchar :b\nSELECT 1 WHERE (:a IS NULL OR x = :a) AND y = :b AND z = :c",
            Dialect::Mssql,
            &[],
        )
        .unwrap();
        let s = &sections[0];
        let statement = Statement {
            sql: Arc::from(s.sql.as_str()),
            params: vec![Param::Null, Param::Null, Param::Text("c".into())],
            placeholders: Arc::from(s.placeholders.clone()),
        };
        assert_eq!(
            with_nulls_inline(&statement).trim(),
            "SELECT 1 WHERE (CAST(NULL AS NVARCHAR(4000)) IS NULL OR x = CAST(NULL AS NVARCHAR(4000))) AND y = CAST(NULL AS VARCHAR(8000)) AND z = @P3"
        );
    }

    #[test]
    fn values_convert_exactly() {
        let n = tiberius::numeric::Numeric::new_with_scale(123456, 2);
        assert_eq!(
            read_value(&ColumnData::Numeric(Some(n)), false).unwrap(),
            Value::Decimal(Decimal::new(123456, 2))
        );
        assert_eq!(
            read_value(&ColumnData::F64(Some(2013.61)), false).unwrap(),
            Value::Decimal(Decimal::new(201361, 2))
        );
        assert_eq!(
            read_value(&ColumnData::String(Some("A01  ".into())), true).unwrap(),
            Value::Text("A01".into())
        );
        assert_eq!(
            read_value(&ColumnData::String(Some("A01  ".into())), false).unwrap(),
            Value::Text("A01  ".into())
        );
        assert_eq!(
            read_value(&ColumnData::I32(None), false).unwrap(),
            Value::Null
        );
        assert_eq!(
            read_value(&ColumnData::Bit(Some(true)), false).unwrap(),
            Value::Int(1)
        );
    }
}
