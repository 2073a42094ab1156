//! The data path of one call, end to end: decode → validate → plan →
//! execute → shape. Transports (HTTP now, SOAP and JSON later, the `call`
//! command) hand it bytes or a decoded request and encode what it returns.
//!
//! This module owns the loaded hospitals and the one place where errors
//! become replies (`CallError::to_reply`). It must never parse transports
//! or write wire formats itself.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use crate::catalogue::{self, Kind, Method};
use crate::decode::{DecodeError, RawRequest};
use crate::execute::mssql::{MssqlDatabase, MssqlOptions};
use crate::execute::sqlite::{SqliteDatabase, SqliteOptions};
use crate::execute::{
    Database, Dialect, ExecError, ResultSet, Settle, SettleDecision, WriteOutcome, WriteTx,
};
use crate::ledger;
use crate::payments::{self, Booking, PaymentError, Payments};
use crate::plan::{
    self, DatabaseConfig, EmptyResult, Encrypt, HospitalMapping, MappingError, MethodPlan,
    MssqlConfig, Part,
};
use crate::shape::{self, Body, Reply, Rows, ShapeError, WhenEmpty, IS_REFUND};
use crate::validate::{self, ValidationError};
use tiberius::{AuthMethod, Config, EncryptionLevel};

/// One hospital: its mapping and its database pool.
pub struct Hospital {
    pub mapping: HospitalMapping,
    pub db: Arc<dyn Database>,
}

/// Every hospital the gateway serves.
pub struct Gateway {
    /// The hospitals being served; a reload swaps in a whole new set, and
    /// calls under way keep the set they started with.
    hospitals: std::sync::RwLock<Arc<HashMap<String, Arc<Hospital>>>>,
    /// Where the set was loaded from, for reloads.
    source: Source,
    payments: Payments,
    metrics: crate::metrics::Metrics,
    audit: Option<Arc<crate::audit::Audit>>,
}

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("unknown hospital {0:?}")]
    UnknownHospital(String),
    #[error("unknown method {0:?}: not an inbound method of the Ruibo HIS interface")]
    UnknownMethod(String),
    #[error("hospital {hospital:?} does not provide {method} (no mapping file)")]
    NotMapped {
        hospital: String,
        method: &'static str,
    },
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(transparent)]
    Validate(#[from] ValidationError),
    #[error("{method}: {source}")]
    Execute {
        method: &'static str,
        #[source]
        source: ExecError,
    },
    #[error("{method}: {source}")]
    Shape {
        method: &'static str,
        #[source]
        source: ShapeError,
    },
    /// A payment notification that was not booked (and whose answer must
    /// not ask the platform to refund: nothing about it is final).
    #[error("{method}: {source}")]
    Payment {
        method: &'static str,
        #[source]
        source: PaymentError,
    },
}

impl CallError {
    /// The HTTP status and `<response>` for an error: the one place where
    /// errors become what the platform sees.
    pub fn to_reply(&self) -> (u16, Reply) {
        match self {
            CallError::UnknownHospital(_)
            | CallError::UnknownMethod(_)
            | CallError::NotMapped { .. } => (404, Reply::error(self.to_string())),
            CallError::Decode(e) => (400, Reply::error(e.to_string())),
            CallError::Validate(e) => (200, Reply::error(e.to_string())),
            CallError::Execute { method, source } => {
                (200, Reply::error(database_message(method, source)))
            }
            CallError::Shape { method, source } => {
                (200, Reply::error(shape_message(method, source)))
            }
            CallError::Payment { method, source } => {
                let message = match source {
                    PaymentError::Execute(e) => database_message(method, e),
                    PaymentError::Shape(e) => shape_message(method, e),
                    other => other.to_string(),
                };
                // isRefund=0: the platform keeps the money and retries or asks
                // 15.2; only the hospital's mapping may ask for a refund.
                let mut reply = Reply::error(message);
                reply.body = Some(Body {
                    wrap: None,
                    fields: vec![(IS_REFUND, "0".into())],
                    list: None,
                });
                (200, reply)
            }
        }
    }
}

fn database_message(method: &str, source: &ExecError) -> String {
    match source {
        ExecError::Busy(_) => "HIS数据库繁忙，请稍后重试 (HIS database busy)".to_string(),
        ExecError::Timeout(_) => "HIS数据库响应超时 (HIS database timeout)".to_string(),
        ExecError::Unavailable(_) | ExecError::Open { .. } => {
            "HIS数据库无法连接，请稍后重试 (HIS database unavailable)".to_string()
        }
        _ => format!("HIS数据库查询失败 (HIS database error in {method})"),
    }
}

fn shape_message(method: &str, source: &ShapeError) -> String {
    format!(
        "HIS返回数据格式错误 ({method}: field {} is not {})",
        source.field, source.expected
    )
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("start-up was interrupted: {0}")]
    Interrupted(String),
    #[error("{}", join_errors(.0))]
    Mapping(Vec<MappingError>),
    // Not a `source`: the message already carries it, and `{:#}` would
    // print it twice.
    #[error("hospital {hospital}: {error}")]
    Database { hospital: String, error: ExecError },
    #[error("hospital {hospital}: the payment ledger in its database is at version {found}, this gateway needs {needed}: run `hisgw migrate --hospital {hospital}`")]
    Ledger {
        hospital: String,
        found: u32,
        needed: u32,
    },
}

fn join_errors(errors: &[MappingError]) -> String {
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    format!(
        "{} mapping error(s):\n  {}",
        errors.len(),
        lines.join("\n  ")
    )
}

impl Gateway {
    /// Loads the mappings and opens every hospital's database. Blocking
    /// (opening SQLite may create and seed it): call at start-up.
    pub fn open(
        mappings_dir: &Path,
        only: Option<&[String]>,
        data_dir: &Path,
    ) -> Result<Gateway, StartError> {
        let source = Source {
            mappings_dir: mappings_dir.to_path_buf(),
            only: only.map(<[String]>::to_vec),
            data_dir: data_dir.to_path_buf(),
        };
        let hospitals = load_set(&source, &HashMap::new())?;
        Ok(Gateway {
            hospitals: std::sync::RwLock::new(Arc::new(hospitals)),
            source,
            payments: Payments::default(),
            metrics: crate::metrics::Metrics::default(),
            audit: None,
        })
    }

    /// `open` on a blocking thread, for async callers (the server, `check`,
    /// the `call` command).
    pub async fn start(
        mappings_dir: &Path,
        only: Option<&[String]>,
        data_dir: &Path,
    ) -> Result<Gateway, StartError> {
        let (mappings_dir, data_dir) = (mappings_dir.to_path_buf(), data_dir.to_path_buf());
        let only = only.map(<[String]>::to_vec);
        tokio::task::spawn_blocking(move || {
            Gateway::open(&mappings_dir, only.as_deref(), &data_dir)
        })
        .await
        .map_err(|e| StartError::Interrupted(e.to_string()))?
    }

    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.metrics
    }

    /// Keeps an audit trail of the calls from now on.
    pub fn set_audit(&mut self, audit: crate::audit::Audit) {
        self.audit = Some(Arc::new(audit));
    }

    pub fn audit(&self) -> Option<&Arc<crate::audit::Audit>> {
        self.audit.as_ref()
    }

    /// Records a call in the audit trail, if one is kept.
    pub fn audit_record(&self, record: crate::audit::Record) {
        if let Some(a) = &self.audit {
            a.record(record);
        }
    }

    fn set(&self) -> Arc<HashMap<String, Arc<Hospital>>> {
        self.hospitals
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn hospital(&self, id: &str) -> Option<Arc<Hospital>> {
        self.set().get(id).cloned()
    }

    pub fn hospitals(&self) -> Vec<Arc<Hospital>> {
        let mut all: Vec<_> = self.set().values().cloned().collect();
        all.sort_by(|a, b| a.mapping.id.cmp(&b.mapping.id));
        all
    }

    /// Loads the mappings again and, if every file is good, serves the new
    /// set; otherwise keeps the working one and returns the errors. A
    /// hospital whose `[database]` is unchanged keeps its pool. Blocking.
    pub fn reload(&self) -> Result<usize, StartError> {
        let current = self.set();
        let fresh = load_set(&self.source, &current)?;
        let n = fresh.len();
        *self.hospitals.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(fresh);
        Ok(n)
    }

    /// The files a reload reads, for watching them.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Answers one call already decoded.
    pub async fn call(
        &self,
        hospital: &str,
        method: &str,
        request: &RawRequest,
    ) -> Result<Reply, CallError> {
        let (hospital, method) = self.route(hospital, method)?;
        self.answer(&hospital, method, request, today()).await
    }

    fn route(
        &self,
        hospital: &str,
        method: &str,
    ) -> Result<(Arc<Hospital>, &'static Method), CallError> {
        let h = self
            .hospital(hospital)
            .ok_or_else(|| CallError::UnknownHospital(hospital.chars().take(64).collect()))?;
        let m = catalogue::find_inbound(method)
            .ok_or_else(|| CallError::UnknownMethod(method.chars().take(64).collect()))?;
        Ok((h, m))
    }

    async fn answer(
        &self,
        hospital: &Hospital,
        method: &'static Method,
        request: &RawRequest,
        today: NaiveDate,
    ) -> Result<Reply, CallError> {
        let plan = hospital
            .mapping
            .plan(method)
            .ok_or_else(|| CallError::NotMapped {
                hospital: hospital.mapping.id.clone(),
                method: method.name,
            })?;
        let wait = Duration::from_secs(5);
        if method.kind == Kind::Payment {
            return plan
                .limits
                .run(false, wait, self.pay(hospital, plan, request, today))
                .await
                .map_err(|l| limited(method, l))?;
        }
        let params = validate::validate(method, request, today)?;
        let read = matches!(method.kind, Kind::Read | Kind::Reconciliation);
        let run = async {
            plan.limits
                .run(read, wait, self.run_plan(hospital, plan, &params))
                .await
                .map_err(|l| limited(method, l))?
        };
        if read {
            let key = || cache_key(method, &params);
            return plan.limits.cached(key, run).await;
        }
        run.await
    }

    /// Runs a read or write mapping and shapes its answer.
    async fn run_plan(
        &self,
        hospital: &Hospital,
        plan: &MethodPlan,
        params: &crate::validate::Params,
    ) -> Result<Reply, CallError> {
        let method = plan.method;
        let params = params.clone();
        let statements = plan.statements(&params);
        let empty_success = plan.empty_result == EmptyResult::Success;
        let executed = match method.kind {
            // A write runs in one transaction that commits only when the
            // reply it produces is `success` (full, close, invalid_card and
            // errors leave the HIS as it was). A cancellation that refunded a
            // booked payment records the refund in the ledger, in the same
            // transaction.
            Kind::Write => {
                let (parts, message) = (plan.parts.clone(), plan.empty_message.clone());
                let ledger = hospital
                    .mapping
                    .keeps_ledger()
                    .then(|| hospital.mapping.dialect());
                let settle_params = params.clone();
                let settle: SettleDecision = Box::new(move |sets| {
                    let empty = WhenEmpty {
                        success: empty_success,
                        message: &message,
                    };
                    match shape::shape(method, assemble(&parts, sets.to_vec()), &empty) {
                        Ok(reply) if reply.is_success() => Settle::Commit(match ledger {
                            Some(dialect) => {
                                payments::refund_statements(dialect, method, &settle_params, &reply)
                            }
                            None => Vec::new(),
                        }),
                        _ => Settle::Abort,
                    }
                });
                let tx = WriteTx {
                    claim: Vec::new(),
                    work: statements,
                    settle,
                };
                hospital.db.write(tx).await.map(|outcome| match outcome {
                    WriteOutcome::Ran { sets, .. } => sets,
                    WriteOutcome::ClaimTaken => Vec::new(),
                })
            }
            _ => hospital.db.query(statements).await,
        };
        let sets = executed.map_err(|source| {
            tracing::error!(hospital = %hospital.mapping.id, file = %plan.file.display(), error = %source, "mapping failed");
            CallError::Execute { method: method.name, source }
        })?;
        let empty = WhenEmpty {
            success: empty_success,
            message: &plan.empty_message,
        };
        shape::shape(method, assemble(&plan.parts, sets), &empty).map_err(|source| {
            tracing::error!(hospital = %hospital.mapping.id, file = %plan.file.display(), error = %source, "mapping returned a bad value");
            CallError::Shape { method: method.name, source }
        })
    }

    /// A payment notification: booked exactly once (see `payments`).
    async fn pay(
        &self,
        hospital: &Hospital,
        plan: &MethodPlan,
        request: &RawRequest,
        today: NaiveDate,
    ) -> Result<Reply, CallError> {
        let method = plan.method;
        let failed = |source: PaymentError| {
            tracing::error!(hospital = %hospital.mapping.id, method = method.name, file = %plan.file.display(), error = %source, "payment not booked");
            CallError::Payment {
                method: method.name,
                source,
            }
        };
        let params = validate::validate(method, request, today)
            .map_err(|e| failed(PaymentError::Invalid(e)))?;
        let booking = Booking {
            hospital: &hospital.mapping.id,
            db: hospital.db.as_ref(),
            dialect: hospital.mapping.dialect(),
            sign_key: hospital.mapping.sign_key.as_deref(),
            plan,
        };
        self.payments
            .book(&booking, request, &params)
            .await
            .map_err(failed)
    }
}

/// A call the method's limits turned away, as the database error it stands for.
fn limited(method: &'static Method, l: crate::limits::Limited) -> CallError {
    let source = match l {
        crate::limits::Limited::Busy(d) => ExecError::Busy(d),
        crate::limits::Limited::Timeout(d) => ExecError::Timeout(d),
    };
    CallError::Execute {
        method: method.name,
        source,
    }
}

/// The cache key of a read: the method and its normalised parameters.
fn cache_key(method: &Method, params: &crate::validate::Params) -> String {
    let mut key = String::from(method.name);
    for i in 0..method.request.fields.len() {
        key.push('\u{1f}');
        key.push_str(params.value(i).unwrap_or("\u{0}"));
    }
    key
}

/// Where a gateway's hospitals come from.
#[derive(Debug, Clone)]
pub struct Source {
    pub mappings_dir: std::path::PathBuf,
    pub only: Option<Vec<String>>,
    pub data_dir: std::path::PathBuf,
}

/// Loads every hospital; reuses the pool of a hospital in `current` whose
/// database settings are the same.
fn load_set(
    source: &Source,
    current: &HashMap<String, Arc<Hospital>>,
) -> Result<HashMap<String, Arc<Hospital>>, StartError> {
    let (mappings, errors) = plan::load_all(&source.mappings_dir, source.only.as_deref());
    if !errors.is_empty() {
        return Err(StartError::Mapping(errors));
    }
    let mut hospitals = HashMap::new();
    for mapping in mappings {
        let same = current.get(&mapping.id).filter(|old| {
            format!("{:?}", old.mapping.database) == format!("{:?}", mapping.database)
        });
        let db = match same {
            Some(old) => old.db.clone(),
            None => open_database(&mapping, &source.data_dir, true).map_err(|e| {
                StartError::Database {
                    hospital: mapping.id.clone(),
                    error: e,
                }
            })?,
        };
        check_ledger(&mapping, db.as_ref())?;
        hospitals.insert(mapping.id.clone(), Arc::new(Hospital { mapping, db }));
    }
    Ok(hospitals)
}

/// Brings a hospital's ledger up to date (SQLite: the gateway owns the
/// file) or checks that `hisgw migrate` has (SQL Server: hospital IT
/// decides when the HIS database changes).
fn check_ledger(mapping: &HospitalMapping, db: &dyn Database) -> Result<(), StartError> {
    if !mapping.keeps_ledger() {
        return Ok(());
    }
    let runtime = tokio::runtime::Handle::try_current().map_err(|e| StartError::Database {
        hospital: mapping.id.clone(),
        error: ExecError::Unavailable(e.to_string()),
    })?;
    let db_error = |error| StartError::Database {
        hospital: mapping.id.clone(),
        error,
    };
    let dialect = mapping.dialect();
    if dialect == Dialect::Sqlite {
        runtime
            .block_on(ledger::migrate(db, dialect))
            .map_err(db_error)?;
    }
    let found = runtime
        .block_on(ledger::version(db, dialect))
        .map_err(db_error)?;
    if found < ledger::LATEST {
        return Err(StartError::Ledger {
            hospital: mapping.id.clone(),
            found,
            needed: ledger::LATEST,
        });
    }
    Ok(())
}

/// Sorts result sets into the parts of the response: the k-th result set of
/// a section feeds its k-th part; a statement that returns fewer leaves the
/// rest empty.
pub fn assemble(parts: &[Vec<Part>], sets: Vec<Vec<ResultSet>>) -> Rows {
    let mut rows = Rows::default();
    for (section, results) in parts.iter().zip(sets) {
        for (part, set) in section.iter().zip(results) {
            match *part {
                Part::Header => rows.header = Some(set),
                Part::List(depth) => {
                    if rows.lists.len() <= depth {
                        rows.lists.resize_with(depth + 1, || None);
                    }
                    rows.lists[depth] = Some(set);
                }
            }
        }
    }
    rows
}

/// Creates a SQL Server hospital's database if it does not exist yet
/// (`hisgw sql --create-database`); returns its name. SQLite files are
/// created on open anyway.
pub async fn create_database(mapping: &HospitalMapping) -> Result<Option<String>, ExecError> {
    match &mapping.database {
        DatabaseConfig::Mssql(c) => crate::execute::mssql::create_database(&mssql_options(c)?)
            .await
            .map(Some),
        DatabaseConfig::Sqlite(_) => Ok(None),
    }
}

/// Opens a hospital's database pool; with `start_scripts`, runs the
/// scripts its configuration lists for every start. Blocking.
pub fn open_database(
    mapping: &HospitalMapping,
    data_dir: &Path,
    start_scripts: bool,
) -> Result<Arc<dyn Database>, ExecError> {
    match &mapping.database {
        DatabaseConfig::Sqlite(c) => {
            let options = SqliteOptions {
                path: data_dir.join(&c.path),
                pool_size: c.pool_size,
                init_scripts: c.init_scripts.iter().map(|s| mapping.dir.join(s)).collect(),
                start_scripts: c
                    .start_scripts
                    .iter()
                    .filter(|_| start_scripts)
                    .map(|s| mapping.dir.join(s))
                    .collect(),
                checkout_timeout: Duration::from_millis(c.checkout_timeout_ms),
            };
            Ok(Arc::new(SqliteDatabase::open(&options)?))
        }
        DatabaseConfig::Mssql(c) => {
            let db = MssqlDatabase::open(&mssql_options(c)?);
            for script in c.start_scripts.iter().filter(|_| start_scripts) {
                let path = mapping.dir.join(script);
                let text = std::fs::read_to_string(&path).map_err(|e| ExecError::Script {
                    script: path.display().to_string(),
                    message: e.to_string(),
                })?;
                // Start-up runs on a blocking thread: wait for the script here.
                // A script is one transaction: a transient failure (a dropped
                // connection, a server-side hiccup) is retried on a fresh
                // connection, twice at most.
                let runtime = tokio::runtime::Handle::try_current()
                    .map_err(|e| ExecError::Unavailable(e.to_string()))?;
                let mut attempt = 0;
                loop {
                    match runtime.block_on(db.run_script(text.clone())) {
                        Ok(()) => break,
                        Err(e) if attempt < 2 => {
                            attempt += 1;
                            tracing::warn!(script = %path.display(), error = %e, attempt, "start script failed; retrying");
                        }
                        Err(e) => {
                            return Err(ExecError::Script {
                                script: path.display().to_string(),
                                message: e.to_string(),
                            })
                        }
                    }
                }
            }
            Ok(Arc::new(db))
        }
    }
}

/// SQL Server pool options from a hospital's `[database]`, reading the
/// connection string and password from the environment variables it names.
pub fn mssql_options(c: &MssqlConfig) -> Result<MssqlOptions, ExecError> {
    let bad = |message: String| ExecError::Unavailable(message);
    let env = |name: &str| {
        std::env::var(name).map_err(|_| bad(format!("environment variable {name} is not set")))
    };
    let connection_string = match (&c.connection_string, &c.connection_string_env) {
        (_, Some(var)) => Some(env(var)?),
        (Some(s), None) => Some(s.clone()),
        (None, None) => None,
    };
    let mut config = match &connection_string {
        Some(s) => {
            Config::from_ado_string(s).map_err(|e| bad(format!("connection string: {e}")))?
        }
        None => Config::new(),
    };
    if let Some(host) = &c.host {
        config.host(host);
    }
    if let Some(port) = c.port {
        config.port(port);
    }
    if let Some(instance) = &c.instance {
        config.instance_name(instance);
    }
    if let Some(database) = &c.database {
        config.database(database);
    }
    if let Some(user) = &c.user {
        let password = match &c.password_env {
            Some(var) => env(var)?,
            None => String::new(),
        };
        config.authentication(AuthMethod::sql_server(user, password));
    }
    if connection_string.is_none() && c.host.is_none() {
        return Err(bad(
            "give connection_string, connection_string_env or host".into()
        ));
    }
    match c.encrypt {
        // Old servers (2008 R2 without TLS 1.2) can only be reached without TLS.
        Some(Encrypt::Off) => config.encryption(EncryptionLevel::NotSupported),
        Some(Encrypt::On) => config.encryption(EncryptionLevel::On),
        Some(Encrypt::Required) => config.encryption(EncryptionLevel::Required),
        None if connection_string.is_none() => config.encryption(EncryptionLevel::NotSupported),
        None => {}
    }
    if c.trust_server_certificate {
        config.trust_cert();
    }
    config.application_name(&c.application_name);
    let database = c.database.clone().or_else(|| {
        connection_string
            .as_deref()
            .and_then(crate::execute::mssql::ado_database)
    });
    Ok(MssqlOptions {
        config,
        database,
        connect_timeout: Duration::from_millis(c.connect_timeout_ms),
        query_timeout: Duration::from_millis(c.query_timeout_ms),
        max_size: c.max_size.max(1),
        min_idle: c.min_idle.min(c.max_size),
        checkout_timeout: Duration::from_millis(c.checkout_timeout_ms),
        idle_timeout: Duration::from_secs(c.idle_timeout_s.max(1)),
        max_lifetime: Duration::from_secs(c.max_lifetime_s.max(1)),
        health_check: c.health_check,
    })
}

/// The gateway's local date: the spec's dates are the hospital's local dates.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_a_connection_string_and_overrides() {
        std::env::set_var("HISGW_UNIT_MSSQL_PW", "s3cret");
        let c: MssqlConfig = toml::from_str(
            "connection_string = \"server=tcp:10.0.0.5,1433;database=his;user id=sa;password=x;TrustServerCertificate=true\"\nuser = \"hisgw\"\npassword_env = \"HISGW_UNIT_MSSQL_PW\"\nmax_size = 3\nencrypt = \"off\"",
        )
        .unwrap();
        let o = mssql_options(&c).unwrap();
        assert_eq!(o.config.get_addr(), "10.0.0.5:1433");
        assert_eq!(o.max_size, 3);
        let c: MssqlConfig =
            toml::from_str("host = \"his\"\npassword_env = \"HISGW_UNSET_VAR_X\"\nuser = \"u\"")
                .unwrap();
        let e = mssql_options(&c).err().unwrap();
        assert!(e.to_string().contains("HISGW_UNSET_VAR_X"), "{e}");
        let c: MssqlConfig = toml::from_str("database = \"his\"").unwrap();
        assert!(mssql_options(&c).is_err());
    }
}
