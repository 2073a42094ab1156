//! Shape: turns the result sets of a method's mapping into the response the
//! catalogue describes — fields by the spec's names, in the spec's order,
//! each value formatted by its type; lists and nested lists attached.
//!
//! This module owns value formatting (dates, date-times, money) and the
//! `result`/`message` columns. It must never touch SQL, the database or the
//! wire format: its output, `Reply`, is encoded by `encode`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::catalogue::field::IS_REFUND;
use crate::catalogue::{Field, FieldType, List, Method};
use crate::execute::{ResultSet, Value};
use crate::money;
use crate::validate::{parse_date, parse_datetime};

/// A response ready to encode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub result: String,
    pub message: String,
    pub body: Option<Body>,
}

impl Reply {
    pub fn error(message: impl Into<String>) -> Self {
        Reply {
            result: "error".into(),
            message: message.into(),
            body: None,
        }
    }

    pub fn is_success(&self) -> bool {
        self.result.eq_ignore_ascii_case("success")
    }
}

/// A reply as a call hands it on: one shared value — a cached answer is the
/// same value for every caller — that keeps each wire form written of it,
/// so a cached answer is encoded once, not once per call. The forms are
/// opaque bytes here: `encode` writes them and the HTTP layer says which
/// slot holds which.
#[derive(Debug, Clone)]
pub struct Answer(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    reply: Reply,
    forms: [OnceLock<bytes::Bytes>; Answer::FORMS],
}

impl Answer {
    /// How many wire forms an answer can keep.
    pub const FORMS: usize = 6;

    pub fn new(reply: Reply) -> Answer {
        Answer(Arc::new(Shared {
            reply,
            forms: Default::default(),
        }))
    }

    pub fn reply(&self) -> &Reply {
        &self.0.reply
    }

    /// Wire form number `form` (below `FORMS`), written by `write` the
    /// first time it is asked for. A form out of range is written afresh.
    pub fn form(&self, form: usize, write: impl FnOnce(&Reply) -> bytes::Bytes) -> bytes::Bytes {
        match self.0.forms.get(form) {
            Some(slot) => slot.get_or_init(|| write(&self.0.reply)).clone(),
            None => write(&self.0.reply),
        }
    }
}

impl std::ops::Deref for Answer {
    type Target = Reply;

    fn deref(&self) -> &Reply {
        &self.0.reply
    }
}

impl From<Reply> for Answer {
    fn from(reply: Reply) -> Answer {
        Answer::new(reply)
    }
}

/// The method-specific part of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// Element around the top-level fields (4.4 `<data>`).
    pub wrap: Option<&'static str>,
    pub fields: Vec<(&'static str, String)>,
    pub list: Option<ListOut>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOut {
    pub wrapper: Option<&'static str>,
    pub item: &'static str,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub fields: Vec<(&'static str, String)>,
    pub child: Option<ListOut>,
}

/// The rows a mapping returned, by the part of the response they feed.
#[derive(Debug, Default)]
pub struct Rows {
    pub header: Option<ResultSet>,
    /// By nesting depth: the response's list, then its child list.
    pub lists: Vec<Option<ResultSet>>,
}

/// Which part of the response a result set feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Top-level fields (and `result`/`message`).
    Header,
    /// The list at this nesting depth (0 = the response's list, 1 = its child).
    List(usize),
}

/// Sorts result sets into the parts of the response: the k-th result set of
/// a section feeds its k-th part; a statement that returns fewer leaves the
/// rest empty.
pub fn assemble(parts: &[Vec<Part>], sets: Vec<Vec<ResultSet>>) -> Rows {
    let mut rows = Rows::default();
    for (section, results) in parts.iter().zip(sets) {
        for (part, set) in section.iter().zip(results) {
            match *part {
                Part::Header => rows.header = Some(set),
                Part::List(depth) => {
                    if rows.lists.len() <= depth {
                        rows.lists.resize_with(depth + 1, || None);
                    }
                    rows.lists[depth] = Some(set);
                }
            }
        }
    }
    rows
}

/// What to answer when a mapping finds nothing.
#[derive(Debug, Clone)]
pub struct WhenEmpty<'a> {
    pub success: bool,
    pub message: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("the HIS returned {value:?} for {field}, which is not {expected}")]
    Value {
        field: &'static str,
        value: String,
        expected: &'static str,
    },
    /// The rule `hisgw check` applies before a mapping serves, kept at run
    /// time for what could not be compiled (a stored procedure's sets).
    #[error("the mapping returns no column {field}, a required field: select it (NULL AS {field} when the HIS has nothing for it)")]
    Missing { field: &'static str },
}

impl ShapeError {
    pub fn field(&self) -> &'static str {
        match self {
            ShapeError::Value { field, .. } | ShapeError::Missing { field } => field,
        }
    }
}

/// Builds the reply of `method` from its mapping's rows.
pub fn shape(method: &Method, rows: Rows, empty: &WhenEmpty<'_>) -> Result<Reply, ShapeError> {
    let response = &method.response;
    let mut lists = rows.lists.into_iter();
    let mut list_rows = lists.next().flatten();
    let child_rows = lists.next().flatten();

    // `result` and `message` come from the first row of the header, or of
    // the list when the mapping has no header section.
    let status_set = rows.header.as_ref().or(list_rows.as_ref());
    let status = status_set.and_then(|set| set.rows.first().map(|row| (set, row)));
    let result = status.and_then(|(set, row)| text_column(set, row, "result"));
    let message = status.and_then(|(set, row)| text_column(set, row, "message"));

    let header_row = rows
        .header
        .as_ref()
        .and_then(|set| set.rows.first().map(|row| (set, row)));
    let header_expected = rows.header.is_some() || !response.fields.is_empty();
    let list_empty = list_rows.as_ref().is_none_or(|s| s.rows.is_empty());
    let nothing_found = if header_expected {
        header_row.is_none()
    } else {
        list_empty
    };
    if nothing_found && result.is_none() {
        return Ok(Reply {
            result: if empty.success { "success" } else { "error" }.into(),
            message: if empty.success {
                String::new()
            } else {
                empty.message.to_string()
            },
            body: match (empty.success, response.list) {
                (true, Some(list)) => Some(Body {
                    wrap: None,
                    fields: Vec::new(),
                    list: Some(ListOut {
                        wrapper: list.wrapper,
                        item: list.item,
                        rows: Vec::new(),
                    }),
                }),
                _ => None,
            },
        });
    }
    let result = result.unwrap_or_else(|| "success".into());
    let message = message.unwrap_or_default();
    // Only a success carries the method's fields (a booking that is `full`
    // or `close` has no registerId to send) — except a payment's `isRefund`,
    // which means something only when the payment failed.
    if !result.eq_ignore_ascii_case("success") {
        let is_refund = response.fields.iter().find(|f| f.name == IS_REFUND);
        let refund = match (is_refund, header_row) {
            (Some(field), Some((set, row))) => set
                .column(IS_REFUND)
                .and_then(|i| row.get(i))
                .filter(|v| **v != Value::Null)
                .map(|v| format_value(field, v))
                .transpose()?
                .map(|v| (field.name, v)),
            _ => None,
        };
        return Ok(Reply {
            result,
            message,
            body: refund.map(|field| Body {
                wrap: None,
                fields: vec![field],
                list: None,
            }),
        });
    }

    let fields = match header_row {
        Some((set, row)) => shape_row(response.fields, set, row)?,
        None => Vec::new(),
    };
    let list = match response.list {
        Some(list) => Some(shape_list(list, list_rows.as_mut(), child_rows.as_ref())?),
        None => None,
    };
    Ok(Reply {
        result,
        message,
        body: Some(Body {
            wrap: response.wrap,
            fields,
            list,
        }),
    })
}

fn shape_list(
    list: &'static List,
    rows: Option<&mut ResultSet>,
    child_rows: Option<&ResultSet>,
) -> Result<ListOut, ShapeError> {
    let mut children = match (list.child, child_rows) {
        (Some(child), Some(set)) => group_children(child, set)?,
        _ => HashMap::new(),
    };
    let key_index = list
        .child
        .and_then(|c| c.key)
        .and_then(|k| list.fields.iter().position(|f| f.name == k));
    let mut out = Vec::new();
    if let Some(set) = rows {
        let columns = column_indexes(list.fields, set);
        out.reserve(set.rows.len());
        for row in &mut set.rows {
            let fields = shape_row_with(list.fields, &columns, |field, i| {
                row.get_mut(i).map(|v| format_taken(field, v))
            })?;
            let child = match (list.child, key_index) {
                (Some(child), Some(k)) => {
                    let key = fields
                        .iter()
                        .find(|(n, _)| *n == list.fields[k].name)
                        .map(|(_, v)| v.as_str());
                    key.and_then(|key| children.remove(key))
                        .map(|rows| ListOut {
                            wrapper: child.wrapper,
                            item: child.item,
                            rows,
                        })
                }
                _ => None,
            };
            out.push(Row { fields, child });
        }
    }
    Ok(ListOut {
        wrapper: list.wrapper,
        item: list.item,
        rows: out,
    })
}

/// Child rows by the formatted value of their key, in their query order.
fn group_children(
    child: &'static List,
    set: &ResultSet,
) -> Result<HashMap<String, Vec<Row>>, ShapeError> {
    let key = child.key.unwrap_or_default();
    let columns = column_indexes(child.fields, set);
    let mut groups: HashMap<String, Vec<Row>> = HashMap::new();
    for row in &set.rows {
        let fields = shape_row_with(child.fields, &columns, |field, i| {
            row.get(i).map(|v| format_value(field, v))
        })?;
        let k = fields
            .iter()
            .find(|(n, _)| *n == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        groups.entry(k).or_default().push(Row {
            fields,
            child: None,
        });
    }
    Ok(groups)
}

fn shape_row(
    fields: &'static [Field],
    set: &ResultSet,
    row: &[Value],
) -> Result<Vec<(&'static str, String)>, ShapeError> {
    shape_row_with(fields, &column_indexes(fields, set), |field, i| {
        row.get(i).map(|v| format_value(field, v))
    })
}

fn column_indexes(fields: &[Field], set: &ResultSet) -> Vec<Option<usize>> {
    fields.iter().map(|f| set.column(f.name)).collect()
}

/// A column the mapping selected is always sent (empty when NULL); an
/// optional field it does not select is left out, and a required one is
/// the mapping's fault.
fn shape_row_with(
    fields: &'static [Field],
    columns: &[Option<usize>],
    mut value: impl FnMut(&'static Field, usize) -> Option<Result<String, ShapeError>>,
) -> Result<Vec<(&'static str, String)>, ShapeError> {
    let mut out = Vec::with_capacity(fields.len());
    let mut missing = None;
    for (field, column) in fields.iter().zip(columns) {
        match column.and_then(|i| value(field, i)) {
            Some(formatted) => out.push((field.name, formatted?)),
            None if field.required => missing = missing.or(Some(field.name)),
            None => {}
        }
    }
    match missing {
        Some(field) => Err(ShapeError::Missing { field }),
        None => Ok(out),
    }
}

fn text_column(set: &ResultSet, row: &[Value], name: &str) -> Option<String> {
    let i = set.column(name)?;
    match row.get(i)? {
        Value::Null => None,
        Value::Text(t) => Some(t.trim().to_string()),
        Value::Int(n) => Some(n.to_string()),
        Value::Decimal(d) => Some(d.to_string()),
        Value::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
        Value::DateTime(dt) => Some(dt.format("%Y-%m-%d %H:%M:%S").to_string()),
        Value::Bytes(_) => None,
    }
}

/// Formats a database value as the wire text of `field`.
pub fn format_value(field: &'static Field, value: &Value) -> Result<String, ShapeError> {
    let bad = |value: String, expected| ShapeError::Value {
        field: field.name,
        value: value.chars().take(64).collect(),
        expected,
    };
    Ok(match (field.ty, value) {
        (_, Value::Null) => String::new(),
        (FieldType::Date, Value::Date(d)) => d.format("%Y-%m-%d").to_string(),
        (FieldType::Date, Value::DateTime(dt)) => dt.format("%Y-%m-%d").to_string(),
        (FieldType::Date, Value::Text(t)) if t.trim().is_empty() => String::new(),
        (FieldType::Date, Value::Text(t)) if is_canonical_date(t) => t.clone(),
        (FieldType::Date, Value::Text(t)) => parse_date(t)
            .ok_or_else(|| bad(t.clone(), "a date"))?
            .format("%Y-%m-%d")
            .to_string(),
        (FieldType::Date, Value::Int(n)) => parse_date(&n.to_string())
            .ok_or_else(|| bad(n.to_string(), "a date"))?
            .format("%Y-%m-%d")
            .to_string(),
        (FieldType::DateTime, Value::DateTime(dt)) => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
        (FieldType::DateTime, Value::Date(d)) => format!("{} 00:00:00", d.format("%Y-%m-%d")),
        (FieldType::DateTime, Value::Text(t)) if t.trim().is_empty() => String::new(),
        (FieldType::DateTime, Value::Text(t)) if is_canonical_datetime(t) => t.clone(),
        (FieldType::DateTime, Value::Text(t)) => parse_datetime(t)
            .ok_or_else(|| bad(t.clone(), "a date-time"))?
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        (FieldType::Money, Value::Decimal(d)) => money::format_money(*d),
        (FieldType::Money, Value::Int(n)) => money::format_money((*n).into()),
        (FieldType::Money, Value::Text(t)) if t.trim().is_empty() => String::new(),
        (FieldType::Money, Value::Text(t)) => {
            money::format_money(money::parse_decimal(t).ok_or_else(|| bad(t.clone(), "an amount"))?)
        }
        (FieldType::Decimal, Value::Decimal(d)) => money::format_decimal(*d),
        (FieldType::Int, Value::Decimal(d)) if d.fract().is_zero() => {
            d.trunc().normalize().to_string()
        }
        (_, Value::Int(n)) => n.to_string(),
        (_, Value::Decimal(d)) => money::format_decimal(*d),
        (_, Value::Text(t)) => t.clone(),
        (_, Value::Date(d)) => d.format("%Y-%m-%d").to_string(),
        (_, Value::DateTime(dt)) => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
        (_, Value::Bytes(b)) => {
            return Err(bad(format!("{} bytes of binary data", b.len()), "text"))
        }
    })
}

/// `format_value` of a value the shaper may consume: text sent as stored
/// is moved out, not copied (a list of a few hundred rows is most of a
/// read's answer).
fn format_taken(field: &'static Field, value: &mut Value) -> Result<String, ShapeError> {
    let as_stored = match (field.ty, &*value) {
        (FieldType::Money, _) => false,
        (FieldType::Date, Value::Text(t)) => is_canonical_date(t),
        (FieldType::DateTime, Value::Text(t)) => is_canonical_datetime(t),
        (_, Value::Text(_)) => true,
        _ => false,
    };
    match value {
        Value::Text(t) if as_stored => Ok(std::mem::take(t)),
        _ => format_value(field, value),
    }
}

/// `yyyy-MM-dd` naming a real day: already the wire form, so it is sent
/// as stored without a parse and format round trip (the common case).
fn is_canonical_date(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(&b[..4])
            .zip(digits(&b[5..7]))
            .zip(digits(&b[8..10]))
            .is_some_and(|((y, m), d)| chrono::NaiveDate::from_ymd_opt(y as i32, m, d).is_some())
}

/// `yyyy-MM-dd HH:mm:ss` naming a real instant, already the wire form.
fn is_canonical_datetime(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 19
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
        && is_canonical_date(&t[..10])
        && digits(&b[11..13])
            .zip(digits(&b[14..16]))
            .zip(digits(&b[17..19]))
            .is_some_and(|((h, m), s)| h < 24 && m < 60 && s < 60)
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

#[cfg(test)]
mod tests;
