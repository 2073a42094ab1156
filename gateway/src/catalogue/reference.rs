//! The field reference a mapper reads: every method with its request and
//! response fields — type, required, conditionally required (the spec's own
//! condition), default — and the mapping section each response field is
//! returned by. `hisgw spec [METHOD]` prints it; `mappings/METHODS.md` is
//! this text, kept current by a test.

use std::fmt::Write;

use super::{DefaultRule, Direction, Field, FieldType, Kind, List, Method, METHODS};

/// The whole reference, as `mappings/METHODS.md` holds it.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str(
        "# Methods and fields\n\n\
         Generated from hisgw's catalogue of the Ruibo HIS interface v2.6.1 by\n\
         `hisgw spec > mappings/METHODS.md` (a test fails when it is out of date).\n\
         Field names are the spec's spelling, slips included.\n\n\
         - **required**: `yes` — a request without it is refused; a response\n  \
         section must select it (`NULL AS name` when the HIS has nothing).\n  \
         `if …`, `one of …` — the spec requires it only in that case: select it\n  \
         whenever the HIS has it. `no` — leave it out of the SELECT when the HIS\n  \
         has nothing.\n\
         - **type**: text is passed as is; `date` is `yyyy-MM-dd`; `datetime` is\n  \
         `yyyy-MM-dd HH:mm:ss` (local time, never shifted); `money` is yuan as an\n  \
         exact decimal, sent with at least two decimal places; `id card` is an\n  \
         18-character resident ID number.\n\
         - **section**: the `-- @section` a response field is returned by.\n\n",
    );
    out.push_str("| § | method | title | kind |\n|---|---|---|---|\n");
    for m in METHODS {
        let _ = writeln!(
            out,
            "| {} | [{}](#{}) | {} | {} |",
            m.section,
            m.key(),
            anchor(m),
            m.title,
            kind(m)
        );
    }
    for m in METHODS {
        out.push('\n');
        out.push_str(&method(m));
    }
    out
}

/// The reference of one method.
pub fn method(m: &Method) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {} {} — {}\n", m.section, m.key(), m.title);
    let _ = writeln!(out, "{}.\n", kind_sentence(m));
    let request_title = match m.direction {
        Direction::Inbound => "Request (the platform sends; `:name` parameters)",
        Direction::Outbound if m.push => "Request (the event source selects these columns)",
        Direction::Outbound => "Request (hisgw sends)",
    };
    let _ = writeln!(out, "{request_title}:\n");
    if m.request.fields.is_empty() {
        out.push_str("(no fields)\n");
    } else {
        table(&mut out, m.request.fields);
    }
    let response = &m.response;
    if response.fields.is_empty() && response.list.is_none() {
        out.push_str("\nResponse: `result` and `message` only.\n");
        return out;
    }
    let _ = writeln!(out, "\nResponse (besides `result` and `message`):\n");
    let mut rows = Vec::new();
    if !response.fields.is_empty() {
        rows.push((response.fields, "header"));
    }
    let mut next = response.list;
    while let Some(list) = next {
        rows.push((list.fields, list.section));
        next = list.child;
    }
    response_table(&mut out, &rows, response.list);
    out
}

fn response_table(out: &mut String, sections: &[(&[Field], &str)], list: Option<&List>) {
    out.push_str("| field | type | required | section | note |\n|---|---|---|---|---|\n");
    for (fields, section) in sections {
        for f in fields.iter() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | `{}` | {} |",
                f.name,
                type_name(f.ty),
                required(f),
                section,
                cell(f.doc)
            );
        }
    }
    if let Some(key) = list.and_then(|l| l.child).and_then(|c| c.key) {
        let _ = writeln!(
            out,
            "\nRows of the nested list join their parent row on `{key}` (select it in both sections)."
        );
    }
}

fn table(out: &mut String, fields: &[Field]) {
    out.push_str("| field | type | required | default | note |\n|---|---|---|---|---|\n");
    for f in fields {
        let default = f.default.map(default_text).unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            f.name,
            type_name(f.ty),
            required(f),
            default,
            cell(f.doc)
        );
    }
}

fn anchor(m: &Method) -> String {
    let title: String = format!("{} {} — {}", m.section, m.key(), m.title)
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    title
}

fn kind(m: &Method) -> &'static str {
    match (m.direction, m.kind) {
        (Direction::Outbound, _) if m.push => "push",
        (Direction::Outbound, _) => "to the platform",
        (_, Kind::Read) => "read",
        (_, Kind::Write) => "write",
        (_, Kind::Payment) => "payment",
        (_, Kind::Reconciliation) => "reconciliation",
        (_, Kind::Outbound) => "to the platform",
    }
}

fn kind_sentence(m: &Method) -> String {
    let mut s = match (m.direction, m.kind) {
        (Direction::Outbound, _) if m.push => format!(
            "A push to the platform, from the event source `push/{}.sql`",
            m.key()
        ),
        (Direction::Outbound, _) => "A call hisgw makes to the platform".to_string(),
        (_, Kind::Read) => "A read: the platform calls it; the mapping only reads".to_string(),
        (_, Kind::Write) => {
            "A write: runs in one transaction that commits only on `success`".to_string()
        }
        (_, Kind::Payment) => {
            "A payment notification: booked exactly once per tradeNo (claim, mapping, settle in one transaction)".to_string()
        }
        (_, Kind::Reconciliation) => "Reconciliation".to_string(),
        (_, Kind::Outbound) => "A call hisgw makes to the platform".to_string(),
    };
    if m.ledger.is_some() {
        s.push_str("; answered from hisgw's payment ledger when not mapped");
    }
    if m.sign.is_some() {
        s.push_str("; carries a §17 signature");
    }
    s
}

fn type_name(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::IdCard => "id card",
        FieldType::Int => "integer",
        FieldType::Date => "date",
        FieldType::DateTime => "datetime",
        FieldType::Money => "money",
        FieldType::Decimal => "decimal",
    }
}

/// `yes`, `no`, or the spec's condition (`if 专家`, `one of a, b`).
fn required(f: &Field) -> String {
    if f.required {
        return "yes".into();
    }
    condition(f.doc).unwrap_or_else(|| "no".into())
}

/// The condition a field's description states: `(专家必填)` → `if 专家`,
/// `(a 和 b 必须二选一)` → `one of a, b`.
pub fn condition(doc: &str) -> Option<String> {
    let inside = doc
        .split(['(', '（'])
        .skip(1)
        .map(|p| p.trim_end_matches([')', '）']).trim())
        .find(|p| p.contains("必填") || p.contains("二选一"))?;
    if inside.contains("二选一") {
        let names: Vec<&str> = inside
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        return Some(if names.len() >= 2 {
            format!("one of {}", names.join(", "))
        } else {
            inside.to_string()
        });
    }
    Some(format!("if {}", inside.replace("必填", "").trim()))
}

fn default_text(rule: DefaultRule) -> String {
    match rule {
        DefaultRule::DaysAfter { field, days } => format!("{field} + {days} days"),
        DefaultRule::MonthsBeforeToday { months } => format!("today − {months} months"),
        DefaultRule::Today => "today".into(),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_are_read_from_the_spec_description() {
        assert_eq!(condition("医生代码 (专家必填)").as_deref(), Some("if 专家"));
        assert_eq!(
            condition("HIS 挂号 ID (register_id 和 his_id 必须二选一)").as_deref(),
            Some("one of register_id, his_id")
        );
        assert_eq!(condition("科室地址"), None);
    }

    #[test]
    fn mappings_methods_md_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../mappings/METHODS.md");
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == markdown(),
            "mappings/METHODS.md is out of date: run `cargo run -- spec > mappings/METHODS.md`"
        );
    }

    #[test]
    fn every_method_and_field_is_in_the_reference() {
        let text = markdown();
        for m in METHODS {
            assert!(text.contains(&format!("## {} {} — ", m.section, m.key())));
            for f in m.request.all_fields().chain(m.response.all_fields()) {
                assert!(text.contains(&format!("| {} | ", f.name)), "{}", f.name);
            }
        }
    }
}
