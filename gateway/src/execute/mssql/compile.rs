//! SQL Server: compiling a section by asking for its plan instead of
//! running it. SQL Server compiles a batch under `SET SHOWPLAN_XML ON`
//! (every statement, names resolved, nothing executed); Babelfish ignores
//! that setting — it would run the batch — and has its own,
//! `SET BABELFISH_SHOWPLAN_ALL ON`, which plans each statement without
//! running it but cannot plan IF or WHILE: there a batch with control flow
//! is planned again with its control flow taken out (`flatten`), so every
//! statement of every branch is planned once. The placeholders are
//! declared in front of the batch, on its first line, so line numbers stay
//! those of the section.

use std::sync::Arc;

use super::{MssqlDatabase, TdsClient};
use crate::execute::compile::{quoted_name, skip_quoted, CompileError, Compiled, Position};
use crate::execute::ExecError;

impl MssqlDatabase {
    /// Compiles a section without running it (see `execute::compile`).
    pub async fn compile(&self, sql: Arc<str>, params: usize) -> Result<Compiled, CompileError> {
        let mut conn = self.checkout().await?;
        // A connection left in plan mode would answer calls with plans: it
        // counts as broken until plan mode is confirmed off.
        conn.broken = true;
        let timeout = self.query_timeout;
        let (result, off) =
            tokio::time::timeout(timeout, plan_only(&mut conn.client, &sql, params))
                .await
                .map_err(|_| ExecError::Timeout(timeout))?;
        conn.broken = !off;
        result
    }
}

/// Compiles `sql` in plan mode; the flag says whether plan mode is off again.
async fn plan_only(
    client: &mut TdsClient,
    sql: &str,
    params: usize,
) -> (Result<Compiled, CompileError>, bool) {
    let babelfish = match run(client, "SELECT @@VERSION").await {
        Ok(version) => version.contains("Babelfish"),
        Err(e) => return (Err(unavailable(e)), true),
    };
    let setting = if babelfish {
        "BABELFISH_SHOWPLAN_ALL"
    } else {
        "SHOWPLAN_XML"
    };
    // SET SHOWPLAN_XML must be alone in its batch.
    if let Err(e) = run(client, &format!("SET {setting} ON")).await {
        let off = run(client, &format!("SET {setting} OFF")).await.is_ok();
        return (Err(unavailable(e)), off);
    }
    let declared: Vec<String> = (1..=params)
        .map(|n| format!("@P{n} nvarchar(4000)"))
        .collect();
    let prefix = if declared.is_empty() {
        String::new()
    } else {
        format!("DECLARE {}; ", declared.join(", "))
    };
    let mut planned = run(client, &format!("{prefix}{sql}")).await;
    let mut flattened = false;
    if babelfish
        && matches!(&planned, Err(tiberius::error::Error::Server(t)) if is_control_flow(t.message()))
    {
        // The batch parsed (a syntax error comes first); plan its statements
        // one after another with the control flow taken out.
        planned = run(client, &format!("{prefix}{}", flatten(sql))).await;
        flattened = true;
    }
    let off = run(client, &format!("SET {setting} OFF")).await.is_ok();
    let result = match planned {
        Ok(_) => Ok(Compiled { result_sets: None }),
        Err(tiberius::error::Error::Server(token)) => {
            let refused = refusal(token, babelfish, prefix.chars().count());
            Err(match refused {
                // Positions in the flattened text are not the file's.
                CompileError::Refused {
                    message,
                    statement,
                    name,
                    ..
                } if flattened => CompileError::Refused {
                    message,
                    at: Position::Unknown,
                    statement,
                    name,
                },
                other => other,
            })
        }
        Err(e) => Err(unavailable(e)),
    };
    (result, off)
}

/// Babelfish's refusal to plan IF or WHILE.
fn is_control_flow(message: &str) -> bool {
    message.contains("CONDITIONAL GOTO") || message.contains("GOTO statement")
}

/// The batch with its control flow taken out, for Babelfish to plan each
/// statement: `IF cond` and `WHILE cond` become `SELECT CASE WHEN cond THEN
/// 1 END;`, block `BEGIN`/`END` (and TRY/CATCH), `ELSE` outside CASE,
/// `BREAK` and `CONTINUE` become blanks. Every statement of every branch is
/// then planned once; nothing runs.
pub(crate) fn flatten(sql: &str) -> String {
    #[derive(PartialEq)]
    enum Open {
        Case,
        Block,
    }
    let words = words(sql);
    let mut out = String::with_capacity(sql.len() + 64);
    let mut copied = 0;
    let mut open: Vec<Open> = Vec::new();
    let blank = |out: &mut String, range: std::ops::Range<usize>| {
        out.extend(sql[range].chars().map(|c| if c == '\n' { c } else { ' ' }));
    };
    // Whether the word before was a block's BEGIN or END (taken out).
    let mut block_word = false;
    let mut i = 0;
    while i < words.len() {
        let after_block = std::mem::take(&mut block_word);
        let (range, depth) = words[i].clone();
        let word = sql[range.clone()].to_ascii_uppercase();
        let next = words
            .get(i + 1)
            .map(|(r, _)| sql[r.clone()].to_ascii_uppercase());
        out.push_str(&sql[copied..range.start]);
        copied = range.end;
        match word.as_str() {
            "IF" | "WHILE" if depth == 0 => {
                let end = words[i + 1..]
                    .iter()
                    .find(|(r, d)| *d == 0 && starts_statement(&sql[r.clone()]))
                    .map_or(sql.len(), |(r, _)| r.start);
                out.push_str("SELECT CASE WHEN");
                // Copy the condition, then close it.
                let mut j = i + 1;
                while j < words.len() && words[j].0.start < end {
                    j += 1;
                }
                out.push_str(&sql[copied..end]);
                out.push_str(" THEN 1 END; ");
                copied = end;
                i = j;
                continue;
            }
            "CASE" => {
                open.push(Open::Case);
                out.push_str(&sql[range]);
            }
            "BEGIN"
                if !matches!(
                    next.as_deref(),
                    Some("TRAN" | "TRANSACTION" | "DISTRIBUTED")
                ) =>
            {
                open.push(Open::Block);
                blank(&mut out, range);
                block_word = true;
            }
            "END" => match open.pop() {
                Some(Open::Case) => out.push_str(&sql[range]),
                _ => {
                    blank(&mut out, range);
                    block_word = true;
                }
            },
            // `BEGIN TRY`, `END CATCH`: the word after a block's BEGIN or END.
            "TRY" | "CATCH" if after_block => blank(&mut out, range),
            "ELSE" if open.last() != Some(&Open::Case) => blank(&mut out, range),
            "BREAK" | "CONTINUE" if depth == 0 => blank(&mut out, range),
            _ => out.push_str(&sql[range]),
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
    out
}

/// Words that begin a statement (and so end an IF or WHILE condition).
fn starts_statement(word: &str) -> bool {
    const STARTS: [&str; 20] = [
        "BEGIN",
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "MERGE",
        "SET",
        "DECLARE",
        "EXEC",
        "EXECUTE",
        "RETURN",
        "RAISERROR",
        "THROW",
        "PRINT",
        "IF",
        "WHILE",
        "WITH",
        "BREAK",
        "CONTINUE",
        "TRUNCATE",
    ];
    STARTS.iter().any(|s| s.eq_ignore_ascii_case(word))
}

/// The bare words of a T-SQL batch (keywords and names, not in comments,
/// literals or quoted names), each with its parenthesis depth.
fn words(sql: &str) -> Vec<(std::ops::Range<usize>, usize)> {
    let bytes = sql.as_bytes();
    let mut words = Vec::new();
    let mut depth: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(end) = skip_quoted(sql, i) {
            i = end;
            continue;
        }
        match bytes[i] {
            b'(' => {
                depth += 1;
                i += 1;
            }
            b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'@' || c == b'#' => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || matches!(bytes[i], b'_' | b'@' | b'#' | b'$'))
                {
                    i += 1;
                }
                words.push((start..i, depth));
            }
            _ => i += 1,
        }
    }
    words
}

/// Runs a batch and returns the first column of its first row as text
/// (what `@@VERSION` answers), consuming every result.
async fn run(client: &mut TdsClient, batch: &str) -> Result<String, tiberius::error::Error> {
    let sets = client.simple_query(batch).await?.into_results().await?;
    Ok(sets
        .first()
        .and_then(|rows| rows.first())
        .and_then(|row| row.try_get::<&str, _>(0).ok().flatten())
        .unwrap_or_default()
        .to_string())
}

fn unavailable(e: tiberius::error::Error) -> CompileError {
    CompileError::Database(ExecError::Unavailable(e.to_string()))
}

fn refusal(token: tiberius::error::TokenError, babelfish: bool, prefix: usize) -> CompileError {
    let message = token.message().to_string();
    if babelfish && message.contains("not yet supported") {
        return CompileError::Unsupported(format!(
            "Babelfish cannot compile this section without running it ({message}); its statements are not checked here"
        ));
    }
    let at = if babelfish {
        babelfish_position(&message)
    } else {
        Some((usize::try_from(token.line()).unwrap_or(1).max(1), None))
    };
    let at = match at {
        // The declarations stand in front of the section's first line.
        Some((1, Some(column))) => Position::Line {
            line: 1,
            column: Some(column.saturating_sub(prefix).max(1)),
        },
        Some((line, column)) => Position::Line { line, column },
        None => Position::Unknown,
    };
    CompileError::Refused {
        name: quoted_name(&message),
        message,
        at,
        statement: None,
    }
}

/// Babelfish's "syntax error near 'X' at line L and character position C"
/// (C counted from 0).
fn babelfish_position(message: &str) -> Option<(usize, Option<usize>)> {
    let rest = message.split_once(" at line ")?.1;
    let (line, rest) = rest.split_once(" and character position ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((
        line.trim().parse().ok()?,
        column.parse::<usize>().ok().map(|c| c + 1),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_flow_is_flattened_into_statements() {
        let sql = "DECLARE @n int;\nIF EXISTS (SELECT 1 FROM t WHERE a = @P1)\nBEGIN\n    UPDATE t SET b = CASE WHEN a > 1 THEN 'x' ELSE 'y' END;\n    IF @@ROWCOUNT = 1 SELECT @n = 1; ELSE SELECT @n = 0;\nEND\nELSE SET @n = 2;\nWHILE @n < 3 BEGIN SET @n = @n + 1; IF @n = 2 BREAK; END\nSELECT @n AS n";
        let flat = flatten(sql);
        assert_eq!(
            flat,
            "DECLARE @n int;\nSELECT CASE WHEN EXISTS (SELECT 1 FROM t WHERE a = @P1)\n THEN 1 END;      \n    UPDATE t SET b = CASE WHEN a > 1 THEN 'x' ELSE 'y' END;\n    SELECT CASE WHEN @@ROWCOUNT = 1  THEN 1 END; SELECT @n = 1;      SELECT @n = 0;\n   \n     SET @n = 2;\nSELECT CASE WHEN @n < 3  THEN 1 END;       SET @n = @n + 1; SELECT CASE WHEN @n = 2  THEN 1 END;      ;    \nSELECT @n AS n"
        );
    }

    #[test]
    fn babelfish_positions_are_read_from_the_message() {
        assert_eq!(
            babelfish_position("syntax error near 'WHERE' at line 3 and character position 0"),
            Some((3, Some(1)))
        );
        assert_eq!(babelfish_position("relation \"x\" does not exist"), None);
    }
}
