//! Decode: turns the bytes of a platform call into a `RawRequest`, the
//! flat list of `<request>` children with their text.
//!
//! This module owns XML parsing of requests. It must never look at the
//! catalogue or decide whether a field is required: names are kept as sent
//! and matched later, ignoring ASCII case. It refuses DOCTYPE/entity
//! declarations and never panics, whatever the bytes.

pub mod charset;
mod json;
pub mod soap;

use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;

pub use json::decode_json;

/// Limits on a request's shape: a platform request is a flat list of a few
/// dozen fields, so anything far beyond is refused before more work.
pub const MAX_DEPTH: usize = 16;
pub const MAX_ELEMENTS: usize = 2_000;
pub use soap::{decode_soap, DispatcherNames, SoapCall, SoapFault, SoapNames, SoapVersion};

/// The request as sent: each direct child of `<request>` with its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRequest {
    fields: Vec<(String, String)>,
}

impl RawRequest {
    pub fn new(fields: Vec<(String, String)>) -> Self {
        RawRequest { fields }
    }

    /// The value of a field, matching its name ignoring ASCII case
    /// (`<PATIENTCARD>` answers `patientCard`).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("request body is empty: send <request>…</request>")]
    Empty,
    #[error("request body is not valid UTF-8 (byte {0}); send charset=GBK for GBK text")]
    NotUtf8(usize),
    #[error("request body is not valid {charset} (byte {at})")]
    BadEncoding { charset: &'static str, at: usize },
    #[error("unsupported charset {0:?}: send UTF-8, GBK or GB18030")]
    UnknownCharset(String),
    #[error("request is not valid JSON: {0}")]
    Json(String),
    #[error("request is not well-formed XML: {0}")]
    Malformed(String),
    #[error("root element must be <request>, found <{0}>")]
    WrongRoot(String),
    #[error("DOCTYPE and entity declarations are not accepted")]
    Doctype,
    #[error("unknown entity &{0};")]
    UnknownEntity(String),
    #[error("field <{0}> is sent twice with different values")]
    Conflicting(String),
    #[error("request refused: {0}")]
    TooLarge(String),
}

/// Decodes a `<request>` document in UTF-8 (or the encoding its prolog
/// declares). Element names match later ignoring case; children of a field
/// element are ignored.
pub fn decode_xml(body: &[u8]) -> Result<RawRequest, DecodeError> {
    decode_xml_as(body, None)
}

/// `decode_xml` for a body whose Content-Type declares `charset`.
pub fn decode_xml_as(body: &[u8], charset: Option<&str>) -> Result<RawRequest, DecodeError> {
    parse_request(&charset::text(body, charset)?)
}

/// Reads a `<request>` document from text.
pub fn parse_request(text: &str) -> Result<RawRequest, DecodeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;

    let mut fields: Vec<(String, String)> = Vec::new();
    let mut depth = 0usize;
    let mut elements = 0usize;
    let mut root_seen = false;
    let mut root_closed = false;
    // The field being read (a direct child of <request>) and its text so far.
    let mut current: Option<(String, String)> = None;

    loop {
        let event = reader.read_event().map_err(|e| {
            DecodeError::Malformed(format!("{e} at byte {}", reader.error_position()))
        })?;
        if matches!(event, Event::Start(_) | Event::Empty(_)) {
            elements += 1;
            if elements > MAX_ELEMENTS {
                return Err(DecodeError::TooLarge(format!(
                    "more than {MAX_ELEMENTS} elements"
                )));
            }
        }
        match event {
            Event::Start(e) | Event::Empty(e) if root_closed => {
                return Err(DecodeError::Malformed(format!(
                    "content after </request>: <{}>",
                    e.name().as_ref()
                )));
            }
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(DecodeError::TooLarge(format!(
                        "elements nested deeper than {MAX_DEPTH}"
                    )));
                }
                match depth {
                    1 => {
                        check_root(e.local_name().as_ref())?;
                        root_seen = true;
                    }
                    2 => current = Some((e.local_name().as_ref().to_string(), String::new())),
                    _ => {}
                }
            }
            Event::Empty(e) => match depth {
                0 => {
                    check_root(e.local_name().as_ref())?;
                    root_seen = true;
                    root_closed = true;
                }
                1 => push_field(
                    &mut fields,
                    e.local_name().as_ref().to_string(),
                    String::new(),
                )?,
                _ => {}
            },
            Event::End(_) => {
                if depth == 2 {
                    if let Some((name, value)) = current.take() {
                        push_field(&mut fields, name, value)?;
                    }
                }
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    root_closed = true;
                }
            }
            Event::Text(t) => {
                if depth == 2 {
                    if let Some((_, value)) = current.as_mut() {
                        value.push_str(&t.xml10_content());
                    }
                } else if (depth == 0 || root_closed) && !t.trim().is_empty() {
                    return Err(DecodeError::Malformed(format!(
                        "text outside <request>: {:?}",
                        crate::mask::text(&truncate(&t, 40))
                    )));
                }
            }
            Event::CData(c) => {
                if depth == 2 {
                    if let Some((_, value)) = current.as_mut() {
                        value.push_str(&c.xml10_content());
                    }
                }
            }
            Event::GeneralRef(r) => {
                let ch = resolve_reference(&r)?;
                if depth == 2 {
                    if let Some((_, value)) = current.as_mut() {
                        value.push(ch);
                    }
                }
            }
            Event::DocType(_) => return Err(DecodeError::Doctype),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !root_seen {
        return Err(DecodeError::Malformed("no <request> element".into()));
    }
    if !root_closed || depth != 0 {
        return Err(DecodeError::Malformed(
            "document ends inside <request>".into(),
        ));
    }
    for (_, value) in fields.iter_mut() {
        let trimmed = blanks_trimmed(value);
        if trimmed.len() != value.len() {
            *value = trimmed.to_string();
        }
    }
    Ok(RawRequest { fields })
}

/// A value without the blanks XML and JSON writers put around it (ASCII
/// space, tab, CR, LF). Other whitespace — a no-break space, an
/// ideographic space — is part of the value: an amount that carries one
/// is refused, not guessed at.
pub(crate) fn blanks_trimmed(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_ascii_whitespace())
}

fn check_root(name: &str) -> Result<(), DecodeError> {
    if name.eq_ignore_ascii_case("request") {
        Ok(())
    } else {
        Err(DecodeError::WrongRoot(truncate(name, 64)))
    }
}

/// A repeated element keeps its first value; a repeat with another value is
/// refused rather than guessed (the spec's 5.3 example repeats clinicDate).
fn push_field(
    fields: &mut Vec<(String, String)>,
    name: String,
    value: String,
) -> Result<(), DecodeError> {
    match fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(&name)) {
        Some((_, existing)) if blanks_trimmed(existing) != blanks_trimmed(&value) => {
            Err(DecodeError::Conflicting(name))
        }
        Some(_) => Ok(()),
        None => {
            fields.push((name, value));
            Ok(())
        }
    }
}

/// Resolves the five predefined entities and character references; any
/// other entity would need a DTD, which is refused.
pub(crate) fn resolve_reference(r: &BytesRef<'_>) -> Result<char, DecodeError> {
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(ch)) => Ok(ch),
            _ => Err(DecodeError::Malformed(format!(
                "bad character reference &{};",
                truncate(r, 32)
            ))),
        };
    }
    let name: &str = r;
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(DecodeError::UnknownEntity(truncate(name, 32))),
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests;
