//! Exact decimal SQL functions registered on every SQLite connection
//! (`dec_sum`, `dec_add`, `dec_sub`, `dec_mul`), so SQLite mappings can add
//! up money without binary floating point. Each returns TEXT.

use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use rust_decimal::Decimal;

use crate::money::{format_decimal, parse_decimal, real_to_decimal};

pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("dec_add", 2, flags, |ctx| {
        binary(ctx, |a, b| a.checked_add(b))
    })?;
    conn.create_scalar_function("dec_sub", 2, flags, |ctx| {
        binary(ctx, |a, b| a.checked_sub(b))
    })?;
    conn.create_scalar_function("dec_mul", 2, flags, |ctx| {
        binary(ctx, |a, b| a.checked_mul(b))
    })?;
    conn.create_aggregate_function("dec_sum", 1, flags, DecSum)
}

fn arg(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<Decimal>> {
    let bad = |what: &str| {
        rusqlite::Error::UserFunctionError(
            format!("argument {} is not a decimal: {what}", i + 1).into(),
        )
    };
    match ctx.get_raw(i) {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(n) => Ok(Some(Decimal::from(n))),
        ValueRef::Real(f) => real_to_decimal(f)
            .map(Some)
            .ok_or_else(|| bad(&f.to_string())),
        ValueRef::Text(t) => {
            let text = String::from_utf8_lossy(t);
            parse_decimal(&text).map(Some).ok_or_else(|| bad(&text))
        }
        ValueRef::Blob(_) => Err(bad("blob")),
    }
}

fn binary(
    ctx: &Context<'_>,
    op: impl Fn(Decimal, Decimal) -> Option<Decimal>,
) -> rusqlite::Result<Option<String>> {
    match (arg(ctx, 0)?, arg(ctx, 1)?) {
        (Some(a), Some(b)) => op(a, b)
            .map(|d| Some(format_decimal(d)))
            .ok_or_else(|| rusqlite::Error::UserFunctionError("decimal overflow".into())),
        _ => Ok(None),
    }
}

/// Sum over rows; NULLs are skipped and no rows give '0' (like SQLite's `total()`).
struct DecSum;

impl Aggregate<Decimal, String> for DecSum {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<Decimal> {
        Ok(Decimal::ZERO)
    }

    fn step(&self, ctx: &mut Context<'_>, acc: &mut Decimal) -> rusqlite::Result<()> {
        if let Some(v) = arg(ctx, 0)? {
            *acc = acc
                .checked_add(v)
                .ok_or_else(|| rusqlite::Error::UserFunctionError("decimal overflow".into()))?;
        }
        Ok(())
    }

    fn finalize(&self, _: &mut Context<'_>, acc: Option<Decimal>) -> rusqlite::Result<String> {
        Ok(format_decimal(acc.unwrap_or(Decimal::ZERO)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_and_arithmetic_are_exact() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.execute_batch(
            "CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('0.10'),('0.20'),(NULL),('1000.005');",
        )
        .unwrap();
        let sum: String = conn
            .query_row("SELECT dec_sum(x) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sum, "1000.305");
        let empty: String = conn
            .query_row("SELECT dec_sum(x) FROM t WHERE 0", [], |r| r.get(0))
            .unwrap();
        assert_eq!(empty, "0");
        let row: (String, String, String) = conn
            .query_row(
                "SELECT dec_add('0.1', 0.2), dec_sub('3000', '2013.61'), dec_mul('250.00', 2)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(row, ("0.3".into(), "986.39".into(), "500".into()));
        let null: Option<String> = conn
            .query_row("SELECT dec_add(NULL, '1')", [], |r| r.get(0))
            .unwrap();
        assert_eq!(null, None);
        assert!(conn
            .query_row("SELECT dec_add('abc', '1')", [], |r| r.get::<_, String>(0))
            .is_err());
        // The mapping guide's forms for money kept in fen.
        let fen: (String, String) = conn
            .query_row(
                "SELECT dec_sub(dec_mul('18.00', '100'), 1800), dec_mul(1805, '0.01')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(fen, ("0".into(), "18.05".into()));
    }
}
