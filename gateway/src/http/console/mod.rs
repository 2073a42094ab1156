//! The web console for hospital IT, served by the admin listener under
//! `/console`: an overview of each hospital (database, outbox, today's
//! payments and refunds, the last hour's calls per method) and a browser
//! of the audit trail (a call's masked request and answer).
//!
//! It owns the console's sessions: with `admin_token_env` set, a login
//! page takes the token and sets an HttpOnly, SameSite=Strict cookie; every
//! form that changes something carries the session's CSRF token. It must
//! never show an unmasked identifier: everything it shows of a call comes
//! from the audit trail, masked when recorded, and is masked again on the
//! way out.

mod pages;
mod text;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::pipeline::Gateway;
pub use text::Lang;

/// The session cookie.
const SESSION: &str = "hisgw_console";
/// The language cookie.
const LANG: &str = "hisgw_lang";
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
        .route("/console/calls/{id}", web::get().to(call));
}

/// What a page needs to know about who asks.
struct Viewer {
    lang: Lang,
    /// The session's CSRF token ("" without a login).
    csrf: String,
    /// Whether a login exists to end.
    logged_in: bool,
}

/// The viewer of a page; `None` when a login is needed first.
fn viewer(request: &HttpRequest, sessions: &Sessions) -> Option<Viewer> {
    let lang = language(request);
    if !sessions.required() {
        return Some(Viewer {
            lang,
            csrf: String::new(),
            logged_in: false,
        });
    }
    sessions.find(request).map(|session| Viewer {
        lang,
        csrf: session.csrf,
        logged_in: true,
    })
}

/// Sends the browser to the login page.
fn to_login() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", "/console/login"))
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
        response.cookie(
            Cookie::build(LANG, lang.code())
                .path("/console")
                .same_site(SameSite::Strict)
                .http_only(true)
                .finish(),
        );
    }
    response.body(markup.into_string())
}

async fn login_page(request: HttpRequest, sessions: web::Data<Sessions>) -> HttpResponse {
    if !sessions.required() {
        return HttpResponse::SeeOther()
            .insert_header(("Location", "/console"))
            .finish();
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
) -> HttpResponse {
    let Some(expected) = sessions.token.as_deref() else {
        return HttpResponse::SeeOther()
            .insert_header(("Location", "/console"))
            .finish();
    };
    let given = form.token.trim();
    let same = given.len() == expected.len()
        && bool::from(subtle::ConstantTimeEq::ct_eq(
            given.as_bytes(),
            expected.as_bytes(),
        ));
    if !same {
        tracing::warn!(source = ?request.peer_addr(), "console login refused: wrong token");
        let mut response = html(&request, pages::login(language(&request), true));
        *response.status_mut() = actix_web::http::StatusCode::UNAUTHORIZED;
        return response;
    }
    let Some((id, _)) = sessions.start() else {
        return HttpResponse::InternalServerError().body("no random numbers from the system");
    };
    tracing::info!(source = ?request.peer_addr(), "console login");
    HttpResponse::SeeOther()
        .insert_header(("Location", "/console"))
        .cookie(
            Cookie::build(SESSION, id)
                .path("/console")
                .http_only(true)
                .same_site(SameSite::Strict)
                .finish(),
        )
        .finish()
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    request: HttpRequest,
    form: web::Form<CsrfForm>,
    sessions: web::Data<Sessions>,
) -> HttpResponse {
    if let Some(viewer) = viewer(&request, &sessions) {
        if viewer.logged_in && csrf_matches(&viewer, &form.csrf) {
            sessions.end(&request);
        }
    }
    to_login()
}

/// Whether a form's CSRF token is the session's.
fn csrf_matches(viewer: &Viewer, given: &str) -> bool {
    !viewer.csrf.is_empty()
        && given.len() == viewer.csrf.len()
        && bool::from(subtle::ConstantTimeEq::ct_eq(
            given.as_bytes(),
            viewer.csrf.as_bytes(),
        ))
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
    html(&request, pages::overview(&viewer, &facts))
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
    html(&request, pages::calls(&viewer, &filter, found))
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
    let mut response = html(&request, pages::call(&viewer, found.as_ref()));
    if !matches!(found, Ok(Some(_))) {
        *response.status_mut() = actix_web::http::StatusCode::NOT_FOUND;
    }
    response
}
