//! `hisgw check [--live]`: every hospital's mappings against the spec
//! catalogue, and with `--live` against their databases.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: super::Common,
    /// Also describe and run each read mapping against its database.
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
