//! `hospital.toml`: one hospital's identity, database and options, read
//! strictly (unknown keys are errors) with the line of every problem.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::MappingError;
use crate::access::AccessConfig;
use crate::encode::ResponseEncoding;
use crate::execute::DatabaseConfig;
use crate::platform::{PlatformConfig, PushConfig, ReconcileConfig};
use crate::sign::SignConfig;
use crate::wsdl::SoapConfig;

/// hospital.toml. Each section's type belongs to the feature that uses it
/// (`execute`, `access`, `sign`, `wsdl`, `platform`), which also resolves
/// and checks it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HospitalFile {
    pub id: Spanned<String>,
    pub name: String,
    /// Where the method SQL files are, relative to this folder (default: the
    /// folder itself). Lets two hospitals — or one HIS on two databases — share files.
    pub sql_dir: Option<String>,
    pub database: Spanned<DatabaseConfig>,
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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// The message of a single-record method that finds no row.
    pub empty_message: Option<String>,
    /// The encoding of XML and SOAP answers (JSON is always UTF-8).
    #[serde(default)]
    pub response_encoding: ResponseEncoding,
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
    /// The largest amount a money field of a request may carry (plain
    /// decimal text, e.g. "5000.00"); above it the call is refused before
    /// any SQL runs.
    pub max_amount: Option<String>,
}

impl MethodOptions {
    /// The method's limits as set here (the state they need is the
    /// hospital's at run time, not the mapping's).
    pub fn limits(&self) -> crate::limits::Settings {
        crate::limits::Settings {
            timeout_ms: self.timeout_ms,
            max_concurrent: self.max_concurrent,
            cache_ttl_s: self.cache_ttl_s,
        }
    }
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
        let DatabaseConfig::Sqlite(db) = h.database.get_ref() else {
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
