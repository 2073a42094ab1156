//! The web console for hospital IT, served by the admin listener under
//! `/console`: an overview of each hospital (database, last mapping load,
//! outbox, today's payments and refunds, the last hour's calls per method),
//! a browser of the audit trail (a call's masked request and answer),
//! payments and reconciliation reports, the outbox, refunds (`refund`),
//! the mappings' errors (`mappings`) and the Try page (`trial`).
//!
//! It owns the console's sessions: with `admin_token_env` set, a login
//! page takes the token and sets an HttpOnly, SameSite=Strict cookie; every
//! form that changes something carries the session's CSRF token (`actor`)
//! and is written into the audit trail with who sent it (`audit_action`).
//! It must never show an unmasked identifier: everything it shows of a call
//! comes from the audit trail, masked when recorded, and is masked again on
//! the way out.

mod mappings;
mod pages;
mod refund;
mod text;
mod trial;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::pipeline::Gateway;
pub use mappings::LastCheck;
pub use text::Lang;

/// The session cookie.
const SESSION: &str = "hisgw_console";
/// The language cookie.
const LANG: &str = "hisgw_lang";
/// Without a login, the CSRF token lives in a cookie of its own (sent only
/// by the console's own pages: SameSite=Strict) and each form repeats it.
const CSRF: &str = "hisgw_csrf";
/// How long a login lasts.
const SESSION_LIFE: Duration = Duration::from_secs(8 * 3600);

/// The console's logins, in memory (a restart logs everyone out).
#[derive(Default)]
pub struct Sessions {
    token: Option<String>,
    open: Mutex<HashMap<String, Session>>,
}

#[derive(Clone)]
struct Session {
    csrf: String,
    since: Instant,
}

impl Sessions {
    pub fn new(token: Option<String>) -> Arc<Sessions> {
        Arc::new(Sessions {
            token,
            open: Mutex::default(),
        })
    }

    /// Whether a login is needed at all (a token is configured).
    fn required(&self) -> bool {
        self.token.is_some()
    }

    fn start(&self) -> Option<(String, Session)> {
        let id = random_hex()?;
        let session = Session {
            csrf: random_hex()?,
            since: Instant::now(),
        };
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.retain(|_, s| s.since.elapsed() < SESSION_LIFE);
        open.insert(id.clone(), session.clone());
        Some((id, session))
    }

    fn find(&self, request: &HttpRequest) -> Option<Session> {
        let id = request.cookie(SESSION)?;
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(id.value())
            .filter(|s| s.since.elapsed() < SESSION_LIFE)
            .cloned()
    }

    fn end(&self, request: &HttpRequest) {
        if let Some(id) = request.cookie(SESSION) {
            self.open
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(id.value());
        }
    }
}

/// 32 random bytes as hex, from the operating system.
fn random_hex() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The console's routes (the admin listener's bearer check does not apply
/// under `/console`: the console checks its own session).
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/console", web::get().to(overview))
        .route("/console/", web::get().to(overview))
        .route("/console/login", web::get().to(login_page))
        .route("/console/login", web::post().to(login))
        .route("/console/logout", web::post().to(logout))
        .route("/console/calls", web::get().to(calls))
        .route("/console/calls/{id}", web::get().to(call))
        .route("/console/payments", web::get().to(payments))
        .route("/console/reports/{hospital}/{name}", web::get().to(report))
        .route("/console/outbox", web::get().to(outbox))
        .route("/console/outbox/confirm", web::get().to(outbox_confirm))
        .route("/console/outbox/{action}", web::post().to(outbox_action))
        .route("/console/refund", web::get().to(refund::form))
        .route("/console/refund", web::post().to(refund::ask))
        .route("/console/mappings", web::get().to(mappings::show))
        .route(
            "/console/mappings/check",
            web::post().to(mappings::check_now),
        )
        .route("/console/try", web::get().to(trial::form))
        .route("/console/try", web::post().to(trial::run));
}

/// What a page needs to know about who asks.
struct Viewer {
    lang: Lang,
    /// The CSRF token the page's forms carry: the session's, or without a
    /// login the `hisgw_csrf` cookie's.
    csrf: String,
    /// Whether a login exists to end.
    logged_in: bool,
    /// A CSRF cookie to set with this page (none was sent).
    new_csrf: bool,
    /// Who acts, for the audit trail.
    who: String,
    /// The browser's address.
    source: String,
}

/// The viewer of a page; `None` when a login is needed first.
fn viewer(request: &HttpRequest, sessions: &Sessions) -> Option<Viewer> {
    let lang = language(request);
    let source = request
        .peer_addr()
        .map_or_else(|| "?".to_string(), |a| a.ip().to_string());
    if !sessions.required() {
        let sent = request.cookie(CSRF).map(|c| c.value().to_string());
        let new_csrf = sent.is_none();
        return Some(Viewer {
            lang,
            csrf: sent.or_else(random_hex).unwrap_or_default(),
            logged_in: false,
            new_csrf,
            who: format!("console (no login) from {source}"),
            source,
        });
    }
    let session = request.cookie(SESSION)?;
    let short: String = session.value().chars().take(8).collect();
    sessions.find(request).map(|found| Viewer {
        lang,
        csrf: found.csrf,
        logged_in: true,
        new_csrf: false,
        who: format!("console session {short} from {source}"),
        source,
    })
}

/// Sends the browser to the login page.
fn to_login() -> HttpResponse {
    see_other("/console/login")
}

/// Sends the browser on to `location` (after a form, or to log in).
fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// The page's language: `?lang=` first, then the cookie, then Chinese.
fn language(request: &HttpRequest) -> Lang {
    let asked = web::Query::<HashMap<String, String>>::from_query(request.query_string())
        .ok()
        .and_then(|q| q.get("lang").and_then(|l| Lang::parse(l)));
    asked
        .or_else(|| request.cookie(LANG).and_then(|c| Lang::parse(c.value())))
        .unwrap_or(Lang::Zh)
}

/// A page for `viewer`: with the CSRF cookie when it is new.
fn viewer_html(request: &HttpRequest, viewer: &Viewer, markup: maud::Markup) -> HttpResponse {
    let mut response = html(request, markup);
    if viewer.new_csrf {
        let _ = response.add_cookie(&console_cookie(CSRF, viewer.csrf.clone()));
    }
    response
}

/// A page as HTML; a language asked for by `?lang=` is remembered.
fn html(request: &HttpRequest, markup: maud::Markup) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:",
        ));
    if request.query_string().contains("lang=") {
        let lang = language(request);
        response.cookie(console_cookie(LANG, lang.code().to_string()));
    }
    response.body(markup.into_string())
}

async fn login_page(request: HttpRequest, sessions: web::Data<Sessions>) -> HttpResponse {
    if !sessions.required() {
        return see_other("/console");
    }
    html(&request, pages::login(language(&request), false))
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
}

async fn login(
    request: HttpRequest,
    form: web::Form<LoginForm>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let Some(expected) = sessions.token.as_deref() else {
        return see_other("/console");
    };
    if !crate::access::same_secret(form.token.trim(), expected) {
        tracing::warn!(source = ?request.peer_addr(), "console login refused: wrong token");
        audit_login(
            &gateway,
            &request,
            "console.login",
            "refused: wrong token",
            "",
        );
        let mut response = html(&request, pages::login(language(&request), true));
        *response.status_mut() = actix_web::http::StatusCode::UNAUTHORIZED;
        return response;
    }
    let Some((id, _)) = sessions.start() else {
        return HttpResponse::InternalServerError().body("no random numbers from the system");
    };
    tracing::info!(source = ?request.peer_addr(), "console login");
    let short: String = id.chars().take(8).collect();
    audit_login(&gateway, &request, "console.login", "success", &short);
    let mut response = see_other("/console");
    let _ = response.add_cookie(&console_cookie(SESSION, id));
    response
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    request: HttpRequest,
    form: web::Form<CsrfForm>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    if let Some(viewer) = viewer(&request, &sessions) {
        if viewer.logged_in && csrf_matches(&viewer, &form.csrf) {
            sessions.end(&request);
            audit_action(
                &gateway,
                &viewer,
                Action {
                    hospital: "",
                    method: "console.logout".into(),
                    trade_no: None,
                    outcome: "success".into(),
                    started: Instant::now(),
                    request: String::new(),
                },
            );
        }
    }
    to_login()
}

/// Who posts a form that changes something: a viewer (else the login page)
/// whose form carries the page's CSRF token (else 403).
fn actor(
    request: &HttpRequest,
    sessions: &Sessions,
    csrf: &str,
) -> Result<Viewer, Box<HttpResponse>> {
    let viewer = viewer(request, sessions).ok_or_else(|| Box::new(to_login()))?;
    match forged(&viewer, csrf) {
        Some(refused) => Err(Box::new(refused)),
        None => Ok(viewer),
    }
}

/// A refusal when a form's CSRF token is missing or not the page's (a
/// form posted from elsewhere); `None` when the form may act.
fn forged(viewer: &Viewer, given: &str) -> Option<HttpResponse> {
    if !viewer.new_csrf && csrf_matches(viewer, given) {
        return None;
    }
    tracing::warn!(who = %viewer.who, "console action refused: no or wrong CSRF token");
    Some(
        HttpResponse::Forbidden()
            .content_type("text/plain; charset=utf-8")
            .body("the form's CSRF token does not match: reload the page"),
    )
}

/// One action taken in the console, for the audit trail.
struct Action<'a> {
    hospital: &'a str,
    method: String,
    trade_no: Option<String>,
    outcome: String,
    started: Instant,
    /// Masked `name=value; …` pairs of what was asked.
    request: String,
}

/// Writes `action` into the audit trail with who took it and from where.
fn audit_action(gateway: &Gateway, viewer: &Viewer, action: Action<'_>) {
    gateway.audit_record(crate::audit::Record {
        request_id: random_hex().unwrap_or_default().chars().take(16).collect(),
        hospital: action.hospital.to_string(),
        direction: "admin",
        transport: "console",
        method: action.method,
        trade_no: action.trade_no,
        outcome: action.outcome,
        status: 200,
        duration_ms: action.started.elapsed().as_secs_f64() * 1e3,
        request: format!("{}; by={}", action.request, viewer.who),
        response: String::new(),
        source: viewer.source.clone(),
    });
}

/// A login, or a refused one, in the audit trail (the session by the first
/// characters of its id, as every later action names it).
fn audit_login(
    gateway: &Gateway,
    request: &HttpRequest,
    method: &str,
    outcome: &str,
    session: &str,
) {
    let source = request
        .peer_addr()
        .map_or_else(String::new, |a| a.ip().to_string());
    gateway.audit_record(crate::audit::Record {
        request_id: random_hex().unwrap_or_default().chars().take(16).collect(),
        direction: "admin",
        transport: "console",
        method: method.to_string(),
        outcome: outcome.to_string(),
        request: format!("session={session}; from={source}"),
        source,
        ..Default::default()
    });
}

/// Whether a form's CSRF token is the session's.
fn csrf_matches(viewer: &Viewer, given: &str) -> bool {
    !viewer.csrf.is_empty() && crate::access::same_secret(given, &viewer.csrf)
}

/// A cookie of the console's: its pages only, never to scripts, never sent
/// with a request another site starts.
fn console_cookie(name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/console")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish()
}

async fn overview(
    request: HttpRequest,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let Some(viewer) = viewer(&request, &sessions) else {
        return to_login();
    };
    let facts = pages::OverviewFacts::gather(&gateway).await;
    viewer_html(&request, &viewer, pages::overview(&viewer, &facts))
}

/// The call browser's filters, as the form sends them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallFilter {
    pub from: String,
    pub to: String,
    pub method: String,
    pub result: String,
    pub transport: String,
    pub trade_no: String,
    pub request_id: String,
    pub before: Option<i64>,
    pub lang: String,
}

async fn calls(
    request: HttpRequest,
    filter: web::Query<CallFilter>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let Some(viewer) = viewer(&request, &sessions) else {
        return to_login();
    };
    let data_dir = gateway.hospitals().source().data_dir.clone();
    let query = pages::audit_query(&filter);
    let found = tokio::task::spawn_blocking(move || crate::audit::find(&data_dir, &query))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
    viewer_html(&request, &viewer, pages::calls(&viewer, &filter, found))
}

async fn call(
    request: HttpRequest,
    id: web::Path<i64>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let Some(viewer) = viewer(&request, &sessions) else {
        return to_login();
    };
    let data_dir = gateway.hospitals().source().data_dir.clone();
    let id = id.into_inner();
    let found = tokio::task::spawn_blocking(move || crate::audit::entry(&data_dir, id))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
    let mut response = viewer_html(&request, &viewer, pages::call(&viewer, found.as_ref()));
    if !matches!(found, Ok(Some(_))) {
        *response.status_mut() = actix_web::http::StatusCode::NOT_FOUND;
    }
    response
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OutboxFilter {
    hospital: String,
    state: String,
    lang: String,
}

async fn outbox(
    request: HttpRequest,
    filter: web::Query<OutboxFilter>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let Some(viewer) = viewer(&request, &sessions) else {
        return to_login();
    };
    let state = filter.state.parse::<crate::outbound::outbox::State>().ok();
    let mut lists = Vec::new();
    for h in gateway.hospitals().all() {
        if !filter.hospital.is_empty() && filter.hospital != h.mapping.id {
            continue;
        }
        if h.mapping.platform.is_none() {
            continue;
        }
        let rows = crate::outbound::outbox::Outbox::of(&h.db)
            .list(state)
            .await
            .map_err(|e| e.to_string());
        lists.push((h.mapping.id.clone(), rows));
    }
    viewer_html(
        &request,
        &viewer,
        pages::outbox(&viewer, &filter.state, &lists),
    )
}

#[derive(Debug, Deserialize)]
struct OutboxChoice {
    hospital: String,
    id: i64,
    action: String,
}

/// The page that asks "really?" before a retry or a drop.
async fn outbox_confirm(
    request: HttpRequest,
    choice: web::Query<OutboxChoice>,
    sessions: web::Data<Sessions>,
) -> HttpResponse {
    let Some(viewer) = viewer(&request, &sessions) else {
        return to_login();
    };
    if !matches!(choice.action.as_str(), "retry" | "drop") {
        return HttpResponse::NotFound().finish();
    }
    viewer_html(
        &request,
        &viewer,
        pages::outbox_confirm(&viewer, &choice.hospital, choice.id, &choice.action),
    )
}

#[derive(Debug, Deserialize)]
struct OutboxForm {
    csrf: String,
    hospital: String,
    id: i64,
}

/// Retries or drops one outbox row: the form must carry the page's CSRF
/// token; the action goes into the audit trail with who did it.
async fn outbox_action(
    request: HttpRequest,
    action: web::Path<String>,
    form: web::Form<OutboxForm>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let viewer = match actor(&request, &sessions, &form.csrf) {
        Ok(viewer) => viewer,
        Err(refused) => return *refused,
    };
    let Some(h) = gateway.hospital(&form.hospital) else {
        return HttpResponse::NotFound().body("no such hospital");
    };
    let started = Instant::now();
    let outbox = crate::outbound::outbox::Outbox::of(&h.db);
    let done = match action.as_str() {
        "retry" => outbox.retry(form.id).await,
        "drop" => outbox.drop(form.id).await,
        _ => return HttpResponse::NotFound().finish(),
    };
    let outcome = match &done {
        Ok(true) => "success".to_string(),
        Ok(false) => "unchanged".to_string(),
        Err(e) => format!("error: {e}"),
    };
    audit_action(
        &gateway,
        &viewer,
        Action {
            hospital: &form.hospital,
            method: format!("outbox.{}", action.as_str()),
            trade_no: None,
            outcome,
            started,
            request: format!("id={}", form.id),
        },
    );
    see_other(&format!(
        "/console/outbox?hospital={}",
        pages::encode(&form.hospital)
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PaymentsFilter {
    day: String,
    trade_no: String,
    /// A report file of the hospital's to show.
    report: String,
    lang: String,
}

/// The day's ledger per hospital, a tradeNo looked up (the ledger's row
/// and every notification of it in the audit trail), and the
/// reconciliation reports.
async fn payments(
    request: HttpRequest,
    filter: web::Query<PaymentsFilter>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let Some(viewer) = viewer(&request, &sessions) else {
        return to_login();
    };
    let day = chrono::NaiveDate::parse_from_str(filter.day.trim(), "%Y-%m-%d")
        .unwrap_or_else(|_| crate::clock::today());
    let trade_no = filter.trade_no.trim().to_string();
    let data_dir = gateway.hospitals().source().data_dir.clone();
    let mut facts = Vec::new();
    for h in gateway.hospitals().all() {
        if !h.mapping.keeps_ledger() {
            continue;
        }
        let dialect = h.db.dialect();
        let mut statements = vec![crate::ledger::day_payment_list(dialect, day)];
        if !trade_no.is_empty() {
            statements.push(crate::ledger::lookup(dialect, &trade_no));
        }
        let sets = h.db.query(statements).await.map_err(|e| e.to_string());
        let reports_dir = data_dir.join(h.mapping.reports_dir());
        let reports = pages::reports(&reports_dir, &h.mapping.id);
        // Only a report of the hospital's own is read (a name is never a path).
        let shown = reports
            .iter()
            .find(|r| r.name == filter.report && r.name.ends_with(".csv"))
            .map(|r| {
                let rows = std::fs::read_to_string(reports_dir.join(&r.name))
                    .map(|text| pages::csv_rows(&text))
                    .map_err(|e| e.to_string());
                (r.name.clone(), rows)
            });
        facts.push(pages::PaymentFacts {
            hospital: h.mapping.id.clone(),
            sets,
            reports,
            shown,
        });
    }
    let notifications = if trade_no.is_empty() {
        Ok(Vec::new())
    } else {
        let query = crate::audit::Query {
            trade_no: Some(trade_no.clone()),
            limit: 100,
            ..Default::default()
        };
        let dir = data_dir.clone();
        tokio::task::spawn_blocking(move || crate::audit::find(&dir, &query))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r)
    };
    viewer_html(
        &request,
        &viewer,
        pages::payments(&viewer, day, &trade_no, &facts, notifications),
    )
}

/// A reconciliation report (CSV or summary) as a download. The name must
/// be one of the hospital's report files: no other file can be asked for.
async fn report(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    if viewer(&request, &sessions).is_none() {
        return to_login();
    }
    let (hospital, name) = path.into_inner();
    let Some(h) = gateway.hospital(&hospital) else {
        return HttpResponse::NotFound().finish();
    };
    let dir = gateway
        .hospitals()
        .source()
        .data_dir
        .join(h.mapping.reports_dir());
    let known = pages::reports(&dir, &hospital)
        .into_iter()
        .any(|r| r.name == name);
    if !known {
        return HttpResponse::NotFound().finish();
    }
    match std::fs::read(dir.join(&name)) {
        Ok(bytes) => HttpResponse::Ok()
            .content_type(if name.ends_with(".csv") {
                "text/csv; charset=utf-8"
            } else {
                "text/plain; charset=utf-8"
            })
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{name}\""),
            ))
            .body(bytes),
        Err(_) => HttpResponse::NotFound().finish(),
    }
}
