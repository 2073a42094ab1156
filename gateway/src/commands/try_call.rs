//! `hisgw try`: runs any method — a read, a write, a payment through the
//! ledger — on the hospital's own database inside transactions that are
//! rolled back (unless `--commit`), and prints the response, each statement
//! with its duration and rows, and per table the rows changed.

use std::process::ExitCode;

use anyhow::Context;
use hisgw::decode::RawRequest;
use hisgw::pipeline::Rehearsed;

#[derive(clap::Args)]
pub struct Args {
    /// The hospital, the method and its fields, as for `hisgw call`.
    #[command(flatten)]
    pub call: super::call::Args,
    /// Keep what the call did (a write or payment changes the HIS).
    #[arg(long)]
    pub commit: bool,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let call = &args.call;
    let s = call.target.common.settings()?;
    let request = RawRequest::new(super::name_values(&call.fields)?);
    if hisgw::catalogue::find_inbound(&call.method).is_none() {
        anyhow::bail!("unknown method {:?} (`hisgw spec` lists them)", call.method);
    }
    let (gateway, _) = super::one_hospital(&s, &call.target.hospital)
        .await
        .context("loading the hospital")?;
    let rehearsed = gateway
        .rehearse(&call.target.hospital, &call.method, &request, args.commit)
        .await;
    print!("{}", report(&rehearsed));
    Ok(if rehearsed.reply.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The response, the statements and the changes, as the terminal shows them.
pub fn report(r: &Rehearsed) -> String {
    let mut out = String::new();
    out.push_str(&hisgw::encode::encode_xml(&r.reply));
    out.push_str("\n\nstatements:\n");
    if r.steps.is_empty() {
        out.push_str("  (none ran)\n");
    }
    for (i, step) in r.steps.iter().enumerate() {
        let changed = step
            .rows_changed
            .map_or(String::new(), |n| format!(", {n} changed"));
        out.push_str(&format!(
            "  {:>2}. {:>8.2} ms  {} returned{changed}  {}\n",
            i + 1,
            step.micros as f64 / 1000.0,
            step.rows_returned,
            truncate(&step.sql, 100)
        ));
        if let Some(e) = &step.error {
            out.push_str(&format!("      error: {e}\n"));
        }
    }
    out.push_str("\nrows changed per table:\n");
    match &r.tables {
        None => out.push_str("  (not counted on this database: SQL Server does not say)\n"),
        Some(tables) if tables.is_empty() => out.push_str("  none\n"),
        Some(tables) => {
            for (table, c) in tables {
                out.push_str(&format!(
                    "  {table}: {} inserted, {} updated, {} deleted\n",
                    c.inserted, c.updated, c.deleted
                ));
            }
        }
    }
    out.push_str(if r.committed {
        "\nCOMMITTED: the changes above are in the HIS database.\n"
    } else {
        "\nrolled back: the database is as it was (--commit keeps the changes).\n"
    });
    out
}

fn truncate(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
