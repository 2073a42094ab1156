//! JSON requests: one object whose members are the request fields (or
//! `{"request": {…}}`), strings or numbers. Numbers keep the digits as sent
//! (`190.00` stays `190.00`): they are never read through a float.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{DecodeError, RawRequest};

pub fn decode_json(text: &str) -> Result<RawRequest, DecodeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    let mut members = members(text)?;
    // {"request": {...}} mirrors the XML <request> element.
    if let [(key, value)] = &members[..] {
        if key.eq_ignore_ascii_case("request") && value.get().trim_start().starts_with('{') {
            members = self::members(value.get())?;
        }
    }
    if members.len() > super::MAX_ELEMENTS {
        return Err(DecodeError::TooLarge(format!(
            "more than {} fields",
            super::MAX_ELEMENTS
        )));
    }
    let mut fields = Vec::with_capacity(members.len());
    for (name, raw) in members {
        let value: serde_json::Value =
            serde_json::from_str(raw.get()).map_err(|e| DecodeError::Json(e.to_string()))?;
        let text = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                return Err(DecodeError::Json(format!(
                    "field {} must be a string or a number",
                    name.chars().take(64).collect::<String>()
                )))
            }
        };
        // A repeated member is refused unless it repeats the same value, as a
        // repeated XML element is: `"prepayaAmt":"1.00","prepayaAmt":"2.00"`
        // must not book either amount.
        super::push_field(&mut fields, name, super::blanks_trimmed(&text).to_string())?;
    }
    Ok(RawRequest::new(fields))
}

/// The members of a JSON object, in order and all of them (a map would keep
/// only the last of a repeated name).
fn members(text: &str) -> Result<Vec<(String, Box<RawValue>)>, DecodeError> {
    serde_json::from_str::<Members>(text)
        .map(|m| m.0)
        .map_err(|e| {
            if e.is_data() {
                DecodeError::Json("the body must be a JSON object of request fields".into())
            } else {
                DecodeError::Json(e.to_string())
            }
        })
}

struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Each;
        impl<'de> Visitor<'de> for Each {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object of request fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Each)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_from_the_object_or_its_request_member() {
        let r =
            decode_json(r#"{"patientCard": "12345678", "orderFee": 190.00, "x": null}"#).unwrap();
        assert_eq!(r.get("patientcard"), Some("12345678"));
        assert_eq!(r.get("orderFee"), Some("190.00"), "digits kept as sent");
        assert_eq!(r.get("x"), None);
        let r = decode_json(r#"{"request": {"realName": "张三"}}"#).unwrap();
        assert_eq!(r.get("realName"), Some("张三"));
    }

    #[test]
    fn other_shapes_are_refused_with_the_reason() {
        for bad in ["", "[1]", "{\"a\": [1]}", "{\"a\": ", "\"text\""] {
            let e = decode_json(bad).unwrap_err();
            assert!(!e.to_string().is_empty(), "{bad}");
        }
        assert!(decode_json("{\"a\": {\"b\": 1}}")
            .unwrap_err()
            .to_string()
            .contains("field a"));
    }

    #[test]
    fn a_member_repeated_with_another_value_is_refused_as_in_xml() {
        let e = decode_json(r#"{"prepayaAmt":"1.00","prepayaAmt":"2.00"}"#).unwrap_err();
        assert_eq!(e, DecodeError::Conflicting("prepayaAmt".into()));
        let e =
            decode_json(r#"{"request":{"prepayaAmt":"1.00","PREPAYAAMT":"2.00"}}"#).unwrap_err();
        assert_eq!(e, DecodeError::Conflicting("PREPAYAAMT".into()));
        let same = decode_json(r#"{"a":"1","a":"1"}"#).unwrap();
        assert_eq!(same.get("a"), Some("1"));
    }
}
