//! The console's refund page: ask the platform to refund a payment (14.1
//! refundApply) under the same rules as `hisgw refund` — once per HIS
//! refund id, never more than the ledger booked less what was refunded
//! (`Platform::refund` decides) — after a confirmation page, and follow
//! each refund's state in the outbox.
//!
//! It must never send a refund the operator did not confirm, and never
//! show the patient's card or name unmasked once it is asked.

use std::time::{Duration, Instant};

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::pages::{encode, page};
use super::{actor, audit_action, to_login, viewer, viewer_html, Action, Sessions, Viewer};
use crate::outbound::outbox::{Outbox, Row, RowKind};
use crate::outbound::{OutboundError, Platform, RefundRequest};
use crate::pipeline::Gateway;

/// How long the page waits for the platform's definite answer before it
/// shows the refund as pending (delivery goes on in the background).
const WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct RefundQuery {
    hospital: String,
    his_id: String,
    lang: String,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub(super) struct RefundForm {
    csrf: String,
    hospital: String,
    trade_no: String,
    refund_amount: String,
    his_id: String,
    patient_card: String,
    real_name: String,
    operator: String,
    reverse: String,
    confirmed: String,
}

impl RefundForm {
    /// The refund asked for, or what is wrong with the form.
    fn request(&self, viewer: &Viewer) -> Result<RefundRequest, &'static str> {
        let t = |k| viewer.lang.t(k);
        let given = |v: &str| !v.trim().is_empty();
        if ![
            &self.trade_no,
            &self.his_id,
            &self.patient_card,
            &self.real_name,
        ]
        .iter()
        .all(|v| given(v))
        {
            return Err(t("refund fields required"));
        }
        let amount = RefundRequest::amount_of(&self.refund_amount).ok_or(t("refund amount"))?;
        Ok(RefundRequest {
            trade_no: self.trade_no.trim().to_string(),
            amount,
            his_id: self.his_id.trim().to_string(),
            patient_card: self.patient_card.trim().to_string(),
            real_name: self.real_name.trim().to_string(),
            operator: Some(self.operator.trim().to_string()).filter(|o| !o.is_empty()),
            reverse: !self.reverse.is_empty(),
        })
    }
}

pub(super) async fn form(
    request: HttpRequest,
    query: web::Query<RefundQuery>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let Some(viewer) = viewer(&request, &sessions) else {
        return to_login();
    };
    let blank = RefundForm {
        hospital: query.hospital.clone(),
        ..RefundForm::default()
    };
    let facts = Facts::gather(&gateway, &query.hospital, &query.his_id).await;
    viewer_html(&request, &viewer, markup(&viewer, &facts, &blank, None))
}

/// Checks the form, asks "really?" once, then sends the refund and shows
/// its state.
pub(super) async fn ask(
    request: HttpRequest,
    form: web::Form<RefundForm>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let viewer = match actor(&request, &sessions, &form.csrf) {
        Ok(viewer) => viewer,
        Err(refused) => return *refused,
    };
    let form = form.into_inner();
    match send(&request, &viewer, &form, &gateway).await {
        Ok(response) => response,
        Err((status, why)) => {
            // The page again, with what is wrong and the refunds so far.
            let facts = Facts::gather(&gateway, &form.hospital, "").await;
            let mut response =
                viewer_html(&request, &viewer, markup(&viewer, &facts, &form, Some(why)));
            *response.status_mut() =
                actix_web::http::StatusCode::from_u16(status).unwrap_or_default();
            response
        }
    }
}

/// The confirmation page, or (confirmed) the refund sent and audited and
/// the browser sent on to its state; else the status and what is wrong.
async fn send(
    request: &HttpRequest,
    viewer: &Viewer,
    form: &RefundForm,
    gateway: &Gateway,
) -> Result<HttpResponse, (u16, String)> {
    let hospital = gateway
        .hospital(&form.hospital)
        .ok_or_else(|| (404, viewer.lang.t("no such hospital").to_string()))?;
    let asked = form.request(viewer).map_err(|why| (400, why.to_string()))?;
    let platform = Platform::of(&hospital).map_err(|e| (409, e.to_string()))?;
    if form.confirmed != "yes" {
        return Ok(viewer_html(request, viewer, confirm(viewer, form, &asked)));
    }
    let started = Instant::now();
    let sent = platform.refund(&asked, WAIT).await;
    let amount = crate::money::format_money(asked.amount);
    audit_action(
        gateway,
        viewer,
        Action {
            hospital: &form.hospital,
            method: "refund".into(),
            trade_no: Some(asked.trade_no.clone()),
            outcome: match &sent {
                Ok(row) => row.state.as_str().to_string(),
                Err(e) => format!("error: {e}"),
            },
            started,
            request: crate::audit::masked_fields([
                ("hisId", asked.his_id.as_str()),
                ("refundAmount", amount.as_str()),
                ("patientCard", asked.patient_card.as_str()),
                ("realName", asked.real_name.as_str()),
                ("reverse", if asked.reverse { "1" } else { "0" }),
            ]),
        },
    );
    match sent {
        Ok(_) => Ok(super::see_other(&format!(
            "/console/refund?hospital={}&his_id={}",
            encode(&form.hospital),
            encode(&asked.his_id)
        ))),
        Err(e @ OutboundError::Refused(_)) => Err((409, e.to_string())),
        Err(e) => Err((503, e.to_string())),
    }
}

/// The hospitals that may refund (they have a platform) and their refunds.
struct Facts {
    /// (hospital, its refund rows newest first, or why they could not be read)
    hospitals: Vec<(String, Result<Vec<Row>, String>)>,
    /// The refund asked for by `his_id`, in the hospital asked.
    found: Option<(String, Result<Option<Row>, String>)>,
}

impl Facts {
    async fn gather(gateway: &Gateway, only: &str, his_id: &str) -> Facts {
        let mut hospitals = Vec::new();
        let mut found = None;
        for h in gateway.hospitals().all() {
            if h.mapping.platform.is_none() || (!only.is_empty() && only != h.mapping.id) {
                continue;
            }
            let outbox = Outbox::of(&h.db);
            let rows = outbox
                .list(None)
                .await
                .map(|rows| {
                    rows.into_iter()
                        .filter(|r| matches!(r.kind, RowKind::Refund))
                        .take(50)
                        .collect()
                })
                .map_err(|e| e.to_string());
            if !his_id.trim().is_empty() {
                let row = outbox
                    .refund(his_id.trim())
                    .await
                    .map_err(|e| e.to_string());
                // Without a hospital asked, the first that knows the id.
                let known = matches!(found, Some((_, Ok(Some(_)))));
                if !known {
                    found = Some((h.mapping.id.clone(), row));
                }
            }
            hospitals.push((h.mapping.id.clone(), rows));
        }
        Facts { hospitals, found }
    }
}

fn markup(viewer: &Viewer, facts: &Facts, form: &RefundForm, error: Option<String>) -> Markup {
    let t = |k| viewer.lang.t(k);
    let body = html! {
        @if let Some(error) = &error { p.bad id="refund-error" { (crate::mask::text(error)) } }
        @if let Some((hospital, row)) = &facts.found {
            section id="refund-state" {
                h2 { (t("refund state")) " · " (hospital) }
                @match row {
                    Err(e) => p.bad { (crate::mask::text(e)) },
                    Ok(None) => p { (t("not found")) },
                    Ok(Some(r)) => (rows(viewer, hospital, std::slice::from_ref(r))),
                }
            }
        }
        @if facts.hospitals.is_empty() {
            p { (t("no platform")) }
        } @else {
            form method="post" action="/console/refund" id="refund-form" {
                input type="hidden" name="csrf" value=(viewer.csrf);
                table {
                    tr { th { (t("hospital")) } td { select name="hospital" {
                        @for (id, _) in &facts.hospitals {
                            option value=(id) selected[*id == form.hospital] { (id) }
                        }
                    } } }
                    (input(t("trade no"), "trade_no", &form.trade_no, true))
                    (input(t("refund amount field"), "refund_amount", &form.refund_amount, true))
                    (input(t("his refund id"), "his_id", &form.his_id, true))
                    (input("patientCard", "patient_card", &form.patient_card, true))
                    (input("realName", "real_name", &form.real_name, true))
                    (input(t("operator"), "operator", &form.operator, false))
                    tr { th { (t("reverse")) } td {
                        input type="checkbox" name="reverse" value="1" id="refund-reverse" checked[!form.reverse.is_empty()];
                    } }
                }
                button type="submit" id="refund-send" { (t("ask refund")) }
            }
        }
        @for (hospital, list) in &facts.hospitals {
            h2 { (t("refunds")) " · " (hospital) }
            @match list {
                Err(e) => p.bad { (crate::mask::text(e)) },
                Ok(list) if list.is_empty() => p { (t("none")) },
                Ok(list) => (rows(viewer, hospital, list)),
            }
        }
    };
    page(viewer, t("refund"), body)
}

fn input(label: &str, name: &str, value: &str, required: bool) -> Markup {
    html! {
        tr {
            th { label for={ "refund-" (name) } { (label) @if required { strong.bad { " *" } } } }
            td { input type="text" name=(name) id={ "refund-" (name) } value=(value); }
        }
    }
}

/// Refund rows with their state; the payload's identifiers masked.
fn rows(viewer: &Viewer, hospital: &str, rows: &[Row]) -> Markup {
    let t = |k| viewer.lang.t(k);
    html! {
        table.refunds {
            tr { th { "hisId" } th { (t("state")) } th { (t("attempts")) } th { (t("result")) } th { (t("request")) } }
            @for r in rows {
                tr {
                    td { a href={ "/console/refund?hospital=" (encode(hospital)) "&his_id=" (encode(&r.event_key)) } { (crate::mask::text(&r.event_key)) } }
                    td class=(state_class(r)) { (r.state.as_str()) }
                    td { (r.attempts) }
                    td { (r.last_result) " " (crate::mask::text(&r.last_message)) }
                    td { small { (crate::audit::masked_fields(
                        crate::outbound::outbox::payload_fields(&r.payload).iter().map(|(k, v)| (k.as_str(), v.as_str()))
                    )) } }
                }
            }
        }
    }
}

fn state_class(r: &Row) -> &'static str {
    match r.state.as_str() {
        "sent" => "ok",
        "dead" | "failed" => "bad",
        _ => "",
    }
}

/// "Really send it?", with the form's values carried again.
fn confirm(viewer: &Viewer, form: &RefundForm, asked: &RefundRequest) -> Markup {
    let t = |k| viewer.lang.t(k);
    let body = html! {
        p.bad id="refund-confirm-question" {
            (t("confirm refund")) " "
            strong { (crate::money::format_money(asked.amount)) } " · tradeNo " (asked.trade_no)
            " · hisId " (asked.his_id)
            @if asked.reverse { " · " (t("reverse")) }
        }
        form method="post" action="/console/refund" {
            @for (name, value) in [
                ("csrf", viewer.csrf.as_str()),
                ("hospital", form.hospital.as_str()),
                ("trade_no", form.trade_no.as_str()),
                ("refund_amount", form.refund_amount.as_str()),
                ("his_id", form.his_id.as_str()),
                ("patient_card", form.patient_card.as_str()),
                ("real_name", form.real_name.as_str()),
                ("operator", form.operator.as_str()),
                ("reverse", form.reverse.as_str()),
                ("confirmed", "yes"),
            ] {
                input type="hidden" name=(name) value=(value);
            }
            button type="submit" id="refund-confirm" { (t("confirm")) }
            " "
            a href={ "/console/refund?hospital=" (encode(&form.hospital)) } { (t("cancel")) }
        }
    };
    page(viewer, t("refund"), body)
}
