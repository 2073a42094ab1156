//! MySQL statement text: a section split into its statements, and its
//! numbered placeholders made into the `?` MySQL takes.
//!
//! Mapping SQL reaches this backend with `?1`, `?2`, … (one number per
//! request field, a number repeated where a field is used twice). MySQL
//! binds by position, so each `?n` becomes a plain `?` bound with
//! parameter n, once per use, and the rest of the number is padded with
//! spaces: every byte keeps its offset. A section of several statements is
//! cut at each `;` outside literals, quoted names and comments.

/// One statement of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    /// Where it starts in the section's SQL (bytes).
    pub start: usize,
    /// Its SQL with plain `?` placeholders.
    pub sql: String,
    /// For each `?` in order, the section's 0-based parameter index.
    pub params: Vec<usize>,
}

impl Piece {
    /// Whether it creates a temporary table (run when compiling, so the
    /// statements after it can be prepared).
    pub fn creates_temp_table(&self) -> bool {
        let mut i = 0;
        let bytes = self.sql.as_bytes();
        // Past blanks and comments (a file's header comment comes first).
        while i < bytes.len() {
            if bytes[i].is_ascii_whitespace() {
                i += 1;
            } else if matches!(bytes[i], b'-' | b'#' | b'/') {
                match skip(&self.sql, i) {
                    Some(end) => i = end,
                    None => break,
                }
            } else {
                break;
            }
        }
        let words: Vec<String> = self.sql[i.min(self.sql.len())..]
            .split_whitespace()
            .take(2)
            .map(str::to_ascii_uppercase)
            .collect();
        words == ["CREATE", "TEMPORARY"]
    }
}

/// Where the comment, literal or quoted name at `i` ends; `None` when none
/// starts there. `-- ` needs the blank after it, as in MySQL; `#` starts a
/// comment too; a backslash escapes inside quotes.
fn skip(sql: &str, i: usize) -> Option<usize> {
    let bytes = sql.as_bytes();
    let b = *bytes.get(i)?;
    let next = bytes.get(i + 1).copied();
    let to_line_end = || sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
    match b {
        b'-' if next == Some(b'-') && bytes.get(i + 2).is_none_or(|c| c.is_ascii_whitespace()) => {
            Some(to_line_end())
        }
        b'#' => Some(to_line_end()),
        b'/' if next == Some(b'*') => {
            Some(sql[i + 2..].find("*/").map_or(bytes.len(), |n| i + 4 + n))
        }
        b'\'' | b'"' | b'`' => {
            let mut j = i + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b'\\' if b != b'`' => j += 2,
                    c if c == b && bytes.get(j + 1) == Some(&b) => j += 2,
                    c if c == b => return Some(j + 1),
                    _ => j += 1,
                }
            }
            Some(bytes.len())
        }
        _ => None,
    }
}

/// The statements of a section, each with plain `?` and the parameter
/// each stands for; a `?` without a number takes the next parameter in
/// order. Statements of only comments and blanks are left out.
pub(crate) fn pieces(sql: &str) -> Vec<Piece> {
    let bytes = sql.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut has_sql = false;
    let mut text = String::new();
    let mut params = Vec::new();
    let mut plain = 0;
    let mut i = 0;
    while i <= bytes.len() {
        if i == bytes.len() || bytes[i] == b';' {
            if has_sql {
                pieces.push(Piece {
                    start,
                    sql: std::mem::take(&mut text),
                    params: std::mem::take(&mut params),
                });
            }
            text.clear();
            params.clear();
            has_sql = false;
            i += 1;
            start = i;
            continue;
        }
        if let Some(end) = skip(sql, i) {
            let end = end.min(bytes.len());
            if !matches!(bytes[i], b'-' | b'#' | b'/') {
                has_sql = true;
            }
            text.push_str(&sql[i..end]);
            i = end;
            continue;
        }
        if bytes[i] == b'?' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            let index = match sql[i + 1..j].parse::<usize>() {
                Ok(n) => n.saturating_sub(1),
                Err(_) => {
                    plain += 1;
                    plain - 1
                }
            };
            params.push(index);
            text.push('?');
            text.extend(std::iter::repeat_n(' ', j - i - 1));
            has_sql = true;
            i = j;
            continue;
        }
        let c = sql[i..].chars().next().expect("in bounds");
        if !c.is_whitespace() {
            has_sql = true;
        }
        text.push(c);
        i += c.len_utf8();
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_plain_ones_bound_per_use() {
        let sql = "UPDATE t SET a = ?2 WHERE k = ?1; -- a ; ?3 here\nSELECT '?;', `x;y`, ?1, ?12 FROM t # ;?\n";
        let p = pieces(sql);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].sql, "UPDATE t SET a = ?  WHERE k = ? ");
        assert_eq!(p[0].params, vec![1, 0]);
        assert_eq!(p[1].params, vec![0, 11]);
        let at = sql.find("?12").unwrap() - p[1].start;
        assert_eq!(&p[1].sql[at..at + 3], "?  ");
        assert!(p[1].sql.contains("'?;'"));
        assert!(pieces(" -- only\n;\n").is_empty());
        let p = pieces("-- the header\n/* more */ # and more\nCREATE TEMPORARY TABLE x (a int); SELECT 'it\\'s;', ?, ?");
        assert!(p[0].creates_temp_table());
        assert!(!p[1].creates_temp_table());
        assert_eq!(p[1].params, vec![0, 1]);
    }
}
