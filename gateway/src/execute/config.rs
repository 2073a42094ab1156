//! The `[database]` table of a hospital.toml: which database, and how to
//! pool connections to it. Read strictly (unknown keys are errors); secrets
//! are never written here, only the names of environment variables.

use serde::Deserialize;

use super::Dialect;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum DatabaseConfig {
    Sqlite(SqliteConfig),
    Mssql(Box<MssqlConfig>),
    Postgres(Box<PostgresConfig>),
    Mysql(Box<MysqlConfig>),
}

impl DatabaseConfig {
    pub fn dialect(&self) -> Dialect {
        match self {
            DatabaseConfig::Sqlite(_) => Dialect::Sqlite,
            DatabaseConfig::Mssql(_) => Dialect::Mssql,
            DatabaseConfig::Postgres(_) => Dialect::Postgres,
            DatabaseConfig::Mysql(_) => Dialect::Mysql,
        }
    }

    /// Parameters that bind as varchar unless a mapping says otherwise
    /// (SQL Server; see the mapping guide).
    pub fn varchar_params(&self) -> &[String] {
        match self {
            DatabaseConfig::Mssql(m) => &m.varchar_params,
            DatabaseConfig::Sqlite(_) | DatabaseConfig::Postgres(_) | DatabaseConfig::Mysql(_) => {
                &[]
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
    /// A statement running longer is interrupted (its transaction rolled back).
    #[serde(default = "default_query_timeout_ms")]
    pub query_timeout_ms: u64,
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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

/// A HIS on PostgreSQL or a database of its family (Kingbase, openGauss,
/// Highgo, Vastbase, PolarDB for PostgreSQL). Either `connection_string` /
/// `connection_string_env` (libpq `key=value` pairs or a `postgres://` URL)
/// or `host` with the other keys; keys given beside a connection string
/// override it. The password never sits in this file: `password_env` names
/// the environment variable that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostgresConfig {
    pub connection_string: Option<String>,
    pub connection_string_env: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub password_env: Option<String>,
    /// `disable`, `prefer` (the default: TLS when the server offers it),
    /// `require` (TLS, the certificate not checked, as libpq), or
    /// `verify-full` (TLS with the certificate checked against the system's
    /// roots and the host name).
    pub sslmode: Option<SslMode>,
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
    /// Run `SELECT 1` on a connection before lending it out.
    #[serde(default = "default_true")]
    pub health_check: bool,
    /// SQL scripts (relative to this folder) run at every start; they must
    /// be idempotent. The demo uses one to keep its dates current.
    #[serde(default)]
    pub start_scripts: Vec<String>,
}

/// How a PostgreSQL connection uses TLS (libpq's `sslmode` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyFull,
}

/// A HIS on MySQL or a database of its family (MariaDB, OceanBase in MySQL
/// mode, TiDB, GoldenDB, GreatSQL, PolarDB-X). Either `connection_string` /
/// `connection_string_env` (`mysql://user:password@host:port/database`) or
/// `host` with the other keys; keys given beside a connection string
/// override it. `password_env` names the environment variable that holds
/// the password.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MysqlConfig {
    pub connection_string: Option<String>,
    pub connection_string_env: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub password_env: Option<String>,
    /// `disabled`, `preferred` (the default: TLS when the server can),
    /// `required` (TLS, the certificate not checked), `verify-identity`
    /// (TLS with the certificate and host name checked).
    pub ssl_mode: Option<MysqlSslMode>,
    /// The connection's character set: `utf8mb4` (the default: the server
    /// converts GBK tables) or `gbk` (old servers without utf8mb4).
    #[serde(default)]
    pub charset: MysqlCharset,
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
    /// Ping a connection before lending it out.
    #[serde(default = "default_true")]
    pub health_check: bool,
    /// SQL scripts (relative to this folder) run at every start; they must
    /// be idempotent.
    #[serde(default)]
    pub start_scripts: Vec<String>,
}

/// How a MySQL connection uses TLS (MySQL's `--ssl-mode` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MysqlSslMode {
    Disabled,
    Preferred,
    Required,
    VerifyIdentity,
}

/// A MySQL connection's character set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MysqlCharset {
    #[default]
    Utf8mb4,
    Gbk,
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
