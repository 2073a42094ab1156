//! Execute: runs a planned batch of SQL statements against a hospital's HIS
//! database through a pool of connections, and hands back plain result sets.
//!
//! This module owns the database interface (`Database`), the values that
//! cross it (`Param` in, `Value` out) and the backends (SQLite now; SQL
//! Server drops in beside it). It must never know about the interface spec,
//! XML or HTTP: it runs SQL text with bound parameters and nothing else.
//! Request values reach SQL only as bound parameters.

mod decimal_functions;
pub mod mssql;
pub mod sqlite;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

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

/// How a backend writes the placeholder for the n-th (1-based) distinct parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `?1`, `?2`, ... (SQLite numbered parameters; a number may repeat).
    Sqlite,
    /// `@P1`, `@P2`, ... (SQL Server, as tiberius binds them).
    Mssql,
}

impl Dialect {
    pub fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Mssql => format!("@P{n}"),
        }
    }

    /// The file-name infix of a per-dialect override (`method.mssql.sql`).
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Mssql => "mssql",
        }
    }
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

/// Decides, from a write's result sets, whether its transaction commits.
pub type CommitDecision = Box<dyn FnOnce(&[Vec<ResultSet>]) -> bool + Send>;

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

/// Decides how a write transaction ends from its work's result sets.
pub type SettleDecision = Box<dyn FnOnce(&[Vec<ResultSet>]) -> Settle + Send>;

/// One write transaction: `claim` statements first (a unique-key violation
/// there means another transaction holds or has committed the same key),
/// then a savepoint, then `work`, then whatever `settle` decides.
pub struct WriteTx {
    pub claim: Vec<Statement>,
    pub work: Vec<Statement>,
    pub settle: SettleDecision,
}

/// How a write transaction ended.
#[derive(Debug)]
pub enum WriteOutcome {
    /// The claim hit a unique key: another transaction (of this or another
    /// gateway process) has it. Nothing past the claim ran and all of it was
    /// rolled back. The database made the claim wait for that other
    /// transaction to end, so the key's owner has committed by now.
    ClaimTaken,
    /// The work ran; its result sets and how the transaction ended.
    Ran {
        sets: Vec<Vec<ResultSet>>,
        ending: Ending,
    },
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

/// A pooled connection to one hospital's HIS database.
#[async_trait]
pub trait Database: Send + Sync {
    /// The pool's state now.
    fn pool_stats(&self) -> PoolStats;

    /// Runs read statements in order on one connection and returns, per
    /// statement, the result sets it produced (a batch or a stored procedure
    /// may produce several; a plain SELECT one).
    async fn query(&self, statements: Vec<Statement>) -> Result<Vec<Vec<ResultSet>>, ExecError>;

    /// Runs a write transaction on one connection: claim, savepoint, work,
    /// then the ending `settle` decides. Any error rolls all of it back.
    /// Never retried: after a lost connection or a timeout the server rolls
    /// the transaction back.
    async fn write(&self, tx: WriteTx) -> Result<WriteOutcome, ExecError>;

    /// Runs write statements in order in ONE transaction on one connection.
    /// The transaction commits only if `commit` approves the result sets;
    /// otherwise, and on any error, all of it is rolled back. Returns the
    /// result sets and whether they were committed.
    async fn transact(
        &self,
        statements: Vec<Statement>,
        commit: CommitDecision,
    ) -> Result<(Vec<Vec<ResultSet>>, bool), ExecError> {
        let tx = WriteTx {
            claim: Vec::new(),
            work: statements,
            settle: Box::new(move |sets| {
                if commit(sets) {
                    Settle::Commit(Vec::new())
                } else {
                    Settle::Abort
                }
            }),
        };
        match self.write(tx).await? {
            WriteOutcome::Ran { sets, ending } => Ok((sets, ending == Ending::Committed)),
            // Without claim statements there is nothing to be taken.
            WriteOutcome::ClaimTaken => Ok((Vec::new(), false)),
        }
    }

    /// Runs a script of the database's own dialect (schema, seed, migrations):
    /// SQLite as one batch, SQL Server split into batches on `GO` lines.
    async fn run_script(&self, script: String) -> Result<(), ExecError>;

    /// Compiles a statement with `params` placeholders without running it and
    /// reports its first result set's columns (used by `hisgw check`).
    async fn describe(&self, sql: Arc<str>, params: usize) -> Result<Description, ExecError>;
}
