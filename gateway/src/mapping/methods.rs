//! The method files of a hospital: which file maps which method (with the
//! dialect's overrides), each file's sections checked against the parts
//! of the method's response and its parameters against the method's
//! request fields, `[methods.X]` options applied, and the ledger's
//! built-in answers added where payments are mapped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::file::{EmptyResult, HospitalFile, MethodOptions};
use super::{
    include, sql, MappingError, MethodPlan, SectionPlan, TomlErrors, DEFAULT_EMPTY_MESSAGE,
};
use crate::catalogue::{self, Kind, Method};
use crate::execute::{Dialect, Placeholder};
use crate::shape::Part;

/// Every method plan of a hospital: its SQL files, then the ledger's
/// answers. Problems of hospital.toml go to `toml`, of SQL files to `errors`.
pub(super) fn load_all(
    sql_dir: &Path,
    dialect: Dialect,
    varchar: &[String],
    parsed: Option<&HospitalFile>,
    toml: &mut TomlErrors<'_>,
    errors: &mut Vec<MappingError>,
) -> HashMap<&'static str, MethodPlan> {
    let files = sql_files(sql_dir, dialect, errors);
    let no_options = std::collections::BTreeMap::new();
    let method_options = parsed.map_or(&no_options, |f| &f.methods);
    for key in method_options.keys() {
        let at = Some(key.span().start);
        match catalogue::find_inbound(key.get_ref()) {
            None => toml.at(
                at,
                format!(
                    "[methods.{}]: no inbound method has this name",
                    key.get_ref()
                ),
            ),
            Some(m) if !files.iter().any(|(f, _)| f.name == m.name) => toml.at(
                at,
                format!(
                    "[methods.{}]: there is no {}.sql for it",
                    key.get_ref(),
                    m.name
                ),
            ),
            Some(_) => {}
        }
    }
    for (key, options) in method_options {
        if let Some(max) = options.max_amount.as_deref() {
            if crate::money::parse_plain(max, false).is_none() {
                toml.at(
                    Some(key.span().start),
                    format!(
                        "[methods.{}] max_amount = {max:?}: expected a plain amount such as \"5000.00\"",
                        key.get_ref()
                    ),
                );
            }
        }
    }
    let hospital_empty_message = parsed.and_then(|f| f.options.empty_message.as_deref());
    let empty_message_of = |options: &MethodOptions, builtin: Option<&str>| {
        options
            .empty_message
            .as_deref()
            .or(builtin)
            .or(hospital_empty_message)
            .unwrap_or(DEFAULT_EMPTY_MESSAGE)
            .to_string()
    };

    let mut methods = HashMap::new();
    for (method, path) in files {
        let options = method_options
            .iter()
            .find(|(k, _)| k.get_ref().eq_ignore_ascii_case(method.name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                errors.push(MappingError::new(&path, None, format!("cannot read: {e}")));
                continue;
            }
        };
        let expanded = match include::expand(&text, &path, &sql_dir.join("shared"), dialect) {
            Ok(expanded) => expanded,
            Err(mut e) => {
                errors.append(&mut e);
                continue;
            }
        };
        match load_method(method, &path, &expanded.text, dialect, varchar) {
            Ok(sections) => {
                let mut plan = method_plan(method, false, path, sections, options.empty_result);
                plan.empty_message = empty_message_of(&options, None);
                plan.limits = options.limits();
                plan.max_amount = options
                    .max_amount
                    .as_deref()
                    .and_then(|m| crate::money::parse_plain(m, false));
                plan.lines = Arc::new(expanded.lines);
                methods.insert(method.name, plan);
            }
            Err(e) => errors.extend(e.into_iter().map(|e| expanded.lines.relocate(e))),
        }
    }

    // With payments mapped, the ledger answers reconciliation and order
    // status unless the hospital maps them itself.
    if methods.values().any(|p| p.method.kind == Kind::Payment) {
        for method in catalogue::ledger_answered() {
            let Some(answer) = method.ledger else {
                continue;
            };
            if methods.contains_key(method.name) {
                continue;
            }
            let builtin = crate::ledger::builtin_answer(answer, dialect);
            let path = PathBuf::from(builtin.origin);
            match load_method(method, &path, builtin.sql, dialect, varchar) {
                Ok(sections) => {
                    let mut plan = method_plan(method, true, path, sections, None);
                    plan.empty_message =
                        empty_message_of(&MethodOptions::default(), builtin.empty_message);
                    methods.insert(method.name, plan);
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
    }
    methods
}

fn method_plan(
    method: &'static Method,
    builtin: bool,
    file: PathBuf,
    sections: Vec<SectionPlan>,
    empty_result: Option<EmptyResult>,
) -> MethodPlan {
    let empty_result = empty_result.unwrap_or(match method.response.list {
        Some(_) if method.response.fields.is_empty() => EmptyResult::Success,
        _ => EmptyResult::Error,
    });
    let parts = sections.iter().map(|s| s.parts.clone()).collect();
    MethodPlan {
        method,
        file,
        parts,
        sections,
        empty_result,
        empty_message: DEFAULT_EMPTY_MESSAGE.to_string(),
        builtin,
        limits: crate::limits::Settings::default(),
        max_amount: None,
        lines: Arc::default(),
    }
}

/// The SQL file of each method in `dir`: `method.sql`, or the dialect's
/// override `method.<dialect>.sql` where there is one.
fn sql_files(
    dir: &Path,
    dialect: Dialect,
    errors: &mut Vec<MappingError>,
) -> Vec<(&'static Method, PathBuf)> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(MappingError::new(
                dir,
                None,
                format!("cannot read folder: {e}"),
            ));
            return Vec::new();
        }
    };
    let mut plain: HashMap<&'static str, (&'static Method, PathBuf)> = HashMap::new();
    let mut overrides: HashMap<&'static str, (&'static Method, PathBuf)> = HashMap::new();
    let mut stray = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = file_name.strip_suffix(".sql") else {
            // `insertRegister.sql.txt`, `insertRegister.SQL`: meant as a
            // method file, never read.
            let first = file_name.split('.').next().unwrap_or_default();
            if file_name.contains('.') && catalogue::find_inbound(first).is_some() {
                stray.push((
                    path.clone(),
                    format!("is not read: a method file is named exactly {first}.sql"),
                ));
            }
            continue;
        };
        let (name, is_override) = match stem.split_once('.') {
            Some((name, d)) if d == dialect.name() => (name, true),
            // Another dialect's override: not for this database.
            Some((_, d)) if Dialect::ALL.iter().any(|other| other.name() == d) => continue,
            Some(_) => (stem, false),
            None => (stem, false),
        };
        match catalogue::find_inbound(name) {
            Some(m) if is_override => {
                overrides.insert(m.name, (m, path));
            }
            Some(m) => {
                plain.insert(m.name, (m, path));
            }
            None => {
                let hint = closest_method(name)
                    .map_or(String::new(), |m| format!("; did you mean {m}.sql?"));
                stray.push((path, format!("file name is not an inbound method of the spec (name files exactly as the method, e.g. findAllDepartments.sql){hint}")));
            }
        }
    }
    stray.sort();
    for (path, message) in stray {
        errors.push(MappingError::new(&path, None, message));
    }
    plain.extend(overrides);
    let mut files: Vec<_> = plain.into_values().collect();
    files.sort_by_key(|(m, _)| m.section);
    files
}

/// The inbound method whose name differs least from `name` (a typo), if
/// one is close.
fn closest_method(name: &str) -> Option<&'static str> {
    catalogue::closest(name, catalogue::inbound().map(|m| m.name))
}

/// Reads one method's SQL file and checks its sections and parameters
/// against the catalogue.
pub fn load_method(
    method: &'static Method,
    path: &Path,
    text: &str,
    dialect: Dialect,
    varchar: &[String],
) -> Result<Vec<SectionPlan>, Vec<MappingError>> {
    let err = |line: Option<usize>, message: String| MappingError::new(path, line, message);
    let (raw, binding) = sql::parse(text, dialect, varchar).map_err(|errs| {
        errs.into_iter()
            .map(|e| err(Some(e.line), e.message))
            .collect::<Vec<_>>()
    })?;

    let parts = parts_of(method);
    let explicit = raw.iter().any(|s| !s.names.is_empty());
    let mut errors = Vec::new();
    let mut sections: Vec<SectionPlan> = Vec::new();
    for section in raw {
        let chosen: Vec<(Part, String)> = if section.names.is_empty() {
            if !section.has_sql {
                continue;
            }
            if explicit {
                errors.push(err(
                    Some(section.line),
                    "SQL before the first `-- @section` line".into(),
                ));
                continue;
            }
            match default_part(method) {
                Some(p) => vec![p],
                None => {
                    errors.push(err(
                        None,
                        format!(
                            "{} needs one section per part: {}",
                            method.name,
                            section_list(&parts)
                        ),
                    ));
                    continue;
                }
            }
        } else {
            let mut chosen = Vec::new();
            for name in &section.names {
                match parts.iter().find(|(_, n)| n == name) {
                    Some(p) => chosen.push(p.clone()),
                    None => errors.push(err(
                        Some(section.line),
                        format!(
                            "unknown section `{name}` for {}; its sections are {}",
                            method.name,
                            section_list(&parts)
                        ),
                    )),
                }
            }
            if chosen.len() != section.names.len() {
                continue;
            }
            chosen
        };
        let name = chosen
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if !section.has_sql {
            errors.push(err(
                Some(section.line),
                format!("section `{name}` has no SQL"),
            ));
            continue;
        }
        if let Some((_, twice)) = chosen
            .iter()
            .find(|(p, _)| sections.iter().any(|s| s.parts.contains(p)))
        {
            errors.push(err(
                Some(section.line),
                format!("section `{twice}` appears twice"),
            ));
            continue;
        }
        let mut fields = Vec::with_capacity(section.params.len());
        for (param, line) in &section.params {
            match method
                .request
                .fields
                .iter()
                .position(|f| f.name.eq_ignore_ascii_case(param))
            {
                Some(i) => fields.push(i),
                None => errors.push(err(
                    Some(*line),
                    format!(
                        "parameter :{param} is not a request field of {}; its fields are {}",
                        method.name,
                        field_list(method)
                    ),
                )),
            }
        }
        sections.push(SectionPlan {
            parts: chosen.into_iter().map(|(p, _)| p).collect(),
            name,
            line: section.line,
            origin: sql::Origin::trimmed(&section.sql, section.body_line),
            sql: Arc::from(section.sql.trim()),
            fields,
            placeholders: {
                let lead = section.sql.len() - section.sql.trim_start().len();
                section
                    .placeholders
                    .iter()
                    .map(|p| Placeholder {
                        start: p.start - lead,
                        end: p.end - lead,
                        param: p.param,
                    })
                    .collect()
            },
        });
    }
    for bound in binding.varchar.iter().chain(&binding.nvarchar) {
        if method.request_field(bound).is_none() {
            errors.push(err(
                None,
                format!(
                    "@varchar/@nvarchar names :{bound}, which is not a request field of {}",
                    method.name
                ),
            ));
        }
    }
    for (part, name) in &parts {
        let needed = match part {
            Part::Header => !method.response.fields.is_empty(),
            Part::List(0) => true,
            // Nested lists are optional in the spec (8.2 feeDetail: 否).
            Part::List(_) => false,
        };
        if needed && !sections.iter().any(|s| s.parts.contains(part)) && errors.is_empty() {
            errors.push(err(
                None,
                format!("{} needs a `{name}` section", method.name),
            ));
        }
    }
    if errors.is_empty() {
        sections.sort_by_key(|s| match s.parts[0] {
            Part::Header => 0,
            Part::List(d) => d + 1,
        });
        Ok(sections)
    } else {
        Err(errors)
    }
}

/// The sections a method's mapping may have: `header` and each list's name.
pub fn parts_of(method: &Method) -> Vec<(Part, String)> {
    let mut parts = vec![(Part::Header, "header".to_string())];
    let mut depth = 0;
    let mut next = method.response.list;
    while let Some(list) = next {
        parts.push((Part::List(depth), list.section.to_string()));
        depth += 1;
        next = list.child;
    }
    parts
}

/// The part a file without section lines feeds: the only part the shape has.
fn default_part(method: &Method) -> Option<(Part, String)> {
    let shape = &method.response;
    match shape.list {
        None => Some((Part::Header, "header".into())),
        Some(list) if shape.fields.is_empty() && list.child.is_none() => {
            Some((Part::List(0), list.section.to_string()))
        }
        Some(_) => None,
    }
}

fn section_list(parts: &[(Part, String)]) -> String {
    parts
        .iter()
        .map(|(_, n)| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn field_list(method: &Method) -> String {
    if method.request.fields.is_empty() {
        return "(none)".into();
    }
    method
        .request
        .fields
        .iter()
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}
