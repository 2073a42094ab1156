//! Who may call: a hospital's `[access]` section — allowed source
//! networks, then a token or a basic login, and the proxies whose
//! `X-Forwarded-For` names the caller — read and resolved here (secrets from
//! the environment), and the decision made from what a call presents.
//! Secrets are compared in constant time; the admin listener's bearer
//! token is checked by the same function as a hospital's.
//!
//! This module must never log or return a secret. It knows nothing of
//! HTTP servers: `http` hands it the peer address and the headers.

use std::net::IpAddr;

use base64::Engine;
use serde::Deserialize;
use subtle::ConstantTimeEq;

/// `[access]` as written in hospital.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessConfig {
    /// Allowed source addresses or networks (`10.1.0.0/16`, `192.168.1.5`);
    /// empty or absent: any.
    #[serde(default)]
    pub allow: Vec<String>,
    /// The environment variable holding a token callers send as
    /// `Authorization: Bearer …` (or `X-Hisgw-Token`).
    pub token_env: Option<String>,
    /// HTTP basic authentication: the user, and the environment variable
    /// holding its password.
    pub basic_user: Option<String>,
    pub basic_password_env: Option<String>,
    /// Reverse proxies in front of the gateway: when a call comes from one
    /// of these, the caller is the last address of its `X-Forwarded-For`.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
}

/// Who may call a hospital's platform-facing endpoints, resolved.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// Empty: any source address.
    pub allow: Vec<ipnet::IpNet>,
    pub token: Option<String>,
    /// (user, password).
    pub basic: Option<(String, String)>,
    /// Proxies whose `X-Forwarded-For` names the caller.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Access {
    /// Resolves `[access]`: networks parsed, secrets taken from the
    /// environment. Every problem is returned, each naming its key.
    pub fn resolve(config: &AccessConfig) -> Result<Access, Vec<String>> {
        let mut problems = Vec::new();
        let mut nets = |key: &str, entries: &[String]| {
            let mut out = Vec::new();
            for entry in entries {
                let parsed = entry
                    .parse::<ipnet::IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(ipnet::IpNet::from));
                match parsed {
                    Ok(net) => out.push(net),
                    Err(_) => problems.push(format!(
                        "[access] {key}: {entry:?} is not an address or network (10.0.0.0/8, 192.168.1.5)"
                    )),
                }
            }
            out
        };
        let allow = nets("allow", &config.allow);
        let trusted_proxies = nets("trusted_proxies", &config.trusted_proxies);
        let mut secret = |var: &str, key: &str| match std::env::var(var) {
            Ok(v) if !v.is_empty() => Some(v),
            _ => {
                problems.push(format!(
                    "[access] {key}: environment variable {var} is not set"
                ));
                None
            }
        };
        let token = config
            .token_env
            .as_deref()
            .and_then(|v| secret(v, "token_env"));
        let basic = match (&config.basic_user, &config.basic_password_env) {
            (Some(user), Some(var)) => secret(var, "basic_password_env").map(|p| (user.clone(), p)),
            (None, None) => None,
            _ => {
                problems.push("[access]: basic_user and basic_password_env go together".into());
                None
            }
        };
        if problems.is_empty() {
            Ok(Access {
                allow,
                token,
                basic,
                trusted_proxies,
            })
        } else {
            Err(problems)
        }
    }

    /// The caller's address: the peer, or — when the peer is a trusted
    /// proxy — the last address its `X-Forwarded-For` lines name (all lines,
    /// in order, as one list: a proxy such as HAProxy adds a line of its
    /// own). `None` when that last entry is not an address: a caller no one
    /// can name is never let in as the proxy.
    pub fn caller(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> Option<IpAddr> {
        let peer = peer?.to_canonical();
        if !self.trusts(peer) {
            return Some(peer);
        }
        let Some(last_line) = forwarded_for.last() else {
            return Some(peer);
        };
        let last = last_line.rsplit(',').next().unwrap_or_default();
        last.trim()
            .parse::<IpAddr>()
            .ok()
            .map(|ip| ip.to_canonical())
    }

    /// Whether `peer` is one of the trusted proxies, whose `X-Forwarded-*`
    /// headers are believed; anyone else's are ignored.
    pub fn trusts(&self, peer: IpAddr) -> bool {
        let peer = peer.to_canonical();
        self.trusted_proxies.iter().any(|net| net.contains(&peer))
    }

    /// Decides on a call from `caller` presenting `header(name)`; `None`
    /// lets it in.
    pub fn decide(
        &self,
        caller: Option<IpAddr>,
        header: impl Fn(&str) -> Option<String>,
    ) -> Option<Refusal> {
        if !self.allow.is_empty() {
            let allowed = caller.is_some_and(|ip| self.allow.iter().any(|net| net.contains(&ip)));
            if !allowed {
                return Some(Refusal::Address(
                    caller
                        .map(|p| p.to_string())
                        .unwrap_or_else(|| "unknown".into()),
                ));
            }
        }
        let authorization = header("authorization").unwrap_or_default();
        if let Some(token) = &self.token {
            let matches = match credentials(&authorization, "Bearer") {
                Some(given) => same_secret(given, token),
                None => header("x-hisgw-token").is_some_and(|t| same_secret(t.trim(), token)),
            };
            if !matches {
                return Some(Refusal::Unauthenticated("token"));
            }
        }
        if let Some((user, password)) = &self.basic {
            let given = credentials(&authorization, "Basic")
                .and_then(|b| {
                    base64::engine::general_purpose::STANDARD
                        .decode(b.trim())
                        .ok()
                })
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default();
            if !same_secret(&given, &format!("{user}:{password}")) {
                return Some(Refusal::Unauthenticated("login"));
            }
        }
        None
    }
}

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

/// Whether an `Authorization` header carries `Bearer {token}` — the one
/// token check of the platform-facing and the admin listeners.
pub fn bearer_matches(authorization: &str, token: &str) -> bool {
    credentials(authorization, "Bearer").is_some_and(|given| same_secret(given, token))
}

/// The credentials of an `Authorization` value in `scheme`: the scheme's
/// letter case does not matter and one or more spaces follow it (RFC 9110
/// §11.1, §11.4) — `bearer abc` is `Bearer abc`.
fn credentials<'a>(authorization: &'a str, scheme: &str) -> Option<&'a str> {
    let authorization = authorization.trim();
    let (given, rest) = authorization.split_once(' ')?;
    given
        .eq_ignore_ascii_case(scheme)
        .then(|| rest.trim())
        .filter(|c| !c.is_empty())
}

/// Whether two secrets are equal, compared in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
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
        assert_eq!(a.decide(Some("10.2.3.4".parse().unwrap()), none), None);
        assert_eq!(a.decide(Some("192.168.1.5".parse().unwrap()), none), None);
        assert!(matches!(
            a.decide(Some("192.168.1.6".parse().unwrap()), none),
            Some(Refusal::Address(_))
        ));
        assert!(access(&[], None, None).decide(None, none).is_none());

        let t = access(&[], Some("s3cret"), None);
        assert_eq!(
            t.decide(None, |h| (h == "authorization")
                .then(|| "Bearer s3cret".into())),
            None
        );
        assert_eq!(
            t.decide(None, |h| (h == "x-hisgw-token").then(|| "s3cret".into())),
            None
        );
        assert_eq!(
            t.decide(None, |h| (h == "authorization")
                .then(|| "Bearer s3cre".into())),
            Some(Refusal::Unauthenticated("token"))
        );

        let b = access(&[], None, Some(("ruibo", "pw")));
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("ruibo:pw")
        );
        assert_eq!(
            b.decide(None, |h| (h == "authorization").then(|| basic.clone())),
            None
        );
        assert_eq!(
            b.decide(None, none),
            Some(Refusal::Unauthenticated("login"))
        );
    }

    #[test]
    fn bearer_tokens() {
        assert!(bearer_matches("Bearer abc", "abc"));
        assert!(bearer_matches("Bearer abc ", "abc"));
        assert!(!bearer_matches("Bearer abd", "abc"));
        assert!(!bearer_matches("abc", "abc"));
        assert!(!bearer_matches("", "abc"));
        // RFC 9110: the scheme is case-insensitive, and one or more spaces
        // separate it from the credentials.
        assert!(bearer_matches("bearer abc", "abc"));
        assert!(bearer_matches("BEARER  abc", "abc"));
        assert!(!bearer_matches("Bearerabc", "abc"));
        assert!(!bearer_matches("Basic abc", "abc"));
    }

    #[test]
    fn a_lowercase_scheme_is_the_same_scheme() {
        let t = access(&[], Some("s3cret"), None);
        assert_eq!(
            t.decide(None, |h| (h == "authorization")
                .then(|| "bearer s3cret".into())),
            None
        );
        let b = access(&[], None, Some(("ruibo", "pw")));
        let basic = format!(
            "basic {}",
            base64::engine::general_purpose::STANDARD.encode("ruibo:pw")
        );
        assert_eq!(
            b.decide(None, |h| (h == "authorization").then(|| basic.clone())),
            None
        );
    }

    #[test]
    fn resolving_names_every_problem() {
        let config: AccessConfig = toml::from_str(
            "allow = [\"10.0.0.0/8\", \"nonsense\"]\ntoken_env = \"HISGW_UNSET_TOKEN_VAR\"\nbasic_user = \"u\"",
        )
        .unwrap();
        let problems = Access::resolve(&config).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("nonsense"));
        assert!(problems.iter().any(|p| p.contains("HISGW_UNSET_TOKEN_VAR")));
        assert!(problems.iter().any(|p| p.contains("go together")));
    }

    #[test]
    fn a_trusted_proxy_names_the_caller() {
        let mut a = access(&[], None, None);
        a.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        let proxy = Some("127.0.0.1".parse().unwrap());
        assert_eq!(
            a.caller(proxy, &["1.2.3.4, 10.0.0.9"]),
            Some("10.0.0.9".parse().unwrap())
        );
        let other = Some("10.9.9.9".parse().unwrap());
        assert_eq!(a.caller(other, &["10.0.0.9"]), other);
        // Two header lines are one list: the last line's last entry counts.
        assert_eq!(
            a.caller(proxy, &["10.1.2.3", "203.0.113.5"]),
            Some("203.0.113.5".parse().unwrap())
        );
        // An entry that is no address names no one (never the proxy).
        assert_eq!(a.caller(proxy, &["10.1.2.3, unknown"]), None);
        assert_eq!(a.caller(proxy, &["10.1.2.3", ""]), None);
        // Without the header the proxy itself is the caller.
        assert_eq!(a.caller(proxy, &[]), proxy);
    }
}
