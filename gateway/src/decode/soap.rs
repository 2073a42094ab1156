//! SOAP requests (1.1 and 1.2, document/literal wrapped, as Apache CXF and
//! the platform's own clients send them): the Body's element is the
//! operation — the method itself, or a configured dispatcher operation that
//! names the method in a parameter — and one string parameter carries the
//! `<request>` XML, escaped as text, in CDATA, or inline as elements.
//!
//! Envelope problems are `SoapFault`s (answered with a SOAP Fault); a bad
//! `<request>` inside a good envelope is the method's own error, answered
//! inside a normal SOAP response.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use quick_xml::Reader;

use super::{parse_request, DecodeError, RawRequest};

pub const SOAP11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoapVersion {
    V11,
    V12,
}

/// The parameter names a hospital's SOAP service uses.
#[derive(Debug, Clone, Copy)]
pub struct SoapNames<'a> {
    /// The string parameter of a method operation (CXF: `arg0`).
    pub param: &'a str,
    pub dispatcher: Option<DispatcherNames<'a>>,
}

/// One operation for every method: `operation(method_param, request_param)`.
#[derive(Debug, Clone, Copy)]
pub struct DispatcherNames<'a> {
    pub operation: &'a str,
    pub method_param: &'a str,
    pub request_param: &'a str,
}

/// A decoded SOAP call.
#[derive(Debug)]
pub struct SoapCall {
    pub version: SoapVersion,
    /// The operation as sent (its local name).
    pub operation: String,
    /// The operation element's namespace, mirrored in the answer.
    pub namespace: Option<String>,
    /// The interface method: the operation, or the dispatcher's parameter.
    pub method: String,
    /// Whether the call came through the dispatcher operation.
    pub dispatched: bool,
    /// The `<request>`, or why it could not be read (a method-level error).
    pub request: Result<RawRequest, DecodeError>,
}

/// An envelope-level problem, answered with a SOAP Fault of `version`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SoapFault {
    pub version: SoapVersion,
    pub message: String,
}

/// One child of the operation element: its local name and raw content.
struct Child<'t> {
    name: String,
    raw: &'t str,
}

/// Decodes a SOAP envelope. `hint` is the version the Content-Type implies,
/// used for a fault when the envelope itself cannot tell.
pub fn decode_soap(
    text: &str,
    names: &SoapNames<'_>,
    hint: SoapVersion,
) -> Result<SoapCall, SoapFault> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut version = hint;
    let fault = |version: SoapVersion, message: String| SoapFault { version, message };
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;

    let mut depth = 0usize;
    let mut in_body = false;
    let mut operation: Option<(String, Option<String>)> = None;
    let mut children: Vec<Child<'_>> = Vec::new();
    let mut done = false;
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ResolveResult::Bound(n), event)) => (Some(n.as_ref().to_string()), event),
            Ok((_, event)) => (None, event),
            Err(e) => {
                let at = reader.error_position();
                return Err(fault(
                    version,
                    format!("not well-formed XML: {e} at byte {at}"),
                ));
            }
        };
        match event {
            Event::DocType(_) => {
                return Err(fault(
                    version,
                    "DOCTYPE and entity declarations are not accepted".into(),
                ))
            }
            Event::Start(e) | Event::Empty(e) if done => {
                let _ = e;
                return Err(fault(
                    version,
                    "content after the SOAP Body's operation".into(),
                ));
            }
            Event::Start(e) => {
                if depth >= ENVELOPE_DEPTH {
                    return Err(too_deep(version));
                }
                let local = e.local_name().as_ref().to_string();
                match depth {
                    0 => {
                        version = envelope_version(&local, ns.as_deref()).ok_or_else(|| {
                            fault(
                                version,
                                format!(
                                    "not a SOAP envelope: the root element is <{}>",
                                    cut(&local)
                                ),
                            )
                        })?;
                    }
                    1 if local.eq_ignore_ascii_case("Body") => in_body = true,
                    1 => {
                        // soap:Header and anything else outside the Body:
                        // skipped, but within the same nesting limit.
                        let end = e.to_end().into_owned();
                        let raw = reader
                            .read_text(end.name())
                            .map_err(|x| fault(version, format!("not well-formed XML: {x}")))?;
                        if nested_deeper_than(&raw, ENVELOPE_DEPTH - 2) {
                            return Err(too_deep(version));
                        }
                        continue;
                    }
                    2 if in_body => operation = Some((local, ns)),
                    3 => {
                        let end = e.to_end().into_owned();
                        let raw = reader
                            .read_text(end.name())
                            .map_err(|x| fault(version, format!("not well-formed XML: {x}")))?;
                        let raw: &str = match raw.into_inner() {
                            std::borrow::Cow::Borrowed(b) => b,
                            std::borrow::Cow::Owned(_) => "",
                        };
                        // Inline XML in a parameter is part of the envelope:
                        // too deep is the envelope's fault, not the method's.
                        if nested_deeper_than(raw, ENVELOPE_DEPTH - 4) {
                            return Err(too_deep(version));
                        }
                        children.push(Child { name: local, raw });
                        if children.len() > super::MAX_ELEMENTS {
                            return Err(fault(version, "too many parameters".into()));
                        }
                        continue;
                    }
                    _ => {}
                }
                depth += 1;
            }
            Event::Empty(e) => {
                let local = e.local_name().as_ref().to_string();
                match depth {
                    0 => {
                        let message = match envelope_version(&local, ns.as_deref()) {
                            Some(_) => "the SOAP envelope is empty".to_string(),
                            None => format!(
                                "not a SOAP envelope: the root element is <{}>",
                                cut(&local)
                            ),
                        };
                        return Err(fault(version, message));
                    }
                    2 if in_body => {
                        operation = Some((local, ns));
                        done = true;
                    }
                    3 => children.push(Child {
                        name: local,
                        raw: "",
                    }),
                    _ => {}
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 2 && operation.is_some() {
                    done = true;
                }
                if depth == 1 {
                    in_body = false;
                }
            }
            Event::Text(t) if depth == 0 && !t.trim_ascii().is_empty() => {
                return Err(fault(
                    version,
                    "not a SOAP envelope: text outside any element".into(),
                ));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err(fault(
            version,
            "the document ends inside the SOAP envelope".into(),
        ));
    }
    let Some((operation, namespace)) = operation else {
        return Err(fault(
            version,
            "the SOAP Body holds no operation element".into(),
        ));
    };
    let dispatcher = names
        .dispatcher
        .filter(|d| d.operation.eq_ignore_ascii_case(&operation));
    let find = |name: &str| -> Result<Option<&Child<'_>>, SoapFault> {
        let mut given = children
            .iter()
            .filter(|c| c.name.eq_ignore_ascii_case(name));
        let Some(first) = given.next() else {
            return Ok(None);
        };
        // A parameter sent twice with other content is refused, as a
        // repeated request field is: which one was meant cannot be told.
        if given.any(|c| c.raw != first.raw) {
            return Err(fault(
                version,
                format!(
                    "{operation}: parameter {} is given twice with different content",
                    first.name
                ),
            ));
        }
        Ok(Some(first))
    };
    let (method, payload) = match dispatcher {
        Some(d) => {
            let method = find(d.method_param)?.ok_or_else(|| {
                fault(
                    version,
                    format!(
                        "{operation}: parameter {} (the method name) is missing",
                        d.method_param
                    ),
                )
            })?;
            let method = text_of(method.raw)
                .map_err(|e| fault(version, format!("{operation}: {}: {e}", d.method_param)))?;
            (method.trim().to_string(), find(d.request_param)?)
        }
        None => {
            let payload = match find(names.param)? {
                Some(p) => Some(p),
                None => find("request")?,
            }
            .or_else(|| (children.len() == 1).then(|| &children[0]));
            (operation.clone(), payload)
        }
    };
    let request = match payload {
        Some(child) if child.name.eq_ignore_ascii_case("request") => {
            parse_request(&format!("<request>{}</request>", child.raw))
        }
        Some(child) => request_of(child.raw),
        // An operation without parameters (findAllDepartments needs none).
        None => Ok(RawRequest::default()),
    };
    Ok(SoapCall {
        version,
        operation,
        namespace,
        method,
        dispatched: dispatcher.is_some(),
        request,
    })
}

/// The deepest an envelope nests: Envelope, Body, operation and parameter
/// around a `<request>` of at most `MAX_DEPTH`.
const ENVELOPE_DEPTH: usize = super::MAX_DEPTH + 4;

fn too_deep(version: SoapVersion) -> SoapFault {
    SoapFault {
        version,
        message: format!("the SOAP envelope nests elements deeper than {ENVELOPE_DEPTH}"),
    }
}

/// Whether elements in `raw` (content already read as well-formed) nest
/// deeper than `limit`; stops reading as soon as they do.
fn nested_deeper_than(raw: &str, limit: usize) -> bool {
    let mut reader = Reader::from_str(raw);
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            Ok(Event::Empty(_)) if depth + 1 > limit => return true,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
}

fn envelope_version(local: &str, ns: Option<&str>) -> Option<SoapVersion> {
    if !local.eq_ignore_ascii_case("Envelope") {
        return None;
    }
    match ns {
        Some(SOAP12_NS) => Some(SoapVersion::V12),
        Some(SOAP11_NS) => Some(SoapVersion::V11),
        _ => None,
    }
}

/// The `<request>` a string parameter carries: escaped text or CDATA
/// holding the XML, or the XML inline (a bare field list is taken as the
/// request's children).
fn request_of(raw: &str) -> Result<RawRequest, DecodeError> {
    let trimmed = raw.trim_start();
    if trimmed.starts_with('<') && !trimmed.starts_with("<![CDATA[") {
        return match parse_request(raw) {
            Err(DecodeError::WrongRoot(_)) => parse_request(&format!("<request>{raw}</request>")),
            other => other,
        };
    }
    let xml = text_of(raw)?;
    let xml = xml.trim_start_matches('\u{feff}');
    parse_request(xml)
}

/// The character data of an element's raw content (text with entities
/// resolved, CDATA as is); an element inside is refused.
fn text_of(raw: &str) -> Result<String, DecodeError> {
    let mut reader = Reader::from_str(raw);
    let mut out = String::with_capacity(raw.len());
    loop {
        match reader
            .read_event()
            .map_err(|e| DecodeError::Malformed(e.to_string()))?
        {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(c) => out.push_str(&c.xml10_content()),
            Event::GeneralRef(r) => out.push(super::resolve_reference(&r)?),
            Event::Start(e) | Event::Empty(e) => {
                return Err(DecodeError::Malformed(format!(
                    "unexpected element <{}> in a text parameter",
                    cut(e.name().as_ref())
                )))
            }
            Event::DocType(_) => return Err(DecodeError::Doctype),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn cut(s: &str) -> String {
    s.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: SoapNames<'static> = SoapNames {
        param: "arg0",
        dispatcher: Some(DispatcherNames {
            operation: "CallServer",
            method_param: "FUNC",
            request_param: "IN_XML",
        }),
    };

    fn envelope11(body: &str) -> String {
        format!(
            "<soapenv:Envelope xmlns:soapenv=\"{SOAP11_NS}\" xmlns:his=\"http://hisgw.local/his\"><soapenv:Header/><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
        )
    }

    fn card(call: &SoapCall) -> Option<String> {
        call.request
            .as_ref()
            .unwrap()
            .get("patientCard")
            .map(String::from)
    }

    #[test]
    fn escaped_cdata_and_inline_payloads_read_the_same() {
        let payloads = [
            "<arg0>&lt;request&gt;&lt;patientCard&gt;100034567&lt;/patientCard&gt;&lt;/request&gt;</arg0>",
            "<arg0><![CDATA[<request><patientCard>100034567</patientCard></request>]]></arg0>",
            "<arg0><request><patientCard>100034567</patientCard></request></arg0>",
            "<arg0><patientCard>100034567</patientCard></arg0>",
            "<request><patientCard>100034567</patientCard></request>",
            "<ARG0><![CDATA[<REQUEST><PATIENTCARD>100034567</PATIENTCARD></REQUEST>]]></ARG0>",
        ];
        for p in payloads {
            let call = decode_soap(
                &envelope11(&format!("<his:queryPatientInfo>{p}</his:queryPatientInfo>")),
                &NAMES,
                SoapVersion::V11,
            )
            .unwrap();
            assert_eq!(call.version, SoapVersion::V11);
            assert_eq!(call.method, "queryPatientInfo");
            assert_eq!(call.namespace.as_deref(), Some("http://hisgw.local/his"));
            assert_eq!(card(&call).as_deref(), Some("100034567"), "{p}");
        }
    }

    #[test]
    fn soap12_and_the_dispatcher() {
        let text = format!(
            "<env:Envelope xmlns:env=\"{SOAP12_NS}\"><env:Body><CallServer xmlns=\"urn:x\"><FUNC>queryPatientInfo</FUNC><IN_XML>&lt;request&gt;&lt;patientCard&gt;7&lt;/patientCard&gt;&lt;/request&gt;</IN_XML></CallServer></env:Body></env:Envelope>"
        );
        let call = decode_soap(&text, &NAMES, SoapVersion::V11).unwrap();
        assert_eq!(call.version, SoapVersion::V12);
        assert!(call.dispatched);
        assert_eq!(call.operation, "CallServer");
        assert_eq!(call.method, "queryPatientInfo");
        assert_eq!(card(&call).as_deref(), Some("7"));
    }

    #[test]
    fn envelope_problems_are_faults_and_request_problems_are_not() {
        for (bad, says) in [
            ("<request/>", "not a SOAP envelope"),
            ("<Envelope><Body/></Envelope>", "not a SOAP envelope"),
            (&envelope11(""), "no operation"),
            ("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><op>", "ends inside"),
            ("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><op></s:Body>", "not well-formed"),
            ("<!DOCTYPE x [<!ENTITY a 'b'>]><x/>", "DOCTYPE"),
            (&envelope11("<CallServer><IN_XML>x</IN_XML></CallServer>"), "FUNC"),
        ] {
            let f = decode_soap(bad, &NAMES, SoapVersion::V11).unwrap_err();
            assert!(f.message.contains(says), "{bad}: {}", f.message);
        }
        let deep = |n: usize| "<a>".repeat(n) + &"</a>".repeat(n);
        for too_deep in [
            // inside the parameter, inline
            envelope11(&format!("<queryPatientInfo><arg0><request>{}</request></arg0></queryPatientInfo>", deep(40))),
            // in a header the gateway otherwise skips
            format!(
                "<s:Envelope xmlns:s=\"{SOAP11_NS}\"><s:Header>{}</s:Header><s:Body><findAllDepartments/></s:Body></s:Envelope>",
                deep(10_000)
            ),
        ] {
            let f = decode_soap(&too_deep, &NAMES, SoapVersion::V11).unwrap_err();
            assert!(f.message.contains("deeper than"), "{}", f.message);
        }
        // The limit leaves a request of MAX_DEPTH room inside the envelope.
        decode_soap(
            &envelope11(&format!(
                "<queryPatientInfo><arg0><request>{}</request></arg0></queryPatientInfo>",
                deep(crate::decode::MAX_DEPTH - 2)
            )),
            &NAMES,
            SoapVersion::V11,
        )
        .unwrap();
        let twice = decode_soap(
            &envelope11("<queryPatientInfo><arg0>&lt;request/&gt;</arg0><ARG0>&lt;request&gt;&lt;patientCard&gt;1&lt;/patientCard&gt;&lt;/request&gt;</ARG0></queryPatientInfo>"),
            &NAMES,
            SoapVersion::V11,
        )
        .unwrap_err();
        assert!(
            twice.message.contains("arg0 is given twice"),
            "{}",
            twice.message
        );
        let same_twice = decode_soap(
            &envelope11("<queryPatientInfo><arg0>&lt;request/&gt;</arg0><arg0>&lt;request/&gt;</arg0></queryPatientInfo>"),
            &NAMES,
            SoapVersion::V11,
        );
        assert!(same_twice.is_ok(), "the same content twice says one thing");
        let call = decode_soap(
            &envelope11("<queryPatientInfo><arg0>not xml</arg0></queryPatientInfo>"),
            &NAMES,
            SoapVersion::V11,
        )
        .unwrap();
        assert!(call.request.is_err());
        let call = decode_soap(
            &envelope11("<findAllDepartments/>"),
            &NAMES,
            SoapVersion::V11,
        )
        .unwrap();
        assert_eq!(call.method, "findAllDepartments");
        assert_eq!(call.request, Ok(RawRequest::default()));
    }
}
