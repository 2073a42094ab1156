//! `hisgw check`: validates every hospital's mappings against the catalogue,
//! proves them on their databases (every statement compiled, nothing run:
//! `proof`) and, with `--live`, runs each read mapping with the request the
//! hospital's own mapping tests make of it (the spec's example values where
//! it has none: they exist in no real HIS).
//!
//! This module owns the report hospital IT reads after an edit. It must
//! never run a write or payment mapping: those are compiled only. The
//! databases are opened as `serve` opens them, so a SQLite demo is created
//! and rolled to today.

use std::fmt;

use chrono::{Duration, NaiveDate};

use crate::catalogue::{self, FieldType, Kind, Method};
use crate::decode::RawRequest;
use crate::execute::{Dialect, StartScripts};
use crate::hospitals::{self, Hospital, Source};
use crate::mapping::{self, HospitalMapping, MethodPlan, SectionPlan};
use crate::mapping_tests;
use crate::pipeline::{CallError, Gateway};
use crate::proof;
use crate::settings::Settings;
use crate::validate::{parse_date, parse_datetime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
    Note,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub level: Level,
    pub text: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        };
        write!(f, "{tag}: {}", self.text)
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    fn push(&mut self, level: Level, text: impl Into<String>) {
        self.findings.push(Finding {
            level,
            text: text.into(),
        });
    }

    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .count()
    }
}

/// Checks the mapping files and proves each hospital's mapping on its
/// database (every statement compiled, nothing run); with `live`, also runs
/// each read with the hospital's own test request (or the spec's example).
pub async fn check(settings: &Settings, live: bool) -> Report {
    check_source(&settings.source(), live).await
}

/// `check` of the hospitals `source` names (the console's "check now").
pub async fn check_source(source: &Source, live: bool) -> Report {
    let mut report = Report::default();
    let (loaded, errors) = mapping::load_each(&source.mappings_dir, source.only.as_deref());
    for e in &errors {
        report.push(Level::Error, e.to_string());
    }
    for loaded in loaded {
        for e in &loaded.errors {
            report.push(Level::Error, e.to_string());
        }
        // A mapping with errors is still proved as far as it loaded.
        if let Some(h) = &loaded.mapping {
            if loaded.errors.is_empty() {
                check_coverage(h, &mut report);
            }
            prove(source, h, &mut report).await;
        }
    }
    if live {
        if report.errors() > 0 {
            report.push(
                Level::Note,
                "live checks skipped: fix the errors above first",
            );
        } else {
            check_live(source, &mut report).await;
        }
    }
    report
}

/// Opens the hospital's database as `serve` does and compiles every
/// statement there; says plainly what it could not check.
async fn prove(source: &Source, h: &HospitalMapping, report: &mut Report) {
    let sections: usize = h
        .methods
        .values()
        .filter(|p| !p.builtin)
        .map(|p| p.sections.len())
        .sum::<usize>()
        + h.sources.len();
    let not_reached = |e: &dyn fmt::Display| {
        format!(
            "hospital {}: database not reached ({e}): its {sections} statement section(s) were NOT compiled — only the files were checked",
            h.id
        )
    };
    let db = match hospitals::open(h, &source.data_dir, StartScripts::Run).await {
        Ok(db) => db,
        Err(e) => return report.push(Level::Warning, not_reached(&e)),
    };
    match proof::prove(h, &db).await {
        Ok(proof) => {
            for e in proof.errors {
                report.push(Level::Error, e.to_string());
            }
            for e in proof.unproven {
                report.push(Level::Warning, e.to_string());
            }
            report.push(
                Level::Note,
                format!(
                    "hospital {}: {} of {sections} statement section(s) compiled on its database",
                    h.id, proof.compiled
                ),
            );
        }
        Err(e) => report.push(Level::Warning, not_reached(&e)),
    }
}

fn check_coverage(h: &HospitalMapping, report: &mut Report) {
    let unmapped: Vec<&str> = catalogue::inbound()
        .filter(|m| h.plan(m).is_none())
        .map(|m| m.name)
        .collect();
    report.push(
        Level::Note,
        format!(
            "hospital {} ({}): {} of {} inbound methods mapped",
            h.id,
            h.name,
            h.methods.len(),
            catalogue::inbound().count()
        ),
    );
    if !unmapped.is_empty() {
        report.push(
            Level::Note,
            format!("hospital {}: not mapped: {}", h.id, unmapped.join(", ")),
        );
    }
}

async fn check_live(source: &Source, report: &mut Report) {
    let opened = Gateway::start(source.clone()).await;
    let gateway = match opened {
        Ok(g) => g,
        Err(e) => return report.push(Level::Error, e.to_string()),
    };
    let today = crate::clock::today();
    for hospital in gateway.hospitals().all() {
        let hospital = &*hospital;
        check_sources(hospital, report).await;
        // The hospital's own identities (its mapping tests) where it has
        // them; the spec's examples exist in no real HIS.
        let (cases, _) = mapping_tests::load(&hospital.mapping);
        let mut plans: Vec<_> = hospital.mapping.methods.values().collect();
        plans.sort_by_key(|p| p.method.section);
        for plan in plans {
            let method = plan.method;
            if matches!(hospital.db.dialect(), Dialect::Mssql | Dialect::Postgres) {
                for section in &plan.sections {
                    let at = format!("{}:{}", plan.file.display(), section.line);
                    if let Ok(d) = hospital
                        .db
                        .describe(section.sql.clone(), section.fields.len())
                        .await
                    {
                        let types = &d.parameter_types;
                        match hospital.db.dialect() {
                            Dialect::Postgres => {
                                check_inferred_types(method, section, types, &at, report)
                            }
                            _ => check_parameter_types(method, section, types, &at, report),
                        }
                    }
                }
            }
            // Writes are compiled at load; running one is `hisgw try`'s job.
            if !matches!(method.kind, Kind::Read | Kind::Reconciliation) {
                continue;
            }
            let (sample, whose) =
                match mapping_tests::own_request(&hospital.mapping, &cases, method.name) {
                    Some(request) => (request, "the hospital's test request"),
                    None => (sample_request(method, today), "spec example"),
                };
            check_result_sets(hospital, plan, &sample, today, report).await;
            match gateway
                .call(&hospital.mapping.id, method.name, &sample)
                .await
            {
                Ok(reply) if reply.is_success() => report.push(
                    Level::Note,
                    format!("{}: {whose} answered success", plan.file.display()),
                ),
                // The ledger knows only the orders booked here: an unknown
                // example order is the right answer, not a mapping problem.
                Ok(reply) if plan.builtin => report.push(
                    Level::Note,
                    format!(
                        "{}: {whose} answered {} from the ledger: {}",
                        plan.file.display(),
                        reply.result,
                        reply.message
                    ),
                ),
                Ok(reply) => report.push(
                    Level::Warning,
                    format!(
                        "{}: {whose} answered {}: {}",
                        plan.file.display(),
                        reply.result,
                        reply.message
                    ),
                ),
                Err(e @ (CallError::Execute { .. } | CallError::Shape { .. })) => {
                    report.push(Level::Error, format!("{}: {e}", plan.file.display()))
                }
                Err(e) => report.push(Level::Warning, format!("{}: {e}", plan.file.display())),
            }
        }
    }
}

/// Runs each event source as its first poll would (they only read) and
/// checks it returns `event_key`, `watermark` and the push's fields.
async fn check_sources(hospital: &Hospital, report: &mut Report) {
    for source in &hospital.mapping.sources {
        let at = source.file.display();
        let sets = match hospital.db.query(vec![source.statement(None)]).await {
            Ok(sets) => sets,
            Err(e) => {
                report.push(Level::Error, format!("{at}: {e}"));
                continue;
            }
        };
        let Some(set) = sets.into_iter().flatten().last() else {
            report.push(Level::Error, format!("{at}: returns no rows (no SELECT)"));
            continue;
        };
        let missing = proof::source_missing(source.method, &set.columns);
        if missing.is_empty() {
            report.push(
                Level::Note,
                format!("{at}: event source ok ({} event(s) now)", set.rows.len()),
            );
        } else {
            report.push(
                Level::Error,
                format!("{at}: event source lacks column(s) {}", missing.join(", ")),
            );
        }
    }
}

/// A parameter the server would type as varchar (it is compared with a
/// varchar column) but that binds as nvarchar makes SQL Server convert the
/// column and scan: a warning, with the fix.
fn check_parameter_types(
    method: &Method,
    section: &SectionPlan,
    types: &[Option<String>],
    at: &str,
    report: &mut Report,
) {
    for (i, ty) in types.iter().enumerate() {
        let Some(ty) = ty else { continue };
        let Some(&field) = section.fields.get(i) else {
            continue;
        };
        let sql = &section.sql;
        let placeholder = format!("CAST(@P{} AS VARCHAR(8000))", i + 1);
        let bound_varchar = sql.contains(&placeholder);
        let lower = ty.to_ascii_lowercase();
        if (lower.starts_with("varchar") || lower.starts_with("char")) && !bound_varchar {
            let name = method.request.fields[field].name;
            report.push(
                Level::Warning,
                format!(
                    "{at}: :{name} is compared with a {ty} column but binds as nvarchar, which makes SQL Server convert the column and scan; add `-- @varchar :{name}` to the file or list it in varchar_params"
                ),
            );
        }
    }
}

/// PostgreSQL reads each parameter by the type it infers from the
/// statement: a text field of the spec (a card number, a code) read as a
/// number fails on the first value with a letter and loses leading zeros.
fn check_inferred_types(
    method: &Method,
    section: &SectionPlan,
    types: &[Option<String>],
    at: &str,
    report: &mut Report,
) {
    use crate::catalogue::FieldType;
    for (i, ty) in types.iter().enumerate() {
        let (Some(ty), Some(&field)) = (ty, section.fields.get(i)) else {
            continue;
        };
        let field = &method.request.fields[field];
        let numeric = matches!(
            ty.as_str(),
            "int2" | "int4" | "int8" | "numeric" | "float4" | "float8"
        );
        if numeric && matches!(field.ty, FieldType::Text | FieldType::IdCard) {
            report.push(
                Level::Warning,
                format!(
                    "{at}: :{name} is text in the spec but PostgreSQL reads it as {ty} (from how the statement uses it): a value with a letter fails the call and leading zeros are lost; compare with the column cast to text (CAST(col AS text) = :{name}) or cast it yourself",
                    name = field.name
                ),
            );
        }
    }
}

/// Runs the request's statements directly and checks what each
/// section really returns: as many result sets as parts it names (a stored
/// procedure may return more or fewer), each by the column rule.
async fn check_result_sets(
    hospital: &Hospital,
    plan: &MethodPlan,
    request: &RawRequest,
    today: NaiveDate,
    report: &mut Report,
) {
    let params = match crate::validate::validate(plan.method, request, today) {
        Ok(params) => params,
        Err(e) => {
            return report.push(
                Level::Note,
                format!(
                    "{}: not run: the request is not valid ({e})",
                    plan.file.display()
                ),
            );
        }
    };
    let sets = match hospital.db.query(plan.statements(&params)).await {
        Ok(sets) => sets,
        Err(e) => {
            return report.push(Level::Error, format!("{}: {e}", plan.file.display()));
        }
    };
    for (section, results) in plan.sections.iter().zip(&sets) {
        let at = format!("{}:{}", plan.file.display(), section.line);
        let names: Vec<&str> = section.name.split(", ").collect();
        if !results.is_empty() && results.len() != section.parts.len() {
            report.push(
                Level::Error,
                format!(
                    "{at}: section `{}` names {} result set(s) but the statement returned {}",
                    section.name,
                    section.parts.len(),
                    results.len()
                ),
            );
        }
        for (k, (part, set)) in section.parts.iter().zip(results).enumerate() {
            let name = names.get(k).copied().unwrap_or_default();
            for fault in proof::column_faults(plan.method, *part, name, &set.columns) {
                report.push(Level::Error, format!("{at}: {}", fault.message));
            }
        }
    }
}

/// The spec's own request example for `method`, its dates moved so that the
/// latest lands on `today` (keeping the distance between them).
pub fn sample_request(method: &Method, today: NaiveDate) -> RawRequest {
    let dated = |ty: FieldType, v: &str| match ty {
        FieldType::Date => parse_date(v),
        FieldType::DateTime => parse_datetime(v).map(|d| d.date()),
        _ => None,
    };
    let latest = method
        .request
        .fields
        .iter()
        .filter_map(|f| dated(f.ty, f.example?))
        .max();
    let shift = latest.map(|l| today - l).unwrap_or(Duration::zero());
    let fields = method
        .request
        .fields
        .iter()
        .filter_map(|f| {
            let example = f.example?;
            let value = match f.ty {
                FieldType::Date => dated(f.ty, example)
                    .map(|d| (d + shift).format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| example.to_string()),
                FieldType::DateTime => parse_datetime(example)
                    .map(|d| (d + shift).format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_else(|| example.to_string()),
                _ => example.to_string(),
            };
            Some((f.name.to_string(), value))
        })
        .collect();
    RawRequest::new(fields)
}
