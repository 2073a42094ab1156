//! The log of every command: `RUST_LOG` filter (default info), plain or
//! JSON lines, to standard error and — for `serve`, with `log_dir` — to
//! daily files kept `log_keep_days`.

use hisgw::Settings;

/// Starts the log: `RUST_LOG` filter (default info), plain or JSON lines, to
/// standard error and, with `log_dir`, to daily files kept `log_keep_days`.
pub fn init(settings: Option<&Settings>) -> Option<tracing_appender::non_blocking::WorkerGuard> {
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
