//! Log lines on their way to a destination (standard error, the daily
//! files): gathered in memory and written out every `WRITE_EVERY` by one
//! thread per destination — one write for all the lines of that time,
//! instead of a write and a thread wake-up per line — and every control
//! character escaped on the way in, so no value can start a line of its own.
//!
//! This module owns that buffer. It must never drop a line: a caller that
//! finds `GATHER_MAX` bytes gathered writes them out itself, and the guard
//! writes the rest when it is dropped at exit. A crash loses at most the
//! last `WRITE_EVERY` of lines.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How often gathered lines are written out.
const WRITE_EVERY: Duration = Duration::from_millis(100);

/// Gathered bytes at which the caller writes them out itself.
const GATHER_MAX: usize = 1 << 20;

/// `out`, written every `WRITE_EVERY` by its own thread, never dropping a line.
pub fn gathered<W: Write + Send + 'static>(out: W) -> (Gathered, Guard) {
    let shared = Arc::new(Shared {
        lines: Mutex::new(Vec::with_capacity(64 * 1024)),
        out: Mutex::new(Box::new(out)),
        stop: (Mutex::new(false), Condvar::new()),
    });
    let writer = shared.clone();
    let thread = std::thread::Builder::new()
        .name("log-writer".into())
        .spawn(move || {
            let (stop, wake) = &writer.stop;
            let mut stopped = stop.lock().unwrap_or_else(|e| e.into_inner());
            while !*stopped {
                stopped = wake
                    .wait_timeout(stopped, WRITE_EVERY)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
                writer.write_out();
            }
        })
        .map_err(|e| {
            // Lines are then written when 1 MiB has gathered, and at exit.
            eprintln!("hisgw: cannot start the log writer thread: {e}");
        })
        .ok();
    (Gathered(shared.clone()), Guard { shared, thread })
}

/// One destination's gathered lines and where they go.
struct Shared {
    lines: Mutex<Vec<u8>>,
    out: Mutex<Box<dyn Write + Send>>,
    stop: (Mutex<bool>, Condvar),
}

impl Shared {
    /// Writes out everything gathered so far. The destination is taken
    /// before the lines, so lines are written in the order they came.
    fn write_out(&self) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let lines = {
            let mut lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
            if lines.is_empty() {
                return;
            }
            std::mem::replace(&mut *lines, Vec::with_capacity(64 * 1024))
        };
        // Nowhere to report a log that cannot be written but the log.
        let _ = out.write_all(&lines);
        let _ = out.flush();
    }
}

/// The `MakeWriter` of one destination: each line is appended to what is
/// gathered.
#[derive(Clone)]
pub struct Gathered(Arc<Shared>);

impl<'a> MakeWriter<'a> for Gathered {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Line<'a> {
        Line(&self.0)
    }
}

pub struct Line<'a>(&'a Shared);

impl Write for Line<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let full = {
            let mut lines = self.0.lines.lock().unwrap_or_else(|e| e.into_inner());
            lines.extend_from_slice(bytes);
            lines.len() >= GATHER_MAX
        };
        if full {
            self.0.write_out();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes out what is gathered, and stops the writer thread, when dropped.
pub struct Guard {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let (stop, wake) = &self.shared.stop;
        *stop.lock().unwrap_or_else(|e| e.into_inner()) = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.shared.write_out();
    }
}

/// A writer that writes each control character as its escape (`\n`,
/// `\u{1b}`) and everything else as it is.
pub struct Escaping<W>(pub W);

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A destination the test can read while the writer holds it.
    #[derive(Clone, Default)]
    struct Seen(Arc<Mutex<Vec<u8>>>);

    impl Write for Seen {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn text(seen: &Seen) -> String {
        String::from_utf8(seen.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn gathered_lines_are_written_in_order_on_time_and_all_at_the_end() {
        let seen = Seen::default();
        let (gathered, guard) = gathered(seen.clone());
        let mut expected = String::new();
        for i in 0..1000 {
            let line = format!("line {i}\n");
            gathered.make_writer().write_all(line.as_bytes()).unwrap();
            expected.push_str(&line);
        }
        // The writer thread writes them out within WRITE_EVERY.
        let mut waited = Duration::ZERO;
        while text(&seen) != expected && waited < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
            waited += Duration::from_millis(20);
        }
        assert_eq!(text(&seen), expected, "written within {waited:?}");
        gathered.make_writer().write_all(b"last\n").unwrap();
        drop(guard);
        assert!(
            text(&seen).ends_with("line 999\nlast\n"),
            "nothing lost at exit"
        );
    }

    #[test]
    fn a_caller_that_finds_the_gathering_full_writes_it_out_itself() {
        let seen = Seen::default();
        let (gathered, guard) = gathered(seen.clone());
        let big = vec![b'x'; GATHER_MAX];
        gathered.make_writer().write_all(&big).unwrap();
        assert_eq!(seen.0.lock().unwrap().len(), GATHER_MAX, "written at once");
        drop(guard);
    }

    #[test]
    fn control_characters_are_escaped_on_the_way_through() {
        let mut out = String::new();
        write!(Escaping(&mut out), "a\nb\u{1b}c—d").unwrap();
        assert_eq!(out, "a\\nb\\u{1b}c—d");
    }
}
