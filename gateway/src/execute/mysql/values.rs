//! Values across the MySQL protocol.
//!
//! Parameters go as strings and MySQL converts them by the context they
//! are used in (compared with an INT column as a number, with a DATE
//! column as a date). Result cells come back as `Value`: integers,
//! DECIMAL exact (MySQL sends it as its decimal text), floats through their
//! shortest decimal form, DATE and DATETIME as stored, text decoded from
//! the connection's character set (utf8mb4, or GBK where configured).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use mysql_async::consts::ColumnType;
use mysql_async::{Column, Row, Value as MyValue};
use rust_decimal::Decimal;

use super::options::Charset;
use crate::execute::{Param, Value};
use crate::money::real_to_decimal;

/// The binary character set number: bytes, not text.
const BINARY: u16 = 63;

/// A parameter as MySQL receives it, in the connection's character set.
pub(super) fn param(p: &Param, charset: Charset) -> MyValue {
    match p {
        Param::Null => MyValue::NULL,
        Param::Text(t) => MyValue::Bytes(charset.encode(t)),
    }
}

/// Reads every cell of a row.
pub(super) fn read_row(
    row: Row,
    columns: &[Column],
    charset: Charset,
) -> Result<Vec<Value>, String> {
    row.unwrap()
        .into_iter()
        .zip(columns)
        .map(|(v, c)| read_value(v, c, charset))
        .collect()
}

fn read_value(v: MyValue, column: &Column, charset: Charset) -> Result<Value, String> {
    let ty = column.column_type();
    let unreadable = |what: &str| {
        format!(
            "column {} ({ty:?}): {what}; cast it in the mapping",
            column.name_str()
        )
    };
    Ok(match v {
        MyValue::NULL => Value::Null,
        MyValue::Int(n) => Value::Int(n),
        MyValue::UInt(n) => i64::try_from(n).map_or(Value::Decimal(Decimal::from(n)), Value::Int),
        MyValue::Float(f) => real_to_decimal(f.into()).map_or(Value::Null, Value::Decimal),
        MyValue::Double(f) => real_to_decimal(f).map_or(Value::Null, Value::Decimal),
        MyValue::Date(y, m, d, h, i, s, us) => {
            let Some(date) = NaiveDate::from_ymd_opt(y.into(), m.into(), d.into()) else {
                // MySQL's zero date ('0000-00-00') is no date.
                return Ok(Value::Null);
            };
            if ty == ColumnType::MYSQL_TYPE_DATE {
                Value::Date(date)
            } else {
                let time = NaiveTime::from_hms_micro_opt(h.into(), i.into(), s.into(), us)
                    .ok_or_else(|| unreadable("not a time of day"))?;
                Value::DateTime(NaiveDateTime::new(date, time))
            }
        }
        MyValue::Time(negative, days, h, i, s, _) => {
            let hours = u32::from(h) + days * 24;
            let sign = if negative { "-" } else { "" };
            Value::Text(format!("{sign}{hours:02}:{i:02}:{s:02}"))
        }
        MyValue::Bytes(bytes) => match ty {
            ColumnType::MYSQL_TYPE_DECIMAL | ColumnType::MYSQL_TYPE_NEWDECIMAL => {
                let text = String::from_utf8_lossy(&bytes);
                Value::Decimal(
                    text.parse::<Decimal>()
                        .or_else(|_| Decimal::from_scientific(&text))
                        .map_err(|e| unreadable(&format!("{text} is not a decimal: {e}")))?,
                )
            }
            _ if column.character_set() == BINARY
                && !matches!(
                    ty,
                    ColumnType::MYSQL_TYPE_VARCHAR
                        | ColumnType::MYSQL_TYPE_VAR_STRING
                        | ColumnType::MYSQL_TYPE_STRING
                        | ColumnType::MYSQL_TYPE_JSON
                ) =>
            {
                Value::Bytes(bytes)
            }
            _ => Value::Text(charset.decode(&bytes)),
        },
    })
}
