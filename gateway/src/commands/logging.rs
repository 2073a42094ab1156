//! The log of every command: `RUST_LOG` filter (default info), plain or
//! JSON lines, to standard error and — for `serve`, with `log_dir` — to
//! daily files kept `log_keep_days`.

use hisgw::Settings;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

/// Starts the log: `RUST_LOG` filter (default info), plain or JSON lines, to
/// standard error and, with `log_dir`, to daily files kept `log_keep_days`.
///
/// Each destination is written by a thread of its own through a buffer
/// flushed whenever its queue runs empty: a call formats its line and goes
/// on, and under load many lines share one write. No line is dropped — a
/// full queue makes the caller wait — and the returned guards write what is
/// queued when they are dropped at exit.
pub fn init(settings: Option<&Settings>) -> Vec<WorkerGuard> {
    let json = settings.is_some_and(|s| s.log_format == hisgw::settings::LogFormat::Json);
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut guards = Vec::new();
    let (stderr, guard) = buffered(std::io::stderr());
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
                let (writer, guard) = buffered(appender);
                layers.push(layer(json, false, writer));
                guards.push(guard);
            }
            Err(e) => eprintln!("hisgw: cannot write logs to {}: {e}", dir.display()),
        }
    }
    tracing_subscriber::registry().with(layers).init();
    guards
}

/// `out` written by its own thread, buffered, never dropping a line.
fn buffered<W: std::io::Write + Send + 'static>(
    out: W,
) -> (tracing_appender::non_blocking::NonBlocking, WorkerGuard) {
    tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::BufWriter::with_capacity(64 * 1024, out))
}

/// One destination of the log, in local time (as the HIS's own records and
/// the spec's dates), filtered by `RUST_LOG`.
fn layer<W>(json: bool, ansi: bool, writer: W) -> Box<dyn Layer<Registry> + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let format = tracing_subscriber::fmt::layer()
        .with_timer(LocalTime)
        .with_writer(writer);
    if json {
        format.json().with_filter(filter).boxed()
    } else {
        format
            .fmt_fields(plain_fields())
            .with_ansi(ansi)
            .with_filter(filter)
            .boxed()
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
        write!(Escaping(writer), "{value:?}")
    })
    .delimited(" ")
}

/// A writer that writes each control character as its escape (`\n`,
/// `\u{1b}`) and everything else as it is.
struct Escaping<W>(W);

impl<W: std::fmt::Write> std::fmt::Write for Escaping<W> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        let mut rest = text;
        while let Some(at) = rest.find(char::is_control) {
            self.0.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().expect("found at `at`");
            write!(self.0, "{}", c.escape_default())?;
            rest = &rest[at + c.len_utf8()..];
        }
        self.0.write_str(rest)
    }
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
