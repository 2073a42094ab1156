//! The JSON form of a response: the same structure as the XML — `result`,
//! `message`, the fields in spec order, a wrapped group as an object
//! (4.4 `data`), a list as an array under its item name (inside its wrapper
//! object where the XML has one: `"content": {"data": [...]}`). Every value
//! is a string, as in the XML, so amounts keep their exact digits.

use crate::shape::{Body, ListOut, Reply};

pub fn encode_json(reply: &Reply) -> String {
    let mut out = String::with_capacity(256);
    out.push('{');
    member(&mut out, "result", &reply.result);
    out.push(',');
    member(&mut out, "message", &reply.message);
    if let Some(body) = &reply.body {
        write_body(&mut out, body);
    }
    out.push('}');
    out
}

fn write_body(out: &mut String, body: &Body) {
    if let Some(wrap) = body.wrap {
        out.push(',');
        key(out, wrap);
        out.push('{');
        fields(out, &body.fields, true);
        out.push('}');
    } else {
        fields(out, &body.fields, false);
    }
    if let Some(list) = &body.list {
        out.push(',');
        write_list(out, list);
    }
}

fn fields(out: &mut String, fields: &[(&str, String)], first: bool) {
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 || !first {
            out.push(',');
        }
        member(out, name, value);
    }
}

/// `"wrapper":{"item":[...]}` or `"item":[...]`.
fn write_list(out: &mut String, list: &ListOut) {
    if let Some(wrapper) = list.wrapper {
        key(out, wrapper);
        out.push('{');
    }
    key(out, list.item);
    out.push('[');
    for (i, row) in list.rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        fields(out, &row.fields, true);
        if let Some(child) = &row.child {
            if !row.fields.is_empty() {
                out.push(',');
            }
            write_list(out, child);
        }
        out.push('}');
    }
    out.push(']');
    if list.wrapper.is_some() {
        out.push('}');
    }
}

fn member(out: &mut String, name: &str, value: &str) {
    key(out, name);
    string(out, value);
}

fn key(out: &mut String, name: &str) {
    string(out, name);
    out.push(':');
}

fn string(out: &mut String, text: &str) {
    // serde_json escapes exactly what JSON requires.
    match serde_json::to_string(text) {
        Ok(quoted) => out.push_str(&quoted),
        Err(_) => out.push_str("\"\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::Row;

    #[test]
    fn mirrors_the_xml_structure() {
        let reply = Reply {
            result: "success".into(),
            message: String::new(),
            body: Some(Body {
                wrap: None,
                fields: vec![("totalCash", "15.00".into())],
                list: Some(ListOut {
                    wrapper: Some("content"),
                    item: "data",
                    rows: vec![Row {
                        fields: vec![("name", "A\"B".into())],
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
        let json = encode_json(&reply);
        assert_eq!(
            json,
            r#"{"result":"success","message":"","totalCash":"15.00","content":{"data":[{"name":"A\"B","feeDetail":{"data":[{"price":"1.00"}]}}]}}"#
        );
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            value["content"]["data"][0]["feeDetail"]["data"][0]["price"],
            "1.00"
        );
    }

    #[test]
    fn wrapped_fields_and_bare_lists() {
        let wrapped = Reply {
            result: "success".into(),
            message: String::new(),
            body: Some(Body {
                wrap: Some("data"),
                fields: vec![("realName", "张三".into())],
                list: None,
            }),
        };
        assert_eq!(
            encode_json(&wrapped),
            r#"{"result":"success","message":"","data":{"realName":"张三"}}"#
        );
        let bare = Reply {
            result: "success".into(),
            message: String::new(),
            body: Some(Body {
                wrap: None,
                fields: vec![],
                list: Some(ListOut {
                    wrapper: None,
                    item: "detail",
                    rows: vec![],
                }),
            }),
        };
        assert_eq!(
            encode_json(&bare),
            r#"{"result":"success","message":"","detail":[]}"#
        );
        assert_eq!(
            encode_json(&Reply::error("x")),
            r#"{"result":"error","message":"x"}"#
        );
    }
}
