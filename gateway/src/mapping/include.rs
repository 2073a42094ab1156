//! Shared fragments: a line `-- @include NAME` in a method file stands for
//! the text of `shared/NAME.sql` next to the SQL files (or its dialect's
//! override, `shared/NAME.mssql.sql`), so a code table, a common join or a
//! booking used by several methods is written once. A fragment may include
//! other fragments (never itself), holds no `-- @section` lines, and its
//! `:name` parameters are those of the method that includes it.
//!
//! Every line of the expanded text keeps where it came from, so an error
//! in a fragment names the fragment's file and line.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::MappingError;
use crate::execute::Dialect;

/// Where each line of an expanded method file came from; empty when the
/// file includes nothing (every line is its own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineMap {
    origins: Vec<(Arc<Path>, usize)>,
}

impl LineMap {
    /// The file and line of line `line` of the expanded text of `file`.
    pub fn place(&self, file: &Path, line: usize) -> (PathBuf, usize) {
        match self.origins.get(line.wrapping_sub(1)) {
            Some((origin, at)) => (origin.to_path_buf(), *at),
            None => (file.to_path_buf(), line),
        }
    }

    /// The error moved to the fragment its line came from, saying which
    /// method file included it (a fragment serves several).
    pub fn relocate(&self, mut error: MappingError) -> MappingError {
        if let Some(line) = error.line {
            let (file, line) = self.place(&error.file, line);
            if file != error.file {
                error.message = format!("{} (included by {})", error.message, error.file.display());
            }
            error.file = file;
            error.line = Some(line);
        }
        error
    }
}

/// A method file's text with its includes put in.
#[derive(Debug)]
pub struct Expanded {
    pub text: String,
    pub lines: LineMap,
}

/// How deep fragments may include fragments.
const MAX_DEPTH: usize = 4;

/// Puts the fragments a method file includes into its text.
pub fn expand(
    text: &str,
    file: &Path,
    shared: &Path,
    dialect: Dialect,
) -> Result<Expanded, Vec<MappingError>> {
    if !text.lines().any(|l| include_name(l).is_some()) {
        return Ok(Expanded {
            text: text.to_string(),
            lines: LineMap::default(),
        });
    }
    let mut out = Expansion::default();
    out.put(text, Arc::from(file), shared, dialect, &mut Vec::new());
    if out.errors.is_empty() {
        Ok(Expanded {
            text: out.text,
            lines: LineMap {
                origins: out.origins,
            },
        })
    } else {
        Err(out.errors)
    }
}

#[derive(Default)]
struct Expansion {
    text: String,
    origins: Vec<(Arc<Path>, usize)>,
    errors: Vec<MappingError>,
}

impl Expansion {
    /// Appends `text` of `file`, its includes put in; `within` are the
    /// fragments being put in around it (a fragment never includes itself).
    fn put(
        &mut self,
        text: &str,
        file: Arc<Path>,
        shared: &Path,
        dialect: Dialect,
        within: &mut Vec<PathBuf>,
    ) {
        for (i, line) in text.lines().enumerate() {
            let here = |message: String| MappingError::new(&file, Some(i + 1), message);
            if !within.is_empty() && is_section_line(line) {
                self.errors.push(here(
                    "`-- @section` lines belong in the method file, not in a fragment".into(),
                ));
            }
            let Some(name) = include_name(line) else {
                self.text.push_str(line);
                self.text.push('\n');
                self.origins.push((file.clone(), i + 1));
                continue;
            };
            let Some(name) = name.filter(|n| is_fragment_name(n)) else {
                self.errors.push(here(
                    "expected `-- @include NAME` (a file shared/NAME.sql)".into(),
                ));
                continue;
            };
            let over = shared.join(format!("{name}.{}.sql", dialect.name()));
            let path = if over.is_file() {
                over
            } else {
                shared.join(format!("{name}.sql"))
            };
            if within.contains(&path) {
                self.errors
                    .push(here(format!("{} includes itself", path.display())));
                continue;
            }
            if within.len() >= MAX_DEPTH {
                self.errors.push(here(format!(
                    "fragments include fragments more than {MAX_DEPTH} deep"
                )));
                continue;
            }
            match std::fs::read_to_string(&path) {
                Ok(fragment) => {
                    within.push(path.clone());
                    self.put(
                        &fragment,
                        Arc::from(path.as_path()),
                        shared,
                        dialect,
                        within,
                    );
                    within.pop();
                }
                Err(e) => self
                    .errors
                    .push(here(format!("cannot include {}: {e}", path.display()))),
            }
        }
    }
}

/// `Some(Some(name))` for `-- @include name`, `Some(None)` for a bare
/// `-- @include`; `None` for any other line.
fn include_name(line: &str) -> Option<Option<&str>> {
    let rest = line.trim_start().strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix("@include")?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let name = rest.trim();
    Some((!name.is_empty()).then_some(name))
}

fn is_section_line(line: &str) -> bool {
    line.trim_start()
        .strip_prefix("--")
        .is_some_and(|r| r.trim_start().starts_with("@section"))
}

fn is_fragment_name(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fragment_is_put_in_and_its_lines_keep_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::write(
            shared.join("sex.sql"),
            "CASE p.sex\n  WHEN '1' THEN '男'\nEND",
        )
        .unwrap();
        std::fs::write(
            shared.join("sex.mssql.sql"),
            "CASE p.sex WHEN '1' THEN N'男' END",
        )
        .unwrap();
        let file = dir.path().join("queryPatientInfo.sql");
        let text = "SELECT\n-- @include sex\n  AS sex\nFROM patient p";
        let e = expand(text, &file, &shared, Dialect::Sqlite).unwrap();
        assert_eq!(
            e.text,
            "SELECT\nCASE p.sex\n  WHEN '1' THEN '男'\nEND\n  AS sex\nFROM patient p\n"
        );
        assert_eq!(e.lines.place(&file, 3), (shared.join("sex.sql"), 2));
        assert_eq!(e.lines.place(&file, 5), (file.clone(), 3));
        let m = expand(text, &file, &shared, Dialect::Mssql).unwrap();
        assert!(m.text.contains("N'男'"), "{}", m.text);

        let missing = expand("-- @include nosuch\n", &file, &shared, Dialect::Sqlite).unwrap_err();
        assert_eq!(missing[0].line, Some(1));
        assert!(missing[0].message.contains("nosuch.sql"), "{missing:?}");
        std::fs::write(shared.join("nested.sql"), "SELECT 1,\n-- @include sex\n").unwrap();
        let nested = expand("-- @include nested\n", &file, &shared, Dialect::Sqlite).unwrap();
        assert_eq!(
            nested.text,
            "SELECT 1,\nCASE p.sex\n  WHEN '1' THEN '男'\nEND\n"
        );
        assert_eq!(nested.lines.place(&file, 3), (shared.join("sex.sql"), 2));
        std::fs::write(shared.join("loop.sql"), "SELECT 1\n-- @include loop\n").unwrap();
        let looped = expand("-- @include loop\n", &file, &shared, Dialect::Sqlite).unwrap_err();
        assert_eq!(looped[0].file, shared.join("loop.sql"));
        assert_eq!(looped[0].line, Some(2));
        assert!(looped[0].message.contains("includes itself"), "{looped:?}");
    }
}
