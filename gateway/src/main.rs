//! The `hisgw` command: parses the command line and hands it to the
//! command's module under `commands/`.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use commands::{
    audit, call, check, logging, migrate, outbox, reconcile, refund, serve, spec, sql, test,
    try_call, wsdl,
};

#[derive(Parser)]
#[command(
    name = "hisgw",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("HISGW_BUILD"), ")"),
    about = "Ruibo HIS interface gateway"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the platform-facing HTTP interface.
    Serve(serve::Args),
    /// Check every hospital's mappings against the spec catalogue.
    Check(check::Args),
    /// Run SQL script files against a hospital's database (T-SQL scripts
    /// are split into batches on GO lines), e.g. to load the demo HIS.
    Sql(sql::Args),
    /// Create or upgrade hisgw's own tables (the payment ledger) in each
    /// hospital's database, or only in the one named. Safe to run again.
    Migrate(migrate::Args),
    /// Print a hospital's WSDL 1.1 (the service at /soap/{hospital}).
    Wsdl(wsdl::Args),
    /// List the outbox (event pushes and refunds to the platform), or retry
    /// or drop one row.
    Outbox(outbox::Args),
    /// Ask the platform to refund a payment (14.1 refundApply). A HIS refund
    /// id names one refund: asking again reports the first one's state.
    Refund(refund::Args),
    /// Ask the platform about a refund (15.1 queryRefundStatus).
    RefundStatus(refund::StatusArgs),
    /// Compare the platform's ledger of a day (13.3) with the hospital's
    /// (13.2); print every difference and write them as CSV. Exit status 1
    /// when anything differs.
    Reconcile(reconcile::Args),
    /// Find calls in the audit trail (inbound and to the platform), newest first.
    Audit(audit::Args),
    /// Answer one call in-process and print the response XML.
    Call(call::Args),
    /// Run any method on the hospital's database — reads, writes, payments
    /// through the ledger — and roll it back (unless --commit); print the
    /// response, each statement's duration and rows, and per table the rows
    /// changed.
    Try(try_call::Args),
    /// Run each hospital's mapping tests (tests/*.toml) against its own
    /// database, every file rolled back; exit status 1 when any fails.
    Test(test::Args),
    /// Print the field reference: each method's request and response fields
    /// with type, required or conditional, and mapping section.
    Spec(spec::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `serve` logs as its settings say; the other commands to standard error.
    let serve_settings = match &cli.command {
        Command::Serve(args) => serve::settings(args).ok(),
        _ => None,
    };
    let _log_guard = logging::init(serve_settings.as_ref());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hisgw: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hisgw: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(args) => serve::run(args).await,
        Command::Check(args) => check::run(args).await,
        Command::Sql(args) => sql::run(args).await,
        Command::Migrate(args) => migrate::run(args).await,
        Command::Wsdl(args) => wsdl::run(args).await,
        Command::Outbox(args) => outbox::run(args).await,
        Command::Refund(args) => refund::run(args).await,
        Command::RefundStatus(args) => refund::status(args).await,
        Command::Reconcile(args) => reconcile::run(args).await,
        Command::Audit(args) => audit::run(args).await,
        Command::Call(args) => call::run(args).await,
        Command::Spec(args) => spec::run(args).await,
        Command::Try(args) => try_call::run(args).await,
        Command::Test(args) => test::run(args).await,
    }
}
