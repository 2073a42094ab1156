//! Who may call a hospital's platform-facing endpoints: its `[access]`
//! source networks, then its token or basic login. Every refusal is logged
//! with the source address. Secrets are compared in constant time.

use std::net::IpAddr;

use actix_web::HttpRequest;
use base64::Engine;
use subtle::ConstantTimeEq;

use crate::plan::Access;

/// Why a call was refused; `Unauthenticated` asks for credentials (401).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Address(String),
    Unauthenticated(&'static str),
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Address(_) => 403,
            Refusal::Unauthenticated(_) => 401,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::Address(a) => {
                format!("来源地址 {a} 未获准访问 (source address {a} is not allowed)")
            }
            Refusal::Unauthenticated(what) => format!("未授权 (missing or wrong {what})"),
        }
    }
}

/// Checks `request` against `access`; logs and returns any refusal.
pub fn check(access: &Access, hospital: &str, request: &HttpRequest) -> Result<(), Refusal> {
    let peer = caller(access, request);
    let refusal = decide(access, peer, |name| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    if let Some(r) = &refusal {
        let source = peer
            .map(|p| p.to_string())
            .unwrap_or_else(|| "unknown".into());
        tracing::warn!(hospital, source = %source, path = %request.path(), reason = ?r, "call refused");
    }
    refusal.map_or(Ok(()), Err)
}

/// The caller's address: the peer, or — when the peer is a trusted proxy —
/// the last address its `X-Forwarded-For` names.
fn caller(access: &Access, request: &HttpRequest) -> Option<IpAddr> {
    let peer = request.peer_addr().map(|a| a.ip().to_canonical())?;
    if !access.trusted_proxies.iter().any(|net| net.contains(&peer)) {
        return Some(peer);
    }
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical());
    Some(forwarded.unwrap_or(peer))
}

fn decide(
    access: &Access,
    peer: Option<IpAddr>,
    header: impl Fn(&str) -> Option<String>,
) -> Option<Refusal> {
    if !access.allow.is_empty() {
        let allowed = peer.is_some_and(|ip| access.allow.iter().any(|net| net.contains(&ip)));
        if !allowed {
            return Some(Refusal::Address(
                peer.map(|p| p.to_string())
                    .unwrap_or_else(|| "unknown".into()),
            ));
        }
    }
    let authorization = header("authorization").unwrap_or_default();
    if let Some(token) = &access.token {
        let given = authorization
            .strip_prefix("Bearer ")
            .map(str::to_string)
            .or_else(|| header("x-hisgw-token"))
            .unwrap_or_default();
        if !equal(given.trim(), token) {
            return Some(Refusal::Unauthenticated("token"));
        }
    }
    if let Some((user, password)) = &access.basic {
        let given = authorization
            .strip_prefix("Basic ")
            .and_then(|b| {
                base64::engine::general_purpose::STANDARD
                    .decode(b.trim())
                    .ok()
            })
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        let expected = format!("{user}:{password}");
        if !equal(&given, &expected) {
            return Some(Refusal::Unauthenticated("login"));
        }
    }
    None
}

fn equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(allow: &[&str], token: Option<&str>, basic: Option<(&str, &str)>) -> Access {
        Access {
            allow: allow.iter().map(|a| a.parse().unwrap()).collect(),
            token: token.map(String::from),
            basic: basic.map(|(u, p)| (u.into(), p.into())),
            trusted_proxies: Vec::new(),
        }
    }

    #[test]
    fn networks_tokens_and_logins() {
        let none = |_: &str| None;
        let a = access(&["10.0.0.0/8", "192.168.1.5/32"], None, None);
        assert_eq!(decide(&a, Some("10.2.3.4".parse().unwrap()), none), None);
        assert_eq!(decide(&a, Some("192.168.1.5".parse().unwrap()), none), None);
        assert!(matches!(
            decide(&a, Some("192.168.1.6".parse().unwrap()), none),
            Some(Refusal::Address(_))
        ));
        assert!(decide(&access(&[], None, None), None, none).is_none());

        let t = access(&[], Some("s3cret"), None);
        assert_eq!(
            decide(&t, None, |h| (h == "authorization")
                .then(|| "Bearer s3cret".into())),
            None
        );
        assert_eq!(
            decide(&t, None, |h| (h == "x-hisgw-token")
                .then(|| "s3cret".into())),
            None
        );
        assert_eq!(
            decide(&t, None, |h| (h == "authorization")
                .then(|| "Bearer s3cre".into())),
            Some(Refusal::Unauthenticated("token"))
        );

        let b = access(&[], None, Some(("ruibo", "pw")));
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("ruibo:pw")
        );
        assert_eq!(
            decide(&b, None, |h| (h == "authorization").then(|| basic.clone())),
            None
        );
        assert_eq!(
            decide(&b, None, none),
            Some(Refusal::Unauthenticated("login"))
        );
    }
}
