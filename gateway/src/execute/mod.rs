//! Execute: runs planned SQL statements against a hospital's HIS database
//! through a pool of connections, and hands back plain result sets.
//!
//! This module owns the database interface (`Database`), the values that
//! cross it (`Param` in, `Value` out), the `[database]` settings and how a
//! database is opened from them (`open`), the one sequence every
//! transaction follows (`session`), and the backends (SQLite and SQL
//! Server) that carry that sequence out. It must never know about the
//! interface spec, XML or HTTP: it runs SQL text with bound parameters and
//! nothing else. Request values reach SQL only as bound parameters.

pub mod compile;
pub mod config;
mod decimal_functions;
pub mod mssql;
pub mod mysql;
mod open;
mod pool;
pub mod postgres;
pub mod rehearsal;
mod session;
pub mod sqlite;
mod sqlite_compile;

#[cfg(test)]
mod conformance;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

pub use compile::{CompileError, Compiled, Position};
pub use config::{
    DatabaseConfig, Encrypt, MssqlConfig, MysqlCharset, MysqlConfig, MysqlSslMode, PostgresConfig,
    SqliteConfig, SslMode,
};
pub use open::{create_database, open, run_start_scripts, StartScripts};

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Null,
    Text(String),
}

/// A value read from a result set. Backends convert their own types into
/// these; binary floating point never leaves a backend (SQLite `REAL` is
/// read through its shortest decimal representation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Decimal(Decimal),
    Text(String),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Bytes(Vec<u8>),
}

impl Value {
    /// The value as text, as the gateway's own tables store it (empty for
    /// NULL and bytes; times to the millisecond).
    pub fn text(&self) -> String {
        match self {
            Value::Null | Value::Bytes(_) => String::new(),
            Value::Text(t) => t.clone(),
            Value::Int(n) => n.to_string(),
            Value::Decimal(d) => d.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
        }
    }

    /// The value as a whole number (0 when it is not one).
    pub fn int(&self) -> i64 {
        match self {
            Value::Int(n) => *n,
            other => other.text().parse().unwrap_or_default(),
        }
    }
}

/// How a backend writes the placeholder for the n-th (1-based) distinct parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `?1`, `?2`, ... (SQLite numbered parameters; a number may repeat).
    Sqlite,
    /// `@P1`, `@P2`, ... (SQL Server, as tiberius binds them).
    Mssql,
    /// `$1`, `$2`, ... (PostgreSQL and its family).
    Postgres,
    /// `?1`, `?2`, ... (MySQL and its family; the backend binds each use
    /// as a plain `?`).
    Mysql,
}

impl Dialect {
    pub fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Sqlite | Dialect::Mysql => format!("?{n}"),
            Dialect::Mssql => format!("@P{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }

    /// The file-name infix of a per-dialect override (`method.mssql.sql`).
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Mssql => "mssql",
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
        }
    }

    /// Every dialect, for telling an override file of another database.
    pub const ALL: [Dialect; 4] = [
        Dialect::Sqlite,
        Dialect::Mssql,
        Dialect::Postgres,
        Dialect::Mysql,
    ];
}

/// One statement ready to run: SQL in the backend's dialect and the values
/// of its numbered placeholders, in order.
#[derive(Debug, Clone)]
pub struct Statement {
    pub sql: Arc<str>,
    pub params: Vec<Param>,
    /// Where each placeholder stands in `sql` (a backend that cannot send a
    /// NULL parameter writes NULL there instead); may be empty.
    pub placeholders: Arc<[Placeholder]>,
}

impl Statement {
    /// A statement whose placeholders' positions are not known.
    pub fn new(sql: impl Into<Arc<str>>, params: Vec<Param>) -> Self {
        Statement {
            sql: sql.into(),
            params,
            placeholders: Arc::from(Vec::new()),
        }
    }
}

/// The byte range of one placeholder in a statement's SQL, and the
/// 0-based index of the parameter it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placeholder {
    pub start: usize,
    pub end: usize,
    pub param: usize,
}

/// The rows of one statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultSet {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl ResultSet {
    /// The index of a column, matching exactly first and then ignoring ASCII case.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name).or_else(|| {
            self.columns
                .iter()
                .position(|c| c.eq_ignore_ascii_case(name))
        })
    }
}

/// What a backend can tell about a statement without running it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Description {
    /// The columns of its first result set.
    pub columns: Vec<String>,
    /// For placeholder n (1-based) at n-1: the type the server would give it
    /// from its use in the statement (`varchar(20)` when compared with a
    /// varchar column), where the backend can tell.
    pub parameter_types: Vec<Option<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("HIS database busy: no connection free within {0:?}")]
    Busy(Duration),
    #[error("HIS database did not answer within {0:?}")]
    Timeout(Duration),
    #[error("HIS database unavailable: {0}")]
    Unavailable(String),
    #[error("SQL error in statement {statement}: {message}")]
    Sql { statement: usize, message: String },
    #[error("cannot open HIS database {path}: {message}")]
    Open { path: String, message: String },
    #[error("init script {script}: {message}")]
    Script { script: String, message: String },
}

impl ExecError {
    /// Whether trying again later may succeed: no connection free, no
    /// answer in time, the server not reached or the connection lost (or
    /// SQLite's lock held elsewhere) — as opposed to a statement or a
    /// script that is wrong.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ExecError::Busy(_) | ExecError::Timeout(_) | ExecError::Unavailable(_)
        )
    }
}

/// How a write transaction ends, decided from the result sets of its work.
#[derive(Debug)]
pub enum Settle {
    /// Run these statements too, then commit everything.
    Commit(Vec<Statement>),
    /// Undo the work (back to the savepoint taken after the claim), run
    /// these statements, then commit the claim and them.
    UndoWork(Vec<Statement>),
    /// Roll everything back.
    Abort,
}

/// What the caller decides inside the transaction: how it ends, and the
/// answer the caller takes away — made once, from the same result sets.
#[derive(Debug)]
pub struct Decision<R> {
    pub settle: Settle,
    pub answer: R,
}

/// Decides, inside the transaction, from its work's result sets.
pub type Decide<R> = Box<dyn FnOnce(Vec<Vec<ResultSet>>) -> Decision<R> + Send>;

/// One write transaction: the claim (if any) first, then a savepoint, then
/// `work`, then whatever `decide` settles.
///
/// `T` is what the caller gets back when the claim is held by another
/// transaction. A write without a claim has `T = Infallible`: its outcome
/// cannot be "taken", and the type says so.
pub struct WriteTx<R, T = Infallible> {
    /// A statement that inserts a unique key, and what to report when a
    /// unique-key violation shows another transaction (of this or another
    /// gateway process) holds or has committed that key.
    pub claim: Option<(Statement, T)>,
    pub work: Vec<Statement>,
    pub decide: Decide<R>,
}

impl<R> WriteTx<R> {
    /// A write without a claim.
    pub fn new(
        work: Vec<Statement>,
        decide: impl FnOnce(Vec<Vec<ResultSet>>) -> Decision<R> + Send + 'static,
    ) -> WriteTx<R> {
        WriteTx {
            claim: None,
            work,
            decide: Box::new(decide),
        }
    }
}

/// A write transaction that ran: the decision's answer and how it ended.
#[derive(Debug)]
pub struct Written<R> {
    pub answer: R,
    pub ending: Ending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Committed,
    WorkUndone,
    RolledBack,
}

/// How a pool is doing, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open.
    pub size: u64,
    /// Of them, running a call now.
    pub in_use: u64,
    /// Calls waiting for a connection.
    pub waiting: u64,
}

/// A pooled connection to one hospital's HIS database. Every backend runs
/// the same transaction sequence (`session`): a caller waits at most the
/// checkout timeout for a connection (`Busy`), each statement at most the
/// query timeout (`Timeout`), and any error rolls back all of its
/// transaction.
pub enum Database {
    Sqlite(sqlite::SqliteDatabase),
    Mssql(mssql::MssqlDatabase),
    Postgres(postgres::PostgresDatabase),
    Mysql(mysql::MysqlDatabase),
}

impl Database {
    pub fn dialect(&self) -> Dialect {
        match self {
            Database::Sqlite(_) => Dialect::Sqlite,
            Database::Mssql(_) => Dialect::Mssql,
            Database::Postgres(_) => Dialect::Postgres,
            Database::Mysql(_) => Dialect::Mysql,
        }
    }

    /// The pool's state now.
    pub fn pool_stats(&self) -> PoolStats {
        match self {
            Database::Sqlite(db) => db.pool_stats(),
            Database::Mssql(db) => db.pool_stats(),
            Database::Postgres(db) => db.pool_stats(),
            Database::Mysql(db) => db.pool_stats(),
        }
    }

    /// Runs read statements in order on one connection and returns, per
    /// statement, the result sets it produced (a batch or a stored procedure
    /// may produce several; a plain SELECT one). Several statements read one
    /// state of the database where the backend allows it (see `session`).
    pub async fn query(
        &self,
        statements: Vec<Statement>,
    ) -> Result<Vec<Vec<ResultSet>>, ExecError> {
        match self {
            Database::Sqlite(db) => db.query(statements).await,
            Database::Mssql(db) => db.query(statements).await,
            Database::Postgres(db) => db.query(statements).await,
            Database::Mysql(db) => db.query(statements).await,
        }
    }

    /// Runs a write transaction on one connection: claim, savepoint, work,
    /// then the ending `decide` chooses. Any error rolls all of it back.
    /// Never retried: after a lost connection or a timeout the server rolls
    /// the transaction back.
    pub async fn write<R, T>(&self, tx: WriteTx<R, T>) -> Result<Result<Written<R>, T>, ExecError>
    where
        R: Send + 'static,
        T: Send + 'static,
    {
        match self {
            Database::Sqlite(db) => db.write(tx).await,
            Database::Mssql(db) => db.write(tx).await,
            Database::Postgres(db) => db.write(tx).await,
            Database::Mysql(db) => db.write(tx).await,
        }
    }

    /// Runs statements in one transaction that commits (the gateway's own
    /// bookkeeping: outbox rows, watermarks) and returns their result sets.
    pub async fn execute(
        &self,
        statements: Vec<Statement>,
    ) -> Result<Vec<Vec<ResultSet>>, ExecError> {
        let tx = WriteTx::new(statements, |sets| Decision {
            settle: Settle::Commit(Vec::new()),
            answer: sets,
        });
        let Ok(written) = self.write(tx).await?;
        Ok(written.answer)
    }

    /// Runs a script of the database's own dialect (schema, seed, migrations):
    /// SQLite as one batch, SQL Server split into batches on `GO` lines.
    pub async fn run_script(&self, script: String) -> Result<(), ExecError> {
        match self {
            Database::Sqlite(db) => db.run_script(script).await,
            Database::Mssql(db) => db.run_script(script).await,
            Database::Postgres(db) => db.run_script(script).await,
            Database::Mysql(db) => db.run_script(script).await,
        }
    }

    /// Compiles a statement with `params` placeholders without running it and
    /// reports its first result set's columns (used by `hisgw check`).
    pub async fn describe(&self, sql: Arc<str>, params: usize) -> Result<Description, ExecError> {
        match self {
            Database::Sqlite(db) => db.describe(sql).await,
            Database::Mssql(db) => db.describe(sql, params).await,
            Database::Postgres(db) => db.describe(sql, params).await,
            Database::Mysql(db) => db.describe(sql, params).await,
        }
    }
}
