//! The gateway's clock: the spec's dates and times are the hospital's
//! local ones, never converted through a time zone.
//!
//! The local offset from UTC is looked up at most once a minute: that
//! lookup (the system's time-zone rules) costs more than the rest of
//! reading the clock, every call reads it, and a hospital's offset changes
//! at most twice a year — on the minute it does, the clock follows within
//! that minute.

use std::sync::atomic::{AtomicI32, AtomicI64, Ordering::Relaxed};

use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, Offset, Utc};

/// The minute since the epoch (plus one: 0 is "never") the offset is for.
static MINUTE: AtomicI64 = AtomicI64::new(0);
/// The local offset from UTC in seconds.
static OFFSET_S: AtomicI32 = AtomicI32::new(0);

/// The local date and time now, with its offset.
pub fn local_now() -> DateTime<FixedOffset> {
    let now = Utc::now();
    let minute = now.timestamp().div_euclid(60) + 1;
    let offset_s = if MINUTE.load(Relaxed) == minute {
        OFFSET_S.load(Relaxed)
    } else {
        let s = now.with_timezone(&Local).offset().local_minus_utc();
        OFFSET_S.store(s, Relaxed);
        MINUTE.store(minute, Relaxed);
        s
    };
    let offset = FixedOffset::east_opt(offset_s).unwrap_or(Utc.fix());
    now.with_timezone(&offset)
}

/// Writes the local time now in RFC 3339 to the microsecond
/// (`2026-12-02T09:37:20.123456+08:00`), as every log line starts. The
/// text up to the second is made once per second per thread.
pub fn write_local_rfc3339(out: &mut impl std::fmt::Write) -> std::fmt::Result {
    use std::cell::RefCell;
    thread_local! {
        /// (second since the epoch, text up to it, offset text)
        static SECOND: RefCell<(i64, String, String)> = RefCell::default();
    }
    let now = local_now();
    let second = now.timestamp();
    SECOND.with_borrow_mut(|(at, head, offset)| {
        if *at != second || head.is_empty() {
            *at = second;
            *head = now.format("%Y-%m-%dT%H:%M:%S").to_string();
            *offset = now.format("%:z").to_string();
        }
        out.write_str(head)?;
        out.write_char('.')?;
        digits(out, now.timestamp_subsec_micros().min(999_999), 6)?;
        out.write_str(offset)
    })
}

/// `t` as the gateway's own tables store a time: `yyyy-MM-dd HH:mm:ss.SSS`
/// (what SQLite's `strftime('%Y-%m-%d %H:%M:%f')` writes), without going
/// through a format string.
pub fn millis_text(t: &NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    let mut out = String::with_capacity(23);
    let parts = [
        (t.year().clamp(0, 9999) as u32, 4, "-"),
        (t.month(), 2, "-"),
        (t.day(), 2, " "),
        (t.hour(), 2, ":"),
        (t.minute(), 2, ":"),
        (t.second(), 2, "."),
        ((t.nanosecond() / 1_000_000).min(999), 3, ""),
    ];
    for (n, width, after) in parts {
        // Writing to a String cannot fail.
        let _ = digits(&mut out, n, width);
        out.push_str(after);
    }
    out
}

/// The last `width` (at most 6) decimal digits of `n`, zero-padded.
fn digits(out: &mut impl std::fmt::Write, mut n: u32, width: usize) -> std::fmt::Result {
    let mut text = [b'0'; 6];
    let width = width.min(text.len());
    for d in text[..width].iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.write_str(std::str::from_utf8(&text[..width]).unwrap_or_default())
}

/// Today's local date.
pub fn today() -> NaiveDate {
    local_now().date_naive()
}

/// The local date and time now.
pub fn now() -> NaiveDateTime {
    local_now().naive_local()
}

#[cfg(test)]
mod tests {
    #[test]
    fn time_texts_are_the_format_strings_own() {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 1, 2)
            .unwrap()
            .and_hms_milli_opt(3, 4, 5, 67)
            .unwrap();
        assert_eq!(super::millis_text(&t), "2026-01-02 03:04:05.067");
        assert_eq!(
            super::millis_text(&t),
            t.format("%Y-%m-%d %H:%M:%S%.3f").to_string()
        );
        let mut line = String::new();
        super::write_local_rfc3339(&mut line).unwrap();
        let parsed = chrono::DateTime::parse_from_rfc3339(&line).unwrap();
        let drift = (parsed.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
        assert!(drift.abs() <= 2, "{line}");
        assert_eq!(
            line.len(),
            "2026-12-02T09:37:20.123456+08:00".len(),
            "{line}"
        );
    }

    #[test]
    fn the_cached_offset_reads_the_same_clock_as_the_system() {
        let ours = super::now();
        let system = chrono::Local::now().naive_local();
        assert!(
            (system - ours).num_seconds().abs() < 2,
            "{ours} vs {system}"
        );
    }
}
