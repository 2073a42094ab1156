//! `hisgw outbox`: lists the outbox (event pushes and refunds to the
//! platform), or makes one row due again, or drops it.

use std::process::ExitCode;

use hisgw::outbound::outbox::{Outbox, State};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub target: super::OneHospital,
    /// Only rows in this state: pending, sent, failed, dead, dropped.
    #[arg(long)]
    pub state: Option<State>,
    /// Make this row due again with a fresh attempt count.
    #[arg(long, conflicts_with = "drop")]
    pub retry: Option<i64>,
    /// Give up on this row (it stays listed as dropped).
    #[arg(long)]
    pub drop: Option<i64>,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let s = args.target.common.settings()?;
    let (_, h) = super::one_hospital(&s, &args.target.hospital).await?;
    let outbox = Outbox::of(&h.db);
    let change = match (args.retry, args.drop) {
        (Some(row), _) => Some((row, outbox.retry(row).await?, "due again")),
        (_, Some(row)) => Some((row, outbox.drop(row).await?, "dropped")),
        _ => None,
    };
    if let Some((row, changed, done)) = change {
        anyhow::ensure!(changed, "row {row} is not in a state that allows this");
        println!("row {row}: {done}");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:>6}  {:<7} {:<22} {:<28} {:<8} {:>3}  {:<23} last result",
        "id", "kind", "dataType", "key", "state", "try", "next attempt"
    );
    for r in outbox.list(args.state).await? {
        println!(
            "{:>6}  {:<7} {:<22} {:<28} {:<8} {:>3}  {:<23} {} {}",
            r.id,
            r.kind.to_string(),
            r.data_type,
            r.event_key,
            r.state.as_str(),
            r.attempts,
            r.next_attempt_at,
            r.last_result,
            r.last_message
        );
    }
    Ok(ExitCode::SUCCESS)
}
