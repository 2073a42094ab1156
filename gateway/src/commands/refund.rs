//! `hisgw refund` (14.1 refundApply: asks the platform to refund a payment,
//! once per HIS refund id) and `hisgw refund-status` (15.1).

use std::process::ExitCode;

use anyhow::Context;
use hisgw::outbound::outbox::State;
use hisgw::outbound::{Platform, RefundRequest};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub target: super::OneHospital,
    #[arg(long)]
    pub trade_no: String,
    #[arg(long)]
    pub amount: String,
    /// The HIS's refund number (hisId).
    #[arg(long)]
    pub his_id: String,
    #[arg(long)]
    pub patient_card: String,
    #[arg(long)]
    pub real_name: String,
    /// Operator (cashier_id).
    #[arg(long)]
    pub operator: Option<String>,
    /// A reversal (冲正), not a refund: left out of reconciliation.
    #[arg(long)]
    pub reverse: bool,
    /// Seconds to keep asking while the platform answers UNKNOWN.
    #[arg(long, default_value_t = 120)]
    pub wait: u64,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let amount = RefundRequest::amount_of(&args.amount)
        .with_context(|| format!("--amount {:?} is not an amount above zero", args.amount))?;
    let s = args.target.common.settings()?;
    let (_, h) = super::one_hospital(&s, &args.target.hospital).await?;
    let platform = Platform::of(&h)?;
    let request = RefundRequest {
        trade_no: args.trade_no,
        amount,
        his_id: args.his_id,
        patient_card: args.patient_card,
        real_name: args.real_name,
        operator: args.operator,
        reverse: args.reverse,
    };
    let row = platform
        .refund(&request, std::time::Duration::from_secs(args.wait))
        .await?;
    println!(
        "refund {}: {} ({} {})",
        row.event_key,
        row.state.as_str(),
        row.last_result,
        row.last_message
    );
    Ok(if row.state == State::Sent {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[derive(clap::Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub target: super::OneHospital,
    #[arg(long)]
    pub his_id: String,
}

pub async fn status(args: StatusArgs) -> anyhow::Result<ExitCode> {
    let s = args.target.common.settings()?;
    let (_, h) = super::one_hospital(&s, &args.target.hospital).await?;
    let answer = Platform::of(&h)?.refund_status(&args.his_id).await?;
    println!("{:?}: {}", answer.outcome, answer.message);
    for (k, v) in &answer.fields {
        println!("  {k} = {v}");
    }
    Ok(ExitCode::SUCCESS)
}
