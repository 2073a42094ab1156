//! The admin listener (localhost by default): hospital systems ask for
//! refunds and look at the outbox here. It is never the platform's endpoint.
//!
//! - `POST /admin/{hospital}/refund` with a JSON object: tradeNo,
//!   refundAmount, hisId, patientCard, realName, optional operator and
//!   reverse (true for 冲正) — answers the refund's state as JSON;
//! - `GET /admin/{hospital}/refund/{hisId}`: that refund's state;
//! - `GET /admin/{hospital}/outbox?state=pending|dead|failed|sent`;
//! - `POST /admin/{hospital}/try` with `{"method", "fields": {…}, "commit"}`:
//!   runs the method as `hisgw try` does (rolled back unless `commit` is
//!   true) and answers the response, each statement and the rows changed;
//! - `GET /healthz`: each hospital's database answers (503 when one does not);
//! - `GET /metrics`: Prometheus text — calls, latency, pools, outbox, ledger;
//! - `/console`: the web console (`http::console`), with its own login.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};
use serde::Deserialize;

use crate::outbound::outbox::{self, Outbox, State};
use crate::outbound::{OutboundError, Platform, RefundRequest};
use crate::pipeline::Gateway;

pub fn serve(
    listener: TcpListener,
    gateway: Arc<Gateway>,
    token: Option<String>,
) -> std::io::Result<actix_web::dev::Server> {
    let data = web::Data::from(gateway);
    let sessions = web::Data::from(super::console::Sessions::new(token.clone()));
    let last_check = web::Data::new(super::console::LastCheck::default());
    let token = Arc::new(token);
    Ok(HttpServer::new(move || {
        let token = token.clone();
        App::new()
            .wrap(actix_web::middleware::from_fn(move |req: actix_web::dev::ServiceRequest, next: actix_web::middleware::Next<actix_web::body::BoxBody>| {
                let token = token.clone();
                async move {
                    // The console checks its own session (a login page, a cookie).
                    let console = req.path() == "/console" || req.path().starts_with("/console/");
                    if let (Some(expected), false) = (token.as_ref(), console) {
                        let given = req
                            .headers()
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default();
                        if !crate::access::bearer_matches(given, expected) {
                            tracing::warn!(source = ?req.peer_addr(), path = %crate::mask::text(req.path()), "admin call refused: no or wrong token");
                            let response = error(401, "admin token required (Authorization: Bearer …)");
                            return Ok(req.into_response(response));
                        }
                    }
                    next.call(req).await
                }
            }))
            .app_data(data.clone())
            .app_data(sessions.clone())
            .app_data(last_check.clone())
            .app_data(web::JsonConfig::default().limit(64 * 1024))
            .app_data(web::FormConfig::default().limit(16 * 1024))
            .configure(super::console::configure)
            .route("/healthz", web::get().to(health))
            .route("/metrics", web::get().to(metrics))
            .route("/admin/{hospital}/refund", web::post().to(refund))
            .route(
                "/admin/{hospital}/refund/{his_id}",
                web::get().to(refund_state),
            )
            .route("/admin/{hospital}/outbox", web::get().to(list))
            .route("/admin/{hospital}/try", web::post().to(try_call))
    })
    .workers(1)
    // Stopping on a signal is `Application`'s, for both listeners at once.
    .disable_signals()
    .listen(listener)?
    .run())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RefundBody {
    trade_no: String,
    refund_amount: String,
    his_id: String,
    patient_card: String,
    real_name: String,
    operator: Option<String>,
    #[serde(default)]
    reverse: bool,
    /// Seconds to wait for a definite answer (default 30).
    wait_s: Option<u64>,
}

fn error(status: u16, message: impl std::fmt::Display) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap_or_default())
        .json(serde_json::json!({"result": "error", "message": message.to_string()}))
}

fn row_json(row: &outbox::Row) -> serde_json::Value {
    serde_json::json!({
        "id": row.id,
        "kind": row.kind.to_string(),
        "dataType": row.data_type,
        "key": row.event_key,
        "state": row.state.as_str(),
        "attempts": row.attempts,
        "nextAttemptAt": row.next_attempt_at,
        "lastResult": row.last_result,
        "lastMessage": row.last_message,
    })
}

async fn refund(
    path: web::Path<String>,
    body: web::Json<RefundBody>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let Some(hospital) = gateway.hospital(&path) else {
        return error(404, format!("unknown hospital {:?}", path.as_str()));
    };
    let platform = match Platform::of(&hospital) {
        Ok(p) => p,
        Err(e) => return error(409, e),
    };
    let Some(amount) = RefundRequest::amount_of(&body.refund_amount) else {
        return error(400, "refundAmount must be an amount above zero");
    };
    let request = RefundRequest {
        trade_no: body.trade_no.clone(),
        amount,
        his_id: body.his_id.clone(),
        patient_card: body.patient_card.clone(),
        real_name: body.real_name.clone(),
        operator: body.operator.clone(),
        reverse: body.reverse,
    };
    let wait = Duration::from_secs(body.wait_s.unwrap_or(30).min(600));
    match platform.refund(&request, wait).await {
        Ok(row) => HttpResponse::Ok().json(row_json(&row)),
        Err(e @ OutboundError::Refused(_)) => error(409, e),
        Err(e) => error(503, e),
    }
}

async fn refund_state(
    path: web::Path<(String, String)>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let (hospital, his_id) = path.into_inner();
    let Some(h) = gateway.hospital(&hospital) else {
        return error(404, format!("unknown hospital {hospital:?}"));
    };
    match Outbox::of(&h.db).refund(&his_id).await {
        Ok(Some(row)) => HttpResponse::Ok().json(row_json(&row)),
        Ok(None) => error(404, format!("no refund {his_id}")),
        Err(e) => error(503, e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TryBody {
    method: String,
    #[serde(default)]
    fields: std::collections::BTreeMap<String, String>,
    /// Keep what the call does (default: roll it back).
    #[serde(default)]
    commit: bool,
}

async fn try_call(
    path: web::Path<String>,
    body: web::Json<TryBody>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    if gateway.hospital(&path).is_none() {
        return error(404, format!("unknown hospital {:?}", path.as_str()));
    }
    let TryBody {
        method,
        fields,
        commit,
    } = body.into_inner();
    if commit {
        tracing::warn!(hospital = %path, method = %method, "try with commit: the call's changes are kept");
    }
    let request = crate::decode::RawRequest::new(fields.into_iter().collect());
    let r = gateway.rehearse(&path, &method, &request, commit).await;
    HttpResponse::Ok().json(serde_json::json!({
        "result": r.reply.result,
        "message": r.reply.message,
        "response": crate::encode::encode_xml(&r.reply),
        "committed": r.committed,
        "steps": r.steps,
        "tables": r.tables,
    }))
}

#[derive(Deserialize)]
struct ListQuery {
    state: Option<String>,
}

async fn list(
    path: web::Path<String>,
    query: web::Query<ListQuery>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let Some(h) = gateway.hospital(&path) else {
        return error(404, format!("unknown hospital {:?}", path.as_str()));
    };
    let state = match query.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => match s.parse::<State>() {
            Ok(state) => Some(state),
            Err(e) => return error(400, e),
        },
        None => None,
    };
    match Outbox::of(&h.db).list(state).await {
        Ok(rows) => HttpResponse::Ok().json(rows.iter().map(row_json).collect::<Vec<_>>()),
        Err(e) => error(503, e),
    }
}

/// Every hospital's database asked `SELECT 1`; every hospital that is
/// still starting or not served at all, with why.
/// `ok` when the hospital's database answers `SELECT 1` within 5 s and its
/// start has finished; otherwise what is wrong (for `/healthz` and the
/// console).
pub(super) async fn database_state(h: &crate::hospitals::Hospital) -> String {
    let probe = crate::execute::Statement::new("SELECT 1", Vec::new());
    let state = match tokio::time::timeout(Duration::from_secs(5), h.db.query(vec![probe])).await {
        Ok(Ok(_)) => "ok".to_string(),
        Ok(Err(e)) => e.to_string(),
        Err(_) => "no answer within 5 s".to_string(),
    };
    // The database answers, but the start waited for it and is not
    // finished (it is, within 15 s): not ok yet.
    match (state.as_str(), h.started(), h.proven()) {
        ("ok", false, _) => "starting: start scripts not run yet".to_string(),
        ("ok", true, false) => "starting: mapping not proved yet".to_string(),
        _ => state,
    }
}

async fn health(gateway: web::Data<Gateway>) -> HttpResponse {
    let mut all_ok = true;
    let mut report = serde_json::Map::new();
    for h in gateway.hospitals().all() {
        let state = database_state(&h).await;
        all_ok &= state == "ok";
        report.insert(h.mapping.id.clone(), serde_json::Value::String(state));
    }
    // Hospitals that did not load are reported too, with why.
    for (id, error) in gateway.hospitals().refused().iter() {
        if !report.contains_key(id) {
            all_ok = false;
            report.insert(
                id.clone(),
                serde_json::Value::String(format!("not served: {error}")),
            );
        }
    }
    let mut response = if all_ok {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    response.json(
        serde_json::json!({"status": if all_ok { "ok" } else { "degraded" }, "hospitals": report}),
    )
}

/// Prometheus text: the call metrics, then what each hospital's pool,
/// outbox and payment ledger hold now.
async fn metrics(gateway: web::Data<Gateway>) -> HttpResponse {
    use std::fmt::Write;
    let mut out = String::with_capacity(4096);
    gateway.metrics().render(&mut out);
    let hospitals = gateway.hospitals().all();
    out.push_str("# HELP hisgw_db_connections Database connections, by state.\n# TYPE hisgw_db_connections gauge\n");
    for h in &hospitals {
        let p = h.db.pool_stats();
        let id = crate::metrics::label(&h.mapping.id);
        let _ = writeln!(
            out,
            "hisgw_db_connections{{hospital=\"{id}\",state=\"open\"}} {}",
            p.size
        );
        let _ = writeln!(
            out,
            "hisgw_db_connections{{hospital=\"{id}\",state=\"in_use\"}} {}",
            p.in_use
        );
        let _ = writeln!(
            out,
            "hisgw_db_connections{{hospital=\"{id}\",state=\"waiting\"}} {}",
            p.waiting
        );
    }
    out.push_str("# HELP hisgw_outbox_rows Outbox rows (pushes and refunds), by state.\n# TYPE hisgw_outbox_rows gauge\n");
    let mut ledger = String::from("# HELP hisgw_payments Payment notifications in the ledger, by state.\n# TYPE hisgw_payments gauge\n");
    for h in hospitals.iter().filter(|h| h.mapping.keeps_ledger()) {
        let id = crate::metrics::label(&h.mapping.id);
        match Outbox::of(&h.db).count_by_state().await {
            Ok(counts) => {
                for (state, n) in counts {
                    let _ = writeln!(
                        out,
                        "hisgw_outbox_rows{{hospital=\"{id}\",state=\"{state}\"}} {n}"
                    );
                }
            }
            Err(e) => {
                tracing::warn!(hospital = %h.mapping.id, error = %e, "metrics: cannot count the outbox")
            }
        }
        match crate::ledger::count_by_state(&h.db, crate::ledger::StatedTable::Payments).await {
            Ok(counts) => {
                for (state, n) in counts {
                    let state = crate::metrics::label(&state);
                    let _ = writeln!(
                        ledger,
                        "hisgw_payments{{hospital=\"{id}\",state=\"{state}\"}} {n}"
                    );
                }
            }
            Err(e) => {
                tracing::warn!(hospital = %h.mapping.id, error = %e, "metrics: cannot count the ledger")
            }
        }
    }
    out.push_str(&ledger);
    if let Some(audit) = gateway.audit() {
        out.push_str("# HELP hisgw_audit_waits_total Calls that waited for room in the audit queue (none is dropped).\n# TYPE hisgw_audit_waits_total counter\n");
        let _ = writeln!(out, "hisgw_audit_waits_total {}", audit.waited());
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(out)
}
