//! The platform client: one SOAP 1.1 call per outbound method, Apache CXF
//! style (the operation element holds one string parameter carrying the
//! request; the answer's `<return>` carries the response), with the §17
//! sign where the spec requires it and a timeout on every call.

use std::time::Duration;

use super::config::PlatformConfig;
use crate::catalogue::{field, Method, Shape, SignRule, Wire};
use crate::decode::{decode_soap, SoapNames, SoapVersion};
use crate::encode::{encode_soap_call, escape_into};

/// What the platform answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// A definite refusal, with the platform's message.
    Error,
    /// The platform does not know yet (refundApply): ask again, same request.
    Unknown,
}

/// An answer: its outcome and message, its top-level fields and the rows
/// of its list (13.3 `<detail><data>…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub outcome: Outcome,
    pub message: String,
    pub fields: Vec<(String, String)>,
    pub rows: Vec<Vec<(String, String)>>,
}

impl Answer {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A call that got no answer to act on: nothing is known of its outcome.
#[derive(Debug, thiserror::Error)]
pub enum CallFailed {
    #[error("platform did not answer within {0:?}")]
    Timeout(Duration),
    #[error("cannot reach the platform: {0}")]
    Transport(String),
    #[error("platform answered HTTP {status}: {body}")]
    Status { status: u16, body: String },
    #[error("platform's answer is unreadable: {0}")]
    Unreadable(String),
}

/// Cheap to clone: the HTTP client inside is shared.
#[derive(Clone)]
pub struct PlatformClient {
    http: reqwest::Client,
    config: PlatformConfig,
    sign_key: Option<String>,
}

impl PlatformClient {
    pub fn new(config: &PlatformConfig, sign_key: Option<String>) -> PlatformClient {
        let timeout = Duration::from_millis(config.timeout_ms.max(1));
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .unwrap_or_default();
        PlatformClient {
            http,
            config: config.clone(),
            sign_key,
        }
    }

    pub fn hospital_id(&self) -> &str {
        &self.config.hospital_id
    }

    pub fn hospital_area_id(&self) -> &str {
        &self.config.hospital_area_id
    }

    /// Calls `method` with `fields` (names as the spec spells them, in the
    /// spec's order), signed here where the catalogue says the gateway signs
    /// (§17; refundApply leaves out `realName`).
    pub async fn call(
        &self,
        method: &'static Method,
        fields: &[(String, String)],
    ) -> Result<Answer, CallFailed> {
        let request = self.request_text(method, fields);
        let operation = self
            .config
            .operations
            .get(method.name)
            .map(String::as_str)
            .unwrap_or(method.name);
        let mut escaped = String::with_capacity(request.len() + 64);
        escape_into(&mut escaped, &request);
        let envelope = encode_soap_call(
            &self.config.namespace,
            operation,
            &self.config.param,
            &escaped,
        );
        let timeout = Duration::from_millis(self.config.timeout_ms.max(1));
        let response = self
            .http
            .post(&self.config.address)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", "\"\"")
            .body(envelope)
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    CallFailed::Timeout(timeout)
                } else {
                    CallFailed::Transport(e.to_string())
                }
            })?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| {
            if e.is_timeout() {
                CallFailed::Timeout(timeout)
            } else {
                CallFailed::Transport(e.to_string())
            }
        })?;
        if status != 200 {
            return Err(CallFailed::Status {
                status,
                body: body.chars().take(300).collect(),
            });
        }
        parse_answer(&body)
    }

    /// The request text: XML `<request>` (pushHisData: dataType + `<data>`),
    /// or a JSON object where the catalogue says so (16.9 pushStopSchedule).
    fn request_text(&self, method: &'static Method, fields: &[(String, String)]) -> String {
        let mut fields = fields.to_vec();
        if let Some(SignRule::Sign { skip }) = method.sign {
            let key = self.sign_key.as_deref().unwrap_or_default();
            let sign = crate::sign::sign(
                fields.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                key,
                skip,
            );
            match fields.iter_mut().find(|(k, _)| k == field::SIGN) {
                Some(slot) => slot.1 = sign,
                None => fields.push((field::SIGN.into(), sign)),
            }
        }
        if method.wire == Wire::Json {
            let object: serde_json::Map<String, serde_json::Value> = fields
                .into_iter()
                .map(|(k, v)| (k, serde_json::Value::String(v)))
                .collect();
            return serde_json::Value::Object(object).to_string();
        }
        let mut xml = String::from("<request>");
        if let Some(data_type) = method.data_type {
            element(&mut xml, "dataType", data_type);
        }
        let Shape { wrap, .. } = method.request;
        if let Some(wrap) = wrap {
            xml.push_str(&format!("<{wrap}>"));
        }
        for (name, value) in &fields {
            element(&mut xml, name, value);
        }
        if let Some(wrap) = wrap {
            xml.push_str(&format!("</{wrap}>"));
        }
        xml.push_str("</request>");
        xml
    }
}

fn element(out: &mut String, name: &str, value: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    escape_into(out, value);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Reads a CXF answer: `<return>` holds `<response>` XML or a JSON object.
pub fn parse_answer(body: &str) -> Result<Answer, CallFailed> {
    let names = SoapNames {
        param: "return",
        dispatcher: None,
    };
    let inner = return_text(body, &names)?;
    let inner = inner.trim();
    if inner.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(inner)
            .map_err(|e| CallFailed::Unreadable(format!("JSON: {e}")))?;
        let text = |k: &str| {
            value
                .get(k)
                .map(|v| {
                    v.as_str()
                        .map(String::from)
                        .unwrap_or_else(|| v.to_string())
                })
                .unwrap_or_default()
        };
        return Ok(Answer {
            outcome: outcome(&text("result")),
            message: text("message"),
            fields: Vec::new(),
            rows: Vec::new(),
        });
    }
    let tree = tree::parse(inner).map_err(CallFailed::Unreadable)?;
    let mut fields = Vec::new();
    let mut rows = Vec::new();
    for child in &tree.children {
        if child.children.is_empty() {
            fields.push((child.name.clone(), child.text.trim().to_string()));
        } else {
            // <detail><data>…</data>…</detail> or <content><data>…</data></content>
            for row in &child.children {
                rows.push(
                    row.children
                        .iter()
                        .map(|c| (c.name.clone(), c.text.trim().to_string()))
                        .collect(),
                );
            }
        }
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .map(|(_, v): &(String, String)| v.clone())
            .unwrap_or_default()
    };
    Ok(Answer {
        outcome: outcome(&get("result")),
        message: get("message"),
        fields,
        rows,
    })
}

fn outcome(result: &str) -> Outcome {
    match result.trim().to_ascii_uppercase().as_str() {
        "SUCCESS" => Outcome::Success,
        "UNKNOWN" => Outcome::Unknown,
        _ => Outcome::Error,
    }
}

/// The text of the answer's `<return>` element.
fn return_text(body: &str, names: &SoapNames<'_>) -> Result<String, CallFailed> {
    // decode_soap reads the envelope; `<return>` is its one parameter. Its
    // content is not a <request>, so take the raw text again from the body.
    let call = decode_soap(body, names, SoapVersion::V11)
        .map_err(|f| CallFailed::Unreadable(f.message))?;
    drop(call);
    let start = body
        .find("<return>")
        .map(|i| i + "<return>".len())
        .or_else(|| {
            body.find("<return ")
                .and_then(|i| body[i..].find('>').map(|j| i + j + 1))
        })
        .ok_or_else(|| CallFailed::Unreadable("no <return> in the answer".into()))?;
    let end = body[start..]
        .find("</return>")
        .map(|j| start + j)
        .ok_or_else(|| CallFailed::Unreadable("no </return> in the answer".into()))?;
    tree::unescape(&body[start..end]).map_err(CallFailed::Unreadable)
}

/// A small element tree for answers (no attributes, no namespaces kept).
pub mod tree {
    use quick_xml::events::Event;
    use quick_xml::Reader;

    #[derive(Debug, Default, Clone)]
    pub struct Node {
        pub name: String,
        pub text: String,
        pub children: Vec<Node>,
    }

    pub fn parse(text: &str) -> Result<Node, String> {
        let mut reader = Reader::from_str(text);
        let mut stack: Vec<Node> = vec![Node::default()];
        loop {
            match reader.read_event().map_err(|e| e.to_string())? {
                Event::Start(e) => stack.push(Node {
                    name: e.local_name().as_ref().to_string(),
                    ..Node::default()
                }),
                Event::Empty(e) => {
                    let node = Node {
                        name: e.local_name().as_ref().to_string(),
                        ..Node::default()
                    };
                    if let Some(top) = stack.last_mut() {
                        top.children.push(node);
                    }
                }
                Event::End(_) => {
                    let node = stack.pop().ok_or("unbalanced end tag")?;
                    stack
                        .last_mut()
                        .ok_or("unbalanced end tag")?
                        .children
                        .push(node);
                }
                Event::Text(t) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&t.xml10_content());
                    }
                }
                Event::CData(c) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&c.xml10_content());
                    }
                }
                Event::GeneralRef(r) => {
                    let ch = crate::decode::resolve_reference(&r).map_err(|e| e.to_string())?;
                    if let Some(top) = stack.last_mut() {
                        top.text.push(ch);
                    }
                }
                Event::DocType(_) => return Err("DOCTYPE is not accepted".into()),
                Event::Eof => break,
                _ => {}
            }
        }
        let mut root = stack.pop().ok_or("empty document")?;
        root.children
            .pop()
            .ok_or_else(|| "no root element".to_string())
    }

    /// The character data of escaped text (entities resolved, CDATA kept).
    pub fn unescape(raw: &str) -> Result<String, String> {
        let wrapped = format!("<t>{raw}</t>");
        parse(&wrapped).map(|n| n.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_as_outcomes_with_fields_and_rows() {
        let xml = "<response><result>SUCCESS</result><message>ok</message><totalCash>12.00</totalCash><detail><data><tradeNo>EH1</tradeNo><cash>12.00</cash></data></detail></response>";
        let mut escaped = String::new();
        escape_into(&mut escaped, xml);
        let body = format!("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><ns2:checkAccountResponse xmlns:ns2=\"urn:x\"><return>{escaped}</return></ns2:checkAccountResponse></soap:Body></soap:Envelope>");
        let a = parse_answer(&body).unwrap();
        assert_eq!(a.outcome, Outcome::Success);
        assert_eq!(a.field("totalCash"), Some("12.00"));
        assert_eq!(
            a.rows,
            vec![vec![
                ("tradeNo".to_string(), "EH1".to_string()),
                ("cash".to_string(), "12.00".to_string())
            ]]
        );
        let json = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><r><return>{\"result\":\"UNKNOWN\",\"message\":\"稍后\"}</return></r></soap:Body></soap:Envelope>";
        let a = parse_answer(json).unwrap();
        assert_eq!((a.outcome, a.message.as_str()), (Outcome::Unknown, "稍后"));
        assert!(parse_answer("<html>bad gateway</html>").is_err());
    }
}
