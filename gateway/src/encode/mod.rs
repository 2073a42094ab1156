//! Encode: writes a `Reply` as the spec's `<response>` XML, as JSON of the
//! same structure, or inside a SOAP answer.
//!
//! This module owns the wire text of responses (escaping, element order as
//! shaped). It must never decide content: it writes what `shape` built, and
//! it always produces well-formed XML, whatever the database held.

mod json;
mod soap;

pub use json::encode_json;
pub use soap::{encode_fault, encode_soap, encode_soap_call};

use serde::Deserialize;

use crate::shape::{Body, ListOut, Reply};

/// The character encoding of a hospital's XML and SOAP answers
/// (`[options] response_encoding`): UTF-8, or GBK/GB18030 for platform
/// clients of legacy systems that expect it. JSON is always UTF-8.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum ResponseEncoding {
    #[default]
    #[serde(rename = "utf-8", alias = "UTF-8", alias = "utf8")]
    Utf8,
    #[serde(rename = "gbk", alias = "GBK")]
    Gbk,
    #[serde(rename = "gb18030", alias = "GB18030")]
    Gb18030,
}

impl ResponseEncoding {
    /// The name written in prologs and Content-Type.
    pub fn label(self) -> &'static str {
        match self {
            ResponseEncoding::Utf8 => "UTF-8",
            ResponseEncoding::Gbk => "GBK",
            ResponseEncoding::Gb18030 => "GB18030",
        }
    }

    pub fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            ResponseEncoding::Utf8 => encoding_rs::UTF_8,
            ResponseEncoding::Gbk => encoding_rs::GBK,
            ResponseEncoding::Gb18030 => encoding_rs::GB18030,
        }
    }
}

/// `<response><result>…</result><message>…</message>…</response>`, UTF-8, no prolog
/// (as the spec's examples).
pub fn encode_xml(reply: &Reply) -> String {
    let mut out = String::with_capacity(size_hint(reply));
    write_response(&mut Markup::<false>(&mut out), reply);
    out
}

/// The same document escaped as character data, ready to be the text of
/// another element (a SOAP `<return>`), written in one pass.
pub fn encode_xml_as_text(reply: &Reply) -> String {
    let mut out = String::with_capacity(size_hint(reply) * 5 / 4);
    write_response(&mut Markup::<true>(&mut out), reply);
    out
}

/// About how long a reply's document is (every element with its value):
/// one allocation for the whole answer instead of a dozen regrowths.
fn size_hint(reply: &Reply) -> usize {
    fn fields(fields: &[(&str, String)]) -> usize {
        fields.iter().map(|(n, v)| 2 * n.len() + 5 + v.len()).sum()
    }
    fn list(l: &ListOut) -> usize {
        l.rows
            .iter()
            .map(|r| 2 * l.item.len() + 5 + fields(&r.fields) + r.child.as_ref().map_or(0, list))
            .sum::<usize>()
            + 64
    }
    let body = reply.body.as_ref().map_or(0, |b| {
        fields(&b.fields) + b.list.as_ref().map_or(0, list) + 64
    });
    96 + reply.result.len() + reply.message.len() + body
}

/// Where markup goes: as markup, or (`AS_TEXT`) escaped as the text of an
/// element.
struct Markup<'a, const AS_TEXT: bool>(&'a mut String);

impl<const AS_TEXT: bool> Markup<'_, AS_TEXT> {
    fn open(&mut self, name: &str) {
        if AS_TEXT {
            self.0.push_str("&lt;");
            self.0.push_str(name);
            self.0.push_str("&gt;");
        } else {
            self.0.push('<');
            self.0.push_str(name);
            self.0.push('>');
        }
    }

    fn close(&mut self, name: &str) {
        if AS_TEXT {
            self.0.push_str("&lt;/");
            self.0.push_str(name);
            self.0.push_str("&gt;");
        } else {
            self.0.push_str("</");
            self.0.push_str(name);
            self.0.push('>');
        }
    }

    fn element(&mut self, name: &str, value: &str) {
        self.open(name);
        if AS_TEXT {
            // Escaped once for the inner document, once more as its text.
            escape_with(self.0, value, ["&amp;amp;", "&amp;lt;", "&amp;gt;"]);
        } else {
            escape_into(self.0, value);
        }
        self.close(name);
    }
}

fn write_response<const T: bool>(out: &mut Markup<'_, T>, reply: &Reply) {
    out.open("response");
    out.element("result", &reply.result);
    out.element("message", &reply.message);
    if let Some(body) = &reply.body {
        write_body(out, body);
    }
    out.close("response");
}

fn write_body<const T: bool>(out: &mut Markup<'_, T>, body: &Body) {
    if let Some(wrap) = body.wrap {
        out.open(wrap);
    }
    for (name, value) in &body.fields {
        out.element(name, value);
    }
    if let Some(wrap) = body.wrap {
        out.close(wrap);
    }
    if let Some(list) = &body.list {
        write_list(out, list);
    }
}

fn write_list<const T: bool>(out: &mut Markup<'_, T>, list: &ListOut) {
    if let Some(wrapper) = list.wrapper {
        out.open(wrapper);
    }
    for row in &list.rows {
        out.open(list.item);
        for (name, value) in &row.fields {
            out.element(name, value);
        }
        if let Some(child) = &row.child {
            write_list(out, child);
        }
        out.close(list.item);
    }
    if let Some(wrapper) = list.wrapper {
        out.close(wrapper);
    }
}

/// The bytes `escape_with` has to look at: markup, the control characters
/// XML 1.0 cannot carry, and 0xEF (which starts U+FFFE and U+FFFF).
const LOOK_AT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = !matches!(b, 0x09 | 0x0A | 0x0D);
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[0xEF] = true;
    table
};

/// Escapes markup characters and drops characters XML 1.0 cannot carry
/// (control characters a legacy database may hold), so the document stays
/// well-formed. Runs of ordinary text are copied whole: a SOAP answer
/// escapes a whole `<response>` document this way.
pub fn escape_into(out: &mut String, text: &str) {
    escape_with(out, text, ["&amp;", "&lt;", "&gt;"]);
}

/// `escape_into` with the replacements of `&`, `<` and `>`.
fn escape_with(out: &mut String, text: &str, [amp, lt, gt]: [&str; 3]) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Most text needs nothing: skip it a table lookup at a time.
        if !LOOK_AT[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let (replacement, skip): (&str, usize) = match bytes[i] {
            b'&' => (amp, 1),
            b'<' => (lt, 1),
            b'>' => (gt, 1),
            0..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F => ("", 1),
            // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters.
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                ("", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[start..i]);
        out.push_str(replacement);
        i += skip;
        start = i;
    }
    out.push_str(&text[start..]);
}

#[cfg(test)]
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
    fn escaping_matches_the_character_rules() {
        let reference = |text: &str| {
            let mut out = String::new();
            for c in text.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    c if is_xml_char(c) => out.push(c),
                    _ => {}
                }
            }
            out
        };
        for text in [
            "",
            "plain",
            "<response><result>A&B</result></response>",
            "张三\u{1}\u{8}\t\n\r>\u{FFFE}x\u{FFFF}\u{FFFD}\u{E000}😀",
            "\u{7F}\u{1F}end&",
        ] {
            let mut out = String::new();
            escape_into(&mut out, text);
            assert_eq!(out, reference(text), "{text:?}");
        }
    }

    #[test]
    fn the_text_form_is_the_document_escaped() {
        let reply = Reply {
            result: "success".into(),
            message: "A&B <c>".into(),
            body: Some(Body {
                wrap: Some("data"),
                fields: vec![("name", "张三&\u{1}".into())],
                list: None,
            }),
        };
        let mut escaped = String::new();
        escape_into(&mut escaped, &encode_xml(&reply));
        assert_eq!(encode_xml_as_text(&reply), escaped);
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
