//! PostgreSQL statement text: a section split into its statements, each
//! numbering its own placeholders.
//!
//! A prepared statement holds one statement, and PostgreSQL wants every
//! `$n` from 1 up to the highest used: a section of several statements is
//! cut at each `;` outside literals, comments, quoted names and
//! dollar-quoted bodies, and each statement's placeholders are numbered
//! again from `$1` in the order of the section's numbers. A new number is
//! never longer than the old one, and is padded with spaces, so every byte
//! keeps its offset: a position the server reports in a statement is a
//! position in the section.

/// One statement of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    /// Where it starts in the section's SQL (bytes).
    pub start: usize,
    /// Its SQL, placeholders numbered from `$1`.
    pub sql: String,
    /// For its `$k`, the section's 0-based parameter index at `k - 1`.
    pub params: Vec<usize>,
    /// Whether it is a query (`SELECT`, `VALUES`, `TABLE`): the rows it
    /// returns are not rows it changed.
    pub reads: bool,
}

impl Piece {
    /// Whether it creates a temporary table (run when compiling, so the
    /// statements after it can be prepared; rolled back).
    pub fn creates_temp_table(&self) -> bool {
        let words = first_words(&self.sql, 3);
        words.starts_with("CREATE TEMP ")
            || words.starts_with("CREATE TEMPORARY ")
            || words.starts_with("CREATE LOCAL TEMP")
    }
}

/// The first `n` words of `sql` after comments, upper-cased and joined by spaces.
fn first_words(sql: &str, n: usize) -> String {
    let mut words = Vec::new();
    let mut i = 0;
    let bytes = sql.as_bytes();
    while i < bytes.len() && words.len() < n {
        if let Some(end) = skip_comment(sql, i) {
            i = end;
        } else if bytes[i].is_ascii_alphabetic() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            words.push(sql[start..i].to_ascii_uppercase());
        } else if bytes[i].is_ascii_whitespace() {
            i += 1;
        } else {
            break;
        }
    }
    words.join(" ")
}

fn skip_comment(sql: &str, i: usize) -> Option<usize> {
    let bytes = sql.as_bytes();
    match (bytes.get(i)?, bytes.get(i + 1)) {
        (b'-', Some(b'-')) => Some(sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1)),
        (b'/', Some(b'*')) => {
            // PostgreSQL block comments nest.
            let mut depth = 0;
            let mut j = i;
            while j + 1 < bytes.len() {
                match (bytes[j], bytes[j + 1]) {
                    (b'/', b'*') => {
                        depth += 1;
                        j += 2;
                    }
                    (b'*', b'/') => {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            return Some(j);
                        }
                    }
                    _ => j += 1,
                }
            }
            Some(bytes.len())
        }
        _ => None,
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Where the literal, quoted name or dollar-quoted body starting at `i`
/// ends; `None` when none starts there.
fn skip_quoted(sql: &str, i: usize) -> Option<usize> {
    let bytes = sql.as_bytes();
    let b = *bytes.get(i)?;
    let prev = i.checked_sub(1).map(|p| bytes[p]);
    match b {
        b'\'' => {
            // E'...' takes backslash escapes.
            let escapes =
                matches!(prev, Some(b'e' | b'E')) && (i < 2 || !is_word_byte(bytes[i - 2]));
            let mut j = i + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b'\\' if escapes => j += 2,
                    b'\'' if bytes.get(j + 1) == Some(&b'\'') => j += 2,
                    b'\'' => return Some(j + 1),
                    _ => j += 1,
                }
            }
            Some(bytes.len())
        }
        b'"' => {
            let mut j = i + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b'"' if bytes.get(j + 1) == Some(&b'"') => j += 2,
                    b'"' => return Some(j + 1),
                    _ => j += 1,
                }
            }
            Some(bytes.len())
        }
        b'$' if prev.is_none_or(|p| !is_word_byte(p)) => {
            // $tag$ ... $tag$ (the tag may be empty).
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            let tag_ok =
                bytes.get(j) == Some(&b'$') && (j == i + 1 || !bytes[i + 1].is_ascii_digit());
            if !tag_ok {
                return None;
            }
            let tag = &sql[i..=j];
            Some(
                sql[j + 1..]
                    .find(tag)
                    .map_or(bytes.len(), |n| j + 1 + n + tag.len()),
            )
        }
        _ => None,
    }
}

/// The statements of a section, each with its placeholders numbered from
/// `$1`; statements of only comments and blanks are left out.
pub(crate) fn pieces(sql: &str) -> Vec<Piece> {
    let bytes = sql.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut has_sql = false;
    // (offset, length, section number) of each placeholder of the piece.
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    let mut i = 0;
    while i <= bytes.len() {
        if i == bytes.len() || bytes[i] == b';' {
            if has_sql {
                pieces.push(renumber(sql, start, i, &found));
            }
            found.clear();
            has_sql = false;
            i += 1;
            start = i;
            continue;
        }
        if let Some(end) = skip_comment(sql, i) {
            i = end;
            continue;
        }
        if let Some(end) = skip_quoted(sql, i) {
            has_sql = true;
            i = end;
            continue;
        }
        let b = bytes[i];
        if b == b'$'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            && (i == 0 || !is_word_byte(bytes[i - 1]))
        {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            if let Ok(n) = sql[i + 1..j].parse::<usize>() {
                found.push((i, j - i, n));
            }
            has_sql = true;
            i = j;
            continue;
        }
        if !b.is_ascii_whitespace() {
            has_sql = true;
        }
        i += 1;
    }
    pieces
}

fn renumber(sql: &str, start: usize, end: usize, found: &[(usize, usize, usize)]) -> Piece {
    let mut numbers: Vec<usize> = found.iter().map(|&(_, _, n)| n).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut text = sql[start..end].to_string();
    for &(at, len, n) in found {
        let rank = numbers.binary_search(&n).unwrap_or_default() + 1;
        // rank <= n: the new number is never longer than the old one.
        let new = format!("${rank:<width$}", width = len - 1);
        text.replace_range(at - start..at - start + len, &new);
    }
    let reads = matches!(
        first_words(&text, 1).as_str(),
        "SELECT" | "VALUES" | "TABLE"
    );
    Piece {
        start,
        sql: text,
        params: numbers.iter().map(|n| n.saturating_sub(1)).collect(),
        reads,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_cut_into_statements_numbered_from_one() {
        let sql = "CREATE TEMP TABLE IF NOT EXISTS t (a text);\nINSERT INTO t VALUES ($3, $1); -- a ; here\nSELECT 'x;y', $3, $10 FROM t;";
        let p = pieces(sql);
        assert_eq!(p.len(), 3);
        assert!(p[0].creates_temp_table());
        assert_eq!(p[1].sql, "\nINSERT INTO t VALUES ($2, $1)");
        assert_eq!(p[1].params, vec![0, 2]);
        assert_eq!(p[2].sql, " -- a ; here\nSELECT 'x;y', $1, $2  FROM t");
        assert_eq!(p[2].params, vec![2, 9]);
        assert!(p[2].reads && !p[1].reads);
        // Every byte keeps its offset.
        let at = sql.find("$10").unwrap() - p[2].start;
        assert_eq!(&p[2].sql[at..at + 3], "$2 ");
    }

    #[test]
    fn literals_dollar_quotes_and_comments_hide_semicolons_and_dollars() {
        let sql = "DO $$ BEGIN PERFORM 1; END $$; SELECT E'a\\';$1', $tag$ $1; $tag$, \"x;\", a$1 /* ; /* ; */ */ FROM t";
        let p = pieces(sql);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].sql, "DO $$ BEGIN PERFORM 1; END $$");
        assert!(p[1].params.is_empty(), "{p:?}");
        assert!(pieces("  -- nothing\n ; ;").is_empty());
    }
}
