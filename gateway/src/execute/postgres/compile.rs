//! Compiling and describing a section on PostgreSQL without running it:
//! each statement is prepared (PostgreSQL parses, resolves every table,
//! column and function, and infers each placeholder's type), inside a
//! transaction that is rolled back. A statement that creates a temporary
//! table is run there, so the statements after it can be prepared; nothing
//! else runs, and the rollback removes the table again.

use std::sync::Arc;

use tokio_postgres::error::ErrorPosition;

use super::statements::{self, Piece};
use super::values::Text;
use super::{session, PostgresDatabase};
use crate::execute::compile::{quoted_name, CompileError, Compiled, Position};
use crate::execute::{Description, ExecError};

/// What preparing each statement of a section told.
struct Prepared {
    statements: Vec<PreparedStatement>,
}

/// One statement's columns, and each placeholder's type by the section's
/// parameter index.
type PreparedStatement = (Vec<String>, Vec<(usize, String)>);

impl PostgresDatabase {
    pub async fn compile(&self, sql: Arc<str>) -> Result<Compiled, CompileError> {
        let prepared = self.prepare_all(&sql).await?;
        Ok(Compiled {
            result_sets: Some(
                prepared
                    .statements
                    .into_iter()
                    .map(|(columns, _)| columns)
                    .filter(|c| !c.is_empty())
                    .collect(),
            ),
        })
    }

    pub async fn describe(&self, sql: Arc<str>, params: usize) -> Result<Description, ExecError> {
        let prepared = self.prepare_all(&sql).await.map_err(|e| match e {
            CompileError::Database(e) => e,
            other => ExecError::Sql {
                statement: 0,
                message: other.to_string(),
            },
        })?;
        let mut parameter_types = vec![None; params];
        for (_, types) in &prepared.statements {
            for (index, ty) in types {
                if let Some(slot) = parameter_types.get_mut(*index) {
                    slot.get_or_insert_with(|| ty.clone());
                }
            }
        }
        let columns = prepared
            .statements
            .into_iter()
            .map(|(columns, _)| columns)
            .find(|c| !c.is_empty())
            .unwrap_or_default();
        Ok(Description {
            columns,
            parameter_types,
        })
    }

    async fn prepare_all(&self, sql: &str) -> Result<Prepared, CompileError> {
        let pieces = statements::pieces(sql);
        let mut conn = self.checkout().await?;
        let client = &conn.client;
        let timeout = self.query_timeout;
        let run = async {
            client.batch_execute("BEGIN").await?;
            let mut out = Vec::new();
            for (k, piece) in pieces.iter().enumerate() {
                let prepared = match client.prepare(&piece.sql).await {
                    Ok(p) => p,
                    Err(e) => return Ok(Err(refused(sql, piece, k, &e))),
                };
                if piece.creates_temp_table() {
                    let nulls: Vec<Text<'_>> = piece.params.iter().map(|_| Text(None)).collect();
                    if let Err(e) = client.execute_raw(&prepared, nulls.iter()).await {
                        return Ok(Err(refused(sql, piece, k, &e)));
                    }
                }
                let types = piece
                    .params
                    .iter()
                    .zip(prepared.params())
                    .map(|(&index, ty)| (index, ty.name().to_string()))
                    .collect();
                let columns = prepared
                    .columns()
                    .iter()
                    .map(|c| c.name().to_string())
                    .collect();
                out.push((columns, types));
            }
            Ok::<_, tokio_postgres::Error>(Ok(out))
        };
        let result = tokio::time::timeout(timeout, run).await;
        // Whatever happened, nothing stays: the transaction is rolled back,
        // or the connection is given up.
        let ended = match &result {
            Ok(Ok(_)) => tokio::time::timeout(timeout, client.batch_execute("ROLLBACK"))
                .await
                .is_ok_and(|r| r.is_ok()),
            _ => false,
        };
        conn.broken = !ended;
        match result {
            Ok(Ok(Ok(statements))) => Ok(Prepared { statements }),
            Ok(Ok(Err(refused))) => Err(refused),
            Ok(Err(e)) => Err(CompileError::Database(ExecError::Unavailable(
                session::describe_error(&e),
            ))),
            Err(_) => Err(CompileError::Database(ExecError::Timeout(timeout))),
        }
    }
}

/// The server's refusal of the `k`-th statement, placed in the section.
fn refused(sql: &str, piece: &Piece, k: usize, e: &tokio_postgres::Error) -> CompileError {
    let Some(db) = e.as_db_error() else {
        return CompileError::Database(ExecError::Unavailable(session::describe_error(e)));
    };
    let at = match db.position() {
        // 1-based characters into the statement; its bytes keep their
        // offsets in the section.
        Some(ErrorPosition::Original(p)) => {
            let chars = (*p as usize).saturating_sub(1);
            let offset = piece
                .sql
                .char_indices()
                .nth(chars)
                .map_or(piece.sql.len(), |(i, _)| i);
            Position::Offset((piece.start + offset).min(sql.len()))
        }
        _ => Position::Statement(piece.start),
    };
    CompileError::Refused {
        message: session::describe_error(e),
        at,
        statement: Some(k + 1),
        name: quoted_name(db.message()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::scratch::ScratchDatabase;
    use super::*;

    #[tokio::test]
    async fn statements_are_compiled_described_and_placed_without_running() {
        let Some(scratch) = ScratchDatabase::create().await else {
            return;
        };
        let db = PostgresDatabase::open(&scratch.options());
        db.run_script(
            "CREATE TABLE card (card_no integer PRIMARY KEY, name varchar(20), balance numeric(12, 2));"
                .into(),
        )
        .await
        .unwrap();
        // A temp table made by the section exists for the statements after it.
        let section: Arc<str> = Arc::from(
            "CREATE TEMP TABLE IF NOT EXISTS t (n text);\nDELETE FROM t;\nINSERT INTO t VALUES ($2);\nSELECT c.name, t.n FROM card c, t WHERE c.card_no = $1",
        );
        let compiled = db.compile(section.clone()).await.unwrap();
        assert_eq!(
            compiled.result_sets,
            Some(vec![vec!["name".to_string(), "n".to_string()]])
        );
        let described = db.describe(section, 2).await.unwrap();
        assert_eq!(described.columns, ["name", "n"]);
        assert_eq!(
            described.parameter_types,
            [Some("int4".to_string()), Some("text".to_string())]
        );
        // Nothing stayed: the temp table went with the rollback.
        let e = db
            .compile(Arc::from("SELECT n FROM pg_temp.t"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        // A fault is placed at its byte in the section.
        let sql = "SELECT name FROM card;\nSELECT nosuch FROM card WHERE card_no = $1";
        let CompileError::Refused { at, statement, .. } =
            db.compile(Arc::from(sql)).await.unwrap_err()
        else {
            panic!("refused")
        };
        assert_eq!(statement, Some(2));
        assert_eq!(at, Position::Offset(sql.find("nosuch").unwrap()));
    }
}
