//! A pooled PostgreSQL connection as the transaction drivers use it
//! (`Session`).
//!
//! A read of several statements runs in one REPEATABLE READ transaction,
//! so every statement sees the state of the database when the first one
//! read; a read of one statement runs by itself. A write is one READ
//! COMMITTED transaction; PostgreSQL aborts it at the first error, and the
//! driver rolls it back. Every statement has the query timeout; a statement
//! past it is cancelled on the server and the connection is given up.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;

use super::statements::Piece;
use super::values::{read_row, Text};
use super::{PgConnection, Tls};
use crate::execute::rehearsal::Rehearsal;
use crate::execute::session::{Failure, Session};
use crate::execute::{ExecError, Param, ResultSet, Statement};

pub(crate) struct PgSession<'c> {
    conn: &'c mut PgConnection,
    tls: &'c Tls,
    query_timeout: Duration,
    /// The rehearsal whose trace records each statement, if any.
    trace: Option<&'c Rehearsal>,
    /// Whether this session has a transaction open on the server.
    open: bool,
    /// A step failed at the connection level.
    pub(super) lost: bool,
}

impl<'c> PgSession<'c> {
    pub(super) fn new(
        conn: &'c mut PgConnection,
        tls: &'c Tls,
        query_timeout: Duration,
        trace: Option<&'c Rehearsal>,
    ) -> Self {
        PgSession {
            conn,
            tls,
            query_timeout,
            trace,
            open: false,
            lost: false,
        }
    }

    /// Runs statements without parameters whose results do not matter.
    async fn batch(&mut self, sql: &str) -> Result<(), Failure> {
        let run = self.conn.client.batch_execute(sql);
        let result = match tokio::time::timeout(self.query_timeout, run).await {
            Ok(result) => result.map_err(|e| classify(&e, 0)),
            Err(_) => {
                self.cancel();
                Err(Failure::Lost(ExecError::Timeout(self.query_timeout)))
            }
        };
        self.note(result)
    }

    /// Asks the server to stop what this connection runs (it is given up
    /// either way).
    fn cancel(&self) {
        let token = self.conn.client.cancel_token();
        let tls = self.tls.clone();
        tokio::spawn(async move {
            let _ = match tls {
                Tls::Off => token.cancel_query(tokio_postgres::NoTls).await,
                Tls::Rustls(tls) => token.cancel_query(tls).await,
            };
        });
    }

    fn note<V>(&mut self, result: Result<V, Failure>) -> Result<V, Failure> {
        if matches!(result, Err(Failure::Lost(_))) {
            self.lost = true;
        }
        result
    }

    /// Runs one statement of a section and reads all its rows.
    async fn run_piece(
        &mut self,
        piece: &Piece,
        params: &[Param],
        index: usize,
    ) -> Result<ResultSet, Failure> {
        let prepared = match self.conn.prepared.get(&piece.sql) {
            Some(p) => p.clone(),
            None => {
                let p = self
                    .conn
                    .client
                    .prepare(&piece.sql)
                    .await
                    .map_err(|e| classify(&e, index))?;
                if self.conn.prepared.len() >= 1_000 {
                    self.conn.prepared.clear();
                }
                self.conn.prepared.insert(piece.sql.clone(), p.clone());
                p
            }
        };
        let values: Vec<Text<'_>> = piece
            .params
            .iter()
            .map(|&i| Text::of(params.get(i).unwrap_or(&Param::Null)))
            .collect();
        let result = async {
            let stream = self
                .conn
                .client
                .query_raw(&prepared, values.iter().map(|v| v as &dyn ToSql))
                .await?;
            futures_util::pin_mut!(stream);
            let mut rows = Vec::new();
            while let Some(row) = stream.try_next().await? {
                rows.push(row);
            }
            Ok::<_, tokio_postgres::Error>((rows, stream.rows_affected()))
        }
        .await;
        let (rows, affected) = match result {
            Ok(got) => got,
            Err(e) => {
                // A plan the server no longer takes (a table changed) is
                // prepared afresh next time.
                self.conn.prepared.remove(&piece.sql);
                return Err(classify(&e, index));
            }
        };
        let columns: Vec<String> = prepared
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        if !piece.reads {
            self.conn.changes += affected.unwrap_or_default();
        }
        let rows = rows
            .iter()
            .map(read_row)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                Failure::Failed(ExecError::Sql {
                    statement: index,
                    message: e.0,
                })
            })?;
        Ok(ResultSet { columns, rows })
    }

    /// Runs a section statement by statement: a single statement gives its
    /// result set even without columns; several give those that return rows.
    async fn run_section(
        &mut self,
        statement: &Statement,
        index: usize,
    ) -> Result<Vec<ResultSet>, Failure> {
        let pieces = self.conn.pieces(&statement.sql);
        let single = pieces.len() == 1;
        let mut sets = Vec::new();
        for piece in pieces.iter() {
            let before = self.conn.changes;
            let started = Instant::now();
            let ran = self.run_piece(piece, &statement.params, index).await;
            if let Some(trace) = self.trace {
                let result = match &ran {
                    Ok(set) => Ok(std::slice::from_ref(set)),
                    Err(f) => Err(f.error().to_string()),
                };
                let changed = Some(self.conn.changes - before);
                trace.record_text(&piece.sql, started.elapsed(), result, changed);
            }
            let set = ran?;
            if single || !set.columns.is_empty() {
                sets.push(set);
            }
        }
        Ok(sets)
    }
}

impl Session for PgSession<'_> {
    async fn begin_read(&mut self, statements: usize) -> Result<(), Failure> {
        if statements > 1 {
            self.batch("BEGIN ISOLATION LEVEL REPEATABLE READ").await?;
            self.open = true;
        }
        Ok(())
    }

    async fn begin_write(&mut self) -> Result<(), Failure> {
        self.batch("BEGIN").await?;
        self.open = true;
        Ok(())
    }

    async fn run(
        &mut self,
        statement: &Statement,
        index: usize,
    ) -> Result<Vec<ResultSet>, Failure> {
        let result = match tokio::time::timeout(
            self.query_timeout,
            self.run_section(statement, index),
        )
        .await
        {
            Ok(result) => result,
            // The server may still be working on it: it is asked to
            // stop, and the connection is not reused.
            Err(_) => {
                self.cancel();
                Err(Failure::Lost(ExecError::Timeout(self.query_timeout)))
            }
        };
        self.note(result)
    }

    async fn savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.batch(&format!("SAVEPOINT {name}")).await
    }

    async fn undo_to_savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.batch(&format!("ROLLBACK TO SAVEPOINT {name}")).await
    }

    async fn release_savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.batch(&format!("RELEASE SAVEPOINT {name}")).await
    }

    async fn commit(&mut self) -> Result<(), Failure> {
        if std::mem::replace(&mut self.open, false) {
            self.batch("COMMIT").await?;
        }
        Ok(())
    }

    async fn rollback(&mut self) -> Result<(), Failure> {
        if std::mem::replace(&mut self.open, false) {
            self.batch("ROLLBACK").await?;
        }
        Ok(())
    }

    fn changes(&self) -> Option<u64> {
        Some(self.conn.changes)
    }

    fn traces(&self) -> bool {
        self.trace.is_some()
    }
}

/// What a PostgreSQL error means for the step and the connection.
pub(super) fn classify(e: &tokio_postgres::Error, index: usize) -> Failure {
    match e.as_db_error() {
        Some(db) if *db.code() == SqlState::UNIQUE_VIOLATION => {
            Failure::Duplicate(sql_error(e, index))
        }
        // The server is going away: the connection is of no further use.
        Some(db)
            if matches!(
                db.code().code(),
                "57P01" | "57P02" | "57P03" | "08000" | "08003" | "08006"
            ) =>
        {
            Failure::Lost(ExecError::Unavailable(describe_error(e)))
        }
        Some(_) => Failure::Failed(sql_error(e, index)),
        None if e.is_closed() => Failure::Lost(ExecError::Unavailable(
            "the connection to the HIS database was closed".into(),
        )),
        None => Failure::Lost(ExecError::Unavailable(describe_error(e))),
    }
}

fn sql_error(e: &tokio_postgres::Error, index: usize) -> ExecError {
    ExecError::Sql {
        statement: index,
        message: describe_error(e),
    }
}

/// A server error as hospital IT reads it: the message, its SQLSTATE, and
/// the server's detail and hint where it gave them.
pub(super) fn describe_error(e: &tokio_postgres::Error) -> String {
    let Some(db) = e.as_db_error() else {
        return e.to_string();
    };
    let mut text = format!("{} ({})", db.message(), db.code().code());
    if let Some(detail) = db.detail() {
        text.push_str(&format!("; {detail}"));
    }
    if let Some(hint) = db.hint() {
        text.push_str(&format!("; hint: {hint}"));
    }
    text
}
