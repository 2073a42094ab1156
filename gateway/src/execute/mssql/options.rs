//! A hospital's `[database]` of kind `mssql`, translated into what tiberius
//! and the pool need: the connection string and password are read from the
//! environment variables it names, discrete keys override the string.

use std::time::Duration;

use tiberius::{AuthMethod, Config, EncryptionLevel};

use super::scripts::ado_database;
use crate::execute::{Encrypt, ExecError, MssqlConfig};

/// Everything needed to open and pool connections to one SQL Server database.
#[derive(Clone)]
pub struct MssqlOptions {
    pub config: Config,
    /// The database the configuration names (tiberius does not say).
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

impl MssqlOptions {
    /// The options of a hospital's `[database]`.
    pub fn from_config(c: &MssqlConfig) -> Result<MssqlOptions, ExecError> {
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
        let database = c
            .database
            .clone()
            .or_else(|| connection_string.as_deref().and_then(ado_database));
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
        let o = MssqlOptions::from_config(&c).unwrap();
        assert_eq!(o.config.get_addr(), "10.0.0.5:1433");
        assert_eq!(o.max_size, 3);
        assert_eq!(o.database.as_deref(), Some("his"));
        let c: MssqlConfig =
            toml::from_str("host = \"his\"\npassword_env = \"HISGW_UNSET_VAR_X\"\nuser = \"u\"")
                .unwrap();
        let e = MssqlOptions::from_config(&c).err().unwrap();
        assert!(e.to_string().contains("HISGW_UNSET_VAR_X"), "{e}");
        let c: MssqlConfig = toml::from_str("database = \"his\"").unwrap();
        assert!(MssqlOptions::from_config(&c).is_err());
    }
}
