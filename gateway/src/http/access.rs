//! The platform-facing listener's side of `[access]`: the caller's address
//! and headers taken from the request, the decision left to `access`, and
//! every refusal logged with the source address.

use actix_web::HttpRequest;

use crate::access::{Access, Refusal};

/// Checks `request` against `access`; logs and returns any refusal.
pub fn check(access: &Access, hospital: &str, request: &HttpRequest) -> Result<(), Refusal> {
    // Every line, in order; a line that is not text names no one.
    let forwarded: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .map(|v| v.to_str().unwrap_or(""))
        .collect();
    let caller = access.caller(request.peer_addr().map(|a| a.ip()), &forwarded);
    let refusal = access.decide(caller, |name| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    if let Some(r) = &refusal {
        let source = caller
            .map(|p| p.to_string())
            .unwrap_or_else(|| "unknown".into());
        tracing::warn!(hospital, source = %source, path = %crate::mask::text(request.path()), reason = ?r, "call refused");
    }
    refusal.map_or(Ok(()), Err)
}

/// The address this request reached, for the WSDL's `soap:address` when
/// `[soap] address` is not set: the listener's own scheme and the `Host`
/// the caller used. `X-Forwarded-Host`/`-Proto` (or `Forwarded`) are
/// believed only from a trusted proxy — from anyone else they would let a
/// caller point the service description at a host of its choosing.
pub fn request_address(access: &Access, request: &HttpRequest) -> String {
    let from_proxy = request
        .peer_addr()
        .is_some_and(|peer| access.trusts(peer.ip()));
    let (scheme, host) = if from_proxy {
        let info = request.connection_info();
        (info.scheme().to_string(), info.host().to_string())
    } else {
        let scheme = if request.app_config().secure() {
            "https"
        } else {
            "http"
        };
        let host = request
            .headers()
            .get(actix_web::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_string)
            .or_else(|| request.uri().authority().map(|a| a.to_string()))
            .unwrap_or_else(|| request.app_config().host().to_string());
        (scheme.to_string(), host)
    };
    format!("{scheme}://{host}{}", request.path())
}
