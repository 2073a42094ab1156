//! Values across TDS: result cells into `Value` (exact decimals, dates as
//! stored, `char` padding trimmed), and NULL parameters written into the
//! SQL as typed NULLs.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use tiberius::{ColumnData, FromSql};

use crate::execute::{ExecError, Param, Statement, Value};
use crate::money::real_to_decimal;

/// The statement's SQL with every placeholder of a NULL parameter replaced
/// by a typed NULL (`CAST(NULL AS NVARCHAR(4000))`, or `CAST(NULL AS
/// VARCHAR(8000))` where the mapping binds it as varchar).
pub(super) fn with_nulls_inline(statement: &Statement) -> std::borrow::Cow<'_, str> {
    let nulls = |p: &crate::execute::Placeholder| {
        matches!(statement.params.get(p.param), Some(Param::Null))
    };
    if !statement.placeholders.iter().any(nulls) {
        return std::borrow::Cow::Borrowed(&statement.sql);
    }
    let sql = &statement.sql;
    let mut out = String::with_capacity(sql.len() + 32);
    let mut at = 0;
    for p in statement.placeholders.iter().filter(|p| nulls(p)) {
        let Some(original) = sql.get(p.start..p.end) else {
            continue;
        };
        out.push_str(&sql[at..p.start]);
        let name = format!("@P{}", p.param + 1);
        if original == name {
            out.push_str("CAST(NULL AS NVARCHAR(4000))");
        } else {
            out.push_str(&original.replace(&name, "NULL"));
        }
        at = p.end;
    }
    out.push_str(&sql[at..]);
    std::borrow::Cow::Owned(out)
}

/// Converts one cell. `char`/`nchar` padding is trimmed; money and floats
/// become decimals through their 15-significant-digit form; numeric and
/// decimal are exact; date-times stay as stored.
pub(super) fn read_value(data: &ColumnData<'static>, fixed_char: bool) -> Result<Value, ExecError> {
    let conversion = |e: tiberius::error::Error| ExecError::Sql {
        statement: 0,
        message: format!("cannot read a value: {e}"),
    };
    Ok(match data {
        ColumnData::U8(v) => v.map_or(Value::Null, |n| Value::Int(n.into())),
        ColumnData::I16(v) => v.map_or(Value::Null, |n| Value::Int(n.into())),
        ColumnData::I32(v) => v.map_or(Value::Null, |n| Value::Int(n.into())),
        ColumnData::I64(v) => v.map_or(Value::Null, Value::Int),
        ColumnData::F32(v) => v
            .and_then(|f| real_to_decimal(f.into()))
            .map_or(Value::Null, Value::Decimal),
        ColumnData::F64(v) => v
            .and_then(real_to_decimal)
            .map_or(Value::Null, Value::Decimal),
        ColumnData::Bit(v) => v.map_or(Value::Null, |b| Value::Int(b.into())),
        ColumnData::String(v) => match v {
            None => Value::Null,
            Some(s) if fixed_char => Value::Text(s.trim_end_matches(' ').to_string()),
            Some(s) => Value::Text(s.to_string()),
        },
        ColumnData::Guid(v) => v.map_or(Value::Null, |g| Value::Text(g.to_string().to_uppercase())),
        ColumnData::Binary(v) => v.as_ref().map_or(Value::Null, |b| Value::Bytes(b.to_vec())),
        ColumnData::Numeric(v) => match v {
            None => Value::Null,
            Some(n) => Decimal::try_from_i128_with_scale(n.value(), n.scale().into())
                .map(Value::Decimal)
                .map_err(|e| {
                    conversion(tiberius::error::Error::Conversion(e.to_string().into()))
                })?,
        },
        ColumnData::Xml(v) => v
            .as_ref()
            .map_or(Value::Null, |x| Value::Text(x.to_string())),
        ColumnData::Date(_) => NaiveDate::from_sql(data)
            .map_err(conversion)?
            .map_or(Value::Null, Value::Date),
        ColumnData::Time(_) => NaiveTime::from_sql(data)
            .map_err(conversion)?
            .map_or(Value::Null, |t| {
                Value::Text(t.format("%H:%M:%S").to_string())
            }),
        ColumnData::DateTime(_) | ColumnData::SmallDateTime(_) | ColumnData::DateTime2(_) => {
            NaiveDateTime::from_sql(data)
                .map_err(conversion)?
                .map_or(Value::Null, Value::DateTime)
        }
        ColumnData::DateTimeOffset(_) => chrono::DateTime::<chrono::FixedOffset>::from_sql(data)
            .map_err(conversion)?
            // The local time the HIS wrote, never shifted to another zone.
            .map_or(Value::Null, |d| Value::DateTime(d.naive_local())),
        #[allow(unreachable_patterns)]
        other => Value::Text(format!("{other:?}")),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn null_parameters_are_written_as_typed_nulls() {
        use crate::execute::Dialect;
        let (sections, _) = crate::mapping::sql::parse(
            "-- @varchar :b\nSELECT 1 WHERE (:a IS NULL OR x = :a) AND y = :b AND z = :c",
            Dialect::Mssql,
            &[],
        )
        .unwrap();
        let s = &sections[0];
        let statement = Statement {
            sql: Arc::from(s.sql.as_str()),
            params: vec![Param::Null, Param::Null, Param::Text("c".into())],
            placeholders: Arc::from(s.placeholders.clone()),
        };
        assert_eq!(
            with_nulls_inline(&statement).trim(),
            "SELECT 1 WHERE (CAST(NULL AS NVARCHAR(4000)) IS NULL OR x = CAST(NULL AS NVARCHAR(4000))) AND y = CAST(NULL AS VARCHAR(8000)) AND z = @P3"
        );
    }

    #[test]
    fn values_convert_exactly() {
        let n = tiberius::numeric::Numeric::new_with_scale(123456, 2);
        assert_eq!(
            read_value(&ColumnData::Numeric(Some(n)), false).unwrap(),
            Value::Decimal(Decimal::new(123456, 2))
        );
        assert_eq!(
            read_value(&ColumnData::F64(Some(2013.61)), false).unwrap(),
            Value::Decimal(Decimal::new(201361, 2))
        );
        assert_eq!(
            read_value(&ColumnData::String(Some("A01  ".into())), true).unwrap(),
            Value::Text("A01".into())
        );
        assert_eq!(
            read_value(&ColumnData::String(Some("A01  ".into())), false).unwrap(),
            Value::Text("A01  ".into())
        );
        assert_eq!(
            read_value(&ColumnData::I32(None), false).unwrap(),
            Value::Null
        );
        assert_eq!(
            read_value(&ColumnData::Bit(Some(true)), false).unwrap(),
            Value::Int(1)
        );
    }
}
