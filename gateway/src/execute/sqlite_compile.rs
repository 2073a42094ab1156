//! SQLite: compiling a section by preparing each statement of its batch in
//! order, inside a transaction that is always rolled back. Schema
//! statements (CREATE, DROP, ALTER) are run too, so that a temp table the
//! batch creates exists for the statements after it; nothing else runs.

use std::ops::Range;

use rusqlite::Connection;

use super::compile::{quoted_name, skip_quoted, CompileError, Compiled, Position};

/// Compiles `sql` on `conn`; the transaction it opens is always rolled back.
pub(super) fn compile(conn: &Connection, sql: &str) -> Result<Compiled, CompileError> {
    let refused = |e: rusqlite::Error| CompileError::Refused {
        message: e.to_string(),
        at: Position::Unknown,
        statement: None,
        name: None,
    };
    conn.execute_batch("BEGIN").map_err(refused)?;
    let result = prepare_all(conn, sql);
    // Nothing of the batch survives, whatever happened above.
    let _ = conn.execute_batch("ROLLBACK");
    result
}

fn prepare_all(conn: &Connection, sql: &str) -> Result<Compiled, CompileError> {
    let mut result_sets = Vec::new();
    let mut number = 0;
    let mut pieces = statements(sql).into_iter().peekable();
    while let Some(mut range) = pieces.next() {
        let stmt = loop {
            match conn.prepare(&sql[range.clone()]) {
                // `CREATE TRIGGER … BEGIN …; END;` holds semicolons of its own.
                Err(e) if is_incomplete(&e) && pieces.peek().is_some() => {
                    range.end = pieces.next().expect("peeked").end;
                }
                other => break other,
            }
        };
        let mut stmt = match stmt {
            Ok(stmt) => stmt,
            Err(rusqlite::Error::Empty) => continue,
            Err(e) => return Err(refusal(e, range.start, number + 1)),
        };
        number += 1;
        if stmt.column_count() > 0 {
            result_sets.push(stmt.column_names().map(String::from).collect());
        } else if is_schema(&sql[range.clone()]) {
            for i in 1..=stmt.parameter_count() {
                stmt.raw_bind_parameter(i, rusqlite::types::Null)
                    .map_err(|e| refusal(e, range.start, number))?;
            }
            stmt.raw_execute()
                .map_err(|e| refusal(e, range.start, number))?;
        }
    }
    Ok(Compiled {
        result_sets: Some(result_sets),
    })
}

fn refusal(e: rusqlite::Error, start: usize, statement: usize) -> CompileError {
    let (message, at) = match &e {
        rusqlite::Error::SqlInputError { msg, offset, .. } => (
            msg.clone(),
            usize::try_from(*offset).map_or(Position::Unknown, |o| Position::Offset(start + o)),
        ),
        rusqlite::Error::SqliteFailure(_, Some(msg)) => (msg.clone(), Position::Unknown),
        other => (other.to_string(), Position::Unknown),
    };
    // "no such table: main.x", "no such column: t.a", "no such function: f"
    let name = message
        .rsplit_once(": ")
        .map(|(_, n)| n.trim().to_string())
        .filter(|n| !n.is_empty() && !n.contains(' '))
        .or_else(|| quoted_name(&message));
    CompileError::Refused {
        message,
        at: match at {
            Position::Unknown => Position::Statement(start),
            known => known,
        },
        statement: Some(statement),
        name,
    }
}

/// The statements of a batch that hold code, in order (a trigger body may
/// still be split: join a piece SQLite calls incomplete with the next).
pub(super) fn pieces(sql: &str) -> Vec<&str> {
    statements(sql)
        .into_iter()
        .map(|r| &sql[r])
        .filter(|p| !strip_comments(p).trim_start_matches(';').trim().is_empty())
        .collect()
}

pub(super) fn is_incomplete(e: &rusqlite::Error) -> bool {
    e.to_string().contains("incomplete input")
}

/// Whether a statement changes the schema (its first word, after comments).
fn is_schema(text: &str) -> bool {
    let word: String = strip_comments(text)
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    ["CREATE", "DROP", "ALTER"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(&word))
}

fn strip_comments(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix("--") {
            text = rest.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(rest) = text.strip_prefix("/*") {
            text = rest.split_once("*/").map_or("", |(_, r)| r);
        } else {
            return text;
        }
    }
}

/// The byte ranges of the statements of a batch: split at each `;` outside
/// quotes and comments (a piece may still be incomplete, as a trigger body
/// is; the caller joins it with the next).
fn statements(sql: &str) -> Vec<Range<usize>> {
    let bytes = sql.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(end) = skip_quoted(sql, i) {
            i = end;
            continue;
        }
        match bytes[i] {
            b';' => {
                i += 1;
                pieces.push(start..i);
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        pieces.push(start..bytes.len());
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a INTEGER, b TEXT);")
            .unwrap();
        conn
    }

    fn offset(e: CompileError) -> (usize, Option<usize>, Option<String>) {
        match e {
            CompileError::Refused {
                at: Position::Offset(o) | Position::Statement(o),
                statement,
                name,
                ..
            } => (o, statement, name),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn statements_split_outside_quotes_and_comments() {
        let sql = "SELECT ';' -- ;\n; /* ; */ SELECT 2;";
        let parts: Vec<&str> = statements(sql).into_iter().map(|r| &sql[r]).collect();
        assert_eq!(parts, vec!["SELECT ';' -- ;\n;", " /* ; */ SELECT 2;"]);
    }

    #[test]
    fn a_batch_compiles_with_its_temp_table_and_leaves_nothing() {
        let conn = conn();
        let sql = "CREATE TEMP TABLE x (v TEXT);\nINSERT INTO temp.x SELECT b FROM t WHERE a = ?1;\nUPDATE t SET b = 'y';\nSELECT v AS answer, ?2 AS other FROM temp.x;";
        let compiled = compile(&conn, sql).unwrap();
        assert_eq!(
            compiled.result_sets,
            Some(vec![vec!["answer".to_string(), "other".into()]])
        );
        let left: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_temp_master WHERE name = 'x'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0, "the temp table is rolled back");
        assert!(conn.is_autocommit(), "no transaction left open");
    }

    #[test]
    fn the_faulty_statement_is_named_with_its_offset() {
        let conn = conn();
        let sql = "SELECT a FROM t;\nSELECT zz FROM t;";
        let (at, statement, name) = offset(compile(&conn, sql).unwrap_err());
        assert_eq!(statement, Some(2));
        assert_eq!(name.as_deref(), Some("zz"));
        assert!(at >= 17, "{at}");
        let (at, _, name) = offset(compile(&conn, "SELECT a FROM nosuch").unwrap_err());
        assert_eq!(name.as_deref(), Some("nosuch"));
        assert!(at <= 14, "{at}");
        let (at, statement, _) = offset(compile(&conn, "SELEC a FROM t").unwrap_err());
        assert_eq!((at, statement), (0, Some(1)));
    }
}
