//! Plan: the mapping files of each hospital, loaded and checked once at
//! start-up, and the step that turns validated parameters into statements.
//!
//! This module owns the mapping format (`hospital.toml` + one SQL file per
//! method, see `mappings/README.md`). It must never run SQL or format
//! responses; it hands `execute` SQL text with numbered placeholders and the
//! parameter values in order. Request values are never spliced into SQL.

pub mod hospital;
pub mod sql;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalogue::{self, Kind, Method};
use crate::execute::{Dialect, Param, Placeholder, Statement};
use crate::validate::Params;

pub use hospital::{
    DatabaseConfig, DispatcherConfig, EmptyResult, Encrypt, HospitalFile, MethodOptions,
    MssqlConfig, PlatformConfig, PushConfig, ReconcileConfig, ResponseEncoding, SoapConfig,
    SqliteConfig,
};

/// The message of a single-record method that finds no row, unless the
/// hospital or method says otherwise.
pub const DEFAULT_EMPTY_MESSAGE: &str = "未查询到相关记录";

/// A problem in a mapping, located for the hospital IT person who edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl MappingError {
    pub fn new(file: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        MappingError {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for MappingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for MappingError {}

/// Which part of the response a section's rows feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Top-level fields (and `result`/`message`).
    Header,
    /// The list at this nesting depth (0 = the response's list, 1 = its child).
    List(usize),
}

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
    /// commit decision, which outlives the call's borrow of the plan).
    pub parts: Arc<[Vec<Part>]>,
    pub empty_result: EmptyResult,
    pub empty_message: String,
    /// Answered from the gateway's ledger (no mapping file of the hospital's).
    pub builtin: bool,
    /// The method's limits (`[methods.X]` timeout_ms, max_concurrent, cache_ttl_s).
    pub limits: Arc<crate::limits::Limits>,
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

/// Who may call a hospital's platform-facing endpoints.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// Empty: any source address.
    pub allow: Vec<ipnet::IpNet>,
    pub token: Option<String>,
    /// (user, password).
    pub basic: Option<(String, String)>,
    /// Proxies whose `X-Forwarded-For` names the caller.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// One event source: its dataType's catalogue method and its statement.
#[derive(Debug, Clone)]
pub struct SourcePlan {
    pub method: &'static Method,
    pub file: PathBuf,
    /// The source SQL, `:watermark` as placeholder 1.
    pub sql: Arc<str>,
    pub placeholders: Arc<[Placeholder]>,
}

impl HospitalMapping {
    pub fn plan(&self, method: &Method) -> Option<&MethodPlan> {
        self.methods.get(method.name)
    }

    pub fn dialect(&self) -> Dialect {
        match self.database {
            DatabaseConfig::Sqlite(_) => Dialect::Sqlite,
            DatabaseConfig::Mssql(_) => Dialect::Mssql,
        }
    }

    /// Whether the gateway keeps its payment ledger in this hospital's
    /// database: it does as soon as one payment notification is mapped.
    pub fn keeps_ledger(&self) -> bool {
        self.methods
            .values()
            .any(|p| p.method.kind == Kind::Payment)
    }
}

/// Loads every hospital folder under `mappings_dir` (or only those named),
/// collecting every error instead of stopping at the first.
pub fn load_all(
    mappings_dir: &Path,
    only: Option<&[String]>,
) -> (Vec<HospitalMapping>, Vec<MappingError>) {
    let mut hospitals = Vec::new();
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
    for dir in dirs {
        match load_hospital(&dir) {
            Ok(h) => hospitals.push(h),
            Err(mut e) => errors.append(&mut e),
        }
    }
    (hospitals, errors)
}

/// Loads one hospital folder.
pub fn load_hospital(dir: &Path) -> Result<HospitalMapping, Vec<MappingError>> {
    let toml_path = dir.join("hospital.toml");
    let text = std::fs::read_to_string(&toml_path).map_err(|e| {
        vec![MappingError::new(
            &toml_path,
            None,
            format!("cannot read: {e}"),
        )]
    })?;
    let mut errors = Vec::new();
    // A broken hospital.toml must not hide the SQL files' problems: they
    // are still checked (with SQLite placeholders) so every error is reported.
    let parsed = hospital::parse(&toml_path, &text)
        .map_err(|e| errors.push(e))
        .ok();
    let dialect = match parsed.as_ref().map(|f| &f.database) {
        Some(DatabaseConfig::Sqlite(_)) | None => Dialect::Sqlite,
        Some(DatabaseConfig::Mssql(_)) => Dialect::Mssql,
    };
    let varchar: Vec<String> = match parsed.as_ref().map(|f| &f.database) {
        Some(DatabaseConfig::Mssql(m)) => m.varchar_params.clone(),
        _ => Vec::new(),
    };
    let sql_dir = match parsed.as_ref().and_then(|f| f.sql_dir.as_deref()) {
        Some(d) => dir.join(d),
        None => dir.to_path_buf(),
    };
    if let Some(file) = &parsed {
        let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if file.id.get_ref() != folder {
            errors.push(MappingError::new(
                &toml_path,
                Some(hospital::line_of(&text, file.id.span().start)),
                format!(
                    "id = {:?} must equal the folder name {folder:?}",
                    file.id.get_ref()
                ),
            ));
        }
    }

    let files = match sql_files(&sql_dir, dialect) {
        Ok(files) => files,
        Err(e) => {
            errors.push(e);
            HashMap::new()
        }
    };
    let no_options = std::collections::BTreeMap::new();
    let method_options = parsed.as_ref().map(|f| &f.methods).unwrap_or(&no_options);
    for key in method_options.keys() {
        let line = Some(hospital::line_of(&text, key.span().start));
        match catalogue::find_inbound(key.get_ref()) {
            None => errors.push(MappingError::new(
                &toml_path,
                line,
                format!(
                    "[methods.{}]: no inbound method has this name",
                    key.get_ref()
                ),
            )),
            Some(m) if !files.contains_key(m.name) => errors.push(MappingError::new(
                &toml_path,
                line,
                format!(
                    "[methods.{}]: there is no {}.sql for it",
                    key.get_ref(),
                    m.name
                ),
            )),
            Some(_) => {}
        }
    }

    let mut methods = HashMap::new();
    let empty_message_of = |method: &'static Method, options: &MethodOptions| {
        options
            .empty_message
            .clone()
            .or_else(|| builtin_empty_message(method).map(String::from))
            .or_else(|| {
                parsed
                    .as_ref()
                    .and_then(|f| f.options.empty_message.clone())
            })
            .unwrap_or_else(|| DEFAULT_EMPTY_MESSAGE.to_string())
    };
    for (name, path) in files {
        let method =
            catalogue::find_inbound(name).expect("sql_files only yields catalogue methods");
        let options = method_options
            .iter()
            .find(|(k, _)| k.get_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                errors.push(MappingError::new(&path, None, format!("cannot read: {e}")));
                continue;
            }
        };
        match load_method(method, &path, &text, dialect, &varchar) {
            Ok(sections) => {
                let empty_message = empty_message_of(method, &options);
                let mut plan = method_plan(
                    method,
                    false,
                    path,
                    sections,
                    options.empty_result,
                    empty_message,
                );
                plan.limits = Arc::new(crate::limits::Limits::new(
                    options.timeout_ms,
                    options.max_concurrent,
                    options.cache_ttl_s,
                ));
                methods.insert(method.name, plan);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }

    // With payments mapped, the ledger answers reconciliation and order
    // status unless the hospital maps them itself.
    if methods.values().any(|p| p.method.kind == Kind::Payment) {
        for name in [
            "GetCheckLedgerInfo",
            "GetChecLedgerDetail",
            "queryOrderStatus",
        ] {
            let Some(method) = catalogue::find_inbound(name) else {
                continue;
            };
            let Some((origin, text)) = crate::ledger::builtin_answer(name, dialect) else {
                continue;
            };
            if methods.contains_key(method.name) {
                continue;
            }
            let path = PathBuf::from(origin);
            match load_method(method, &path, text, dialect, &varchar) {
                Ok(sections) => {
                    let empty_message = empty_message_of(method, &MethodOptions::default());
                    methods.insert(
                        method.name,
                        method_plan(method, true, path, sections, None, empty_message),
                    );
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
    }

    let sign_key = match parsed.as_ref().and_then(|f| f.sign.as_ref()) {
        Some(sign) => {
            let line = Some(hospital::line_of(&text, sign.span().start));
            match (&sign.get_ref().key_env, &sign.get_ref().key) {
                (Some(var), None) => match std::env::var(var) {
                    Ok(key) if !key.is_empty() => Some(key),
                    _ => {
                        errors.push(MappingError::new(
                            &toml_path,
                            line,
                            format!("[sign] key_env: environment variable {var} is not set"),
                        ));
                        None
                    }
                },
                (None, Some(key)) if !key.is_empty() => Some(key.clone()),
                _ => {
                    errors.push(MappingError::new(
                        &toml_path,
                        line,
                        "[sign]: give exactly one of key_env (the environment variable holding Ruibo's key) or key",
                    ));
                    None
                }
            }
        }
        None => None,
    };
    if sign_key.is_none() && parsed.as_ref().is_some_and(|f| f.sign.is_none()) {
        for plan in methods.values() {
            if plan.method.request_field("sign").is_some() {
                errors.push(MappingError::new(
                    &toml_path,
                    None,
                    format!(
                        "{} carries a §17 sign: add [sign] with key_env naming the environment variable that holds Ruibo's key",
                        plan.method.name
                    ),
                ));
            }
        }
    }

    let sources = match parsed.as_ref().and_then(|f| f.push.as_ref()) {
        Some(push) => {
            if parsed.as_ref().is_some_and(|f| f.platform.is_none()) {
                errors.push(MappingError::new(
                    &toml_path,
                    None,
                    "[push] needs [platform] (where to push)",
                ));
            }
            load_sources(&sql_dir.join("push"), &push.sources, dialect, &mut errors)
        }
        None => Vec::new(),
    };

    if let Some(at) = parsed
        .as_ref()
        .and_then(|f| f.reconcile.as_ref())
        .and_then(|r| r.daily_at.as_deref())
    {
        if chrono::NaiveTime::parse_from_str(at, "%H:%M").is_err() {
            errors.push(MappingError::new(
                &toml_path,
                None,
                format!("[reconcile] daily_at = {at:?} is not a time of day HH:MM"),
            ));
        }
    }

    let access = match parsed.as_ref().and_then(|f| f.access.as_ref()) {
        Some(config) => {
            let line = Some(hospital::line_of(&text, config.span().start));
            access_of(config.get_ref(), &toml_path, line, &mut errors)
        }
        None => Access::default(),
    };

    if let Some(file) = &parsed {
        // The SOAP names must make a WSDL that SOAP tooling accepts.
        let mut mapped: Vec<&'static Method> = catalogue::inbound()
            .filter(|m| methods.contains_key(m.name))
            .collect();
        mapped.dedup_by_key(|m| m.name);
        let soap = &file.soap;
        let service = crate::wsdl::Service {
            hospital: file.id.get_ref(),
            namespace: &soap.namespace,
            param: &soap.param,
            address: soap.address.as_deref().unwrap_or("http://localhost/soap"),
            methods: mapped,
            dispatcher: soap.dispatcher.as_ref().map(|d| crate::wsdl::Dispatcher {
                operation: &d.operation,
                method_param: &d.method_param,
                request_param: &d.request_param,
            }),
        };
        for problem in service.problems() {
            errors.push(MappingError::new(
                &toml_path,
                None,
                format!("[soap]: {problem}"),
            ));
        }
    }

    match parsed {
        Some(file) if errors.is_empty() => Ok(HospitalMapping {
            id: file.id.into_inner(),
            name: file.name,
            dir: dir.to_path_buf(),
            database: file.database,
            methods,
            sign_key,
            soap: file.soap,
            response_encoding: file.options.response_encoding,
            platform: file.platform,
            push: file.push,
            reconcile: file.reconcile,
            sources,
            access,
        }),
        _ => {
            errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            Err(errors)
        }
    }
}

fn method_plan(
    method: &'static Method,
    builtin: bool,
    file: PathBuf,
    sections: Vec<SectionPlan>,
    empty_result: Option<EmptyResult>,
    empty_message: String,
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
        empty_message,
        builtin,
        limits: Arc::default(),
    }
}

/// Loads the event source of each pushed dataType: `dir/{dataType}.sql`,
/// or its dialect override; `:watermark` is its one parameter.
fn load_sources(
    dir: &Path,
    names: &[String],
    dialect: Dialect,
    errors: &mut Vec<MappingError>,
) -> Vec<SourcePlan> {
    let mut sources = Vec::new();
    for name in names {
        let Some(method) = catalogue::outbound().find(|m| {
            m.key() == name
                && m.name != "checkAccount"
                && m.name != "refundApply"
                && m.name != "queryRefundStatus"
        }) else {
            errors.push(MappingError::new(dir, None, format!("[push] sources: {name:?} is not a push of the spec (dataTypes of pushHisData, or pushStopSchedule)")));
            continue;
        };
        let over = dir.join(format!("{name}.{}.sql", dialect.name()));
        let path = if over.is_file() {
            over
        } else {
            dir.join(format!("{name}.sql"))
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(MappingError::new(
                    &path,
                    None,
                    format!("cannot read the event source: {e}"),
                ));
                continue;
            }
        };
        let names = vec!["watermark".to_string()];
        match sql::render_params(&text, dialect, &names) {
            Ok((sql, placeholders)) => sources.push(SourcePlan {
                method,
                file: path,
                sql: sql.into(),
                placeholders: placeholders.into(),
            }),
            Err((line, message)) => errors.push(MappingError::new(&path, Some(line), message)),
        }
    }
    sources
}

/// Reads `[access]`: networks parsed, secrets taken from the environment.
fn access_of(
    config: &hospital::AccessConfig,
    toml_path: &Path,
    line: Option<usize>,
    errors: &mut Vec<MappingError>,
) -> Access {
    let mut error = |message: String| errors.push(MappingError::new(toml_path, line, message));
    let mut nets = |key: &str, entries: &[String]| {
        let mut out = Vec::new();
        for entry in entries {
            let parsed = entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from));
            match parsed {
                Ok(net) => out.push(net),
                Err(_) => error(format!(
                    "[access] {key}: {entry:?} is not an address or network (10.0.0.0/8, 192.168.1.5)"
                )),
            }
        }
        out
    };
    let allow = nets("allow", &config.allow);
    let trusted_proxies = nets("trusted_proxies", &config.trusted_proxies);
    let mut secret = |var: &str, what: &str| match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            error(format!(
                "[access] {what}: environment variable {var} is not set"
            ));
            None
        }
    };
    let token = config
        .token_env
        .as_deref()
        .and_then(|v| secret(v, "token_env"));
    let basic = match (&config.basic_user, &config.basic_password_env) {
        (Some(user), Some(var)) => secret(var, "basic_password_env").map(|p| (user.clone(), p)),
        (None, None) => None,
        _ => {
            errors.push(MappingError::new(
                toml_path,
                line,
                "[access]: basic_user and basic_password_env go together",
            ));
            None
        }
    };
    Access {
        allow,
        token,
        basic,
        trusted_proxies,
    }
}

/// The empty message of a method the ledger answers.
fn builtin_empty_message(method: &Method) -> Option<&'static str> {
    (method.name == "queryOrderStatus")
        .then_some("未查询到该订单的记账记录 (no booking of this tradeNo)")
}

/// The SQL file of each method in `dir`: `method.sql`, or the dialect's
/// override `method.<dialect>.sql` where there is one.
fn sql_files(dir: &Path, dialect: Dialect) -> Result<HashMap<&'static str, PathBuf>, MappingError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| MappingError::new(dir, None, format!("cannot read folder: {e}")))?;
    let mut plain: HashMap<&'static str, PathBuf> = HashMap::new();
    let mut overrides: HashMap<&'static str, PathBuf> = HashMap::new();
    let mut unknown = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = file_name.strip_suffix(".sql") else {
            continue;
        };
        let (name, is_override) = match stem.split_once('.') {
            Some((name, d)) if d == dialect.name() => (name, true),
            // Another dialect's override: not for this database.
            Some((_, d)) if d == "sqlite" || d == "mssql" => continue,
            Some(_) => (stem, false),
            None => (stem, false),
        };
        match catalogue::find_inbound(name) {
            Some(m) if is_override => {
                overrides.insert(m.name, path);
            }
            Some(m) => {
                plain.insert(m.name, path);
            }
            None => unknown.push(path),
        }
    }
    if let Some(path) = unknown.into_iter().next() {
        return Err(MappingError::new(
            &path,
            None,
            "file name is not an inbound method of the spec (name files exactly as the method, e.g. findAllDepartments.sql)",
        ));
    }
    plain.extend(overrides);
    Ok(plain)
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

#[cfg(test)]
mod tests;
