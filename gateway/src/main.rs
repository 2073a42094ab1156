//! The `hisgw` command: serve, check, sql, migrate, wsdl, outbox, refund,
//! refund-status, reconcile, audit, call.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hisgw::catalogue;
use hisgw::decode::RawRequest;
use hisgw::gateway::Gateway;
use hisgw::{Application, Settings};

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

#[derive(clap::Args)]
struct Common {
    /// Gateway settings (TOML). Without it the bundled demo hospital is served.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Where embedded databases live (default ./data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the platform-facing HTTP interface.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Listen address, e.g. 0.0.0.0:8080.
        #[arg(long)]
        listen: Option<String>,
    },
    /// Check every hospital's mappings against the spec catalogue.
    Check {
        #[command(flatten)]
        common: Common,
        /// Also describe and run each read mapping against its database.
        #[arg(long)]
        live: bool,
    },
    /// Run SQL script files against a hospital's database (T-SQL scripts
    /// are split into batches on GO lines), e.g. to load the demo HIS.
    Sql {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        hospital: String,
        /// Create the hospital's SQL Server database first if it is missing.
        #[arg(long)]
        create_database: bool,
        /// Script files, run in order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Create or upgrade hisgw's own tables (the payment ledger) in each
    /// hospital's database, or only in the one named. Safe to run again.
    Migrate {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        hospital: Option<String>,
    },
    /// Print a hospital's WSDL 1.1 (the service at /soap/{hospital}).
    Wsdl {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        hospital: String,
        /// The service address to print when hospital.toml sets none
        /// ([soap] address), e.g. http://10.1.2.3:8080/soap/demo.
        #[arg(long)]
        address: Option<String>,
    },
    /// List the outbox (event pushes and refunds to the platform), or retry
    /// or drop one row.
    Outbox {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        hospital: String,
        /// Only rows in this state: pending, sent, failed, dead, dropped.
        #[arg(long)]
        state: Option<String>,
        /// Make this row due again with a fresh attempt count.
        #[arg(long, conflicts_with = "drop")]
        retry: Option<i64>,
        /// Give up on this row (it stays listed as dropped).
        #[arg(long)]
        drop: Option<i64>,
    },
    /// Ask the platform to refund a payment (14.1 refundApply). A HIS refund
    /// id names one refund: asking again reports the first one's state.
    Refund {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        hospital: String,
        #[arg(long)]
        trade_no: String,
        #[arg(long)]
        amount: String,
        /// The HIS's refund number (hisId).
        #[arg(long)]
        his_id: String,
        #[arg(long)]
        patient_card: String,
        #[arg(long)]
        real_name: String,
        /// Operator (cashier_id).
        #[arg(long)]
        operator: Option<String>,
        /// A reversal (冲正), not a refund: left out of reconciliation.
        #[arg(long)]
        reverse: bool,
        /// Seconds to keep asking while the platform answers UNKNOWN.
        #[arg(long, default_value_t = 120)]
        wait: u64,
    },
    /// Ask the platform about a refund (15.1 queryRefundStatus).
    RefundStatus {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        hospital: String,
        #[arg(long)]
        his_id: String,
    },
    /// Compare the platform's ledger of a day (13.3) with the hospital's
    /// (13.2); print every difference and write them as CSV. Exit status 1
    /// when anything differs.
    Reconcile {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        hospital: String,
        /// yyyy-MM-dd (default: yesterday).
        #[arg(long)]
        date: Option<String>,
        /// Where the CSV goes (default: the data directory's reports/).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Find calls in the audit trail (inbound and to the platform), newest first.
    Audit {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        trade_no: Option<String>,
        #[arg(long)]
        method: Option<String>,
        /// yyyy-MM-dd or "yyyy-MM-dd HH:mm".
        #[arg(long)]
        since: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Answer one call in-process and print the response XML.
    Call {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        hospital: String,
        /// The method name, e.g. queryPatientInfo.
        method: String,
        /// Request fields as name=value.
        fields: Vec<String>,
    },
}

fn settings(common: &Common) -> anyhow::Result<Settings> {
    let mut s = Settings::load(common.config.as_deref())?;
    if let Some(dir) = &common.data_dir {
        s.data_dir = dir.clone();
    }
    Ok(s)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `serve` logs as its settings say; the other commands to standard error.
    let serve_settings = match &cli.command {
        Command::Serve { common, .. } => settings(common).ok(),
        _ => None,
    };
    let _log_guard = init_logging(serve_settings.as_ref());
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
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hisgw: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The log: `RUST_LOG` filter (default info), plain or JSON lines, to
/// standard error and, with `log_dir`, to daily files kept `log_keep_days`.
fn init_logging(
    settings: Option<&Settings>,
) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let filter =
        || tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let json = settings.is_some_and(|s| s.log_format == hisgw::settings::LogFormat::Json);
    // Local time, as the HIS's own records and the spec's dates.
    let timer = || tracing_subscriber::fmt::time::ChronoLocal::rfc_3339();
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let stderr = if json {
        tracing_subscriber::fmt::layer()
            .json()
            .with_timer(timer())
            .with_writer(std::io::stderr)
            .with_filter(filter())
            .boxed()
    } else {
        tracing_subscriber::fmt::layer()
            .with_timer(timer())
            .with_writer(std::io::stderr)
            .with_ansi(ansi)
            .with_filter(filter())
            .boxed()
    };
    let (files, guard) =
        match settings.and_then(|s| s.log_dir.as_ref().map(|d| (d, s.log_keep_days))) {
            Some((dir, keep)) => match tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix("hisgw.log")
                .max_log_files(keep.max(1))
                .build(dir)
            {
                Ok(appender) => {
                    let (writer, guard) = tracing_appender::non_blocking(appender);
                    let layer = if json {
                        tracing_subscriber::fmt::layer()
                            .json()
                            .with_timer(timer())
                            .with_writer(writer)
                            .with_filter(filter())
                            .boxed()
                    } else {
                        tracing_subscriber::fmt::layer()
                            .with_timer(timer())
                            .with_writer(writer)
                            .with_ansi(false)
                            .with_filter(filter())
                            .boxed()
                    };
                    (Some(layer), Some(guard))
                }
                Err(e) => {
                    eprintln!("hisgw: cannot write logs to {}: {e}", dir.display());
                    (None, None)
                }
            },
            None => (None, None),
        };
    tracing_subscriber::registry()
        .with(stderr)
        .with(files)
        .init();
    guard
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { common, listen } => {
            let mut s = settings(&common)?;
            if let Some(listen) = listen {
                s.listen = listen;
            }
            let app = Application::build(s.clone()).await?;
            let ids: Vec<String> = app
                .gateway()
                .hospitals()
                .iter()
                .map(|h| h.mapping.id.clone())
                .collect();
            tracing::info!(listen = %s.listen, port = app.port(), hospitals = ?ids, "hisgw serving");
            app.run_until_stopped().await.context("server stopped")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { common, live } => {
            let s = settings(&common)?;
            let report = hisgw::check::check(&s, live).await;
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
        Command::Sql {
            common,
            hospital,
            create_database,
            files,
        } => {
            let s = settings(&common)?;
            let mapping = load_mapping(&s, &hospital)?;
            if create_database {
                if let Some(name) = hisgw::gateway::create_database(&mapping).await? {
                    println!("database {name} is there");
                }
            }
            let (db, _) = open_without_start_scripts(&s, mapping).await?;
            for file in files {
                let script = std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                db.run_script(script)
                    .await
                    .with_context(|| format!("{}", file.display()))?;
                println!("ran {}", file.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { common, hospital } => {
            let s = settings(&common)?;
            let ids = match hospital {
                Some(id) => vec![id],
                None => s.hospitals.clone().unwrap_or_else(|| {
                    let (mappings, _) = hisgw::plan::load_all(&s.mappings_dir, None);
                    mappings.into_iter().map(|m| m.id).collect()
                }),
            };
            for id in ids {
                let mapping = load_mapping(&s, &id)?;
                let (db, dialect) = open_without_start_scripts(&s, mapping).await?;
                let applied = hisgw::ledger::migrate(db.as_ref(), dialect)
                    .await
                    .with_context(|| format!("hospital {id}"))?;
                let version = hisgw::ledger::version(db.as_ref(), dialect).await?;
                if applied.is_empty() {
                    println!("{id}: ledger at version {version}, up to date");
                } else {
                    println!(
                        "{id}: applied ledger migration(s) {applied:?}; now at version {version}"
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Outbox {
            common,
            hospital,
            state,
            retry,
            drop,
        } => {
            let (_, h) = one_hospital(&common, &hospital).await?;
            let dialect = h.mapping.dialect();
            use hisgw::outbound::outbox;
            let change = match (retry, drop) {
                (Some(row), _) => {
                    Some((row, outbox::retry(dialect, row, outbox::now()), "due again"))
                }
                (_, Some(row)) => Some((row, outbox::drop_row(dialect, row), "dropped")),
                _ => None,
            };
            if let Some((row, statement, done)) = change {
                let (sets, _) = h.db.transact(vec![statement], Box::new(|_| true)).await?;
                let changed = sets
                    .iter()
                    .flatten()
                    .last()
                    .and_then(|s| s.rows.first())
                    .map(|r| outbox::int(&r[0]));
                anyhow::ensure!(
                    changed == Some(1),
                    "row {row} is not in a state that allows this"
                );
                println!("row {row}: {done}");
                return Ok(ExitCode::SUCCESS);
            }
            let sets =
                h.db.query(vec![outbox::list(
                    dialect,
                    state.as_deref().unwrap_or(""),
                    None,
                )])
                .await?;
            println!(
                "{:>6}  {:<7} {:<22} {:<28} {:<8} {:>3}  {:<23} last result",
                "id", "kind", "dataType", "key", "state", "try", "next attempt"
            );
            for r in outbox::rows(&sets) {
                println!(
                    "{:>6}  {:<7} {:<22} {:<28} {:<8} {:>3}  {:<23} {} {}",
                    r.id,
                    r.kind,
                    r.data_type,
                    r.event_key,
                    r.state,
                    r.attempts,
                    r.next_attempt_at,
                    r.last_result,
                    r.last_message
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Refund {
            common,
            hospital,
            trade_no,
            amount,
            his_id,
            patient_card,
            real_name,
            operator,
            reverse,
            wait,
        } => {
            let amount = hisgw::money::parse_decimal(&amount)
                .filter(|a| a.is_sign_positive() && !a.is_zero())
                .with_context(|| format!("--amount {amount:?} is not an amount above zero"))?;
            let (_, h) = one_hospital(&common, &hospital).await?;
            let platform = hisgw::outbound::Platform::of(&h)?;
            let request = hisgw::outbound::RefundRequest {
                trade_no,
                amount,
                his_id,
                patient_card,
                real_name,
                operator,
                reverse,
            };
            let row = platform
                .refund(&request, std::time::Duration::from_secs(wait))
                .await?;
            println!(
                "refund {}: {} ({} {})",
                row.event_key, row.state, row.last_result, row.last_message
            );
            Ok(match row.state.as_str() {
                "sent" => ExitCode::SUCCESS,
                _ => ExitCode::FAILURE,
            })
        }
        Command::RefundStatus {
            common,
            hospital,
            his_id,
        } => {
            let (_, h) = one_hospital(&common, &hospital).await?;
            let answer = hisgw::outbound::Platform::of(&h)?
                .refund_status(&his_id)
                .await?;
            println!("{:?}: {}", answer.outcome, answer.message);
            for (k, v) in &answer.fields {
                println!("  {k} = {v}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Reconcile {
            common,
            hospital,
            date,
            out,
        } => {
            let date = match date {
                Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .with_context(|| format!("--date {d:?} is not yyyy-MM-dd"))?,
                None => hisgw::gateway::today().pred_opt().context("date")?,
            };
            let s = settings(&common)?;
            let (gateway, h) = one_hospital(&common, &hospital).await?;
            let report = hisgw::outbound::reconcile::reconcile(&gateway, &h, date).await?;
            print!("{}", hisgw::outbound::reconcile::table(&report));
            let reports = h
                .mapping
                .reconcile
                .as_ref()
                .map_or("reports", |r| r.reports_dir.as_str());
            let dir = out.unwrap_or_else(|| s.data_dir.join(reports));
            let path = hisgw::outbound::reconcile::write_csv(&report, &dir)?;
            println!("report: {}", path.display());
            Ok(if report.differences.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Audit {
            common,
            trade_no,
            method,
            since,
            limit,
        } => {
            let s = settings(&common)?;
            let query = hisgw::audit::Query {
                trade_no,
                method,
                since,
                limit,
            };
            let rows = hisgw::audit::find(&s.data_dir, &query).map_err(anyhow::Error::msg)?;
            for r in &rows {
                println!(
                    "{} {} {} {:<3} {:<4} {} tradeNo={} {} {}ms\n    request: {}\n    answer:  {}",
                    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10]
                );
            }
            println!("{} call(s)", rows.len());
            Ok(ExitCode::SUCCESS)
        }
        Command::Wsdl {
            common,
            hospital,
            address,
        } => {
            let s = settings(&common)?;
            let mapping = load_mapping(&s, &hospital)?;
            let fallback = address.unwrap_or_else(|| {
                let port = s.listen.rsplit(':').next().unwrap_or("8080");
                format!("http://localhost:{port}/soap/{hospital}")
            });
            print!("{}", hisgw::http::service_description(&mapping, &fallback));
            Ok(ExitCode::SUCCESS)
        }
        Command::Call {
            common,
            hospital,
            method,
            fields,
        } => {
            let s = settings(&common)?;
            let mut pairs = Vec::new();
            for f in fields {
                let (k, v) = f
                    .split_once('=')
                    .with_context(|| format!("field {f:?} is not name=value"))?;
                pairs.push((k.to_string(), v.to_string()));
            }
            if catalogue::find_inbound(&method).is_none() {
                anyhow::bail!("unknown method {method:?}");
            }
            let gateway = Gateway::start(
                &s.mappings_dir,
                Some(std::slice::from_ref(&hospital)),
                &s.data_dir,
            )
            .await?;
            let reply = match gateway
                .call(&hospital, &method, &RawRequest::new(pairs))
                .await
            {
                Ok(reply) => reply,
                Err(e) => e.to_reply().1,
            };
            println!("{}", hisgw::encode::encode_xml(&reply));
            Ok(if reply.is_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

fn load_mapping(s: &Settings, hospital: &str) -> anyhow::Result<hisgw::plan::HospitalMapping> {
    let dir = s.mappings_dir.join(hospital);
    hisgw::plan::load_hospital(&dir).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        anyhow::anyhow!("{}", lines.join("\n"))
    })
}

/// Not Gateway::open: the start scripts may need what the caller is about
/// to create, and a missing ledger must not stop `migrate`.
async fn open_without_start_scripts(
    s: &Settings,
    mapping: hisgw::plan::HospitalMapping,
) -> anyhow::Result<(
    std::sync::Arc<dyn hisgw::execute::Database>,
    hisgw::execute::Dialect,
)> {
    let data_dir = s.data_dir.clone();
    let dialect = mapping.dialect();
    let db = tokio::task::spawn_blocking(move || {
        hisgw::gateway::open_database(&mapping, &data_dir, false)
    })
    .await??;
    Ok((db, dialect))
}

/// The gateway with only `hospital` loaded, and that hospital.
async fn one_hospital(
    common: &Common,
    hospital: &str,
) -> anyhow::Result<(Gateway, std::sync::Arc<hisgw::gateway::Hospital>)> {
    let s = settings(common)?;
    let gateway =
        Gateway::start(&s.mappings_dir, Some(&[hospital.to_string()]), &s.data_dir).await?;
    let h = gateway
        .hospital(hospital)
        .with_context(|| format!("hospital {hospital} is not loaded"))?;
    Ok((gateway, h))
}
