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
