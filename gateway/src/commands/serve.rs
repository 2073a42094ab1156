//! `hisgw serve`: the platform-facing listener, the admin listener and the
//! outbound workers, until the process is told to stop.

use std::process::ExitCode;

use anyhow::Context;
use hisgw::{Application, Settings};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: super::Common,
    /// Listen address, e.g. 0.0.0.0:8080.
    #[arg(long)]
    pub listen: Option<String>,
}

/// The settings `serve` runs with (its logging needs them before it starts).
pub fn settings(args: &Args) -> anyhow::Result<Settings> {
    let mut s = args.common.settings()?;
    if let Some(listen) = &args.listen {
        s.listen = listen.clone();
    }
    Ok(s)
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let s = settings(&args)?;
    let app = Application::build(s.clone()).await?;
    let ids: Vec<String> = app
        .gateway()
        .hospitals()
        .all()
        .iter()
        .map(|h| h.mapping.id.clone())
        .collect();
    tracing::info!(listen = %s.listen, port = app.port(), hospitals = ?ids, "hisgw serving");
    app.run_until_stopped().await.context("server stopped")?;
    Ok(ExitCode::SUCCESS)
}
