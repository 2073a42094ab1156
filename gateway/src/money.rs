//! Exact decimal money: parsing and the wire format.
//!
//! Money is `rust_decimal::Decimal` from the database to the wire; this
//! module is the one place that turns text into a decimal and a decimal
//! into wire text. It must never use binary floating point for arithmetic.

use std::str::FromStr;

use rust_decimal::Decimal;

/// Parses a decimal written as `15`, `15.00`, `-3.5`, `+2`, `1e2` or with
/// surrounding spaces. Thousands separators and currency signs are refused.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    Decimal::from_str(t)
        .ok()
        .or_else(|| Decimal::from_scientific(t).ok())
}

/// Parses a decimal as a request may write it: plain digits with at most
/// one decimal point (`100`, `100.5`, `0.01`), a leading `-` only where
/// `negative` allows it, surrounded at most by ASCII blanks. `1_000`,
/// `1e2`, `+100`, `1,000`, `.5` or a no-break space are refused: an amount
/// the platform meant is never guessed at.
pub fn parse_plain(text: &str, negative: bool) -> Option<Decimal> {
    let t = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let digits = match t.strip_prefix('-') {
        Some(rest) if negative => rest,
        Some(_) => return None,
        None => t,
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    Decimal::from_str(t).ok()
}

/// The wire form of an amount in yuan: at least two decimal places, more
/// only where the value has them (`15` → `15.00`, `0.0125` → `0.0125`).
/// Nothing is rounded away.
pub fn format_money(value: Decimal) -> String {
    let mut v = value.normalize();
    if v.scale() < 2 {
        v.rescale(2);
    }
    v.to_string()
}

/// The wire form of a non-money decimal: no trailing zeros.
pub fn format_decimal(value: Decimal) -> String {
    value.normalize().to_string()
}

/// Reads a binary float that a database handed over (SQLite `REAL`) as the
/// decimal it was meant to be: an f64 holds 15 significant decimal digits,
/// so the value is rounded to 15 significant digits (0.1 + 0.2 reads as 0.3).
pub fn real_to_decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    let text = format!("{f:.14e}");
    Decimal::from_scientific(&text).ok().map(|d| d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_amount_is_plain_decimal_text_only() {
        let plain = |s: &str| parse_plain(s, false).map(|d| d.to_string());
        assert_eq!(plain("100").as_deref(), Some("100"));
        assert_eq!(plain(" 100.50\n").as_deref(), Some("100.50"));
        assert_eq!(plain("0.01").as_deref(), Some("0.01"));
        for refused in [
            "1_000",
            "1e2",
            "+100",
            "100\u{a0}",
            "\u{a0}100",
            "1,000",
            ".5",
            "5.",
            "-5",
            "",
            "1.2.3",
            "１００",
            "99999999999999999999999999999999",
        ] {
            assert_eq!(plain(refused), None, "{refused:?}");
        }
        assert_eq!(
            parse_plain("-3.5", true).map(|d| d.to_string()).as_deref(),
            Some("-3.5")
        );
    }

    #[test]
    fn money_has_at_least_two_places_and_keeps_the_rest() {
        let d = |s: &str| parse_decimal(s).unwrap();
        assert_eq!(format_money(d("15")), "15.00");
        assert_eq!(format_money(d("15.5")), "15.50");
        assert_eq!(format_money(d("15.0000")), "15.00");
        assert_eq!(format_money(d("0.0125")), "0.0125");
        assert_eq!(format_money(d("-3")), "-3.00");
        assert_eq!(format_money(d(" +2.10 ")), "2.10");
        assert_eq!(format_money(d("99999999999.99")), "99999999999.99");
    }

    #[test]
    fn garbage_is_not_a_decimal() {
        for bad in ["", "abc", "1,000.00", "¥5", "1.2.3", "NaN"] {
            assert!(parse_decimal(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn floats_from_the_database_read_as_their_decimal() {
        assert_eq!(real_to_decimal(0.1 + 0.2).unwrap().to_string(), "0.3");
        assert_eq!(real_to_decimal(2013.61).unwrap().to_string(), "2013.61");
        assert_eq!(real_to_decimal(1e-7).unwrap().to_string(), "0.0000001");
        assert!(real_to_decimal(f64::NAN).is_none());
    }
}
