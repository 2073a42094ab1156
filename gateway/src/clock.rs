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
    fn the_cached_offset_reads_the_same_clock_as_the_system() {
        let ours = super::now();
        let system = chrono::Local::now().naive_local();
        assert!(
            (system - ours).num_seconds().abs() < 2,
            "{ours} vs {system}"
        );
    }
}
