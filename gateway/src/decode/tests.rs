use super::*;

fn ok(body: &str) -> RawRequest {
    decode_xml(body.as_bytes()).unwrap_or_else(|e| panic!("{body}: {e}"))
}

fn err(body: &[u8]) -> DecodeError {
    decode_xml(body).expect_err("should be refused")
}

#[test]
fn reads_fields_ignoring_case_and_spaces() {
    let r = ok("<REQUEST>\n  <PATIENTCARD> 100034567 </PATIENTCARD>\n  <realName>张三</realName>\n</REQUEST>");
    assert_eq!(r.get("patientCard"), Some("100034567"));
    assert_eq!(r.get("REALNAME"), Some("张三"));
    assert_eq!(r.get("idCard"), None);
}

#[test]
fn empty_requests_and_empty_elements() {
    assert!(ok("<request></request>").fields().is_empty());
    assert!(ok("<request/>").fields().is_empty());
    let r = ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?><request><doctorCode/><a></a></request>");
    assert_eq!(r.get("doctorCode"), Some(""));
    assert_eq!(r.get("a"), Some(""));
}

#[test]
fn entities_cdata_and_bom() {
    let r = ok("\u{feff}<request><realName>&#24352;&#x4E09;&amp;&lt;</realName><x><![CDATA[<b>&]]></x></request>");
    assert_eq!(r.get("realName"), Some("张三&<"));
    assert_eq!(r.get("x"), Some("<b>&"));
}

#[test]
fn nested_children_are_ignored_and_unknown_fields_kept() {
    let r = ok("<request><a><b>1</b></a><extra>2</extra></request>");
    assert_eq!(r.get("a"), Some(""));
    assert_eq!(r.get("extra"), Some("2"));
}

#[test]
fn repeated_fields_must_agree() {
    let r = ok(
        "<request><clinicDate>2015-03-20</clinicDate><clinicDate>2015-03-20</clinicDate></request>",
    );
    assert_eq!(r.get("clinicDate"), Some("2015-03-20"));
    assert_eq!(
        err(b"<request><tradeNo>1</tradeNo><TRADENO>2</TRADENO></request>"),
        DecodeError::Conflicting("TRADENO".into())
    );
}

#[test]
fn refuses_what_is_not_a_request() {
    assert_eq!(err(b""), DecodeError::Empty);
    assert_eq!(err(b"  \n"), DecodeError::Empty);
    assert_eq!(
        err(b"<response/>"),
        DecodeError::WrongRoot("response".into())
    );
    assert!(matches!(
        err(b"<request><a>1</b></request>"),
        DecodeError::Malformed(_)
    ));
    assert!(matches!(
        err(b"<request><a>1</a>"),
        DecodeError::Malformed(_)
    ));
    assert!(matches!(err(b"hello"), DecodeError::Malformed(_)));
    assert!(matches!(
        err(b"<request/><request/>"),
        DecodeError::Malformed(_)
    ));
    assert!(matches!(
        err(b"<request/>trailing"),
        DecodeError::Malformed(_)
    ));
    assert_eq!(err(b"<request>\xff</request>"), DecodeError::NotUtf8(9));
    assert_eq!(
        err(b"<request><a>&foo;</a></request>"),
        DecodeError::UnknownEntity("foo".into())
    );
    assert!(matches!(
        err(b"<request><a>&#xD800;</a></request>"),
        DecodeError::Malformed(_)
    ));
}

#[test]
fn refuses_doctype_and_entity_expansion() {
    let xxe = b"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><request><a>&x;</a></request>";
    assert_eq!(err(xxe), DecodeError::Doctype);
}

#[test]
fn never_panics_on_fragments() {
    let doc =
        b"<?xml version=\"1.0\"?><request><a x='1'>t&amp;<![CDATA[c]]></a><!-- c --><b/></request>";
    for end in 0..=doc.len() {
        let _ = decode_xml(&doc[..end]);
        for start in 0..end.min(8) {
            let _ = decode_xml(&doc[start..end]);
        }
    }
}

#[test]
fn deep_nesting_and_element_floods_are_refused() {
    let deep = format!(
        "<request><a>{}x{}</a></request>",
        "<b>".repeat(40),
        "</b>".repeat(40)
    );
    assert!(matches!(
        decode_xml(deep.as_bytes()),
        Err(DecodeError::TooLarge(_))
    ));
    let flood = format!("<request>{}</request>", "<x/>".repeat(5_000));
    assert!(matches!(
        decode_xml(flood.as_bytes()),
        Err(DecodeError::TooLarge(_))
    ));
    let normal = format!(
        "<request><a>{}x{}</a></request>",
        "<b>".repeat(5),
        "</b>".repeat(5)
    );
    assert!(decode_xml(normal.as_bytes()).is_ok());
}
