//! The gateway's own settings: where it listens, where its data and mapping
//! folders are, which hospitals it serves. Read with the `config` crate from
//! an optional TOML file, then `HISGW_*` environment variables, then
//! command-line flags; unknown keys are errors.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address of the platform-facing listener, e.g. `127.0.0.1:8080`.
    pub listen: String,
    /// Where embedded databases (the demo HIS) live.
    pub data_dir: PathBuf,
    /// The folder of hospital folders.
    pub mappings_dir: PathBuf,
    /// Serve only these hospitals (default: every folder with a hospital.toml).
    #[serde(default)]
    pub hospitals: Option<Vec<String>>,
    /// HTTP worker threads (default: one per core).
    #[serde(default)]
    pub workers: Option<usize>,
    /// Address of the local admin listener (refunds, outbox), which hospital
    /// systems use and the platform must not reach: localhost by default.
    #[serde(default = "default_admin_listen")]
    pub admin_listen: String,
    /// Run the outbound work (event pushes, outbox delivery, daily
    /// reconciliation) in this process.
    #[serde(default = "default_true")]
    pub outbound: bool,
    /// `plain` (default) or `json` (one object per line) for `serve`'s log.
    #[serde(default)]
    pub log_format: LogFormat,
    /// A folder for `serve`'s log as daily files (`hisgw.log.YYYY-MM-DD`),
    /// kept `log_keep_days` days; default: standard error only.
    #[serde(default)]
    pub log_dir: Option<PathBuf>,
    #[serde(default = "default_log_keep_days")]
    pub log_keep_days: usize,
    /// Serve the platform-facing listener over TLS with this certificate
    /// chain and private key (PEM files); both or neither.
    #[serde(default)]
    pub tls_cert: Option<PathBuf>,
    #[serde(default)]
    pub tls_key: Option<PathBuf>,
    /// Keep an audit trail of every call (`audit.sqlite` in the data
    /// directory) for this many days; 0 keeps none.
    #[serde(default = "default_audit_keep_days")]
    pub audit_keep_days: u32,
    /// The environment variable holding a token the admin listener requires
    /// (`Authorization: Bearer …`); unset: localhost is the only guard.
    #[serde(default)]
    pub admin_token_env: Option<String>,
}

impl Settings {
    /// Where the hospitals these settings serve come from.
    pub fn source(&self) -> crate::hospitals::Source {
        crate::hospitals::Source {
            mappings_dir: self.mappings_dir.clone(),
            only: self.hospitals.clone(),
            data_dir: self.data_dir.clone(),
        }
    }
}

fn default_audit_keep_days() -> u32 {
    90
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Plain,
    Json,
}

fn default_log_keep_days() -> usize {
    30
}

fn default_admin_listen() -> String {
    "127.0.0.1:8081".into()
}

fn default_true() -> bool {
    true
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct SettingsError(String);

/// The environment variables read, each overriding the key of the same name.
const ENV_KEYS: &[&str] = &[
    "listen",
    "data_dir",
    "mappings_dir",
    "hospitals",
    "workers",
    "admin_listen",
    "outbound",
    "log_format",
    "log_dir",
    "log_keep_days",
    "tls_cert",
    "tls_key",
    "audit_keep_days",
    "admin_token_env",
];

impl Settings {
    /// Defaults, then `file` if given, then `HISGW_LISTEN`, `HISGW_DATA_DIR`,
    /// `HISGW_MAPPINGS_DIR`, `HISGW_HOSPITALS` (comma separated), `HISGW_WORKERS`.
    pub fn load(file: Option<&Path>) -> Result<Settings, SettingsError> {
        let err = |e: config::ConfigError| SettingsError(e.to_string());
        let mut builder = config::Config::builder()
            .set_default("listen", "127.0.0.1:8080")
            .map_err(err)?
            .set_default("data_dir", "./data")
            .map_err(err)?
            .set_default("mappings_dir", default_mappings_dir().display().to_string())
            .map_err(err)?;
        if let Some(file) = file {
            if !file.is_file() {
                return Err(SettingsError(format!("{}: no such file", file.display())));
            }
            builder = builder.add_source(config::File::from(file).format(config::FileFormat::Toml));
        }
        // Only the gateway's own keys: other HISGW_* variables (test
        // settings, secrets for later use) must not count as unknown keys.
        let env: std::collections::HashMap<String, String> = std::env::vars()
            .filter_map(|(k, v)| {
                let key = k.strip_prefix("HISGW_")?.to_ascii_lowercase();
                ENV_KEYS.contains(&key.as_str()).then_some((key, v))
            })
            .collect();
        builder = builder.add_source(
            config::Environment::default()
                .source(Some(env))
                .try_parsing(true)
                .list_separator(",")
                .with_list_parse_key("hospitals"),
        );
        let settings: Settings = builder
            .build()
            .map_err(err)?
            .try_deserialize()
            .map_err(err)?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        if self.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(SettingsError(format!(
                "listen = {:?} is not an address like 127.0.0.1:8080",
                self.listen
            )));
        }
        if self.workers == Some(0) {
            return Err(SettingsError("workers must be at least 1".into()));
        }
        Ok(())
    }
}

/// `./mappings` when run from a checkout's root, else the checkout's
/// `mappings/` this binary was built from (so `cargo run` and the tests find
/// the bundled demo wherever they start).
pub fn default_mappings_dir() -> PathBuf {
    // A deployed gateway: ./mappings, else `mappings` beside the binary;
    // a source checkout: the repository's own.
    let local = PathBuf::from("mappings");
    if local.is_dir() {
        return local;
    }
    if let Some(beside) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("mappings")))
        .filter(|d| d.is_dir())
    {
        return beside;
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("mappings")
}
