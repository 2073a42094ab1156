//! Validate: checks a decoded request against the catalogue and produces the
//! typed, normalised parameter values the mapping binds.
//!
//! This module owns required-field checks, type checks of request values
//! and the spec's defaults (3.1/3.2 endDate, 7.1 date range). It must never
//! touch SQL or the database; its output is one value per catalogue field.

use chrono::{Months, NaiveDate, NaiveDateTime};

use crate::catalogue::{field, DefaultRule, Field, FieldType, Method};
use crate::decode::RawRequest;
use crate::money;

/// One normalised value per request field of the method, in catalogue
/// order; `None` where the request left an optional field out or empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    values: Vec<Option<String>>,
}

impl Params {
    pub fn value(&self, index: usize) -> Option<&str> {
        self.values.get(index).and_then(|v| v.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("缺少必填参数 {field} (missing required field {field})")]
    Missing { field: &'static str },
    #[error(
        "参数 {field} 格式错误：{value:?} 不是{expected} (field {field} is not {expected_en})"
    )]
    Invalid {
        field: &'static str,
        value: String,
        expected: &'static str,
        expected_en: &'static str,
    },
    #[error("参数 {end} 早于 {start} ({end} is before {start})")]
    Range {
        start: &'static str,
        end: &'static str,
    },
    #[error("参数 {field} 超过本院上限 {maximum} 元 ({field} is above this hospital's maximum of {maximum})")]
    AboveMaximum {
        field: &'static str,
        maximum: rust_decimal::Decimal,
    },
}

/// Refuses an amount above the method's maximum (`[methods.X] max_amount`):
/// every money field of the request is held to it.
pub fn check_maximum(
    method: &Method,
    request: &RawRequest,
    maximum: rust_decimal::Decimal,
) -> Result<(), ValidationError> {
    for field in method
        .request
        .fields
        .iter()
        .filter(|f| f.ty == FieldType::Money)
    {
        let amount = request
            .get(field.name)
            .and_then(|v| money::parse_plain(v, false));
        if amount.is_some_and(|a| a > maximum) {
            return Err(ValidationError::AboveMaximum {
                field: field.name,
                maximum,
            });
        }
    }
    Ok(())
}

/// Checks `request` against `method` and applies the spec's defaults
/// relative to `today` (the gateway's local date).
pub fn validate(
    method: &Method,
    request: &RawRequest,
    today: NaiveDate,
) -> Result<Params, ValidationError> {
    let fields = method.request.fields;
    let mut values = Vec::with_capacity(fields.len());
    for field in fields {
        // Blanks around a value are the writer's. Around a number any other
        // whitespace is the value's (an amount with a no-break space is
        // refused, not guessed at); around text it is trimmed, as an input
        // method may leave an ideographic space after a name.
        let numeric = matches!(field.ty, FieldType::Money | FieldType::Decimal);
        let raw = request
            .get(field.name)
            .map(|v| {
                if numeric {
                    v.trim_matches(|c: char| c.is_ascii_whitespace())
                } else {
                    v.trim()
                }
            })
            .filter(|v| !v.is_empty());
        let value = match raw {
            Some(raw) => Some(normalise(field, raw)?),
            None if field.required => return Err(ValidationError::Missing { field: field.name }),
            None => None,
        };
        values.push(value);
    }
    for (i, field) in fields.iter().enumerate() {
        if values[i].is_none() {
            if let Some(rule) = field.default {
                values[i] = apply_default(rule, fields, &values, today);
            }
        }
    }
    check_ranges(fields, &values)?;
    Ok(Params { values })
}

fn normalise(field: &'static Field, raw: &str) -> Result<String, ValidationError> {
    let invalid = |expected, expected_en| ValidationError::Invalid {
        field: field.name,
        // The message reaches logs: identifiers are masked.
        value: crate::mask::field(field.name, &raw.chars().take(64).collect::<String>()),
        expected,
        expected_en,
    };
    match field.ty {
        FieldType::Text => Ok(raw.to_string()),
        FieldType::IdCard => id_card(raw).ok_or_else(|| {
            invalid(
                "18 位居民身份证号码",
                "an 18-character GB 11643 identity number",
            )
        }),
        FieldType::Int => raw
            .parse::<i64>()
            .map(|n| n.to_string())
            .map_err(|_| invalid("整数", "a whole number")),
        FieldType::Money => money::parse_plain(raw, false)
            .map(|d| d.normalize().to_string())
            .ok_or_else(|| invalid("金额（如 100.00）", "an amount such as 100.00")),
        FieldType::Decimal => money::parse_plain(raw, true)
            .map(|d| d.normalize().to_string())
            .ok_or_else(|| invalid("数值（如 1.5）", "a decimal number such as 1.5")),
        FieldType::Date => parse_date(raw)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .ok_or_else(|| invalid("日期 yyyy-MM-dd", "a date yyyy-MM-dd")),
        FieldType::DateTime => parse_datetime(raw)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            .ok_or_else(|| {
                invalid(
                    "时间 yyyy-MM-dd HH:mm:ss",
                    "a date-time yyyy-MM-dd HH:mm:ss",
                )
            }),
    }
}

fn apply_default(
    rule: DefaultRule,
    fields: &[Field],
    values: &[Option<String>],
    today: NaiveDate,
) -> Option<String> {
    let date = match rule {
        DefaultRule::Today => today,
        DefaultRule::MonthsBeforeToday { months } => {
            today.checked_sub_months(Months::new(months))?
        }
        DefaultRule::DaysAfter { field, days } => {
            let i = fields.iter().position(|f| f.name == field)?;
            let start = NaiveDate::parse_from_str(values[i].as_deref()?, "%Y-%m-%d").ok()?;
            start.checked_add_signed(chrono::Duration::days(days))?
        }
    };
    Some(date.format("%Y-%m-%d").to_string())
}

/// A request whose `endDate` precedes its `startDate` can only be a mistake.
fn check_ranges(fields: &[Field], values: &[Option<String>]) -> Result<(), ValidationError> {
    let find = |name: &str| {
        fields
            .iter()
            .position(|f| f.name == name && f.ty == FieldType::Date)
            .and_then(|i| values[i].as_deref())
    };
    if let (Some(start), Some(end)) = (find(field::START_DATE), find(field::END_DATE)) {
        // Both are normalised yyyy-MM-dd, so text order is date order.
        if end < start {
            return Err(ValidationError::Range {
                start: field::START_DATE,
                end: field::END_DATE,
            });
        }
    }
    Ok(())
}

/// A GB 11643-1999 identity number: 17 digits (6 of region, 8 of a real
/// birth date, 3 of sequence) and the ISO 7064 MOD 11-2 check character;
/// returned with an upper-case X.
pub fn id_card(raw: &str) -> Option<String> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let id = raw.trim().to_ascii_uppercase();
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return None;
    }
    NaiveDate::parse_from_str(&id[6..14], "%Y%m%d").ok()?;
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    (CHECK[(sum % 11) as usize] == b[17]).then_some(id)
}

/// Accepts the date forms platform clients send: `2014-1-30`, `2014-01-30`,
/// `2014/01/30`, `20140130`, or a date-time whose date part is taken.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(raw, format) {
            return Some(d);
        }
    }
    parse_datetime(raw).map(|dt| dt.date())
}

/// Accepts `yyyy-MM-dd HH:mm:ss` (also with `T`, `/`, fractional seconds or
/// without seconds) and a bare date (midnight).
pub fn parse_datetime(raw: &str) -> Option<NaiveDateTime> {
    let raw = raw.trim();
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y/%m/%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y%m%d%H%M%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(raw, format) {
            return Some(d);
        }
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(raw, format) {
            return d.and_hms_opt(0, 0, 0);
        }
    }
    None
}

#[cfg(test)]
mod tests;
