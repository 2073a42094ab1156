//! Proof: every statement of a hospital's mapping compiled against the
//! hospital's own database before the mapping serves — at start, before a
//! reload replaces a working set, and in `hisgw check`.
//!
//! This module owns what a mapping must prove beyond loading: that each
//! section and event source compiles (a fault placed at file:line:column),
//! and that the columns it returns are fields of the part they feed, with
//! every required field among them (the same rule `shape` applies to a
//! reply). It must never change data — compiling runs no write — and never
//! answers a call.

use std::path::Path;

use crate::catalogue::{self, field, Field, Method};
use crate::execute::{CompileError, Compiled, Database, Dialect, ExecError, Placeholder};
use crate::mapping::include::LineMap;
use crate::mapping::sql::{locate, Origin};
use crate::mapping::{HospitalMapping, MappingError, MethodPlan, SectionPlan, SourcePlan};
use crate::shape::Part;

/// What proving one hospital's mapping found.
#[derive(Debug, Default)]
pub struct Proof {
    /// Faults that keep the mapping from serving.
    pub errors: Vec<MappingError>,
    /// Sections the database could not compile without running them, and why.
    pub unproven: Vec<MappingError>,
    /// How many sections and event sources compiled.
    pub compiled: usize,
}

/// Compiles every section and event source of `mapping` on `db`. Fails only
/// when the database cannot be asked at all.
pub async fn prove(mapping: &HospitalMapping, db: &Database) -> Result<Proof, ExecError> {
    let mut proof = Proof::default();
    let mut plans: Vec<&MethodPlan> = mapping.methods.values().filter(|p| !p.builtin).collect();
    plans.sort_by_key(|p| (p.method.section, p.method.name));
    for plan in plans {
        for section in &plan.sections {
            let written = |n: usize| {
                section
                    .fields
                    .get(n)
                    .map_or(0, |&f| plan.method.request.fields[f].name.len() + 1)
            };
            let text = Text {
                file: &plan.file,
                lines: &plan.lines,
                sql: &section.sql,
                placeholders: &section.placeholders,
                origin: section.origin,
                written: &written,
                what: format!("section `{}`", section.name),
            };
            let compiled = db.compile(section.sql.clone(), section.fields.len()).await;
            let Some(compiled) = text.settle(compiled, section.line, &mut proof)? else {
                continue;
            };
            let sets = match compiled.result_sets {
                Some(sets) => Some(sets),
                None => described(db, section).await,
            };
            if let Some(sets) = sets {
                check_result_sets(plan.method, section, &sets, &text, &mut proof.errors);
            }
        }
    }
    for source in &mapping.sources {
        prove_source(source, db, &mut proof).await?;
    }
    Ok(proof)
}

/// On a backend that does not report columns when compiling (SQL Server),
/// the first result set as the server describes it, for a section that
/// feeds one part.
async fn described(db: &Database, section: &SectionPlan) -> Option<Vec<Vec<String>>> {
    if section.parts.len() != 1 || db.dialect() == Dialect::Sqlite {
        return None;
    }
    let columns = db
        .describe(section.sql.clone(), section.fields.len())
        .await
        .ok()?
        .columns;
    // A batch that starts with SET or DECLARE may describe as nothing.
    (!columns.is_empty()).then(|| vec![columns])
}

async fn prove_source(
    source: &SourcePlan,
    db: &Database,
    proof: &mut Proof,
) -> Result<(), ExecError> {
    let written = |_: usize| ":watermark".len();
    let text = Text {
        file: &source.file,
        lines: &source.lines,
        sql: &source.sql,
        placeholders: &source.placeholders,
        origin: Origin { line: 1, column: 1 },
        written: &written,
        what: "event source".into(),
    };
    let compiled = db.compile(source.sql.clone(), 1).await;
    let Some(compiled) = text.settle(compiled, 1, proof)? else {
        return Ok(());
    };
    let Some(columns) = compiled
        .result_sets
        .and_then(|sets| sets.into_iter().last())
    else {
        return Ok(());
    };
    let missing = source_missing(source.method, &columns);
    if !missing.is_empty() {
        proof.errors.push(MappingError::new(
            &source.file,
            Some(1),
            format!("event source lacks column(s) {}", missing.join(", ")),
        ));
    }
    Ok(())
}

/// The columns an event source of `method` must return and `columns`
/// lacks: `event_key`, `watermark` and the push's required fields (those
/// the gateway fills itself, the hospital ids, aside).
pub fn source_missing(method: &Method, columns: &[String]) -> Vec<&'static str> {
    let filled = [
        field::HOSPITAL_ID,
        field::HOSPITAL_ID_SNAKE,
        field::HOSPITAL_AREA_ID,
    ];
    let has = |n: &str| columns.iter().any(|c| c.eq_ignore_ascii_case(n));
    ["event_key", "watermark"]
        .into_iter()
        .chain(
            method
                .request
                .fields
                .iter()
                .filter(|f| f.required && !filled.contains(&f.name))
                .map(|f| f.name),
        )
        .filter(|c| !has(c))
        .collect()
}

/// One compiled text and how to place a fault in its file.
struct Text<'a> {
    file: &'a Path,
    /// Where its lines came from (a method's included fragments).
    lines: &'a LineMap,
    sql: &'a str,
    placeholders: &'a [Placeholder],
    origin: Origin,
    written: &'a (dyn Fn(usize) -> usize + Sync),
    what: String,
}

impl Text<'_> {
    /// A fault at a position of the compiled SQL, placed in its file.
    fn error_at(
        &self,
        at: crate::execute::Position,
        name: Option<&str>,
        message: String,
    ) -> MappingError {
        let (line, column) = locate(
            self.sql,
            self.placeholders,
            self.written,
            self.origin,
            at,
            name,
        );
        let mut error = self
            .lines
            .relocate(MappingError::new(self.file, Some(line), message));
        error.column = Some(column);
        error
    }

    /// A fault of a line of the file.
    fn error_on(&self, line: usize, message: String) -> MappingError {
        self.lines
            .relocate(MappingError::new(self.file, Some(line), message))
    }

    /// Records a compile's fault; the compiled result when there is none.
    fn settle(
        &self,
        compiled: Result<Compiled, CompileError>,
        line: usize,
        proof: &mut Proof,
    ) -> Result<Option<Compiled>, ExecError> {
        match compiled {
            Ok(compiled) => {
                proof.compiled += 1;
                Ok(Some(compiled))
            }
            Err(CompileError::Refused {
                message,
                at,
                statement,
                name,
            }) => {
                let statement = statement.map_or(String::new(), |n| format!(", statement {n}"));
                proof.errors.push(self.error_at(
                    at,
                    name.as_deref(),
                    format!("{}{statement}: {message}", self.what),
                ));
                Ok(None)
            }
            Err(CompileError::Unsupported(why)) => {
                proof
                    .unproven
                    .push(self.error_on(line, format!("{}: {why}", self.what)));
                Ok(None)
            }
            Err(CompileError::Database(e)) => Err(e),
        }
    }
}

/// The k-th result set of a section feeds its k-th part: as many sets as
/// parts, each column a field of its part, every required field there.
fn check_result_sets(
    method: &Method,
    section: &SectionPlan,
    sets: &[Vec<String>],
    text: &Text<'_>,
    errors: &mut Vec<MappingError>,
) {
    if sets.len() != section.parts.len() {
        errors.push(text.error_on(
            section.line,
            format!(
                "section `{}` names {} part(s) but its statements return {} result set(s) (every SELECT that is not the answer must write into a table or variable)",
                section.name,
                section.parts.len(),
                sets.len()
            ),
        ));
        return;
    }
    let names: Vec<&str> = section.name.split(", ").collect();
    for (k, (part, columns)) in section.parts.iter().zip(sets).enumerate() {
        let name = names.get(k).copied().unwrap_or_default();
        check_columns(
            method,
            *part,
            name,
            columns,
            text,
            section.origin.line,
            errors,
        );
    }
}

/// The fields a part carries.
pub fn fields_of(method: &Method, part: Part) -> &'static [Field] {
    match part {
        Part::Header => method.response.fields,
        Part::List(depth) => {
            let mut list = method.response.list;
            for _ in 0..depth {
                list = list.and_then(|l| l.child);
            }
            list.map(|l| l.fields).unwrap_or_default()
        }
    }
}

/// Columns every part may return besides its fields.
const STATUS_COLUMNS: [&str; 2] = ["result", "message"];

fn check_columns(
    method: &Method,
    part: Part,
    name: &str,
    columns: &[String],
    text: &Text<'_>,
    line: usize,
    errors: &mut Vec<MappingError>,
) {
    for fault in column_faults(method, part, name, columns) {
        errors.push(match &fault.column {
            Some(c) => text.error_at(crate::execute::Position::Unknown, Some(c), fault.message),
            None => text.error_on(line, fault.message),
        });
    }
}

/// A column of a result set that breaks the rule, or a required field
/// missing from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnFault {
    /// The column at fault (none: a required field is missing).
    pub column: Option<String>,
    pub message: String,
}

/// The rule for a result set feeding `part` of `method`: every column is a
/// field of the part (or `result`/`message`), and every required field of
/// the part is a column.
pub fn column_faults(
    method: &Method,
    part: Part,
    name: &str,
    columns: &[String],
) -> Vec<ColumnFault> {
    let fields = fields_of(method, part);
    let mut faults = Vec::new();
    for c in columns {
        let known = fields.iter().any(|f| f.name.eq_ignore_ascii_case(c))
            || STATUS_COLUMNS.iter().any(|s| s.eq_ignore_ascii_case(c));
        if known {
            continue;
        }
        let hint = match catalogue::closest(c, fields.iter().map(|f| f.name)) {
            Some(near) => format!("did you mean {near}?"),
            None => format!(
                "its fields are {}",
                fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
            ),
        };
        faults.push(ColumnFault {
            column: Some(c.clone()),
            message: format!(
                "column {c} is not a field of {} `{name}`: {hint}",
                method.name
            ),
        });
    }
    let has = |n: &str| columns.iter().any(|c| c.eq_ignore_ascii_case(n));
    for f in fields.iter().filter(|f| f.required && !has(f.name)) {
        faults.push(ColumnFault {
            column: None,
            message: format!(
                "section `{name}` does not return required field {} ({}): select it, as NULL AS {} when the HIS has nothing for it",
                f.name, f.doc, f.name
            ),
        });
    }
    faults
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelled_column_and_a_missing_required_field_are_both_faults() {
        let m = catalogue::find_inbound("findAllDepartments").unwrap();
        let columns = [
            "departmentNmae".to_string(),
            "DEPARTMENTCODE".into(),
            "result".into(),
        ];
        let faults = column_faults(m, Part::List(0), "content", &columns);
        assert_eq!(faults.len(), 2, "{faults:#?}");
        assert_eq!(faults[0].column.as_deref(), Some("departmentNmae"));
        assert!(faults[0].message.ends_with("did you mean departmentName?"));
        assert_eq!(faults[1].column, None);
        assert!(faults[1].message.contains("required field departmentName"));
    }
}
