//! `hisgw check [--live]`: every hospital's mappings against the spec
//! catalogue, and with `--live` against their databases.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: super::Common,
    /// Also run each read mapping on its database, with the request the
    /// hospital's mapping tests make of it (else the spec's example).
    #[arg(long)]
    pub live: bool,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let s = args.common.settings()?;
    let report = hisgw::check::check(&s, args.live).await;
    for finding in &report.findings {
        println!("{finding}");
    }
    let errors = report.errors();
    println!("{errors} error(s)");
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
