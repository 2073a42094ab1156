//! A pooled TDS connection as the transaction drivers use it (`Session`).
//!
//! Reads of several statements run in one SNAPSHOT transaction where the
//! database allows snapshot isolation (`ALLOW_SNAPSHOT_ISOLATION ON`), so
//! every statement sees the state of the database when the first one read;
//! otherwise each statement runs by itself and sees what was committed when
//! it started (statement-level consistency under READ COMMITTED, a snapshot
//! per statement with READ_COMMITTED_SNAPSHOT). A single statement is one
//! state either way. Writes run with XACT_ABORT, so any error inside aborts
//! the whole transaction on the server whatever the client does next.
//! Every statement has the query timeout; a statement past it leaves the
//! connection in an unknown state, so the connection is given up.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use tiberius::{ColumnType, QueryItem, ToSql};

use super::values::{read_value, with_nulls_inline};
use super::TdsClient;
use crate::execute::session::{Failure, Session};
use crate::execute::{ExecError, Param, ResultSet, Statement};

/// The transaction a session has begun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    /// A snapshot read: the isolation level is reset when it ends.
    Read,
    Write,
}

pub(crate) struct TdsSession<'c> {
    client: &'c mut TdsClient,
    /// Whether the connection's database allows snapshot isolation, once asked.
    snapshot: &'c mut Option<bool>,
    /// Whether the pool has said in the log which isolation its reads get.
    told: Arc<AtomicBool>,
    query_timeout: Duration,
    /// What this session has open on the server.
    open: Open,
    /// A step failed at the connection level.
    pub(super) lost: bool,
}

impl<'c> TdsSession<'c> {
    pub(super) fn new(
        client: &'c mut TdsClient,
        snapshot: &'c mut Option<bool>,
        told: Arc<AtomicBool>,
        query_timeout: Duration,
    ) -> Self {
        TdsSession {
            client,
            snapshot,
            told,
            query_timeout,
            open: Open::Nothing,
            lost: false,
        }
    }

    /// Runs a batch without parameters whose results do not matter.
    async fn batch(&mut self, sql: &str) -> Result<(), Failure> {
        let run = async {
            self.client.simple_query(sql).await?.into_results().await?;
            Ok::<_, tiberius::error::Error>(())
        };
        let result = match tokio::time::timeout(self.query_timeout, run).await {
            Ok(result) => result.map_err(|e| classify(e, 0)),
            Err(_) => Err(Failure::Lost(ExecError::Timeout(self.query_timeout))),
        };
        self.note(result)
    }

    /// Whether the database allows SNAPSHOT transactions, asked once per
    /// connection (a server that cannot say is taken as not allowing them).
    async fn allows_snapshot(&mut self) -> bool {
        if let Some(known) = *self.snapshot {
            return known;
        }
        let asked = async {
            let row = self
                .client
                .simple_query(
                    "SELECT CAST(snapshot_isolation_state AS INT) FROM sys.databases WHERE name = DB_NAME()",
                )
                .await?
                .into_row()
                .await?;
            Ok::<_, tiberius::error::Error>(row.and_then(|r| r.get::<i32, _>(0)))
        };
        let allowed = matches!(
            tokio::time::timeout(self.query_timeout, asked).await,
            Ok(Ok(Some(1)))
        );
        *self.snapshot = Some(allowed);
        if !self.told.swap(true, Ordering::Relaxed) {
            if allowed {
                tracing::info!(
                    "HIS database allows snapshot isolation: a call's reads see one state"
                );
            } else {
                tracing::info!("HIS database does not allow snapshot isolation (ALLOW_SNAPSHOT_ISOLATION OFF): each statement of a call sees what was committed when it started");
            }
        }
        allowed
    }

    fn note<V>(&mut self, result: Result<V, Failure>) -> Result<V, Failure> {
        if matches!(result, Err(Failure::Lost(_))) {
            self.lost = true;
        }
        result
    }
}

impl Session for TdsSession<'_> {
    async fn begin_read(&mut self, statements: usize) -> Result<(), Failure> {
        if statements > 1 && self.allows_snapshot().await {
            self.batch("SET TRANSACTION ISOLATION LEVEL SNAPSHOT; BEGIN TRANSACTION;")
                .await?;
            self.open = Open::Read;
        }
        Ok(())
    }

    async fn begin_write(&mut self) -> Result<(), Failure> {
        self.batch("SET XACT_ABORT ON; BEGIN TRANSACTION;").await?;
        self.open = Open::Write;
        Ok(())
    }

    async fn run(
        &mut self,
        statement: &Statement,
        index: usize,
    ) -> Result<Vec<ResultSet>, Failure> {
        let result = match tokio::time::timeout(
            self.query_timeout,
            run_statement(self.client, statement, index),
        )
        .await
        {
            Ok(result) => result,
            // The server may still be working on it: the connection is
            // in an unknown state and must not be reused.
            Err(_) => Err(Failure::Lost(ExecError::Timeout(self.query_timeout))),
        };
        self.note(result)
    }

    async fn savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.batch(&format!("SAVE TRANSACTION {name};")).await
    }

    async fn undo_to_savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.batch(&format!("ROLLBACK TRANSACTION {name};")).await
    }

    async fn release_savepoint(&mut self, _name: &str) -> Result<(), Failure> {
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), Failure> {
        match std::mem::replace(&mut self.open, Open::Nothing) {
            Open::Nothing => Ok(()),
            Open::Read => {
                self.batch("COMMIT TRANSACTION; SET TRANSACTION ISOLATION LEVEL READ COMMITTED;")
                    .await
            }
            Open::Write => self.batch("COMMIT TRANSACTION;").await,
        }
    }

    async fn rollback(&mut self) -> Result<(), Failure> {
        // XACT_ABORT may have rolled it back already: end only what is open.
        match std::mem::replace(&mut self.open, Open::Nothing) {
            Open::Nothing => Ok(()),
            Open::Read => {
                self.batch(
                    "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION; SET TRANSACTION ISOLATION LEVEL READ COMMITTED;",
                )
                .await
            }
            Open::Write => self.batch("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;").await,
        }
    }
}

/// What a TDS error means for the step and the connection.
fn classify(e: tiberius::error::Error, index: usize) -> Failure {
    let sql = |e: &tiberius::error::Error| ExecError::Sql {
        statement: index,
        message: e.to_string(),
    };
    match e {
        tiberius::error::Error::Server(ref token) if matches!(token.code(), 2627 | 2601) => {
            Failure::Duplicate(sql(&e))
        }
        tiberius::error::Error::Server(_)
        | tiberius::error::Error::Conversion(_)
        | tiberius::error::Error::Utf8
        | tiberius::error::Error::Utf16
        | tiberius::error::Error::Encoding(_) => Failure::Failed(sql(&e)),
        other => Failure::Lost(ExecError::Unavailable(other.to_string())),
    }
}

/// Runs one statement and reads every result set it returns.
pub(super) async fn run_statement(
    client: &mut TdsClient,
    statement: &Statement,
    index: usize,
) -> Result<Vec<ResultSet>, Failure> {
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
    let mut stream = client
        .query(&*sql, &params)
        .await
        .map_err(|e| classify(e, index))?;
    let mut sets: Vec<ResultSet> = Vec::new();
    let mut char_columns: Vec<bool> = Vec::new();
    while let Some(item) = stream.try_next().await.map_err(|e| classify(e, index))? {
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
                    // The rest of the stream is unread: the connection is
                    // given up rather than lent out mid-answer.
                    .map_err(Failure::Lost)?;
                if let Some(set) = sets.last_mut() {
                    set.rows.push(values);
                }
            }
        }
    }
    Ok(sets)
}
