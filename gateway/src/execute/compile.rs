//! Compiling a section without running it: the proof, before a mapping
//! serves, that each of its statements parses and names tables, columns,
//! functions and procedures the database has.
//!
//! This module owns what a backend reports back: the columns of each result
//! set it could see, or where in the statement text it refused and why. It
//! must never change data: SQLite prepares the statements of a batch in a
//! transaction that is rolled back (running only the schema statements, so
//! a temp table the batch creates exists for the statements after it); SQL
//! Server asks for the plan of the batch instead of running it.

use std::sync::Arc;

use super::{Database, ExecError};

/// What compiling a section told.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compiled {
    /// The columns of each statement that returns rows, in order — when the
    /// backend can tell without running the section (SQLite can; SQL Server
    /// describes the first result set separately).
    pub result_sets: Option<Vec<Vec<String>>>,
}

/// Where in a section's SQL (as sent to the database) a fault lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// A byte offset into the SQL.
    Offset(usize),
    /// Somewhere in the statement that starts at this byte offset.
    Statement(usize),
    /// A 1-based line of the SQL and, when the server said, its 1-based
    /// column (in characters).
    Line { line: usize, column: Option<usize> },
    /// The server did not say.
    Unknown,
}

#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// The database refused a statement of the section.
    #[error("{message}")]
    Refused {
        message: String,
        at: Position,
        /// The 1-based statement of the batch, where the backend knows it.
        statement: Option<usize>,
        /// The name the message is about (a table, column or procedure), to
        /// find in the text when the server gave no position.
        name: Option<String>,
    },
    /// The backend cannot compile this section without running it.
    #[error("{0}")]
    Unsupported(String),
    /// The database could not be asked.
    #[error(transparent)]
    Database(#[from] ExecError),
}

impl Database {
    /// Compiles one section's SQL (`params` placeholders) without running it
    /// and without changing data.
    pub async fn compile(&self, sql: Arc<str>, params: usize) -> Result<Compiled, CompileError> {
        match self {
            Database::Sqlite(db) => db.compile(sql).await,
            Database::Mssql(db) => db.compile(sql, params).await,
            Database::Postgres(db) => db.compile(sql).await,
            Database::Mysql(db) => db.compile(sql).await,
        }
    }
}

/// The first quoted name in a server message (`no such table: x` has none:
/// the caller passes what follows the colon), without schema or table
/// qualifiers (`t.col` → `col` is searched after `t.col`).
pub(crate) fn quoted_name(message: &str) -> Option<String> {
    for quote in ['"', '\''] {
        if let Some(start) = message.find(quote) {
            let rest = &message[start + 1..];
            if let Some(end) = rest.find(quote) {
                let name = &rest[..end];
                if !name.is_empty() && !name.contains(' ') {
                    return Some(name.to_string());
                }
            }
        }
    }
    None
}

/// Where the comment, literal or quoted name starting at byte `i` of `sql`
/// ends (the byte after it); `None` when none starts there. Both backends'
/// statement scanners step over these whole.
pub(crate) fn skip_quoted(sql: &str, i: usize) -> Option<usize> {
    let bytes = sql.as_bytes();
    let end = match (bytes.get(i)?, bytes.get(i + 1)) {
        (b'-', Some(b'-')) => sql[i..].find('\n').map_or(bytes.len(), |n| i + n),
        (b'/', Some(b'*')) => sql[i + 2..].find("*/").map_or(bytes.len(), |n| i + 4 + n),
        (&q @ (b'\'' | b'"' | b'`' | b'['), _) => {
            let close = if q == b'[' { b']' } else { q };
            bytes[i + 1..]
                .iter()
                .position(|&b| b == close)
                .map_or(bytes.len(), |n| i + 2 + n)
        }
        _ => return None,
    };
    Some(end.min(bytes.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_literals_and_quoted_names_are_stepped_over() {
        let sql = "a -- x;\nb /* ; */ 'it''s' [x;y] c";
        assert_eq!(skip_quoted(sql, 2), Some(7));
        assert_eq!(&sql[10..skip_quoted(sql, 10).unwrap()], "/* ; */");
        assert_eq!(&sql[18..skip_quoted(sql, 18).unwrap()], "'it'");
        assert_eq!(&sql[26..skip_quoted(sql, 26).unwrap()], "[x;y]");
        assert_eq!(skip_quoted(sql, 0), None);
    }

    #[test]
    fn names_are_taken_from_either_quote() {
        assert_eq!(
            quoted_name("relation \"nosuch\" does not exist").as_deref(),
            Some("nosuch")
        );
        assert_eq!(
            quoted_name("Invalid object name 'dbo.nosuch'.").as_deref(),
            Some("dbo.nosuch")
        );
        assert_eq!(quoted_name("syntax error"), None);
    }
}
