//! The HTTP front end. The platform's calls arrive as
//! - REST: `POST /api/{hospital}/{method}` with a `<request>` body (UTF-8,
//!   or GBK/GB18030 as the Content-Type charset or XML prolog says), or with
//!   a JSON object when the Content-Type is `application/json`;
//! - SOAP 1.1/1.2: `POST /soap/{hospital}`, document/literal wrapped, with
//!   the WSDL at `GET /soap/{hospital}?wsdl`.
//!
//! This module owns routes, status codes, content types and choosing the
//! decoder and encoder of a transport. It must never parse or build XML or
//! JSON itself (`decode`, `encode` and `wsdl` do) nor answer a method
//! (`pipeline` does).

mod access;
pub mod admin;
mod body;
mod console;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use tracing::Instrument;

use crate::access::Refusal;
use crate::decode::{self, charset, SoapCall, SoapNames, SoapVersion};
use crate::encode::{self, ResponseEncoding};
use crate::mapping::HospitalMapping;
use crate::pipeline::{CallError, Gateway};
use crate::shape::{Answer, Reply};
use body::{closing, read_body, BodyBudget, MAX_BODY};

/// Starts serving on an already bound listener, over TLS when `tls` is given.
pub fn serve(
    listener: TcpListener,
    gateway: Arc<Gateway>,
    workers: Option<usize>,
    tls: Option<rustls::ServerConfig>,
) -> std::io::Result<actix_web::dev::Server> {
    let data = web::Data::from(gateway);
    let budget = web::Data::new(BodyBudget::new());
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(budget.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .route("/api/{hospital}/{method}", web::post().to(api))
            .route("/api/{hospital}/{method}", web::to(method_not_allowed))
            .route("/soap/{hospital}", web::post().to(soap))
            .route("/soap/{hospital}", web::get().to(wsdl))
            .route(
                "/healthz",
                web::get().to(|| async { HttpResponse::Ok().body("ok") }),
            )
            .default_service(web::to(not_found))
    });
    if let Some(n) = workers {
        server = server.workers(n);
    }
    // Stopping on a signal is `Application`'s, for both listeners at once.
    server = server.disable_signals();
    let server = match tls {
        Some(config) => server.listen_rustls_0_23(listener, config)?,
        None => server.listen(listener)?,
    };
    Ok(server.run())
}

/// The TLS configuration of a certificate chain and key in PEM files.
pub fn tls_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<rustls::ServerConfig, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("{}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no certificate in it", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| format!("certificate and key: {e}"))
}

/// The transport a REST call came in, which its answer goes back in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rest {
    Xml,
    Json,
}

async fn api(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Payload,
    budget: web::Data<BodyBudget>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let id = request_id(&request);
    let (hospital, method) = path.into_inner();
    let shown = Shown::of(&id, &hospital);
    let span = tracing::info_span!("call", request_id = %shown.id, hospital = %shown.hospital, method = %cut(&method), transport = "rest", result = tracing::field::Empty);
    let started = std::time::Instant::now();
    let mut response = api_call(request, hospital, method, (body, &budget), gateway, &shown)
        .instrument(span.clone())
        .await;
    answered(&span, &mut response, &id, started);
    response
}

async fn api_call(
    request: HttpRequest,
    hospital: String,
    method: String,
    (body, budget): (web::Payload, &BodyBudget),
    gateway: web::Data<Gateway>,
    shown: &Shown,
) -> HttpResponse {
    let started = std::time::Instant::now();
    let content_type = header(&request, "content-type");
    let transport = if media_type(content_type).ends_with("json") {
        Rest::Json
    } else {
        Rest::Xml
    };
    let transport_name = if transport == Rest::Json {
        "json"
    } else {
        "rest"
    };
    let call = Accounted {
        shown,
        hospital: &hospital,
        method: &method,
        transport: transport_name,
        started,
        source: request.peer_addr().map(|a| a.ip()),
    };
    if let Some(h) = gateway.hospital(&hospital) {
        if let Err(refusal) = access::check(&h.mapping.access, &hospital, &request) {
            let reply = Reply::error(refusal.message());
            account(&gateway, &call, None, refusal.status(), &reply);
            let mut response = match transport {
                Rest::Json => json(refusal.status(), &reply),
                Rest::Xml => xml(refusal.status(), &reply, ResponseEncoding::Utf8),
            };
            challenge(&mut response, &refusal);
            return response;
        }
    }
    // Access is decided from the headers above; only then is the body read.
    let body = match read_body(body, &request, budget).await {
        Ok(body) => body,
        Err(e) => {
            let reply = Reply::error(e.to_string());
            account(&gateway, &call, None, e.status(), &reply);
            return closing(match transport {
                Rest::Json => json(e.status(), &reply),
                Rest::Xml => xml(e.status(), &reply, ResponseEncoding::Utf8),
            });
        }
    };
    let decoded = charset::text(&body, charset_of(content_type))
        .and_then(|text| match transport {
            Rest::Json => decode::decode_json(&text),
            Rest::Xml => decode::parse_request(&text),
        })
        .map_err(CallError::from);
    let (status, reply) = match &decoded {
        Ok(raw) => match gateway.call(&hospital, &method, raw).await {
            Ok(reply) => (200, reply),
            Err(e) => refused(&e, &hospital, &method),
        },
        Err(e) => refused(e, &hospital, &method),
    };
    account(&gateway, &call, decoded.as_ref().ok(), status, &reply);
    match transport {
        Rest::Json => json_answer(status, &reply),
        Rest::Xml => xml_answer(status, &reply, response_encoding(&gateway, &hospital)),
    }
}

async fn soap(
    request: HttpRequest,
    path: web::Path<String>,
    body: web::Payload,
    budget: web::Data<BodyBudget>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let id = request_id(&request);
    let hospital = path.into_inner();
    let shown = Shown::of(&id, &hospital);
    let span = tracing::info_span!("call", request_id = %shown.id, hospital = %shown.hospital, method = tracing::field::Empty, transport = "soap", result = tracing::field::Empty);
    let started = std::time::Instant::now();
    let mut response = soap_call(request, hospital, (body, &budget), gateway, &shown)
        .instrument(span.clone())
        .await;
    answered(&span, &mut response, &id, started);
    response
}

/// The caller's request id and hospital as logs and the audit show them
/// (`cut`), made once per call.
struct Shown {
    id: String,
    hospital: String,
}

impl Shown {
    fn of(id: &str, hospital: &str) -> Shown {
        Shown {
            id: cut(id),
            hospital: cut(hospital),
        }
    }
}

/// Who called what, for `account`.
struct Accounted<'a> {
    shown: &'a Shown,
    /// As the caller sent it, to look the hospital up.
    hospital: &'a str,
    method: &'a str,
    transport: &'static str,
    started: std::time::Instant,
    /// The TCP peer that sent the call (a proxy's address when behind one).
    source: Option<std::net::IpAddr>,
}

/// What every call leaves behind, answered or refused: its span's result,
/// its metrics and its audit record (identifiers masked).
fn account(
    gateway: &Gateway,
    call: &Accounted<'_>,
    request: Option<&decode::RawRequest>,
    status: u16,
    reply: &Reply,
) {
    let result = if status == 200 {
        reply.result.as_str()
    } else {
        "refused"
    };
    tracing::Span::current().record("result", result);
    let took = call.started.elapsed();
    // Labels come from the served set and the catalogue, never from the
    // caller's spelling: unknown hospitals share one series.
    let hospital = if gateway.hospital(call.hospital).is_some() {
        call.hospital
    } else {
        crate::metrics::UNKNOWN
    };
    gateway
        .metrics()
        .record(hospital, call.method, call.transport, result, took);
    gateway.audit_record(crate::audit::Record {
        request_id: call.shown.id.clone(),
        hospital: call.shown.hospital.clone(),
        direction: "in",
        transport: call.transport,
        method: cut(call.method),
        trade_no: request
            .and_then(|r| r.get(crate::catalogue::field::TRADE_NO))
            .map(String::from),
        outcome: result.to_string(),
        status,
        duration_ms: took.as_secs_f64() * 1e3,
        request: request
            .map(|r| {
                crate::audit::masked_fields(
                    r.fields().iter().map(|(k, v)| (k.as_str(), v.as_str())),
                )
            })
            .unwrap_or_default(),
        response: crate::audit::masked_reply(reply),
        source: call.source.map(|ip| ip.to_string()).unwrap_or_default(),
    });
}

/// A call the gateway could not answer: logged, and its reply.
fn refused(e: &CallError, hospital: &str, method: &str) -> (u16, Answer) {
    tracing::info!(hospital = %cut(hospital), method = %cut(method), error = %e, "refused");
    let (status, reply) = e.to_reply();
    (status, Answer::new(reply))
}

/// The one log line of a call, in its span, and its request id echoed.
fn answered(
    span: &tracing::Span,
    response: &mut HttpResponse,
    id: &str,
    started: std::time::Instant,
) {
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            duration_ms = started.elapsed().as_secs_f64() * 1e3,
            "answered"
        );
    });
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(id) {
        response.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("x-request-id"),
            value,
        );
    }
}

/// The caller's `X-Request-Id` (kept if sane), else a new one.
fn request_id(request: &HttpRequest) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let given = header(request, "x-request-id");
    if !given.is_empty()
        && given.len() <= 64
        && given
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return given.to_string();
    }
    // The process id is asked of the system once (a system call per call
    // otherwise).
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    format!(
        "{:x}-{:x}",
        PID.get_or_init(std::process::id),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

async fn soap_call(
    request: HttpRequest,
    hospital: String,
    (body, budget): (web::Payload, &BodyBudget),
    gateway: web::Data<Gateway>,
    shown: &Shown,
) -> HttpResponse {
    let started = std::time::Instant::now();
    let content_type = header(&request, "content-type");
    let hint = if media_type(content_type) == "application/soap+xml" {
        SoapVersion::V12
    } else {
        SoapVersion::V11
    };
    let Some(served) = gateway.hospital(&hospital) else {
        return fault(hint, 404, &format!("unknown hospital {:?}", shown.hospital));
    };
    let mapping = &served.mapping;
    let mut call_info = Accounted {
        shown,
        hospital: &hospital,
        method: "",
        transport: "soap",
        started,
        source: request.peer_addr().map(|a| a.ip()),
    };
    if let Err(refusal) = access::check(&mapping.access, &hospital, &request) {
        account(
            &gateway,
            &call_info,
            None,
            refusal.status(),
            &Reply::error(refusal.message()),
        );
        let mut response = fault_with_status(hint, refusal.status(), &refusal.message());
        challenge(&mut response, &refusal);
        return response;
    }
    // Access is decided from the headers above; only then is the body read.
    let body = match read_body(body, &request, budget).await {
        Ok(body) => body,
        Err(e) => {
            let message = e.to_string();
            account(
                &gateway,
                &call_info,
                None,
                e.status(),
                &Reply::error(&message),
            );
            return closing(fault_with_status(hint, e.status(), &message));
        }
    };
    let text = match charset::text(&body, charset_of(content_type)) {
        Ok(text) => text,
        Err(e) => {
            account(
                &gateway,
                &call_info,
                None,
                400,
                &Reply::error(e.to_string()),
            );
            return fault(hint, 400, &e.to_string());
        }
    };
    let names = soap_names(mapping);
    let call = match decode::decode_soap(&text, &names, hint) {
        Ok(call) => {
            tracing::Span::current().record("method", cut(&call.method).as_str());
            call
        }
        Err(f) => {
            tracing::info!(%hospital, error = %f, "SOAP fault");
            account(
                &gateway,
                &call_info,
                None,
                400,
                &Reply::error(f.message.clone()),
            );
            return fault(f.version, 400, &f.message);
        }
    };
    call_info.method = &call.method;
    let (status, reply) = match &call.request {
        Ok(raw) => match gateway.call(&hospital, &call.method, raw).await {
            Ok(reply) => (200, reply),
            // An operation the service does not offer is the envelope's problem.
            Err(
                e @ (CallError::UnknownMethod(_)
                | CallError::NotMapped { .. }
                | CallError::UnknownHospital(_)),
            ) => {
                let message = format!("unknown operation: {e}");
                account(
                    &gateway,
                    &call_info,
                    Some(raw),
                    400,
                    &Reply::error(message.clone()),
                );
                return fault(call.version, 400, &message);
            }
            Err(e) => refused(&e, &hospital, &call.method),
        },
        Err(e) => refused(&CallError::from(e.clone()), &hospital, &call.method),
    };
    account(
        &gateway,
        &call_info,
        call.request.as_ref().ok(),
        status,
        &reply,
    );
    soap_answer(&call, mapping, &reply)
}

fn soap_answer(call: &SoapCall, mapping: &HospitalMapping, reply: &Answer) -> HttpResponse {
    let encoding = mapping.response_encoding;
    let namespace = call
        .namespace
        .as_deref()
        .or(Some(mapping.soap.namespace.as_str()));
    // The answer escaped as the text of `<return>`: written once per answer.
    let inner = reply.form(form::SOAP_TEXT, |r| encode::encode_xml_as_text(r).into());
    let text = encode::encode_soap(
        call.version,
        namespace,
        &call.operation,
        std::str::from_utf8(&inner).unwrap_or_default(),
        encoding.label(),
    );
    let content_type = match call.version {
        SoapVersion::V11 => format!("text/xml; charset={}", encoding.label()),
        SoapVersion::V12 => format!("application/soap+xml; charset={}", encoding.label()),
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .body(charset::encode(&text, encoding.encoding()).into_owned())
}

fn soap_names(mapping: &HospitalMapping) -> SoapNames<'_> {
    SoapNames {
        param: &mapping.soap.param,
        dispatcher: mapping
            .soap
            .dispatcher
            .as_ref()
            .map(|d| decode::DispatcherNames {
                operation: &d.operation,
                method_param: &d.method_param,
                request_param: &d.request_param,
            }),
    }
}

/// `GET /soap/{hospital}?wsdl`: the hospital's WSDL 1.1.
async fn wsdl(
    request: HttpRequest,
    path: web::Path<String>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let hospital = path.into_inner();
    if !request.query_string().eq_ignore_ascii_case("wsdl") {
        return xml(
            405,
            &Reply::error("POST a SOAP envelope here, or GET ?wsdl for the service description"),
            ResponseEncoding::Utf8,
        );
    }
    let Some(h) = gateway.hospital(&hospital) else {
        return not_found().await;
    };
    if let Err(refusal) = access::check(&h.mapping.access, &hospital, &request) {
        let mut response = xml(
            refusal.status(),
            &Reply::error(refusal.message()),
            ResponseEncoding::Utf8,
        );
        challenge(&mut response, &refusal);
        return response;
    }
    let address = access::request_address(&h.mapping.access, &request);
    HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(service_description(&h.mapping, &address))
}

/// The WSDL of a hospital; its address is the configured one, else `fallback`.
pub fn service_description(mapping: &HospitalMapping, fallback: &str) -> String {
    let service = mapping
        .soap
        .service(&mapping.id, mapping.mapped(), fallback);
    crate::wsdl::wsdl(&service)
}

async fn method_not_allowed() -> HttpResponse {
    xml(
        405,
        &Reply::error("use POST with a <request> body"),
        ResponseEncoding::Utf8,
    )
}

async fn not_found() -> HttpResponse {
    xml(
        404,
        &Reply::error(
            "no such endpoint: use POST /api/{hospital}/{method} or POST /soap/{hospital}",
        ),
        ResponseEncoding::Utf8,
    )
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn xml(code: u16, reply: &Reply, encoding: ResponseEncoding) -> HttpResponse {
    xml_response(code, encoding, xml_bytes(reply, encoding))
}

/// An answer as XML: written once per encoding, however many calls it
/// answers (a cached read).
fn xml_answer(code: u16, answer: &Answer, encoding: ResponseEncoding) -> HttpResponse {
    let bytes = answer.form(form::xml(encoding), |reply| xml_bytes(reply, encoding));
    xml_response(code, encoding, bytes)
}

fn xml_bytes(reply: &Reply, encoding: ResponseEncoding) -> web::Bytes {
    let text = encode::encode_xml(reply);
    if encoding == ResponseEncoding::Utf8 {
        return text.into();
    }
    let text = format!(
        "<?xml version=\"1.0\" encoding=\"{}\"?>{text}",
        encoding.label()
    );
    charset::encode(&text, encoding.encoding())
        .into_owned()
        .into()
}

fn xml_response(code: u16, encoding: ResponseEncoding, body: web::Bytes) -> HttpResponse {
    let builder = &mut HttpResponse::build(status(code));
    if encoding == ResponseEncoding::Utf8 {
        return builder
            .content_type("application/xml; charset=utf-8")
            .body(body);
    }
    builder
        .content_type(format!("application/xml; charset={}", encoding.label()))
        .body(body)
}

fn json(code: u16, reply: &Reply) -> HttpResponse {
    HttpResponse::build(status(code))
        .content_type("application/json; charset=utf-8")
        .body(encode::encode_json(reply))
}

fn json_answer(code: u16, answer: &Answer) -> HttpResponse {
    let body = answer.form(form::JSON, |reply| encode::encode_json(reply).into());
    HttpResponse::build(status(code))
        .content_type("application/json; charset=utf-8")
        .body(body)
}

/// Which slot of an answer (`Answer::form`) keeps which wire form.
mod form {
    use crate::encode::ResponseEncoding;

    pub const JSON: usize = 0;
    pub const SOAP_TEXT: usize = 1;

    pub fn xml(encoding: ResponseEncoding) -> usize {
        2 + match encoding {
            ResponseEncoding::Utf8 => 0,
            ResponseEncoding::Gbk => 1,
            ResponseEncoding::Gb18030 => 2,
        }
    }
}

/// A SOAP Fault: the sender's envelope could not be answered. SOAP 1.1
/// sends faults with status 500, SOAP 1.2 a sender fault with 400.
fn fault(version: SoapVersion, code: u16, message: &str) -> HttpResponse {
    let (code, content_type) = match version {
        SoapVersion::V11 => (500, "text/xml; charset=utf-8"),
        SoapVersion::V12 => (code, "application/soap+xml; charset=utf-8"),
    };
    HttpResponse::build(status(code))
        .content_type(content_type)
        .body(encode::encode_fault(version, message))
}

/// A Fault with an HTTP status of its own (access refusals happen before
/// any SOAP processing).
fn fault_with_status(version: SoapVersion, code: u16, message: &str) -> HttpResponse {
    let content_type = match version {
        SoapVersion::V11 => "text/xml; charset=utf-8",
        SoapVersion::V12 => "application/soap+xml; charset=utf-8",
    };
    HttpResponse::build(status(code))
        .content_type(content_type)
        .body(encode::encode_fault(version, message))
}

/// Asks for a login where basic authentication is what is missing.
fn challenge(response: &mut HttpResponse, refusal: &Refusal) {
    if matches!(refusal, Refusal::Unauthenticated("login")) {
        response.headers_mut().insert(
            actix_web::http::header::WWW_AUTHENTICATE,
            actix_web::http::header::HeaderValue::from_static("Basic realm=\"hisgw\""),
        );
    }
}

fn response_encoding(gateway: &Gateway, hospital: &str) -> ResponseEncoding {
    gateway
        .hospital(hospital)
        .map_or(ResponseEncoding::Utf8, |h| h.mapping.response_encoding)
}

fn header<'a>(request: &'a HttpRequest, name: &str) -> &'a str {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// `application/json` of `application/json; charset=utf-8`, lower case.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The `charset` parameter of a Content-Type.
fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"'))
    })
}

/// A name from the request (hospital, method, request id) as a log line,
/// the audit or a message may show it: at most 64 characters, identifiers
/// masked by their shape.
fn cut(s: &str) -> String {
    crate::mask::text(&s.chars().take(64).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_parts() {
        assert_eq!(
            media_type("Application/JSON; charset=UTF-8"),
            "application/json"
        );
        assert_eq!(charset_of("text/xml; charset=\"GBK\""), Some("GBK"));
        assert_eq!(
            charset_of("application/soap+xml;charset=utf-8;action=\"urn:x\""),
            Some("utf-8")
        );
        assert_eq!(charset_of("application/xml"), None);
    }
}
