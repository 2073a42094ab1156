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
