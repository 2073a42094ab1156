//! The log of every command: `RUST_LOG` filter (default info), plain or
//! JSON lines, to standard error and — for `serve`, with `log_dir` — to
//! daily files kept `log_keep_days`.

use hisgw::log_lines::Guard;
use hisgw::Settings;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

/// Starts the log: `RUST_LOG` filter (default info), plain or JSON lines, to
/// standard error and, with `log_dir`, to daily files kept `log_keep_days`.
///
/// Each destination gathers its lines in memory and a thread of its own
/// writes them out (`hisgw::log_lines`); the returned guards write what is
/// gathered when they are dropped at exit.
pub fn init(settings: Option<&Settings>) -> Vec<Guard> {
    let json = settings.is_some_and(|s| s.log_format == hisgw::settings::LogFormat::Json);
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut guards = Vec::new();
    let (stderr, guard) = hisgw::log_lines::gathered(std::io::stderr());
    guards.push(guard);
    let mut layers = vec![layer(json, ansi, stderr)];
    if let Some((dir, keep)) =
        settings.and_then(|s| s.log_dir.as_ref().map(|d| (d, s.log_keep_days)))
    {
        match tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("hisgw.log")
            .max_log_files(keep.max(1))
            .build(dir)
        {
            Ok(appender) => {
                let (writer, guard) = hisgw::log_lines::gathered(appender);
                layers.push(layer(json, false, writer));
                guards.push(guard);
            }
            Err(e) => eprintln!("hisgw: cannot write logs to {}: {e}", dir.display()),
        }
    }
    // One filter for every destination (a filter layer filters globally):
    // a span or line it turns away costs nothing further, and the layers
    // do not each keep per-layer filter state for every span.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    tracing_subscriber::registry()
        .with(layers)
        .with(filter)
        .init();
    guards
}

/// One destination of the log, in local time (as the HIS's own records and
/// the spec's dates).
fn layer<W>(json: bool, ansi: bool, writer: W) -> Box<dyn Layer<Registry> + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let format = tracing_subscriber::fmt::layer()
        .with_timer(LocalTime)
        .with_writer(writer);
    if json {
        format.json().boxed()
    } else {
        format.fmt_fields(plain_fields()).with_ansi(ansi).boxed()
    }
}

/// Plain log fields with every control character escaped: a request value
/// that reaches a field (a hospital id or method from the path, a header)
/// can never start a line of its own and forge an entry.
fn plain_fields() -> impl for<'w> tracing_subscriber::fmt::FormatFields<'w> + Send + Sync + 'static
{
    use tracing_subscriber::field::MakeExt;
    tracing_subscriber::fmt::format::debug_fn(|writer, field, value| {
        use std::fmt::Write as _;
        // Escaped on the way through: no copy of the value is made.
        if field.name() != "message" {
            write!(writer, "{field}=")?;
        }
        write!(hisgw::log_lines::Escaping(writer), "{value:?}")
    })
    .delimited(" ")
}

/// Local time in RFC 3339 (as the HIS's own records and the spec's dates),
/// read from the gateway's clock, which looks the offset up once a minute
/// rather than for every line.
struct LocalTime;

impl tracing_subscriber::fmt::time::FormatTime for LocalTime {
    fn format_time(&self, w: &mut tracing_subscriber::fmt::format::Writer<'_>) -> std::fmt::Result {
        hisgw::clock::write_local_rfc3339(w)
    }
}
