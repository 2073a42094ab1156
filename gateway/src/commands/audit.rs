//! `hisgw audit`: finds calls in the audit trail (inbound and to the
//! platform), newest first.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: super::Common,
    #[arg(long)]
    pub trade_no: Option<String>,
    #[arg(long)]
    pub method: Option<String>,
    /// yyyy-MM-dd or "yyyy-MM-dd HH:mm".
    #[arg(long)]
    pub since: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let s = args.common.settings()?;
    let query = hisgw::audit::Query {
        trade_no: args.trade_no,
        method: args.method,
        since: args.since,
        limit: args.limit,
        ..Default::default()
    };
    let entries = hisgw::audit::find(&s.data_dir, &query).map_err(anyhow::Error::msg)?;
    for e in &entries {
        println!(
            "{} {} {} {:<3} {:<4} {} tradeNo={} {} {:.1}ms\n    request: {}\n    answer:  {}",
            e.at,
            e.request_id,
            e.hospital,
            e.direction,
            e.transport,
            e.method,
            e.trade_no,
            e.outcome,
            e.duration_ms,
            e.request,
            e.response
        );
    }
    println!("{} call(s)", entries.len());
    Ok(ExitCode::SUCCESS)
}
