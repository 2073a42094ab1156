//! A hospital's `[database]` of kind `mysql`, translated into what
//! mysql_async and the pool need: the connection string and password are
//! read from the environment variables it names, discrete keys override
//! the string, TLS is set up as `ssl_mode` says and the connection's
//! character set as `charset` says.

use std::time::Duration;

use mysql_async::{Opts, OptsBuilder, SslOpts};

use crate::execute::{ExecError, MysqlCharset, MysqlConfig, MysqlSslMode};

/// Everything needed to open and pool connections to one MySQL database.
#[derive(Clone)]
pub struct MysqlOptions {
    /// Without TLS.
    pub plain: Opts,
    /// With TLS, when `ssl_mode` wants it (tried first).
    pub tls: Option<Opts>,
    /// Whether a server that cannot do TLS is reached without it.
    pub tls_optional: bool,
    pub charset: Charset,
    pub database: Option<String>,
    pub connect_timeout: Duration,
    pub query_timeout: Duration,
    pub max_size: u32,
    pub min_idle: u32,
    pub checkout_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_lifetime: Duration,
    pub health_check: bool,
}

/// The connection's character set: what parameters are sent in and text
/// results are decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8mb4,
    Gbk,
}

impl Charset {
    pub(super) fn encode(self, text: &str) -> Vec<u8> {
        self.encode_cow(text).into_owned()
    }

    /// Text as the connection takes it (SQL text too: a GBK connection
    /// reads the literals of a statement in GBK).
    pub(super) fn encode_cow(self, text: &str) -> std::borrow::Cow<'_, [u8]> {
        match self {
            Charset::Utf8mb4 => std::borrow::Cow::Borrowed(text.as_bytes()),
            Charset::Gbk => encoding_rs::GBK.encode(text).0,
        }
    }

    pub(super) fn decode(self, bytes: &[u8]) -> String {
        match self {
            Charset::Utf8mb4 => String::from_utf8_lossy(bytes).into_owned(),
            Charset::Gbk => encoding_rs::GBK.decode(bytes).0.into_owned(),
        }
    }
}

impl MysqlOptions {
    /// The options of a hospital's `[database]`.
    pub fn from_config(c: &MysqlConfig) -> Result<MysqlOptions, ExecError> {
        let bad = |message: String| ExecError::Unavailable(message);
        let env = |name: &str| {
            std::env::var(name).map_err(|_| bad(format!("environment variable {name} is not set")))
        };
        let connection_string = match (&c.connection_string, &c.connection_string_env) {
            (_, Some(var)) => Some(env(var)?),
            (Some(s), None) => Some(s.clone()),
            (None, None) => None,
        };
        let mut builder = match &connection_string {
            Some(s) => OptsBuilder::from_opts(
                Opts::from_url(s).map_err(|e| bad(format!("connection string: {e}")))?,
            ),
            None => OptsBuilder::default(),
        };
        if let Some(host) = &c.host {
            builder = builder.ip_or_hostname(host.clone());
        }
        if let Some(port) = c.port {
            builder = builder.tcp_port(port);
        }
        if let Some(database) = &c.database {
            builder = builder.db_name(Some(database.clone()));
        }
        if let Some(user) = &c.user {
            builder = builder.user(Some(user.clone()));
        }
        if let Some(var) = &c.password_env {
            builder = builder.pass(Some(env(var)?));
        }
        if connection_string.is_none() && c.host.is_none() {
            return Err(bad(
                "give connection_string, connection_string_env or host".into()
            ));
        }
        let charset = match c.charset {
            MysqlCharset::Utf8mb4 => Charset::Utf8mb4,
            MysqlCharset::Gbk => Charset::Gbk,
        };
        let setup = vec![format!(
            "SET NAMES {}",
            match charset {
                Charset::Utf8mb4 => "utf8mb4",
                Charset::Gbk => "gbk",
            }
        )];
        // Shown as program_name in performance_schema.session_connect_attrs.
        let attributes = [("program_name".to_string(), c.application_name.clone())].into();
        builder = builder
            .setup(setup)
            .connect_attributes(attributes)
            .stmt_cache_size(256)
            .tcp_keepalive(Some(Duration::from_secs(60)))
            .prefer_socket(false);
        let plain: Opts = builder.clone().ssl_opts(None::<SslOpts>).into();
        let database = plain.db_name().map(str::to_string);
        let (tls, tls_optional) = match c.ssl_mode.unwrap_or(MysqlSslMode::Preferred) {
            MysqlSslMode::Disabled => (None, false),
            MysqlSslMode::Preferred => (Some(builder.ssl_opts(unverified()).into()), true),
            MysqlSslMode::Required => (Some(builder.ssl_opts(unverified()).into()), false),
            MysqlSslMode::VerifyIdentity => {
                (Some(builder.ssl_opts(SslOpts::default()).into()), false)
            }
        };
        Ok(MysqlOptions {
            plain,
            tls,
            tls_optional,
            charset,
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

    /// The same options on another database (`None`: none selected).
    pub fn on_database(&self, database: Option<&str>) -> MysqlOptions {
        let with = |o: &Opts| -> Opts {
            OptsBuilder::from_opts(o.clone())
                .db_name(database.map(str::to_string))
                .into()
        };
        MysqlOptions {
            plain: with(&self.plain),
            tls: self.tls.as_ref().map(with),
            database: database.map(str::to_string),
            ..self.clone()
        }
    }
}

/// TLS without checking the server's certificate, as MySQL's own
/// `REQUIRED` mode (hospital servers mostly have a self-signed one).
fn unverified() -> SslOpts {
    SslOpts::default()
        .with_danger_accept_invalid_certs(true)
        .with_danger_skip_domain_validation(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_a_connection_string_and_overrides() {
        std::env::set_var("HISGW_UNIT_MY_PW", "s3cret");
        let c: MysqlConfig = toml::from_str(
            "connection_string = \"mysql://sa:x@10.0.0.5:3307/his\"\nuser = \"hisgw\"\npassword_env = \"HISGW_UNIT_MY_PW\"\nmax_size = 3\nssl_mode = \"disabled\"\ncharset = \"gbk\"",
        )
        .unwrap();
        let o = MysqlOptions::from_config(&c).unwrap();
        assert_eq!(o.plain.ip_or_hostname(), "10.0.0.5");
        assert_eq!(o.plain.tcp_port(), 3307);
        assert_eq!(o.plain.user(), Some("hisgw"));
        assert_eq!(o.plain.pass(), Some("s3cret"));
        assert_eq!(o.database.as_deref(), Some("his"));
        assert!(o.tls.is_none());
        assert_eq!(o.charset, Charset::Gbk);
        assert_eq!(Charset::Gbk.decode(&Charset::Gbk.encode("张三")), "张三");
        let c: MysqlConfig =
            toml::from_str("host = \"his\"\npassword_env = \"HISGW_UNSET_VAR_Z\"").unwrap();
        let e = MysqlOptions::from_config(&c).err().unwrap();
        assert!(e.to_string().contains("HISGW_UNSET_VAR_Z"), "{e}");
        let c: MysqlConfig = toml::from_str("database = \"his\"").unwrap();
        assert!(MysqlOptions::from_config(&c).is_err());
        let c: MysqlConfig = toml::from_str("host = \"his\"").unwrap();
        let o = MysqlOptions::from_config(&c).unwrap();
        assert!(o.tls.is_some() && o.tls_optional, "preferred by default");
        assert!(toml::from_str::<MysqlConfig>("host = \"h\"\ncharset = \"latin1\"").is_err());
    }
}
