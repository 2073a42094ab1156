//! A hospital's `[database]` of kind `postgres`, translated into what
//! tokio-postgres and the pool need: the connection string and password
//! are read from the environment variables it names, discrete keys
//! override the string, and TLS is set up as `sslmode` says.

use std::sync::Arc;
use std::time::Duration;

use tokio_postgres::config::SslMode as PgSslMode;
use tokio_postgres::Config;

use crate::execute::{ExecError, PostgresConfig, SslMode};

/// Everything needed to open and pool connections to one PostgreSQL database.
#[derive(Clone)]
pub struct PostgresOptions {
    pub config: Config,
    pub tls: Tls,
    pub connect_timeout: Duration,
    pub query_timeout: Duration,
    pub max_size: u32,
    pub min_idle: u32,
    pub checkout_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_lifetime: Duration,
    pub health_check: bool,
}

/// How connections are encrypted.
#[derive(Clone)]
pub enum Tls {
    Off,
    Rustls(tokio_postgres_rustls::MakeRustlsConnect),
}

impl PostgresOptions {
    /// The options of a hospital's `[database]`.
    pub fn from_config(c: &PostgresConfig) -> Result<PostgresOptions, ExecError> {
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
            Some(s) => s
                .parse::<Config>()
                .map_err(|e| bad(format!("connection string: {e}")))?,
            None => Config::new(),
        };
        if let Some(host) = &c.host {
            config.host(host);
        }
        if let Some(port) = c.port {
            config.port(port);
        }
        if let Some(database) = &c.database {
            config.dbname(database);
        }
        if let Some(user) = &c.user {
            config.user(user);
        }
        if let Some(var) = &c.password_env {
            config.password(env(var)?);
        }
        if connection_string.is_none() && c.host.is_none() {
            return Err(bad(
                "give connection_string, connection_string_env or host".into()
            ));
        }
        if config.get_hosts().is_empty() {
            config.host("localhost");
        }
        config.application_name(&c.application_name);
        // `CREATE TEMP TABLE IF NOT EXISTS` in a mapping says NOTICE on
        // every call after the first on a connection: only warnings and
        // errors are worth the log's room.
        let options = match config.get_options() {
            Some(given) if given.contains("client_min_messages") => given.to_string(),
            Some(given) => format!("{given} -c client_min_messages=warning"),
            None => "-c client_min_messages=warning".to_string(),
        };
        config.options(options);
        config.connect_timeout(Duration::from_millis(c.connect_timeout_ms));
        // A HIS server behind a firewall that drops idle connections:
        // keepalives find a dead connection before a call does.
        config.keepalives(true);
        config.keepalives_idle(Duration::from_secs(60));
        let mode = c.sslmode.unwrap_or(match config.get_ssl_mode() {
            PgSslMode::Disable => SslMode::Disable,
            PgSslMode::Require => SslMode::Require,
            _ => SslMode::Prefer,
        });
        let tls = match mode {
            SslMode::Disable => {
                config.ssl_mode(PgSslMode::Disable);
                Tls::Off
            }
            SslMode::Prefer | SslMode::Require => {
                config.ssl_mode(if mode == SslMode::Prefer {
                    PgSslMode::Prefer
                } else {
                    PgSslMode::Require
                });
                Tls::Rustls(unverified_tls())
            }
            SslMode::VerifyFull => {
                config.ssl_mode(PgSslMode::Require);
                Tls::Rustls(verified_tls()?)
            }
        };
        Ok(PostgresOptions {
            config,
            tls,
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

    /// The database the configuration names (the user's name when none).
    pub fn database(&self) -> Option<String> {
        self.config
            .get_dbname()
            .or(self.config.get_user())
            .map(str::to_string)
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// TLS that encrypts without checking the server's certificate — what
/// libpq's `prefer` and `require` do (hospital servers mostly run with a
/// self-signed certificate).
fn unverified_tls() -> tokio_postgres_rustls::MakeRustlsConnect {
    let provider = provider();
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("the default provider supports the default versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        .with_no_client_auth();
    tokio_postgres_rustls::MakeRustlsConnect::new(config)
}

/// TLS that checks the certificate against the system's roots and the host name.
fn verified_tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect, ExecError> {
    let mut roots = rustls::RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    for cert in found.certs {
        let _ = roots.add(cert);
    }
    if roots.is_empty() {
        return Err(ExecError::Unavailable(
            "sslmode = \"verify-full\": no trusted root certificates found on this system".into(),
        ));
    }
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("the default provider supports the default versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Accepts any server certificate (signatures are still checked, so the
/// handshake itself is sound).
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls_pki_types::CertificateDer<'_>,
        _intermediates: &[rustls_pki_types::CertificateDer<'_>],
        _server_name: &rustls_pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls_pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_a_connection_string_and_overrides() {
        std::env::set_var("HISGW_UNIT_PG_PW", "s3cret");
        let c: PostgresConfig = toml::from_str(
            "connection_string = \"host=10.0.0.5 port=5433 dbname=his user=sa sslmode=disable\"\nuser = \"hisgw\"\npassword_env = \"HISGW_UNIT_PG_PW\"\nmax_size = 3",
        )
        .unwrap();
        let o = PostgresOptions::from_config(&c).unwrap();
        assert_eq!(o.config.get_ports(), &[5433]);
        assert_eq!(o.config.get_user(), Some("hisgw"));
        assert_eq!(o.config.get_password(), Some(&b"s3cret"[..]));
        assert_eq!(o.database().as_deref(), Some("his"));
        assert_eq!(o.max_size, 3);
        assert!(matches!(o.tls, Tls::Off));
        let c: PostgresConfig = toml::from_str(
            "host = \"his\"\nsslmode = \"require\"\npassword_env = \"HISGW_UNSET_VAR_Y\"",
        )
        .unwrap();
        let e = PostgresOptions::from_config(&c).err().unwrap();
        assert!(e.to_string().contains("HISGW_UNSET_VAR_Y"), "{e}");
        let c: PostgresConfig = toml::from_str("database = \"his\"").unwrap();
        assert!(PostgresOptions::from_config(&c).is_err());
        let c: PostgresConfig =
            toml::from_str("connection_string = \"postgres://u@h:5432/his\"").unwrap();
        let o = PostgresOptions::from_config(&c).unwrap();
        assert!(matches!(o.tls, Tls::Rustls(_)), "prefer by default");
        assert!(toml::from_str::<PostgresConfig>("host = \"h\"\nsslmode = \"verify-ca\"").is_err());
    }
}
