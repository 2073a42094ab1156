//! Mapping: each hospital's mapping files — `hospital.toml` and one SQL file
//! per method (see `mappings/README.md`) — loaded and checked once, and the
//! step that turns a call's validated parameters into statements.
//!
//! This module owns the mapping format: the folder layout, `-- @section`
//! lines, `:name` parameters rendered to numbered placeholders, which
//! sections a method's response needs, and every load-time check, each
//! error named by file and line and all of them collected before any is
//! reported. The sections of hospital.toml that belong to a feature are
//! typed and resolved by that feature (`[database]` by `execute`,
//! `[access]` by `access`, `[sign]` by `sign`, `[soap]` by `wsdl`,
//! `[platform]`/`[push]`/`[reconcile]` by `platform`); this module only
//! places their problems in the file. It must never run SQL, hold run-time
//! state, or format responses. Request values are never spliced into SQL.

mod file;
pub mod include;
mod methods;
mod sources;
pub mod sql;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::access::Access;
use crate::catalogue::{Kind, Method};
use crate::encode::ResponseEncoding;
use crate::execute::{DatabaseConfig, Dialect, Param, Placeholder, Statement};
use crate::platform::{PlatformConfig, PushConfig, ReconcileConfig};
use crate::shape::Part;
use crate::validate::Params;
use crate::wsdl::SoapConfig;

pub use file::{EmptyResult, HospitalFile, MethodOptions};
pub use methods::{load_method, parts_of};

/// The message of a single-record method that finds no row, unless the
/// hospital or method says otherwise.
pub const DEFAULT_EMPTY_MESSAGE: &str = "未查询到相关记录";

/// A problem in a mapping, located for the hospital IT person who edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    pub file: PathBuf,
    pub line: Option<usize>,
    /// 1-based, in characters (a file may hold Chinese comments).
    pub column: Option<usize>,
    pub message: String,
}

impl MappingError {
    pub fn new(file: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        MappingError {
            file: file.to_path_buf(),
            line,
            column: None,
            message: message.into(),
        }
    }

    /// A problem at a line and column.
    pub fn at(file: &Path, (line, column): (usize, usize), message: impl Into<String>) -> Self {
        MappingError {
            column: Some(column),
            ..MappingError::new(file, Some(line), message)
        }
    }
}

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(
                f,
                "{}:{line}:{column}: {}",
                self.file.display(),
                self.message
            ),
            (Some(line), None) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            _ => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for MappingError {}

/// One statement of a method's mapping.
#[derive(Debug, Clone)]
pub struct SectionPlan {
    /// The part each of its result sets feeds, in order (a stored procedure
    /// may return header and list, or parent and children, at once).
    pub parts: Vec<Part>,
    /// The section's name as written (`header, content`), for messages.
    pub name: String,
    /// Line of the section in the file, for messages.
    pub line: usize,
    /// Where `sql` starts in the file.
    pub origin: sql::Origin,
    /// SQL in the hospital's dialect, placeholders numbered.
    pub sql: Arc<str>,
    /// For placeholder n (1-based), the index of its request field at n-1.
    pub fields: Vec<usize>,
    /// Where the placeholders stand in `sql`.
    pub placeholders: Arc<[Placeholder]>,
}

/// Everything needed to answer one method for one hospital.
#[derive(Debug, Clone)]
pub struct MethodPlan {
    pub method: &'static Method,
    pub file: PathBuf,
    /// Header first, then lists by depth.
    pub sections: Vec<SectionPlan>,
    /// The parts of each section, in section order (shared with a write's
    /// decision, which outlives the call's borrow of the plan).
    pub parts: Arc<[Vec<Part>]>,
    pub empty_result: EmptyResult,
    pub empty_message: String,
    /// Answered from the gateway's ledger (no mapping file of the hospital's).
    pub builtin: bool,
    /// The method's limits as `[methods.X]` sets them.
    pub limits: crate::limits::Settings,
    /// `[methods.X] max_amount`: no money field of a request above it.
    pub max_amount: Option<rust_decimal::Decimal>,
    /// Where each line of the file's text came from (its `-- @include`d
    /// fragments), for placing a fault.
    pub lines: Arc<include::LineMap>,
}

impl MethodPlan {
    /// The statements to run for these parameters, in section order.
    pub fn statements(&self, params: &Params) -> Vec<Statement> {
        self.sections
            .iter()
            .map(|s| Statement {
                sql: s.sql.clone(),
                placeholders: s.placeholders.clone(),
                params: s
                    .fields
                    .iter()
                    .map(|&i| match params.value(i) {
                        Some(v) => Param::Text(v.to_string()),
                        None => Param::Null,
                    })
                    .collect(),
            })
            .collect()
    }
}

/// One hospital's mapping, fully loaded and checked.
#[derive(Debug, Clone)]
pub struct HospitalMapping {
    pub id: String,
    pub name: String,
    pub dir: PathBuf,
    /// Where its SQL files are (`sql_dir`, or `dir`).
    pub sql_dir: PathBuf,
    pub database: DatabaseConfig,
    /// Keyed by the catalogue's method name.
    pub methods: HashMap<&'static str, MethodPlan>,
    /// The §17 sign key, read from the environment at load.
    pub sign_key: Option<String>,
    pub soap: SoapConfig,
    pub response_encoding: ResponseEncoding,
    pub platform: Option<PlatformConfig>,
    pub push: Option<PushConfig>,
    pub reconcile: Option<ReconcileConfig>,
    /// The event source SQL of each pushed dataType (`push/{dataType}.sql`).
    pub sources: Vec<SourcePlan>,
    /// Who may call, with secrets read from the environment at load.
    pub access: Access,
}

/// One event source: its dataType's catalogue method and its statement.
#[derive(Debug, Clone)]
pub struct SourcePlan {
    pub method: &'static Method,
    pub file: PathBuf,
    /// The source SQL, `:watermark` as placeholder 1.
    pub sql: Arc<str>,
    pub placeholders: Arc<[Placeholder]>,
    /// Where each line of its text came from (included fragments).
    pub lines: Arc<include::LineMap>,
}

impl SourcePlan {
    /// The source's statement from `watermark` on (NULL: its first poll).
    pub fn statement(&self, watermark: Option<&str>) -> Statement {
        Statement {
            sql: self.sql.clone(),
            params: vec![watermark.map_or(Param::Null, |w| Param::Text(w.to_string()))],
            placeholders: self.placeholders.clone(),
        }
    }
}

impl HospitalMapping {
    /// Where its mapping tests are: `tests/` in its folder, or next to its
    /// SQL files.
    pub fn tests_dir(&self) -> PathBuf {
        let own = self.dir.join("tests");
        if own.is_dir() {
            own
        } else {
            self.sql_dir.join("tests")
        }
    }

    pub fn plan(&self, method: &Method) -> Option<&MethodPlan> {
        self.methods.get(method.name)
    }

    pub fn dialect(&self) -> Dialect {
        self.database.dialect()
    }

    /// Whether the gateway keeps its payment ledger in this hospital's
    /// database: it does as soon as one payment notification is mapped.
    pub fn keeps_ledger(&self) -> bool {
        self.methods
            .values()
            .any(|p| p.method.kind == Kind::Payment)
    }

    /// Where this hospital's reconciliation reports go, under the data
    /// directory.
    pub fn reports_dir(&self) -> &str {
        self.reconcile
            .as_ref()
            .map_or(crate::platform::DEFAULT_REPORTS_DIR, |r| {
                r.reports_dir.as_str()
            })
    }

    /// The mapped methods in spec order (the SOAP service offers these).
    pub fn mapped(&self) -> Vec<&'static Method> {
        crate::catalogue::inbound()
            .filter(|m| self.methods.contains_key(m.name))
            .collect()
    }
}

/// Loads every hospital folder under `mappings_dir` (or only those named),
/// collecting every error instead of stopping at the first.
pub fn load_all(
    mappings_dir: &Path,
    only: Option<&[String]>,
) -> (Vec<HospitalMapping>, Vec<MappingError>) {
    let (each, mut errors) = load_each(mappings_dir, only);
    let mut hospitals = Vec::new();
    for mut loaded in each {
        match loaded.mapping {
            Some(h) if loaded.errors.is_empty() => hospitals.push(h),
            _ => errors.append(&mut loaded.errors),
        }
    }
    (hospitals, errors)
}

/// One hospital folder as loaded.
#[derive(Debug)]
pub struct Loaded {
    /// The folder name.
    pub id: String,
    /// The mapping, or as much of it as loaded: the methods whose files had
    /// no error (none when hospital.toml itself is broken). It serves only
    /// when `errors` is empty; a part is still worth proving, so that every
    /// fault is reported at once.
    pub mapping: Option<HospitalMapping>,
    pub errors: Vec<MappingError>,
}

/// Loads each hospital folder on its own (a broken one does not stop the
/// others); the second list holds problems of the mappings folder itself.
pub fn load_each(mappings_dir: &Path, only: Option<&[String]>) -> (Vec<Loaded>, Vec<MappingError>) {
    let mut errors = Vec::new();
    let dirs: Vec<PathBuf> = match only {
        Some(ids) => ids.iter().map(|id| mappings_dir.join(id)).collect(),
        None => match std::fs::read_dir(mappings_dir) {
            Ok(entries) => {
                let mut dirs: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.join("hospital.toml").is_file())
                    .collect();
                dirs.sort();
                dirs
            }
            Err(e) => {
                errors.push(MappingError::new(
                    mappings_dir,
                    None,
                    format!("cannot read mappings folder: {e}"),
                ));
                Vec::new()
            }
        },
    };
    if dirs.is_empty() && errors.is_empty() {
        errors.push(MappingError::new(
            mappings_dir,
            None,
            "no hospital folders (a folder with a hospital.toml) found",
        ));
    }
    let loaded = dirs
        .into_iter()
        .map(|dir| {
            let id = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (mapping, errors) = load_hospital_parts(&dir);
            Loaded {
                id,
                mapping,
                errors,
            }
        })
        .collect();
    (loaded, errors)
}

/// The problems of one hospital.toml, each placed at a line.
struct TomlErrors<'a> {
    path: PathBuf,
    text: &'a str,
    errors: Vec<MappingError>,
}

impl TomlErrors<'_> {
    /// A problem at the line of byte `at` (a key's or section's span), or
    /// of the file as a whole.
    fn at(&mut self, at: Option<usize>, message: impl Into<String>) {
        let line = at.map(|offset| file::line_of(self.text, offset));
        self.errors
            .push(MappingError::new(&self.path, line, message));
    }
}

/// Loads one hospital folder.
pub fn load_hospital(dir: &Path) -> Result<HospitalMapping, Vec<MappingError>> {
    match load_hospital_parts(dir) {
        (Some(mapping), errors) if errors.is_empty() => Ok(mapping),
        (_, errors) => Err(errors),
    }
}

/// Loads one hospital folder: as much of its mapping as loaded, and every error.
fn load_hospital_parts(dir: &Path) -> (Option<HospitalMapping>, Vec<MappingError>) {
    let toml_path = dir.join("hospital.toml");
    let text = match std::fs::read_to_string(&toml_path) {
        Ok(text) => text,
        Err(e) => {
            let error = MappingError::new(&toml_path, None, format!("cannot read: {e}"));
            return (None, vec![error]);
        }
    };
    let mut toml = TomlErrors {
        path: toml_path.clone(),
        text: &text,
        errors: Vec::new(),
    };
    // A broken hospital.toml must not hide the SQL files' problems: they
    // are still checked (with SQLite placeholders) so every error is reported.
    let parsed = file::parse(&toml_path, &text)
        .map_err(|e| toml.errors.push(e))
        .ok();
    if let Some(file) = &parsed {
        let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if file.id.get_ref() != folder {
            toml.at(
                Some(file.id.span().start),
                format!(
                    "id = {:?} must equal the folder name {folder:?}",
                    file.id.get_ref()
                ),
            );
        }
    }
    let database = parsed.as_ref().map(|f| f.database.get_ref());
    let dialect = database.map_or(Dialect::Sqlite, DatabaseConfig::dialect);
    let varchar = database.map_or(&[][..], DatabaseConfig::varchar_params);
    let sql_dir = match parsed.as_ref().and_then(|f| f.sql_dir.as_deref()) {
        Some(d) => dir.join(d),
        None => dir.to_path_buf(),
    };

    let mut sql_errors = Vec::new();
    let methods = methods::load_all(
        &sql_dir,
        dialect,
        varchar,
        parsed.as_ref(),
        &mut toml,
        &mut sql_errors,
    );
    let sign_key = sign_key(parsed.as_ref(), &methods, &mut toml);
    let sources = match parsed.as_ref().and_then(|f| f.push.as_ref()) {
        Some(push) => sources::load(
            &sql_dir.join("push"),
            &push.sources,
            dialect,
            &mut sql_errors,
        ),
        None => Vec::new(),
    };
    let access = match parsed.as_ref().and_then(|f| f.access.as_ref()) {
        Some(config) => Access::resolve(config.get_ref()).unwrap_or_else(|problems| {
            for p in problems {
                toml.at(Some(config.span().start), p);
            }
            Access::default()
        }),
        None => Access::default(),
    };
    if let Some(file) = &parsed {
        for p in crate::platform::config::problems(
            file.platform.as_ref(),
            file.push.as_ref(),
            file.reconcile.as_ref(),
        ) {
            toml.at(None, p);
        }
        let mut mapped: Vec<&'static Method> = crate::catalogue::inbound()
            .filter(|m| methods.contains_key(m.name))
            .collect();
        mapped.dedup_by_key(|m| m.name);
        for p in file.soap.problems(file.id.get_ref(), mapped) {
            toml.at(None, p);
        }
    }

    let mut errors = toml.errors;
    errors.append(&mut sql_errors);
    errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let mapping = parsed.map(|file| HospitalMapping {
        id: file.id.into_inner(),
        name: file.name,
        dir: dir.to_path_buf(),
        sql_dir,
        database: file.database.into_inner(),
        methods,
        sign_key,
        soap: file.soap,
        response_encoding: file.options.response_encoding,
        platform: file.platform,
        push: file.push,
        reconcile: file.reconcile,
        sources,
        access,
    });
    (mapping, errors)
}

/// The §17 key from `[sign]`; a mapped method that carries a sign without
/// one is an error.
fn sign_key(
    parsed: Option<&HospitalFile>,
    methods: &HashMap<&'static str, MethodPlan>,
    toml: &mut TomlErrors<'_>,
) -> Option<String> {
    let file = parsed?;
    match &file.sign {
        Some(sign) => match sign.get_ref().key() {
            Ok(key) => Some(key),
            Err(problem) => {
                toml.at(Some(sign.span().start), problem);
                None
            }
        },
        None => {
            for plan in methods.values().filter(|p| p.method.sign.is_some()) {
                toml.at(
                    None,
                    format!(
                        "{} carries a §17 sign: add [sign] with key_env naming the environment variable that holds Ruibo's key",
                        plan.method.name
                    ),
                );
            }
            None
        }
    }
}

#[cfg(test)]
mod tests;
