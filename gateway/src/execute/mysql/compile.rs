//! Compiling and describing a section on MySQL without running it: each
//! statement is prepared (MySQL parses it and resolves its tables and
//! columns) inside a transaction that is rolled back. A statement that
//! creates a temporary table is run, so the statements after it can be
//! prepared; the connection is then given up, so the table goes with it
//! (MySQL's ROLLBACK does not drop temporary tables).

use std::sync::Arc;

use mysql_async::prelude::Queryable;

use super::statements::{self, Piece};
use super::{session, MysqlDatabase};
use crate::execute::compile::{quoted_name, CompileError, Compiled, Position};
use crate::execute::{Description, ExecError};

impl MysqlDatabase {
    pub async fn compile(&self, sql: Arc<str>) -> Result<Compiled, CompileError> {
        let columns = self.prepare_all(&sql).await?;
        Ok(Compiled {
            result_sets: Some(columns.into_iter().filter(|c| !c.is_empty()).collect()),
        })
    }

    pub async fn describe(&self, sql: Arc<str>, params: usize) -> Result<Description, ExecError> {
        let columns = self.prepare_all(&sql).await.map_err(|e| match e {
            CompileError::Database(e) => e,
            other => ExecError::Sql {
                statement: 0,
                message: other.to_string(),
            },
        })?;
        Ok(Description {
            columns: columns
                .into_iter()
                .find(|c| !c.is_empty())
                .unwrap_or_default(),
            // MySQL does not say what type a placeholder is taken as.
            parameter_types: vec![None; params],
        })
    }

    /// Each statement's columns, in order.
    async fn prepare_all(&self, sql: &str) -> Result<Vec<Vec<String>>, CompileError> {
        let pieces = statements::pieces(sql);
        let mut conn = self.checkout().await?;
        let timeout = self.options.query_timeout;
        let made_temp = pieces.iter().any(Piece::creates_temp_table);
        let charset = self.options.charset;
        let run = async {
            conn.conn.query_drop("START TRANSACTION").await?;
            let mut out = Vec::new();
            for (k, piece) in pieces.iter().enumerate() {
                let prepared = match conn.conn.prep(charset.encode_cow(&piece.sql)).await {
                    Ok(p) => p,
                    Err(e) => return Ok(Err(refused(sql, piece, k, &e))),
                };
                if piece.creates_temp_table() {
                    let nulls = vec![mysql_async::Value::NULL; piece.params.len()];
                    let params = if nulls.is_empty() {
                        mysql_async::Params::Empty
                    } else {
                        mysql_async::Params::Positional(nulls)
                    };
                    if let Err(e) = conn.conn.exec_drop(&prepared, params).await {
                        return Ok(Err(refused(sql, piece, k, &e)));
                    }
                }
                out.push(
                    prepared
                        .columns()
                        .iter()
                        .map(|c| charset.decode(c.name_ref()))
                        .collect(),
                );
            }
            Ok::<_, mysql_async::Error>(Ok(out))
        };
        let result = tokio::time::timeout(timeout, run).await;
        let ended = match &result {
            Ok(Ok(_)) => tokio::time::timeout(timeout, conn.conn.query_drop("ROLLBACK"))
                .await
                .is_ok_and(|r| r.is_ok()),
            _ => false,
        };
        conn.broken = !ended || made_temp;
        match result {
            Ok(Ok(Ok(columns))) => Ok(columns),
            Ok(Ok(Err(refused))) => Err(refused),
            Ok(Err(e)) => Err(CompileError::Database(ExecError::Unavailable(
                session::describe_error(&e),
            ))),
            Err(_) => Err(CompileError::Database(ExecError::Timeout(timeout))),
        }
    }
}

/// The server's refusal of the `k`-th statement, placed in the section
/// where MySQL says (`… near '…' at line N`), else at its statement.
fn refused(sql: &str, piece: &Piece, k: usize, e: &mysql_async::Error) -> CompileError {
    let mysql_async::Error::Server(server) = e else {
        return CompileError::Database(ExecError::Unavailable(session::describe_error(e)));
    };
    let message = &server.message;
    let near = message
        .split_once("near '")
        .and_then(|(_, rest)| rest.rsplit_once("' at line "))
        .map(|(text, line)| (text.to_string(), line.trim().parse::<usize>().ok()));
    let at = match &near {
        Some((text, Some(line))) => {
            // The line is the statement's own; the text the server quotes
            // starts the fault on it.
            let line_start = piece
                .sql
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum::<usize>();
            let head: String = text.chars().take(20).collect();
            let within = piece.sql[line_start..]
                .find(head.as_str())
                .filter(|_| !head.is_empty())
                .map_or(line_start, |n| line_start + n);
            Position::Offset((piece.start + within).min(sql.len()))
        }
        _ => Position::Statement(piece.start),
    };
    CompileError::Refused {
        message: session::describe_error(e),
        at,
        statement: Some(k + 1),
        name: quoted_name(message).map(|n| n.rsplit('.').next().unwrap_or(&n).to_string()),
    }
}
