//! `hospital.toml`: one hospital's identity, database and options, read
//! strictly (unknown keys are errors) with the line of every problem.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::MappingError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HospitalFile {
    pub id: Spanned<String>,
    pub name: String,
    /// Where the method SQL files are, relative to this folder (default: the
    /// folder itself). Lets two hospitals — or one HIS on two databases — share files.
    pub sql_dir: Option<String>,
    pub database: DatabaseConfig,
    #[serde(default)]
    pub options: Options,
    /// The §17 sign key of the notifications that carry a `sign` (11.2).
    pub sign: Option<Spanned<SignConfig>>,
    /// The SOAP service at `/soap/{hospital}` (names and WSDL address).
    #[serde(default)]
    pub soap: SoapConfig,
    /// The platform's own service, which the gateway calls (pushes,
    /// refunds, reconciliation).
    pub platform: Option<PlatformConfig>,
    /// Which HIS events are pushed to the platform, and how often.
    pub push: Option<PushConfig>,
    /// The daily reconciliation run by `serve`.
    pub reconcile: Option<ReconcileConfig>,
    /// Who may call this hospital's platform-facing endpoints.
    pub access: Option<Spanned<AccessConfig>>,
    #[serde(default)]
    pub methods: BTreeMap<Spanned<String>, MethodOptions>,
}

/// The hospital's SOAP service. Clients generated from another HIS's WSDL
/// keep working when these names match it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoapConfig {
    /// The target namespace of the WSDL and of answers to calls that name none.
    #[serde(default = "default_soap_namespace")]
    pub namespace: String,
    /// The string parameter that carries `<request>` (Apache CXF: `arg0`).
    #[serde(default = "default_soap_param")]
    pub param: String,
    /// The service address the WSDL gives, as the platform reaches the
    /// gateway (behind NAT or a proxy); default: the address the WSDL was
    /// asked for.
    pub address: Option<String>,
    /// One operation for every method, e.g. `CallServer(FUNC, IN_XML)`.
    pub dispatcher: Option<DispatcherConfig>,
}

impl Default for SoapConfig {
    fn default() -> Self {
        SoapConfig {
            namespace: default_soap_namespace(),
            param: default_soap_param(),
            address: None,
            dispatcher: None,
        }
    }
}

fn default_soap_namespace() -> String {
    "http://hisgw.local/his".into()
}

fn default_soap_param() -> String {
    "arg0".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatcherConfig {
    pub operation: String,
    pub method_param: String,
    pub request_param: String,
}

/// The platform's web service (Ruibo's endpoints are Apache CXF services:
/// one operation per method, one string parameter carrying the XML).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformConfig {
    /// The SOAP endpoint, e.g. `https://…/ehospitalServiceV2`.
    pub address: String,
    #[serde(default = "default_platform_namespace")]
    pub namespace: String,
    /// The string parameter of every operation.
    #[serde(default = "default_soap_param")]
    pub param: String,
    /// The hospital's id at the platform (医院 ID, 由睿博提供).
    pub hospital_id: String,
    /// 院区 ID for the pushes that carry one.
    #[serde(default)]
    pub hospital_area_id: String,
    #[serde(default = "default_platform_timeout_ms")]
    pub timeout_ms: u64,
    /// Operation names that differ from the method names, e.g.
    /// `{ pushHisData = "pushHisDataV2" }`.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
}

fn default_platform_namespace() -> String {
    "http://service.ehospital.witon.com/".into()
}

fn default_platform_timeout_ms() -> u64 {
    10_000
}

/// Event pushes: each source is `push/{dataType}.sql` in the hospital's
/// SQL folder, polled every `poll_interval_s`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushConfig {
    /// The dataTypes to push (pushStopSchedule for 16.9).
    pub sources: Vec<String>,
    #[serde(default = "default_poll_interval_s")]
    pub poll_interval_s: u64,
    /// Attempts before an event is dead-lettered.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    #[serde(default = "default_backoff_initial_s")]
    pub backoff_initial_s: u64,
    #[serde(default = "default_backoff_max_s")]
    pub backoff_max_s: u64,
    /// Push the events a source already holds on its first poll; by default
    /// the first poll only marks where pushing starts.
    #[serde(default)]
    pub backfill: bool,
}

fn default_poll_interval_s() -> u64 {
    5
}

fn default_max_attempts() -> u32 {
    10
}

fn default_backoff_initial_s() -> u64 {
    5
}

fn default_backoff_max_s() -> u64 {
    3_600
}

/// `serve` reconciles the previous day at `daily_at` (local time, HH:MM)
/// and keeps the reports in `reports_dir` (under the data directory).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReconcileConfig {
    pub daily_at: Option<String>,
    #[serde(default = "default_reports_dir")]
    pub reports_dir: String,
}

fn default_reports_dir() -> String {
    "reports".into()
}

/// Who may call: source addresses, and optionally a token or a login.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessConfig {
    /// Allowed source addresses or networks (`10.1.0.0/16`, `192.168.1.5`);
    /// empty or absent: any.
    #[serde(default)]
    pub allow: Vec<String>,
    /// The environment variable holding a token callers send as
    /// `Authorization: Bearer …` (or `X-Hisgw-Token`).
    pub token_env: Option<String>,
    /// HTTP basic authentication: the user, and the environment variable
    /// holding its password.
    pub basic_user: Option<String>,
    pub basic_password_env: Option<String>,
    /// Reverse proxies in front of the gateway: when a call comes from one
    /// of these, the caller is the last address of its `X-Forwarded-For`.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
}

/// Where the hospital's §17 sign key (given by Ruibo) comes from: the
/// environment variable `key_env` names, or — for the demo and tests only —
/// the key written here as `key`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignConfig {
    pub key_env: Option<String>,
    pub key: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum DatabaseConfig {
    Sqlite(SqliteConfig),
    Mssql(Box<MssqlConfig>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqliteConfig {
    /// Relative to the gateway's data directory.
    pub path: String,
    #[serde(default = "default_pool_size")]
    pub pool_size: usize,
    /// Relative to the hospital's folder; run when the file is created.
    #[serde(default)]
    pub init_scripts: Vec<String>,
    /// Relative to the hospital's folder; run at every start.
    #[serde(default)]
    pub start_scripts: Vec<String>,
    #[serde(default = "default_checkout_timeout_ms")]
    pub checkout_timeout_ms: u64,
}

fn default_pool_size() -> usize {
    4
}

fn default_checkout_timeout_ms() -> u64 {
    5_000
}

/// A SQL Server HIS. Either `connection_string` / `connection_string_env`
/// (ADO.NET style) or `host` with the other keys; keys given beside a
/// connection string override it. The password never sits in this file:
/// `password_env` names the environment variable that holds it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MssqlConfig {
    pub connection_string: Option<String>,
    pub connection_string_env: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// Named instance (`HIS\\SQLEXPRESS`): resolved through the SQL Browser.
    pub instance: Option<String>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub password_env: Option<String>,
    /// `off` (also for old servers without modern TLS), `on`, `required`.
    pub encrypt: Option<Encrypt>,
    #[serde(default)]
    pub trust_server_certificate: bool,
    #[serde(default = "default_application_name")]
    pub application_name: String,
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    #[serde(default = "default_query_timeout_ms")]
    pub query_timeout_ms: u64,
    #[serde(default = "default_max_size")]
    pub max_size: u32,
    #[serde(default)]
    pub min_idle: u32,
    #[serde(default = "default_checkout_timeout_ms")]
    pub checkout_timeout_ms: u64,
    #[serde(default = "default_idle_timeout_s")]
    pub idle_timeout_s: u64,
    #[serde(default = "default_max_lifetime_s")]
    pub max_lifetime_s: u64,
    /// Run `SELECT 1` on a connection before lending it out, so a connection
    /// the server dropped is replaced before a call meets it.
    #[serde(default = "default_true")]
    pub health_check: bool,
    /// Parameters that bind as varchar by default (see the mapping guide).
    #[serde(default)]
    pub varchar_params: Vec<String>,
    /// T-SQL scripts (relative to this folder) run at every start; they must
    /// be idempotent. The demo uses one to keep its dates current; a real
    /// HIS has none.
    #[serde(default)]
    pub start_scripts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encrypt {
    Off,
    On,
    Required,
}

fn default_application_name() -> String {
    "hisgw".into()
}

fn default_connect_timeout_ms() -> u64 {
    5_000
}

fn default_query_timeout_ms() -> u64 {
    15_000
}

fn default_max_size() -> u32 {
    10
}

fn default_idle_timeout_s() -> u64 {
    600
}

fn default_max_lifetime_s() -> u64 {
    1_800
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// The message of a single-record method that finds no row.
    pub empty_message: Option<String>,
    /// The encoding of XML and SOAP answers (JSON is always UTF-8).
    #[serde(default)]
    pub response_encoding: ResponseEncoding,
}

/// The character encoding of answers: UTF-8, or GBK/GB18030 for platform
/// clients of legacy systems that expect it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum ResponseEncoding {
    #[default]
    #[serde(rename = "utf-8", alias = "UTF-8", alias = "utf8")]
    Utf8,
    #[serde(rename = "gbk", alias = "GBK")]
    Gbk,
    #[serde(rename = "gb18030", alias = "GB18030")]
    Gb18030,
}

impl ResponseEncoding {
    /// The name written in prologs and Content-Type.
    pub fn label(self) -> &'static str {
        match self {
            ResponseEncoding::Utf8 => "UTF-8",
            ResponseEncoding::Gbk => "GBK",
            ResponseEncoding::Gb18030 => "GB18030",
        }
    }

    pub fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            ResponseEncoding::Utf8 => encoding_rs::UTF_8,
            ResponseEncoding::Gbk => encoding_rs::GBK,
            ResponseEncoding::Gb18030 => encoding_rs::GB18030,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmptyResult {
    Success,
    Error,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodOptions {
    pub empty_result: Option<EmptyResult>,
    pub empty_message: Option<String>,
    /// Reads only: give up after this long (writes are never cut short).
    pub timeout_ms: Option<u64>,
    /// At most this many calls of the method run at once; others wait.
    pub max_concurrent: Option<usize>,
    /// Reads only: answers kept this long, identical calls in the meantime
    /// answered from them, and identical calls at once sharing one query.
    pub cache_ttl_s: Option<u64>,
}

/// Parses `hospital.toml`; a problem names the file, line and key.
pub fn parse(path: &Path, text: &str) -> Result<HospitalFile, MappingError> {
    toml::from_str::<HospitalFile>(text).map_err(|e| {
        let message = e.message().trim().to_string();
        // Inside the tagged [database] table serde only knows the table's
        // span; an unknown key is still found by its name.
        let line =
            unknown_key_line(text, &message).or_else(|| e.span().map(|s| line_of(text, s.start)));
        MappingError::new(path, line, message)
    })
}

/// The line of the key an "unknown field `x`" message names, when exactly
/// one line of the file sets a key of that name.
fn unknown_key_line(text: &str, message: &str) -> Option<usize> {
    let key = message.strip_prefix("unknown field `")?.split('`').next()?;
    let mut lines = text.lines().enumerate().filter(|(_, l)| {
        l.trim_start()
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    });
    match (lines.next(), lines.next()) {
        (Some((i, _)), None) => Some(i + 1),
        _ => None,
    }
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map(|t| t.matches('\n').count() + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> MappingError {
        parse(Path::new("m/x/hospital.toml"), text).unwrap_err()
    }

    #[test]
    fn reads_a_complete_file() {
        let h = parse(
            Path::new("hospital.toml"),
            r#"
id = "demo"
name = "演示医院"
[database]
kind = "sqlite"
path = "demo.sqlite"
init_scripts = ["a.sql"]
[options]
empty_message = "无记录"
[methods.queryPatientInfo]
empty_result = "error"
empty_message = "卡号不存在"
"#,
        )
        .unwrap();
        assert_eq!(h.id.get_ref(), "demo");
        let DatabaseConfig::Sqlite(db) = &h.database else {
            panic!("sqlite")
        };
        assert_eq!(db.pool_size, 4);
        assert_eq!(h.methods.len(), 1);
    }

    #[test]
    fn unknown_keys_name_the_key_and_line() {
        let e = err(
            "id = \"x\"\nname = \"n\"\n[database]\nkind = \"sqlite\"\npath = \"p\"\npoolsize = 3\n",
        );
        assert_eq!(e.line, Some(6));
        assert!(e.message.contains("poolsize"), "{}", e.message);
        let e = err(
            "id = \"x\"\nname = \"n\"\ncolour = 1\n[database]\nkind = \"sqlite\"\npath = \"p\"\n",
        );
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("colour"), "{}", e.message);
        assert!(e.to_string().starts_with("m/x/hospital.toml:3:"), "{e}");
    }

    #[test]
    fn unknown_database_kind_and_bad_values() {
        let e = err("id = \"x\"\nname = \"n\"\n[database]\nkind = \"oracle\"\npath = \"p\"\n");
        assert!(e.message.contains("oracle"), "{}", e.message);
        let e = err("id = \"x\"\nname = \"n\"\n[database]\nkind = \"sqlite\"\npath = \"p\"\n[methods.a]\nempty_result = \"maybe\"\n");
        assert_eq!(e.line, Some(7));
    }
}
