//! JSON requests: one object whose members are the request fields (or
//! `{"request": {…}}`), strings or numbers. Numbers keep the digits as sent
//! (`190.00` stays `190.00`): they are never read through a float.

use super::{DecodeError, RawRequest};

pub fn decode_json(text: &str) -> Result<RawRequest, DecodeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| DecodeError::Json(e.to_string()))?;
    let serde_json::Value::Object(mut object) = value else {
        return Err(DecodeError::Json(
            "the body must be a JSON object of request fields".into(),
        ));
    };
    // {"request": {...}} mirrors the XML <request> element.
    if object.len() == 1 {
        let key = object.keys().next().cloned().unwrap_or_default();
        if key.eq_ignore_ascii_case("request") && object[&key].is_object() {
            if let Some(serde_json::Value::Object(inner)) = object.remove(&key) {
                object = inner;
            }
        }
    }
    if object.len() > super::MAX_ELEMENTS {
        return Err(DecodeError::TooLarge(format!(
            "more than {} fields",
            super::MAX_ELEMENTS
        )));
    }
    let mut fields = Vec::with_capacity(object.len());
    for (name, value) in object {
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
        fields.push((name, super::blanks_trimmed(&text).to_string()));
    }
    Ok(RawRequest::new(fields))
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
}
