//! Request text encodings: UTF-8 (the default), GBK/GB2312/GB18030 (legacy
//! hospital systems), declared by the Content-Type charset or the XML
//! prolog; a byte-order mark is tolerated. Undecodable bytes are refused
//! with their position, never replaced: mojibake must not reach the HIS.

use std::borrow::Cow;

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

use super::DecodeError;

/// The text of `body`. `declared` is the Content-Type's charset, if any;
/// without one, an XML prolog's `encoding` is read; else UTF-8.
pub fn text<'a>(body: &'a [u8], declared: Option<&str>) -> Result<Cow<'a, str>, DecodeError> {
    let (encoding, body) = match Encoding::for_bom(body) {
        // A byte-order mark decides, whatever a label says.
        Some((encoding, bom)) => (encoding, &body[bom..]),
        None => {
            let label = declared
                .map(str::to_string)
                .or_else(|| prolog_encoding(body));
            (encoding_of(label.as_deref())?, body)
        }
    };
    if encoding == UTF_8 {
        return std::str::from_utf8(body)
            .map(Cow::Borrowed)
            .map_err(|e| DecodeError::NotUtf8(e.valid_up_to()));
    }
    encoding
        .decode_without_bom_handling_and_without_replacement(body)
        .ok_or_else(|| DecodeError::BadEncoding {
            charset: encoding.name(),
            at: first_bad_byte(encoding, body),
        })
}

/// The encoding a label names. GBK and GB2312 text decodes as GB18030 (a
/// superset); unknown labels are refused rather than guessed.
fn encoding_of(label: Option<&str>) -> Result<&'static Encoding, DecodeError> {
    let Some(label) = label.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(UTF_8);
    };
    match Encoding::for_label(label.as_bytes()) {
        Some(e) if e == UTF_8 => Ok(UTF_8),
        Some(e) if e == encoding_rs::GBK || e == GB18030 => Ok(GB18030),
        Some(e) if e == UTF_16LE || e == UTF_16BE => Ok(e),
        _ => Err(DecodeError::UnknownCharset(
            label.chars().take(40).collect(),
        )),
    }
}

/// `encoding="…"` of an `<?xml …?>` prolog at the start of `body`.
fn prolog_encoding(body: &[u8]) -> Option<String> {
    let head = &body[..body.len().min(200)];
    let head = std::str::from_utf8(head)
        .unwrap_or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default());
    let prolog = head.trim_start().strip_prefix("<?xml")?;
    let prolog = &prolog[..prolog.find("?>")?];
    let at = prolog.find("encoding")?;
    let rest = prolog[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
}

fn first_bad_byte(encoding: &'static Encoding, body: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(body.len() * 3);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, _) => read.saturating_sub(bad as usize),
        _ => read,
    }
}

/// `text` in `encoding` for a response: GB18030 and GBK write every
/// character they can; a character GBK lacks becomes a character reference,
/// which XML reads back as the same character.
pub fn encode<'a>(text: &'a str, encoding: &'static Encoding) -> Cow<'a, [u8]> {
    if encoding == UTF_8 {
        return Cow::Borrowed(text.as_bytes());
    }
    let (bytes, _, _) = encoding.encode(text);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(text: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(text).0.into_owned()
    }

    #[test]
    fn gbk_is_read_from_the_content_type_or_the_prolog() {
        let body = gbk("<request><realName>张三</realName></request>");
        assert_eq!(
            text(&body, Some("GBK")).unwrap(),
            "<request><realName>张三</realName></request>"
        );
        let body = gbk("<?xml version=\"1.0\" encoding=\"gb2312\"?><request><realName>李明</realName></request>");
        assert!(text(&body, None).unwrap().contains("李明"));
        // GBK bytes sent as UTF-8 are refused with the place, not garbled.
        let err = text(&body, Some("utf-8")).unwrap_err();
        assert!(matches!(err, DecodeError::NotUtf8(_)), "{err}");
    }

    #[test]
    fn a_bom_is_tolerated_and_wins() {
        let mut body = vec![0xEF, 0xBB, 0xBF];
        body.extend_from_slice("<request/>".as_bytes());
        assert_eq!(text(&body, Some("gbk")).unwrap(), "<request/>");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<request/>".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(text(&utf16, None).unwrap(), "<request/>");
    }

    #[test]
    fn undecodable_bytes_and_unknown_charsets_are_refused() {
        let mut body = gbk("<request>张");
        body.extend_from_slice(&[0x81, 0x20]);
        let err = text(&body, Some("gb18030")).unwrap_err();
        assert!(
            matches!(err, DecodeError::BadEncoding { at, .. } if at == 11),
            "{err:?}"
        );
        assert!(matches!(
            text(b"<request/>", Some("ebcdic-xx")),
            Err(DecodeError::UnknownCharset(_))
        ));
    }

    #[test]
    fn responses_encode_in_gbk_with_references_for_what_gbk_lacks() {
        let bytes = encode("张三 😀", encoding_rs::GBK);
        assert_eq!(&bytes[..4], &gbk("张三")[..]);
        assert!(String::from_utf8_lossy(&bytes).contains("&#128512;"));
        assert_eq!(&*encode("abc", UTF_8), b"abc");
    }
}
