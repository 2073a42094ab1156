//! A pooled MySQL connection as the transaction drivers use it
//! (`Session`).
//!
//! A read of several statements runs in one REPEATABLE READ transaction
//! begun WITH CONSISTENT SNAPSHOT, so every statement sees the state of the
//! database when it began; a read of one statement runs by itself. A write
//! is one READ COMMITTED transaction. Every statement has the query
//! timeout; a statement past it is killed on the server (`KILL QUERY` from
//! another connection) and the connection is given up.

use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;
use mysql_async::Params;

use super::statements::Piece;
use super::values::{param, read_row};
use super::{MyConnection, MysqlOptions};
use crate::execute::rehearsal::Rehearsal;
use crate::execute::session::{Failure, Session};
use crate::execute::{ExecError, Param, ResultSet, Statement};

pub(crate) struct MySession<'c> {
    conn: &'c mut MyConnection,
    options: &'c MysqlOptions,
    /// The rehearsal whose trace records each statement, if any.
    trace: Option<&'c Rehearsal>,
    /// Whether this session has a transaction open on the server.
    open: bool,
    /// A step failed at the connection level.
    pub(super) lost: bool,
}

impl<'c> MySession<'c> {
    pub(super) fn new(
        conn: &'c mut MyConnection,
        options: &'c MysqlOptions,
        trace: Option<&'c Rehearsal>,
    ) -> Self {
        MySession {
            conn,
            options,
            trace,
            open: false,
            lost: false,
        }
    }

    fn query_timeout(&self) -> Duration {
        self.options.query_timeout
    }

    /// Runs statements without parameters whose results do not matter.
    async fn batch(&mut self, sql: &str) -> Result<(), Failure> {
        let timeout = self.query_timeout();
        let result = match tokio::time::timeout(timeout, self.conn.conn.query_drop(sql)).await {
            Ok(result) => result.map_err(|e| classify(&e, 0)),
            Err(_) => {
                self.kill();
                Err(Failure::Lost(ExecError::Timeout(timeout)))
            }
        };
        self.note(result)
    }

    /// Asks the server, from another connection, to stop what this one
    /// runs (it is given up either way).
    fn kill(&self) {
        let id = self.conn.conn.id();
        let options = self.options.clone();
        tokio::spawn(async move {
            if let Ok(mut other) = super::connect(&options).await {
                let _ = other.query_drop(format!("KILL QUERY {id}")).await;
                let _ = other.disconnect().await;
            }
        });
    }

    fn note<V>(&mut self, result: Result<V, Failure>) -> Result<V, Failure> {
        if matches!(result, Err(Failure::Lost(_))) {
            self.lost = true;
        }
        result
    }

    /// Runs one statement of a section and reads every result set it
    /// returns (a `CALL` of a procedure may return several).
    async fn run_piece(
        &mut self,
        piece: &Piece,
        params: &[Param],
        index: usize,
    ) -> Result<Vec<ResultSet>, Failure> {
        let charset = self.options.charset;
        let values: Vec<mysql_async::Value> = piece
            .params
            .iter()
            .map(|&i| param(params.get(i).unwrap_or(&Param::Null), charset))
            .collect();
        let params = if values.is_empty() {
            Params::Empty
        } else {
            Params::Positional(values)
        };
        let conn = &mut self.conn.conn;
        let run = async {
            let mut result = conn
                .exec_iter(charset.encode_cow(&piece.sql), params)
                .await?;
            let mut sets = Vec::new();
            let mut affected = 0;
            loop {
                let columns = result.columns().unwrap_or_else(|| Vec::new().into());
                let rows: Vec<mysql_async::Row> = result.collect().await?;
                if columns.is_empty() {
                    affected += result.affected_rows();
                } else {
                    sets.push((columns, rows));
                }
                if result.is_empty() {
                    break;
                }
            }
            Ok::<_, mysql_async::Error>((sets, affected))
        };
        let (sets, affected) = run.await.map_err(|e| classify(&e, index))?;
        self.conn.changes += affected;
        sets.into_iter()
            .map(|(columns, rows)| {
                let rows = rows
                    .into_iter()
                    .map(|r| read_row(r, &columns, charset))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|message| {
                        Failure::Failed(ExecError::Sql {
                            statement: index,
                            message,
                        })
                    })?;
                Ok(ResultSet {
                    columns: columns
                        .iter()
                        .map(|c| charset.decode(c.name_ref()))
                        .collect(),
                    rows,
                })
            })
            .collect()
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
                let changed = Some(self.conn.changes - before);
                let result = match &ran {
                    Ok(got) => Ok(got.as_slice()),
                    Err(f) => Err(f.error().to_string()),
                };
                trace.record_text(&piece.sql, started.elapsed(), result, changed);
            }
            sets.extend(ran?);
        }
        // A single statement that returns no rows still answers one
        // (empty) result set, as on the other backends.
        if single && sets.is_empty() {
            sets.push(ResultSet::default());
        }
        Ok(sets)
    }
}

impl Session for MySession<'_> {
    async fn begin_read(&mut self, statements: usize) -> Result<(), Failure> {
        if statements > 1 {
            self.batch(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; START TRANSACTION WITH CONSISTENT SNAPSHOT",
            )
            .await?;
            self.open = true;
        }
        Ok(())
    }

    async fn begin_write(&mut self) -> Result<(), Failure> {
        self.batch("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION")
            .await?;
        self.open = true;
        Ok(())
    }

    async fn run(
        &mut self,
        statement: &Statement,
        index: usize,
    ) -> Result<Vec<ResultSet>, Failure> {
        let timeout = self.query_timeout();
        let result = match tokio::time::timeout(timeout, self.run_section(statement, index)).await {
            Ok(result) => result,
            Err(_) => {
                self.kill();
                Err(Failure::Lost(ExecError::Timeout(timeout)))
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

/// What a MySQL error means for the step and the connection.
pub(super) fn classify(e: &mysql_async::Error, index: usize) -> Failure {
    match e {
        mysql_async::Error::Server(s) if s.code == 1062 => Failure::Duplicate(sql_error(e, index)),
        // The server is shutting down or killed the connection.
        mysql_async::Error::Server(s) if matches!(s.code, 1053 | 1927 | 4031) => {
            Failure::Lost(ExecError::Unavailable(describe_error(e)))
        }
        mysql_async::Error::Server(_) => Failure::Failed(sql_error(e, index)),
        _ => Failure::Lost(ExecError::Unavailable(describe_error(e))),
    }
}

fn sql_error(e: &mysql_async::Error, index: usize) -> ExecError {
    ExecError::Sql {
        statement: index,
        message: describe_error(e),
    }
}

/// A server error as hospital IT reads it: the message and its error code.
pub(super) fn describe_error(e: &mysql_async::Error) -> String {
    match e {
        mysql_async::Error::Server(s) => format!("{} (MySQL error {})", s.message, s.code),
        other => other.to_string(),
    }
}
