//! Masking of patient identifiers wherever they could reach a log or an
//! error message: ID numbers, phone numbers, names and card numbers keep
//! only what a person needs to tell records apart.
//!
//! This module owns the masking rules. Everything that logs a request value
//! must pass it through `field` first.

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
        value.to_string()
    }
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
    }
}
