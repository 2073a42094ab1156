//! Reads one mapping SQL file: splits it into sections at `-- @section NAME`
//! lines and turns `:param` names into the backend's numbered placeholders.
//! String literals, quoted identifiers and comments are left alone, so a
//! `':00'` inside quotes is never mistaken for a parameter.

use crate::execute::{Dialect, Placeholder, Position};

/// One section of a file, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSection {
    /// The parts its result sets feed, in order (`-- @section header, content`);
    /// empty for SQL before any section line.
    pub names: Vec<String>,
    /// 1-based line of the section line (or 1).
    pub line: usize,
    /// 1-based line of the first line of `sql`.
    pub body_line: usize,
    /// SQL with placeholders rendered for the dialect.
    pub sql: String,
    /// Distinct parameter names, in placeholder order (`?1` is `params[0]`),
    /// each with the line where it first appears.
    pub params: Vec<(String, usize)>,
    /// Whether the section holds anything but comments and blanks.
    pub has_sql: bool,
    /// Where each placeholder was written in `sql`.
    pub placeholders: Vec<Placeholder>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlSyntaxError {
    pub line: usize,
    pub message: String,
}

/// How the parameters of a file bind: SQL Server binds text as nvarchar
/// unless the hospital or the file says a parameter binds as varchar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binding {
    pub varchar: Vec<String>,
    pub nvarchar: Vec<String>,
}

impl Binding {
    pub fn is_varchar(&self, name: &str, hospital_default: &[String]) -> bool {
        let has = |list: &[String]| list.iter().any(|p| p.eq_ignore_ascii_case(name));
        !has(&self.nvarchar) && (has(&self.varchar) || has(hospital_default))
    }
}

/// Splits `text` into sections and renders placeholders for `dialect`;
/// parameters in `varchar` (hospital default) or named by a `-- @varchar`
/// line bind as varchar on SQL Server.
pub fn parse(
    text: &str,
    dialect: Dialect,
    varchar: &[String],
) -> Result<(Vec<RawSection>, Binding), Vec<SqlSyntaxError>> {
    let mut errors = Vec::new();
    let mut binding = Binding::default();
    let mut chunks: Vec<(Vec<String>, usize, String)> = vec![(Vec::new(), 1, String::new())];
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        match directive(line) {
            Some(Ok(Directive::Section(names))) => chunks.push((names, line_no, String::new())),
            Some(Ok(Directive::Bind { varchar, names })) => {
                let list = if varchar {
                    &mut binding.varchar
                } else {
                    &mut binding.nvarchar
                };
                list.extend(names);
                chunks.last_mut().expect("never empty").2.push('\n');
            }
            Some(Err(message)) => {
                errors.push(SqlSyntaxError {
                    line: line_no,
                    message,
                });
                // Keep the line count of the chunk right for later messages.
                chunks.last_mut().expect("never empty").2.push('\n');
            }
            None => {
                let chunk = &mut chunks.last_mut().expect("never empty").2;
                chunk.push_str(line);
                chunk.push('\n');
            }
        }
    }
    let mut sections = Vec::new();
    let placeholder = |n: usize, name: &str| {
        let p = dialect.placeholder(n);
        if dialect == Dialect::Mssql && binding.is_varchar(name, varchar) {
            // Compared with a varchar column, an nvarchar parameter makes SQL
            // Server convert the column and scan; a varchar one lets it seek.
            format!("CAST({p} AS VARCHAR(8000))")
        } else {
            p
        }
    };
    for (names, line, body) in chunks {
        // The section line itself is not part of the body, so the body's
        // first line is the next one.
        let first_line = if names.is_empty() { line } else { line + 1 };
        match render(&body, first_line, &placeholder) {
            Ok((sql, params, has_sql, placeholders)) => sections.push(RawSection {
                names,
                line,
                body_line: first_line,
                sql,
                params,
                has_sql,
                placeholders,
            }),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok((sections, binding))
    } else {
        Err(errors)
    }
}

enum Directive {
    Section(Vec<String>),
    Bind { varchar: bool, names: Vec<String> },
}

/// A `-- @word ...` line: a section line or a binding line; an error for
/// any other directive (so typos are caught); `None` for ordinary lines.
fn directive(line: &str) -> Option<Result<Directive, String>> {
    let rest = line.trim_start().strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix('@')?;
    let (word, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let names: Vec<String> = args
        .split([',', ' ', '\t'])
        .map(|n| n.trim().trim_start_matches(':'))
        .filter(|n| !n.is_empty())
        .map(String::from)
        .collect();
    let valid = !names.is_empty() && names.iter().all(|n| is_name(n));
    match word {
        "section" if valid => Some(Ok(Directive::Section(names))),
        "section" => Some(Err("expected `-- @section NAME[, NAME…]`".into())),
        "varchar" | "nvarchar" if valid => Some(Ok(Directive::Bind {
            varchar: word == "varchar",
            names,
        })),
        "varchar" | "nvarchar" => Some(Err(format!("expected `-- @{word} :param[, :param…]`"))),
        other => Some(Err(format!(
            "unknown directive `@{other}` (understood: `-- @section NAME[, NAME…]`, `-- @varchar :param…`, `-- @nvarchar :param…`)"
        ))),
    }
}

/// Renders a file of one statement (or batch) whose only parameters are
/// `allowed`: the SQL and its placeholders, `:allowed[0]` first. Errors
/// carry a line.
pub fn render_params(
    text: &str,
    dialect: Dialect,
    allowed: &[String],
) -> Result<(String, Vec<Placeholder>), (usize, String)> {
    let (sections, _) = parse(text, dialect, &[]).map_err(|errors| {
        let e = &errors[0];
        (e.line, e.message.clone())
    })?;
    let mut with_sql = sections.into_iter().filter(|s| s.has_sql);
    let section = with_sql
        .next()
        .ok_or((1, "no SQL in the file".to_string()))?;
    if let Some(more) = with_sql.next() {
        return Err((
            more.line,
            "an event source is one statement or batch: no `-- @section` lines".into(),
        ));
    }
    for (i, (name, line)) in section.params.iter().enumerate() {
        match allowed.iter().position(|a| a.eq_ignore_ascii_case(name)) {
            Some(p) if p == i => {}
            _ => {
                return Err((
                    *line,
                    format!(
                        ":{name} is not a parameter here (only :{})",
                        allowed.join(", :")
                    ),
                ))
            }
        }
    }
    Ok((section.sql, section.placeholders))
}

/// Where a statement's SQL text starts in its mapping file: the line and
/// column (1-based, in characters) of its first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub line: usize,
    pub column: usize,
}

impl Origin {
    /// The origin of `sql` once its leading blanks are trimmed, for SQL that
    /// started at `line`, column 1.
    pub fn trimmed(sql: &str, line: usize) -> Origin {
        let lead = &sql[..sql.len() - sql.trim_start().len()];
        let after = lead.rsplit('\n').next().unwrap_or_default();
        Origin {
            line: line + lead.matches('\n').count(),
            column: after.chars().count() + 1,
        }
    }
}

/// The file line and column of a fault a database reported in rendered SQL
/// (`sql`, starting at `origin`). `written[n]` is how many characters the
/// n-th parameter's name took in the file (`:name`), since a placeholder
/// (`?3`, `@P3`) is another length. Without a position, or to narrow a
/// statement or line down, `name` (a table, column or procedure the message
/// is about) is looked for outside comments and literals.
pub fn locate(
    sql: &str,
    placeholders: &[Placeholder],
    written: &dyn Fn(usize) -> usize,
    origin: Origin,
    at: Position,
    name: Option<&str>,
) -> (usize, usize) {
    let line_start = |line: usize| -> usize {
        if line <= 1 {
            return 0;
        }
        sql.match_indices('\n')
            .nth(line - 2)
            .map_or(sql.len(), |(i, _)| i + 1)
    };
    let find = |from: usize, to: usize| name.and_then(|n| find_name(sql, n, from, to));
    let offset = match at {
        Position::Offset(o) => o.min(sql.len()),
        Position::Statement(start) => {
            find(start, statement_end(sql, start)).unwrap_or_else(|| first_code(sql, start))
        }
        Position::Line { line, column } => {
            let start = line_start(line);
            let end = sql[start..].find('\n').map_or(sql.len(), |i| start + i);
            match column {
                Some(c) => {
                    // Columns count characters of the rendered line.
                    let rendered = &sql[start..end];
                    start
                        + rendered
                            .char_indices()
                            .nth(c.saturating_sub(1))
                            .map_or(rendered.len(), |(i, _)| i)
                }
                None => find(start, end).unwrap_or_else(|| first_code(sql, start)),
            }
        }
        Position::Unknown => find(0, sql.len()).unwrap_or_else(|| first_code(sql, 0)),
    };
    file_position(sql, placeholders, written, origin, offset)
}

/// The file position of byte `offset` of rendered SQL.
fn file_position(
    sql: &str,
    placeholders: &[Placeholder],
    written: &dyn Fn(usize) -> usize,
    origin: Origin,
    offset: usize,
) -> (usize, usize) {
    let offset = (0..=offset.min(sql.len()))
        .rev()
        .find(|&o| sql.is_char_boundary(o))
        .unwrap_or(0);
    let before = &sql[..offset];
    let line_begin = before.rfind('\n').map_or(0, |i| i + 1);
    let lines = before.matches('\n').count();
    // Placeholders on this line before the fault were written as `:name`.
    let mut column = sql[line_begin..offset].chars().count();
    for p in placeholders
        .iter()
        .filter(|p| p.start >= line_begin && p.start < offset)
    {
        let rendered = sql[p.start..p.end.min(offset)].chars().count();
        let original = if p.end <= offset { written(p.param) } else { 0 };
        column = column + original - rendered;
    }
    let column = column + 1 + if lines == 0 { origin.column - 1 } else { 0 };
    (origin.line + lines, column)
}

/// The first byte at or after `from` that is neither blank nor comment.
fn first_code(sql: &str, from: usize) -> usize {
    let mut i = from.min(sql.len());
    loop {
        let rest = &sql[i..];
        let trimmed = rest.trim_start();
        i += rest.len() - trimmed.len();
        if trimmed.starts_with("--") {
            i += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if trimmed.starts_with("/*") {
            i += trimmed.find("*/").map_or(trimmed.len(), |e| e + 2);
        } else {
            return i;
        }
    }
}

/// Where the statement starting at `start` ends: its `;` outside literals
/// and comments, or the end of the text.
fn statement_end(sql: &str, start: usize) -> usize {
    code_spans(sql)
        .into_iter()
        .filter(|r| r.end > start)
        .find_map(|r| {
            let from = r.start.max(start);
            sql[from..r.end].find(';').map(|i| from + i + 1)
        })
        .unwrap_or(sql.len())
}

/// The first whole-word, case-insensitive occurrence of `name` (or, for
/// `schema.table.col`, of its last part) in code between `from` and `to`.
fn find_name(sql: &str, name: &str, from: usize, to: usize) -> Option<usize> {
    let spans = code_spans(sql);
    let candidates = [Some(name), name.rsplit('.').next().filter(|n| *n != name)];
    candidates.into_iter().flatten().find_map(|needle| {
        let needle = needle.trim_matches(|c| c == '[' || c == ']');
        if needle.is_empty() {
            return None;
        }
        let lower = sql.to_ascii_lowercase();
        let needle = needle.to_ascii_lowercase();
        lower.match_indices(&needle).map(|(i, _)| i).find(|&i| {
            let end = i + needle.len();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            i >= from
                && end <= to
                && !word(sql[..i].chars().next_back())
                && !word(sql[end..].chars().next())
                && spans.iter().any(|r| r.start <= i && end <= r.end)
        })
    })
}

/// The byte ranges of code: outside comments and string literals (quoted
/// identifiers count as code).
fn code_spans(sql: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = sql.as_bytes();
    let mut spans = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let skip_to = match bytes[i] {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                Some(sql[i..].find('\n').map_or(bytes.len(), |n| i + n))
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                Some(sql[i + 2..].find("*/").map_or(bytes.len(), |n| i + 4 + n))
            }
            b'\'' => Some(sql[i + 1..].find('\'').map_or(bytes.len(), |n| i + 2 + n)),
            _ => None,
        };
        match skip_to {
            Some(end) => {
                spans.push(start..i);
                start = end;
                i = end;
            }
            None => i += 1,
        }
    }
    spans.push(start..bytes.len());
    spans
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

type Rendered = (String, Vec<(String, usize)>, bool, Vec<Placeholder>);

/// Replaces `:name` outside literals and comments with numbered placeholders.
fn render(
    body: &str,
    first_line: usize,
    placeholder: &dyn Fn(usize, &str) -> String,
) -> Result<Rendered, SqlSyntaxError> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(body.len());
    let mut params: Vec<(String, usize)> = Vec::new();
    let mut has_sql = false;
    let mut spans = Vec::new();
    let mut line = first_line;
    let mut i = 0;
    let unterminated = |what: &str, at: usize| SqlSyntaxError {
        line: at,
        message: format!("unterminated {what}"),
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                out.push(c);
                i += 1;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    out.push(chars[i]);
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                let start = line;
                out.push_str("/*");
                i += 2;
                loop {
                    match chars.get(i) {
                        None => return Err(unterminated("/* comment", start)),
                        Some('*') if chars.get(i + 1) == Some(&'/') => {
                            out.push_str("*/");
                            i += 2;
                            break;
                        }
                        Some(&ch) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            out.push(ch);
                            i += 1;
                        }
                    }
                }
            }
            '\'' | '"' | '[' | '`' => {
                has_sql = true;
                let close = if c == '[' { ']' } else { c };
                let start = line;
                out.push(c);
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(unterminated("quoted text", start)),
                        Some(&ch) if ch == close => {
                            out.push(ch);
                            i += 1;
                            // A doubled quote is an escaped quote, not the end.
                            if chars.get(i) == Some(&close) && close != ']' {
                                out.push(close);
                                i += 1;
                                continue;
                            }
                            break;
                        }
                        Some(&ch) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            out.push(ch);
                            i += 1;
                        }
                    }
                }
            }
            ':' if chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == '_')
                && (i == 0 || chars[i - 1] != ':') =>
            {
                has_sql = true;
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_')
                {
                    end += 1;
                }
                let name: String = chars[start..end].iter().collect();
                let n = match params.iter().position(|(p, _)| *p == name) {
                    Some(k) => k + 1,
                    None => {
                        params.push((name.clone(), line));
                        params.len()
                    }
                };
                let start = out.len();
                out.push_str(&placeholder(n, &name));
                spans.push(Placeholder {
                    start,
                    end: out.len(),
                    param: n - 1,
                });
                i = end;
            }
            _ => {
                if !c.is_whitespace() && c != ';' {
                    has_sql = true;
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok((out, params, has_sql, spans))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varchar_parameters_are_cast_on_sql_server_only() {
        let text = "-- @varchar :patientCard\n-- @section header, content\nEXEC dbo.usp_x @card = :patientCard, @name = :realName, @id = :idCard";
        let (s, binding) = parse(
            text,
            Dialect::Mssql,
            &["idCard".to_string(), "realName".into()],
        )
        .unwrap();
        assert_eq!(binding.varchar, vec!["patientCard"]);
        let sql = &s.last().unwrap().sql;
        assert!(sql.contains("@card = CAST(@P1 AS VARCHAR(8000))"), "{sql}");
        assert!(sql.contains("@id = CAST(@P3 AS VARCHAR(8000))"), "{sql}");
        assert_eq!(s.last().unwrap().names, vec!["header", "content"]);
        let (s, _) = parse(
            "-- @nvarchar :idCard\nSELECT :idCard",
            Dialect::Mssql,
            &["idCard".into()],
        )
        .unwrap();
        assert_eq!(s[0].sql.trim(), "SELECT @P1");
        let (s, _) = parse("-- @varchar :a\nSELECT :a", Dialect::Sqlite, &[]).unwrap();
        assert_eq!(s[0].sql.trim(), "SELECT ?1");
    }

    #[test]
    fn renders_numbered_placeholders_and_reuses_numbers() {
        let (s, _) = parse(
            "SELECT a FROM t\nWHERE x = :patientCard\n  AND (:doctorCode IS NULL OR d = :doctorCode)\n  AND y = :patientCard",
            Dialect::Sqlite,
            &[],
        )
        .unwrap();
        assert_eq!(s.len(), 1);
        assert!(s[0].sql.contains("x = ?1"));
        assert!(s[0].sql.contains("(?2 IS NULL OR d = ?2)"));
        assert!(s[0].sql.contains("y = ?1"));
        assert_eq!(
            s[0].params,
            vec![
                ("patientCard".to_string(), 2),
                ("doctorCode".to_string(), 3)
            ]
        );
        let (m, _) = parse("SELECT :a, :b, :a", Dialect::Mssql, &[]).unwrap();
        assert_eq!(m[0].sql.trim(), "SELECT @P1, @P2, @P1");
    }

    #[test]
    fn literals_comments_and_casts_are_not_parameters() {
        let (s, _) = parse(
            "SELECT '10:00', 'it''s :no', \"x:y\", [a:b] -- :comment\n/* :block\n */ , CAST(x AS int)::text, :yes",
            Dialect::Sqlite,
            &[],
        )
        .unwrap();
        assert_eq!(s[0].params, vec![("yes".to_string(), 3)]);
        assert!(s[0].sql.contains("'10:00'"));
        assert!(s[0].sql.contains("'it''s :no'"));
        assert!(s[0].sql.contains("::text"));
    }

    #[test]
    fn sections_split_with_lines() {
        let (s, _) = parse(
            "-- 8.2 findOutpatientPay\n-- @section content\nSELECT 1 AS a\nWHERE c = :patientCard;\n\n-- @section feeDetail\nSELECT 2 WHERE c = :patientCard",
            Dialect::Sqlite,
            &[],
        )
        .unwrap();
        let names: Vec<_> = s.iter().map(|x| x.names.join(",")).collect();
        assert_eq!(names, vec!["", "content", "feeDetail"]);
        assert!(!s[0].has_sql);
        assert_eq!(s[1].line, 2);
        assert_eq!(s[1].params, vec![("patientCard".to_string(), 4)]);
        assert_eq!(s[2].line, 6);
        assert_eq!(s[2].params, vec![("patientCard".to_string(), 7)]);
    }

    #[test]
    fn bad_directives_and_unterminated_text_report_lines() {
        let errors = parse(
            "SELECT 1\n-- @sectoin content\nSELECT 'x\n",
            Dialect::Sqlite,
            &[],
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].message.contains("@sectoin"));
        assert_eq!(errors[1].line, 3);
        assert!(errors[1].message.contains("unterminated"));
    }

    #[test]
    fn faults_are_placed_at_file_line_and_column() {
        // A section whose body starts on line 5, with a Chinese comment and
        // a parameter before the fault on its line.
        let text = "-- 说明：挂号\n-- @section header\n\n  \nSELECT a -- 注释 nosuch\nFROM t WHERE c = :patientCard AND zz = 1;\nSELECT 1 FROM nosuch";
        let (s, _) = parse(text, Dialect::Sqlite, &[]).unwrap();
        let section = &s[1];
        assert_eq!(section.body_line, 3);
        let sql = section.sql.trim();
        let origin = Origin::trimmed(&section.sql, section.body_line);
        assert_eq!(origin, Origin { line: 5, column: 1 });
        let lead = section.sql.len() - section.sql.trim_start().len();
        let placeholders: Vec<Placeholder> = section
            .placeholders
            .iter()
            .map(|p| Placeholder {
                start: p.start - lead,
                end: p.end - lead,
                ..*p
            })
            .collect();
        let written = |_: usize| ":patientCard".len();
        let zz = sql.find("zz").unwrap();
        let at = |position, name| locate(sql, &placeholders, &written, origin, position, name);
        assert_eq!(at(Position::Offset(zz), None), (6, 35));
        assert_eq!(at(Position::Statement(0), Some("zz")), (6, 35));
        // The comment's "nosuch" is not the table.
        let second = sql.find("SELECT 1").unwrap();
        assert_eq!(
            at(Position::Statement(second), Some("main.nosuch")),
            (7, 15)
        );
        assert_eq!(at(Position::Unknown, Some("nosuch")), (7, 15));
        assert_eq!(
            at(
                Position::Line {
                    line: 2,
                    column: None
                },
                Some("zz")
            ),
            (6, 35)
        );
        assert_eq!(
            at(
                Position::Line {
                    line: 3,
                    column: Some(3)
                },
                None
            ),
            (7, 3)
        );
        assert_eq!(at(Position::Statement(0), Some("missing")), (5, 1));
    }
}
