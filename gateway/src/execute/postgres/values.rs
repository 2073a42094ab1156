//! Values across the PostgreSQL protocol.
//!
//! Parameters go as text and the server reads each with the type it
//! inferred for that placeholder from the statement (a `$1` compared with
//! an integer column is read as an integer, one cast to `date` as a date):
//! the server's own input rules, exact for `numeric`, with its own error
//! naming the value when the text does not fit. Result cells come back as
//! `Value`: integers, `numeric` exact, floats through their shortest
//! decimal form, `char(n)` padding trimmed, dates and timestamps as stored
//! (`timestamptz` in the gateway's local time).

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use tokio_postgres::types::{to_sql_checked, Format, IsNull, ToSql, Type};
use tokio_postgres::Row;

use crate::execute::{Param, Value};
use crate::money::real_to_decimal;

/// A parameter sent as text for the server to read by its inferred type.
#[derive(Debug)]
pub(super) struct Text<'a>(pub Option<&'a str>);

impl<'a> Text<'a> {
    pub(super) fn of(param: &'a Param) -> Self {
        match param {
            Param::Null => Text(None),
            Param::Text(t) => Text(Some(t)),
        }
    }
}

impl ToSql for Text<'_> {
    fn to_sql(
        &self,
        _ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self.0 {
            None => Ok(IsNull::Yes),
            Some(t) => {
                out.extend_from_slice(t.as_bytes());
                Ok(IsNull::No)
            }
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    fn encode_format(&self, _ty: &Type) -> Format {
        Format::Text
    }

    to_sql_checked!();
}

/// Why a cell could not be read.
pub(super) struct Unreadable(pub String);

/// Reads every cell of a row.
pub(super) fn read_row(row: &Row) -> Result<Vec<Value>, Unreadable> {
    (0..row.len()).map(|i| read_value(row, i)).collect()
}

fn read_value(row: &Row, i: usize) -> Result<Value, Unreadable> {
    let column = &row.columns()[i];
    let ty = column.type_();
    let failed =
        |e: tokio_postgres::Error| Unreadable(format!("column {} ({ty}): {e}", column.name()));
    macro_rules! get {
        ($t:ty) => {
            row.try_get::<_, Option<$t>>(i).map_err(failed)?
        };
    }
    Ok(match *ty {
        Type::BOOL => get!(bool).map_or(Value::Null, |b| Value::Int(i64::from(b))),
        Type::INT2 => get!(i16).map_or(Value::Null, |n| Value::Int(n.into())),
        Type::INT4 => get!(i32).map_or(Value::Null, |n| Value::Int(n.into())),
        Type::INT8 => get!(i64).map_or(Value::Null, Value::Int),
        Type::OID => get!(u32).map_or(Value::Null, |n| Value::Int(n.into())),
        Type::NUMERIC => get!(Decimal).map_or(Value::Null, Value::Decimal),
        Type::FLOAT4 => get!(f32)
            .and_then(|f| real_to_decimal(f.into()))
            .map_or(Value::Null, Value::Decimal),
        Type::FLOAT8 => get!(f64)
            .and_then(real_to_decimal)
            .map_or(Value::Null, Value::Decimal),
        Type::BPCHAR => get!(String).map_or(Value::Null, |s| {
            Value::Text(s.trim_end_matches(' ').to_string())
        }),
        Type::TEXT | Type::VARCHAR | Type::NAME | Type::UNKNOWN => {
            get!(String).map_or(Value::Null, Value::Text)
        }
        Type::DATE => get!(NaiveDate).map_or(Value::Null, Value::Date),
        Type::TIMESTAMP => get!(NaiveDateTime).map_or(Value::Null, Value::DateTime),
        Type::TIMESTAMPTZ => get!(DateTime<Utc>).map_or(Value::Null, |t| {
            Value::DateTime(t.with_timezone(&chrono::Local).naive_local())
        }),
        Type::TIME => get!(NaiveTime).map_or(Value::Null, |t| {
            Value::Text(t.format("%H:%M:%S").to_string())
        }),
        Type::BYTEA => get!(Vec<u8>).map_or(Value::Null, Value::Bytes),
        // A type of another name that is text on the wire (citext, a
        // domain over text, an enum).
        _ if <String as tokio_postgres::types::FromSql>::accepts(ty) => {
            get!(String).map_or(Value::Null, Value::Text)
        }
        _ => {
            return Err(Unreadable(format!(
                "column {} has type {ty}, which hisgw does not read: cast it in the mapping (CAST(... AS text), or AS numeric for money)",
                column.name()
            )))
        }
    })
}
