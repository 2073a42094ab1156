//! Masking of patient identifiers wherever they could reach a log or an
//! error message: ID numbers, phone numbers, names and card numbers keep
//! only what a person needs to tell records apart.
//!
//! This module owns the masking rules: by a field's name (`field`), and by
//! what a value looks like wherever it stands (`text`: a resident ID number
//! or a mobile number inside a path, a request id, a message, a malformed
//! body). Everything that logs a request value must pass it through one of
//! them first.

/// Whether a field carries a patient identifier, by its wire name.
pub fn is_identifier(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "idcard",
        "id_card",
        "phone",
        "mobile",
        "realname",
        "real_name",
        "name",
        "patientcard",
        "patient_card",
        "card",
        // A card or inpatient number (16.x queries), the platform's user key.
        "queryid",
        "serialnumber",
        "customerid",
        "customer_id",
    ]
    .iter()
    .any(|k| n == *k || n.ends_with(k))
}

/// `value` masked as its field's kind needs (other fields pass unchanged).
pub fn field(name: &str, value: &str) -> String {
    let n = name.to_ascii_lowercase();
    if n.contains("idcard") || n.contains("id_card") {
        keep(value, 6, 4)
    } else if n.contains("phone") || n.contains("mobile") {
        keep(value, 3, 4)
    } else if n.contains("name") {
        keep(value, 1, 0)
    } else if is_identifier(name) {
        keep(value, 0, 4)
    } else {
        // A field that carries no identifier by name may still hold one (an
        // ID number sent as clinicDate).
        text(value)
    }
}

/// `value` as a page showing the HIS's answers may show it: a patient's
/// identifiers and name masked as `field` masks them, but the name of a
/// department, a doctor or an item kept (the operator needs to see them);
/// ID and mobile numbers are masked wherever they stand.
pub fn answer_field(name: &str, value: &str) -> String {
    let n = name.to_ascii_lowercase();
    let persons_name = matches!(
        n.as_str(),
        "name"
            | "realname"
            | "real_name"
            | "patientname"
            | "patient_name"
            | "username"
            | "customername"
    );
    if n.ends_with("name") && !persons_name {
        text(value)
    } else {
        field(name, value)
    }
}

/// `value` with every identifier it holds masked by its shape: a resident
/// ID number (18 characters, the last a digit or X, or 15 digits) keeps 6
/// and 4, a mobile number (11 digits from 13–19) 3 and 4. Other text, and
/// digits inside longer runs, pass unchanged.
pub fn text(value: &str) -> String {
    // Most text (ids, names, messages) holds no run of 11 digits or more:
    // nothing to mask, and nothing to take apart.
    if !has_digit_run(value.as_bytes(), 11) {
        return value.to_string();
    }
    let chars: Vec<char> = value.chars().collect();
    let mut out = String::with_capacity(value.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_alphanumeric()) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut end = i;
        while end < chars.len() && chars[end].is_ascii_digit() {
            end += 1;
        }
        // An ID number may end in X.
        let x_end = if end - i == 17 && chars.get(end).is_some_and(|c| *c == 'X' || *c == 'x') {
            end + 1
        } else {
            end
        };
        let run: String = chars[i..x_end].iter().collect();
        let free_after = chars.get(x_end).is_none_or(|c| !c.is_ascii_alphanumeric());
        let masked = match run.len() {
            18 | 15 if free_after => Some(keep(&run, 6, 4)),
            11 if free_after && run.starts_with('1') && run.as_bytes()[1] >= b'3' => {
                Some(keep(&run, 3, 4))
            }
            _ => None,
        };
        out.push_str(masked.as_deref().unwrap_or(&run));
        i = x_end;
    }
    out
}

/// Whether `bytes` holds `at_least` ASCII digits in a row.
fn has_digit_run(bytes: &[u8], at_least: usize) -> bool {
    let mut run = 0;
    for b in bytes {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        if run >= at_least {
            return true;
        }
    }
    false
}

/// The first `head` and last `tail` characters, the rest as `*`.
fn keep(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len().max(1));
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= chars.len() - tail {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_keep_only_their_edges() {
        assert_eq!(field("idCard", "430702200611148766"), "430702********8766");
        assert_eq!(field("phone", "13122114826"), "131****4826");
        assert_eq!(field("realName", "欧阳娜娜"), "欧***");
        assert_eq!(field("patientCard", "100034567"), "*****4567");
        assert_eq!(field("id_card", "123"), "***");
        assert_eq!(field("orderFee", "190.00"), "190.00");
        assert!(is_identifier("PATIENTCARD") && !is_identifier("tradeNo"));
        assert_eq!(field("queryId", "ZY2026001"), "*****6001");
        assert_eq!(
            field("clinicDate", "43070220061114876X"),
            "430702********876X"
        );
    }

    #[test]
    fn identifiers_are_masked_by_their_shape_anywhere() {
        assert_eq!(
            text("/api/demo/430702200611148766/x"),
            "/api/demo/430702********8766/x"
        );
        assert_eq!(text("req-13122114826"), "req-131****4826");
        assert_eq!(
            text("<request><a>11010519491231002X"),
            "<request><a>110105********002X"
        );
        // Dates, amounts, trade numbers and longer runs pass.
        for plain in [
            "2026-12-02 10:00:00",
            "190.00",
            "EH2026120212345678",
            "1234567890123456789",
        ] {
            assert_eq!(text(plain), plain);
        }
    }
}
