//! Encode: writes a `Reply` as the spec's `<response>` XML.
//!
//! This module owns the wire text of responses (escaping, element order as
//! shaped). It must never decide content: it writes what `shape` built, and
//! it always produces well-formed XML, whatever the database held.

use crate::shape::{Body, ListOut, Reply};

/// `<response><result>…</result><message>…</message>…</response>`, UTF-8, no prolog
/// (as the spec's examples).
pub fn encode_xml(reply: &Reply) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("<response>");
    element(&mut out, "result", &reply.result);
    element(&mut out, "message", &reply.message);
    if let Some(body) = &reply.body {
        write_body(&mut out, body);
    }
    out.push_str("</response>");
    out
}

fn write_body(out: &mut String, body: &Body) {
    if let Some(wrap) = body.wrap {
        open(out, wrap);
    }
    for (name, value) in &body.fields {
        element(out, name, value);
    }
    if let Some(wrap) = body.wrap {
        close(out, wrap);
    }
    if let Some(list) = &body.list {
        write_list(out, list);
    }
}

fn write_list(out: &mut String, list: &ListOut) {
    if let Some(wrapper) = list.wrapper {
        open(out, wrapper);
    }
    for row in &list.rows {
        open(out, list.item);
        for (name, value) in &row.fields {
            element(out, name, value);
        }
        if let Some(child) = &row.child {
            write_list(out, child);
        }
        close(out, list.item);
    }
    if let Some(wrapper) = list.wrapper {
        close(out, wrapper);
    }
}

fn open(out: &mut String, name: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn element(out: &mut String, name: &str, value: &str) {
    open(out, name);
    escape_into(out, value);
    close(out, name);
}

/// Escapes markup characters and drops characters XML 1.0 cannot carry
/// (control characters a legacy database may hold), so the document stays
/// well-formed.
pub fn escape_into(out: &mut String, text: &str) {
    let clean = |c: char| !matches!(c, '&' | '<' | '>') && is_xml_char(c);
    if text.chars().all(clean) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::Row;

    #[test]
    fn error_reply() {
        assert_eq!(
            encode_xml(&Reply::error("缺少必填参数 patientCard")),
            "<response><result>error</result><message>缺少必填参数 patientCard</message></response>"
        );
    }

    #[test]
    fn nested_list_and_escaping() {
        let reply = Reply {
            result: "success".into(),
            message: String::new(),
            body: Some(Body {
                wrap: None,
                fields: vec![],
                list: Some(ListOut {
                    wrapper: Some("content"),
                    item: "data",
                    rows: vec![Row {
                        fields: vec![
                            ("prescriptionNo", "1".into()),
                            ("feeName", "A&B <x>\u{1}".into()),
                        ],
                        child: Some(ListOut {
                            wrapper: Some("feeDetail"),
                            item: "data",
                            rows: vec![Row {
                                fields: vec![("price", "1.00".into())],
                                child: None,
                            }],
                        }),
                    }],
                }),
            }),
        };
        assert_eq!(
            encode_xml(&reply),
            "<response><result>success</result><message></message><content><data><prescriptionNo>1</prescriptionNo><feeName>A&amp;B &lt;x&gt;</feeName><feeDetail><data><price>1.00</price></data></feeDetail></data></content></response>"
        );
    }

    #[test]
    fn wrapped_fields() {
        let reply = Reply {
            result: "success".into(),
            message: String::new(),
            body: Some(Body {
                wrap: Some("data"),
                fields: vec![("realName", "张三".into())],
                list: None,
            }),
        };
        assert_eq!(
            encode_xml(&reply),
            "<response><result>success</result><message></message><data><realName>张三</realName></data></response>"
        );
    }
}
