//! `hisgw reconcile`: the platform's ledger of a day (13.3) against the
//! hospital's (13.2); every difference printed and written as CSV. Exit
//! status 1 when anything differs.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use hisgw::outbound::reconcile;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub target: super::OneHospital,
    /// yyyy-MM-dd (default: yesterday).
    #[arg(long)]
    pub date: Option<String>,
    /// Where the CSV goes (default: the data directory's reports/).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let date = match args.date {
        Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
            .with_context(|| format!("--date {d:?} is not yyyy-MM-dd"))?,
        None => hisgw::clock::today().pred_opt().context("date")?,
    };
    let s = args.target.common.settings()?;
    let (gateway, h) = super::one_hospital(&s, &args.target.hospital).await?;
    let report = reconcile::reconcile(&gateway, &h, date).await?;
    print!("{}", reconcile::table(&report));
    let dir = args
        .out
        .unwrap_or_else(|| s.data_dir.join(h.mapping.reports_dir()));
    let path = reconcile::write_csv(&report, &dir)?;
    println!("report: {}", path.display());
    Ok(if report.differences.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
