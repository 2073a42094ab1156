//! `hisgw test [--hospital H]`: runs each hospital's mapping tests
//! (`tests/*.toml`) against its own database, every file in a transaction
//! that is rolled back, and reports like a test runner.

use std::process::ExitCode;

use hisgw::mapping_tests::{self, Outcome};
use hisgw::pipeline::Gateway;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: super::Common,
    /// Only this hospital (default: every hospital).
    #[arg(long)]
    pub hospital: Option<String>,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let s = args.common.settings()?;
    let mut source = s.source();
    if let Some(h) = &args.hospital {
        source.only = Some(vec![h.clone()]);
    }
    let gateway = Gateway::start(source).await?;
    let (mut passed, mut failed) = (0, 0);
    for (id, error) in gateway.hospitals().refused().iter() {
        println!("hospital {id}: NOT tested, its mapping is refused:\n{error}");
        failed += 1;
    }
    for hospital in gateway.hospitals().all() {
        let (outcomes, errors) = mapping_tests::run(&gateway, hospital.id()).await;
        println!(
            "hospital {}: {} test file(s) in {}",
            hospital.id(),
            outcomes.len(),
            hospital.mapping.tests_dir().display()
        );
        for e in &errors {
            println!("  error {e}");
            failed += 1;
        }
        for outcome in &outcomes {
            println!("{}", line(outcome));
            if outcome.passed() {
                passed += 1;
            } else {
                failed += 1;
            }
        }
    }
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    println!("test result: {verdict}. {passed} passed; {failed} failed (every change rolled back)");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn line(o: &Outcome) -> String {
    let name = o
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let about = o
        .description
        .as_deref()
        .map_or(String::new(), |d| format!(" — {d}"));
    if o.passed() {
        format!(
            "  ok    {name}{about} ({} step(s), {} ms)",
            o.steps, o.millis
        )
    } else {
        format!(
            "  FAIL  {name}{about}\n        {}",
            o.failures.join("\n        ")
        )
    }
}
