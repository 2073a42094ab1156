//! SOAP answers: the `<response>` XML escaped as the text of `<return>` in
//! `<{operation}Response>`, in an envelope of the version the call used;
//! and SOAP Faults for envelopes that could not be read.

use super::escape_into;
use crate::decode::soap::{SOAP11_NS, SOAP12_NS};
use crate::decode::SoapVersion;

fn envelope_ns(version: SoapVersion) -> &'static str {
    match version {
        SoapVersion::V11 => SOAP11_NS,
        SoapVersion::V12 => SOAP12_NS,
    }
}

fn open_envelope(out: &mut String, version: SoapVersion, encoding: &str) {
    out.push_str("<?xml version=\"1.0\" encoding=\"");
    out.push_str(encoding);
    out.push_str("\"?><soap:Envelope xmlns:soap=\"");
    out.push_str(envelope_ns(version));
    out.push_str("\"><soap:Body>");
}

const CLOSE_ENVELOPE: &str = "</soap:Body></soap:Envelope>";

/// The answer to `operation`, in its namespace (as the call named it);
/// `response_text` is the `<response>` document already escaped as text
/// (`encode_xml_as_text`).
pub fn encode_soap(
    version: SoapVersion,
    namespace: Option<&str>,
    operation: &str,
    response_text: &str,
    encoding: &str,
) -> String {
    let element = format!("{operation}Response");
    wrapped(
        version,
        namespace,
        &element,
        "return",
        response_text,
        encoding,
    )
}

/// A call as an Apache CXF client makes it (SOAP 1.1): the operation
/// element holding `param`, whose text is the request (already escaped).
pub fn encode_soap_call(
    namespace: &str,
    operation: &str,
    param: &str,
    request_text: &str,
) -> String {
    wrapped(
        SoapVersion::V11,
        Some(namespace),
        operation,
        param,
        request_text,
        "UTF-8",
    )
}

/// `<ns:{element}><{param}>{text}</{param}></ns:{element}>` in an envelope.
fn wrapped(
    version: SoapVersion,
    namespace: Option<&str>,
    element: &str,
    param: &str,
    text: &str,
    encoding: &str,
) -> String {
    let mut out = String::with_capacity(text.len() + 300);
    open_envelope(&mut out, version, encoding);
    match namespace {
        Some(ns) => {
            out.push_str("<ns:");
            out.push_str(element);
            out.push_str(" xmlns:ns=\"");
            escape_attribute(&mut out, ns);
            out.push_str("\">");
        }
        None => {
            out.push('<');
            out.push_str(element);
            out.push('>');
        }
    }
    out.push('<');
    out.push_str(param);
    out.push('>');
    out.push_str(text);
    out.push_str("</");
    out.push_str(param);
    out.push('>');
    out.push_str(if namespace.is_some() { "</ns:" } else { "</" });
    out.push_str(element);
    out.push('>');
    out.push_str(CLOSE_ENVELOPE);
    out
}

/// A Fault for a request the envelope of which is wrong (the sender's fault).
pub fn encode_fault(version: SoapVersion, message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 300);
    open_envelope(&mut out, version, "UTF-8");
    match version {
        SoapVersion::V11 => {
            out.push_str("<soap:Fault><faultcode>soap:Client</faultcode><faultstring>");
            escape_into(&mut out, message);
            out.push_str("</faultstring></soap:Fault>");
        }
        SoapVersion::V12 => {
            out.push_str("<soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang=\"en\">");
            escape_into(&mut out, message);
            out.push_str("</soap:Text></soap:Reason></soap:Fault>");
        }
    }
    out.push_str(CLOSE_ENVELOPE);
    out
}

fn escape_attribute(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{decode_soap, SoapNames};

    #[test]
    fn an_answer_reads_back_as_the_response_xml() {
        let reply = crate::shape::Reply::error("A&B");
        let xml = super::super::encode_xml_as_text(&reply);
        let text = encode_soap(
            SoapVersion::V11,
            Some("urn:h"),
            "findAllDepartments",
            &xml,
            "UTF-8",
        );
        assert!(
            text.contains(
                "<ns:findAllDepartmentsResponse xmlns:ns=\"urn:h\"><return>&lt;response&gt;"
            ),
            "{text}"
        );
        // Read back as a SOAP envelope: well-formed, one operation element.
        let names = SoapNames {
            param: "return",
            dispatcher: None,
        };
        let call = decode_soap(&text, &names, SoapVersion::V11).unwrap();
        assert_eq!(call.operation, "findAllDepartmentsResponse");
        assert!(call.request.is_err(), "a <response> is not a <request>");
    }

    #[test]
    fn faults_of_each_version() {
        let f = encode_fault(SoapVersion::V11, "not a SOAP envelope: <x>");
        assert!(f.contains("<faultcode>soap:Client</faultcode><faultstring>not a SOAP envelope: &lt;x&gt;</faultstring>"), "{f}");
        let f = encode_fault(SoapVersion::V12, "no operation");
        assert!(
            f.contains(SOAP12_NS) && f.contains("<soap:Value>soap:Sender</soap:Value>"),
            "{f}"
        );
    }
}
