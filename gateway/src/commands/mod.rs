//! The `hisgw` commands, one module each: what `main` dispatches to. Each
//! parses nothing itself (clap did) and reads, prints and exits; what a
//! command does with hospitals, databases or the platform is the library's.

pub mod audit;
pub mod call;
pub mod check;
pub mod logging;
pub mod migrate;
pub mod outbox;
pub mod reconcile;
pub mod refund;
pub mod serve;
pub mod spec;
pub mod sql;
pub mod test;
pub mod try_call;
pub mod wsdl;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use hisgw::execute::{Database, StartScripts};
use hisgw::hospitals::{self, Hospital};
use hisgw::mapping::HospitalMapping;
use hisgw::pipeline::Gateway;
use hisgw::Settings;

/// The options every command takes.
#[derive(clap::Args)]
pub struct Common {
    /// Gateway settings (TOML). Without it the bundled demo hospital is served.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Where embedded databases live (default ./data).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
}

/// The options of a command about one hospital.
#[derive(clap::Args)]
pub struct OneHospital {
    #[command(flatten)]
    pub common: Common,
    /// The hospital's id (its folder under the mappings folder).
    #[arg(long)]
    pub hospital: String,
}

impl Common {
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let mut s = Settings::load(self.config.as_deref())?;
        if let Some(dir) = &self.data_dir {
            s.data_dir = dir.clone();
        }
        Ok(s)
    }
}

/// Request fields given as `name=value` on the command line.
pub fn name_values(fields: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    fields
        .iter()
        .map(|f| {
            f.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .with_context(|| format!("field {f:?} is not name=value"))
        })
        .collect()
}

/// One hospital's mapping, loaded and checked.
pub fn load_mapping(s: &Settings, hospital: &str) -> anyhow::Result<HospitalMapping> {
    hisgw::mapping::load_hospital(&s.mappings_dir.join(hospital)).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        anyhow::anyhow!("{}", lines.join("\n"))
    })
}

/// A hospital's database opened without its start scripts (they may need
/// what the command is about to create) and without the ledger check (a
/// missing ledger must not stop `migrate`).
pub async fn open_for_setup(s: &Settings, mapping: &HospitalMapping) -> anyhow::Result<Database> {
    Ok(hospitals::open(mapping, &s.data_dir, StartScripts::Skip).await?)
}

/// The gateway with only `hospital` loaded, and that hospital.
pub async fn one_hospital(
    s: &Settings,
    hospital: &str,
) -> anyhow::Result<(Gateway, Arc<Hospital>)> {
    let mut source = s.source();
    source.only = Some(vec![hospital.to_string()]);
    let gateway = Gateway::start(source).await?;
    let h = gateway
        .hospital(hospital)
        .with_context(|| format!("hospital {hospital} is not loaded"))?;
    Ok((gateway, h))
}
