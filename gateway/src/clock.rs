//! The gateway's clock: the spec's dates and times are the hospital's
//! local ones, never converted through a time zone.

use chrono::{Local, NaiveDate, NaiveDateTime};

/// Today's local date.
pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// The local date and time now.
pub fn now() -> NaiveDateTime {
    Local::now().naive_local()
}
