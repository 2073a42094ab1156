//! The console's Try page: pick a hospital and a method, fill a form made
//! from the catalogue's request fields (required ones marked, each with its
//! type), and run it as `hisgw try` does — inside transactions that are
//! rolled back — to see the response and every statement. A write or a
//! payment is kept only when the operator ticks "commit" and confirms on a
//! page of its own.
//!
//! It must never keep a change without that confirmation, and never show
//! a patient's identifiers from the HIS's answer unmasked. Every run goes
//! into the audit trail with who ran it (the request masked).

use std::time::Instant;

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::pages::{encode, page};
use super::{actor, audit_action, to_login, viewer, viewer_html, Action, Sessions, Viewer};
use crate::catalogue::{self, Field, FieldType, Method};
use crate::decode::RawRequest;
use crate::pipeline::{Gateway, Rehearsed};
use crate::shape::{ListOut, Reply};

/// The prefix of a request field's form input (`f.patientCard`), so no
/// field of the spec can clash with the form's own inputs.
const FIELD: &str = "f.";

/// What the operator asked for: a hospital, a method, its fields.
#[derive(Debug, Default)]
struct Asked {
    hospital: String,
    method: String,
    fields: Vec<(String, String)>,
    commit: bool,
    confirmed: bool,
    csrf: String,
}

impl Asked {
    fn from_pairs(pairs: Vec<(String, String)>) -> Asked {
        let mut asked = Asked::default();
        for (name, value) in pairs {
            match name.as_str() {
                "hospital" => asked.hospital = value,
                "method" => asked.method = value,
                "commit" => asked.commit = !value.is_empty(),
                "confirmed" => asked.confirmed = value == "yes",
                "csrf" => asked.csrf = value,
                _ => {
                    if let Some(field) = name.strip_prefix(FIELD) {
                        asked.fields.push((field.to_string(), value));
                    }
                }
            }
        }
        asked
    }

    /// The fields given a value (an empty input is a field left out, as
    /// the platform would leave it out).
    fn given(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .cloned()
            .collect()
    }

    fn value(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == field)
            .map(|(_, v)| v.as_str())
    }
}

/// The picker and, once a method is chosen, its form (prefilled with the
/// spec's example values, dates moved to today).
pub(super) async fn form(
    request: HttpRequest,
    query: web::Query<Vec<(String, String)>>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let Some(viewer) = viewer(&request, &sessions) else {
        return to_login();
    };
    let mut asked = Asked::from_pairs(query.into_inner());
    if asked.hospital.is_empty() {
        if let [only] = gateway.hospitals().all().as_slice() {
            asked.hospital = only.mapping.id.clone();
        }
    }
    if let Some(method) = catalogue::find_inbound(&asked.method) {
        if asked.fields.is_empty() {
            asked.fields = prefill(&gateway, &asked.hospital, method);
        }
    }
    viewer_html(&request, &viewer, markup(&viewer, &gateway, &asked, None))
}

/// The form's first values: the hospital's own test request of the method
/// (identities that exist in its HIS), else the spec's example (dates moved
/// to today). The sign is left out: the run signs what the form holds.
fn prefill(gateway: &Gateway, hospital: &str, method: &Method) -> Vec<(String, String)> {
    let own = gateway.hospital(hospital).and_then(|h| {
        let (cases, _) = crate::mapping_tests::load(&h.mapping);
        crate::mapping_tests::own_request(&h.mapping, &cases, method.name)
    });
    own.unwrap_or_else(|| crate::check::sample_request(method, crate::clock::today()))
        .fields()
        .iter()
        .filter(|(name, _)| name != catalogue::field::SIGN)
        .cloned()
        .collect()
}

/// Runs the method (rolled back unless committed and confirmed).
pub(super) async fn run(
    request: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let asked = Asked::from_pairs(form.into_inner());
    let viewer = match actor(&request, &sessions, &asked.csrf) {
        Ok(viewer) => viewer,
        Err(refused) => return *refused,
    };
    if asked.commit && !asked.confirmed {
        return viewer_html(&request, &viewer, confirm(&viewer, &asked));
    }
    let started = Instant::now();
    let raw = RawRequest::new(match gateway.hospital(&asked.hospital) {
        Some(h) => crate::mapping_tests::signed(&h.mapping, &asked.method, asked.given()),
        None => asked.given(),
    });
    let rehearsed = gateway
        .rehearse(&asked.hospital, &asked.method, &raw, asked.commit)
        .await;
    if asked.commit {
        tracing::warn!(hospital = %asked.hospital, method = %crate::mask::text(&asked.method), who = %viewer.who, "console try with commit: the call's changes are kept");
    }
    audit_action(
        &gateway,
        &viewer,
        Action {
            hospital: &asked.hospital,
            method: format!("try.{}", asked.method.chars().take(64).collect::<String>()),
            trade_no: raw.get(catalogue::field::TRADE_NO).map(str::to_string),
            outcome: format!(
                "{} ({})",
                rehearsed.reply.result,
                if rehearsed.committed {
                    "committed"
                } else {
                    "rolled back"
                }
            ),
            started,
            request: crate::audit::masked_fields(
                raw.fields().iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ),
        },
    );
    viewer_html(
        &request,
        &viewer,
        markup(&viewer, &gateway, &asked, Some(&rehearsed)),
    )
}

fn markup(viewer: &Viewer, gateway: &Gateway, asked: &Asked, ran: Option<&Rehearsed>) -> Markup {
    let t = |k| viewer.lang.t(k);
    let hospital = gateway.hospital(&asked.hospital);
    let method = catalogue::find_inbound(&asked.method);
    let body = html! {
        form.filter method="get" action="/console/try" id="try-pick" {
            label { (t("hospital")) " " select name="hospital" {
                @for h in gateway.hospitals().all() {
                    option value=(h.mapping.id) selected[h.mapping.id == asked.hospital] { (h.mapping.id) " " (h.mapping.name) }
                }
            } }
            label { (t("method")) " " select name="method" {
                option value="" { "—" }
                @for m in mapped(gateway, &asked.hospital) {
                    option value=(m.name) selected[m.name == asked.method] { (m.section) " " (m.name) " " (m.title) }
                }
            } }
            button type="submit" id="try-pick-go" { (t("choose")) }
        }
        @if let Some(r) = ran { (outcome(viewer, r)) }
        @match (hospital, method) {
            (Some(h), Some(m)) => (fields_form(viewer, &h.mapping.id, m, asked)),
            (None, _) if !asked.hospital.is_empty() => p.bad { (t("no such hospital")) },
            (_, None) if !asked.method.is_empty() => p.bad { (t("no such method")) },
            _ => p { (t("pick a method")) },
        }
    };
    page(viewer, t("try"), body)
}

/// The inbound methods `hospital` answers, in the spec's order.
fn mapped(gateway: &Gateway, hospital: &str) -> Vec<&'static Method> {
    let Some(h) = gateway.hospital(hospital) else {
        return Vec::new();
    };
    let mut methods: Vec<&'static Method> = catalogue::inbound()
        .filter(|m| h.mapping.methods.contains_key(m.name))
        .collect();
    methods.sort_by(|a, b| super::mappings::section_order(a.section, b.section));
    methods
}

fn fields_form(viewer: &Viewer, hospital: &str, method: &Method, asked: &Asked) -> Markup {
    let t = |k| viewer.lang.t(k);
    html! {
        h2 { (method.section) " " (method.name) " " small { (method.title) } }
        form method="post" action="/console/try" id="try-form" {
            input type="hidden" name="csrf" value=(viewer.csrf);
            input type="hidden" name="hospital" value=(hospital);
            input type="hidden" name="method" value=(method.name);
            @if method.request.fields.is_empty() {
                p { (t("no fields")) }
            } @else {
                table {
                    tr { th { (t("field")) } th { (t("value")) } th { (t("type")) } th { (t("about")) } }
                    @for f in method.request.fields {
                        (field_row(viewer, f, asked.value(f.name).unwrap_or_default()))
                    }
                }
            }
            p { small { "* " (t("required")) " · " (t("empty is absent")) @if method.sign.is_some() { " · " (t("sign empty")) } } }
            p {
                label {
                    input type="checkbox" name="commit" value="yes" id="try-commit" checked[asked.commit];
                    " " (t("commit"))
                }
            }
            button type="submit" id="try-run" { (t("run")) }
            " "
            a href={ "/console/try?hospital=" (encode(hospital)) "&method=" (method.name) } { (t("reset")) }
        }
    }
}

fn field_row(viewer: &Viewer, f: &Field, value: &str) -> Markup {
    html! {
        tr {
            td {
                label for={ "f-" (f.name) } {
                    (f.name) @if f.required { strong.bad title=(viewer.lang.t("required")) { " *" } }
                }
            }
            td {
                input type="text" name={ (FIELD) (f.name) } id={ "f-" (f.name) } value=(value)
                    placeholder=(type_hint(f.ty)) aria-required=(f.required);
            }
            td { small { (type_hint(f.ty)) } }
            td { small { (f.doc) } }
        }
    }
}

/// How a value of `ty` is written.
fn type_hint(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::IdCard => "ID number (18)",
        FieldType::Int => "integer",
        FieldType::Date => "yyyy-MM-dd",
        FieldType::DateTime => "yyyy-MM-dd HH:mm:ss",
        FieldType::Money => "0.00",
        FieldType::Decimal => "decimal",
    }
}

/// "Really keep it?": the same fields again, with `confirmed=yes`.
fn confirm(viewer: &Viewer, asked: &Asked) -> Markup {
    let t = |k| viewer.lang.t(k);
    let body = html! {
        p.bad id="try-confirm-question" {
            (t("confirm commit")) " " strong { (asked.method) } " · " (asked.hospital)
        }
        table {
            @for (name, value) in asked.fields.iter().filter(|(_, v)| !v.trim().is_empty()) {
                tr { th { (name) } td { (crate::mask::field(name, value)) } }
            }
        }
        form method="post" action="/console/try" {
            input type="hidden" name="csrf" value=(viewer.csrf);
            input type="hidden" name="hospital" value=(asked.hospital);
            input type="hidden" name="method" value=(asked.method);
            input type="hidden" name="commit" value="yes";
            input type="hidden" name="confirmed" value="yes";
            @for (name, value) in &asked.fields {
                input type="hidden" name={ (FIELD) (name) } value=(value);
            }
            button type="submit" id="try-confirm" { (t("confirm")) }
            " "
            a href={ "/console/try?hospital=" (encode(&asked.hospital)) "&method=" (encode(&asked.method)) } { (t("cancel")) }
        }
    };
    page(viewer, t("try"), body)
}

/// The run's outcome: committed or rolled back, the response (patient
/// identifiers masked), each statement, the rows changed per table.
fn outcome(viewer: &Viewer, r: &Rehearsed) -> Markup {
    let t = |k| viewer.lang.t(k);
    let shown = shown_reply(&r.reply);
    html! {
        section id="try-result" {
            p id="try-outcome" class=(if r.committed { "bad" } else { "ok" }) {
                @if r.committed { (t("committed")) } @else { (t("rolled back")) }
                " · " (t("result")) ": "
                span class=(if r.reply.is_success() { "ok" } else { "bad" }) { (r.reply.result) }
            }
            h2 { (t("response")) }
            pre id="try-response" { (indent_xml(&crate::encode::encode_xml(&shown))) }
            h2 { (t("statements")) }
            table id="try-steps" {
                tr { th { "#" } th { "ms" } th { (t("rows returned")) } th { (t("rows changed")) } th { "SQL" } }
                @if r.steps.is_empty() { tr { td colspan="5" { (t("none ran")) } } }
                @for (i, step) in r.steps.iter().enumerate() {
                    tr {
                        td { (i + 1) }
                        td { (format!("{:.2}", step.micros as f64 / 1000.0)) }
                        td { (step.rows_returned) }
                        td { (step.rows_changed.map_or("—".to_string(), |n| n.to_string())) }
                        td {
                            pre { (step.sql) }
                            @if let Some(e) = &step.error { pre.bad { (crate::mask::text(e)) } }
                        }
                    }
                }
            }
            h2 { (t("rows changed per table")) }
            @match &r.tables {
                None => p { (t("not counted")) },
                Some(tables) if tables.is_empty() => p id="try-tables" { (t("none")) },
                Some(tables) => table id="try-tables" {
                    tr { th { (t("table")) } th { "+" } th { "~" } th { "−" } }
                    @for (table, c) in tables {
                        tr { td { (table) } td { (c.inserted) } td { (c.updated) } td { (c.deleted) } }
                    }
                },
            }
        }
    }
}

/// The reply as the page may show it: a patient's identifiers and name
/// masked, other values (a department's name, a fee) as answered.
fn shown_reply(reply: &Reply) -> Reply {
    fn list(l: &ListOut) -> ListOut {
        ListOut {
            rows: l
                .rows
                .iter()
                .map(|row| crate::shape::Row {
                    fields: masked(&row.fields),
                    child: row.child.as_ref().map(list),
                })
                .collect(),
            ..l.clone()
        }
    }
    fn masked(fields: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
        fields
            .iter()
            .map(|(n, v)| (*n, crate::mask::answer_field(n, v)))
            .collect()
    }
    let mut shown = reply.clone();
    shown.message = crate::mask::text(&reply.message);
    if let Some(body) = shown.body.as_mut() {
        body.fields = masked(&body.fields);
        body.list = body.list.as_ref().map(list);
    }
    shown
}

/// The response document one element a line, indented by depth (the
/// encoder writes it on one line; its elements hold text or elements,
/// never both).
fn indent_xml(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() * 2);
    let mut depth = 0usize;
    // The token before: text, or an element opened (then its end tag
    // stays on the same line).
    let mut inline = false;
    let mut rest = xml;
    while !rest.is_empty() {
        let (token, tail) = match rest.strip_prefix('<') {
            Some(_) => match rest.find('>') {
                Some(end) => rest.split_at(end + 1),
                None => (rest, ""),
            },
            None => rest.split_at(rest.find('<').unwrap_or(rest.len())),
        };
        rest = tail;
        if !token.starts_with('<') {
            out.push_str(token);
            inline = true;
            continue;
        }
        let closing = token.starts_with("</");
        if closing {
            depth = depth.saturating_sub(1);
        }
        // An end tag right after its text or its start tag stays inline.
        let same_line = out.is_empty() || (closing && inline);
        if !same_line {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        }
        out.push_str(token);
        let opened = !closing && !token.starts_with("<?") && !token.ends_with("/>");
        if opened {
            depth += 1;
        }
        inline = opened;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_response_is_indented_one_element_a_line() {
        let xml = "<?xml version=\"1.0\"?><response><result>success</result><message></message><content><data><deptName>内科</deptName><empty/></data></content></response>";
        assert_eq!(
            indent_xml(xml),
            "<?xml version=\"1.0\"?>\n<response>\n  <result>success</result>\n  <message></message>\n  <content>\n    <data>\n      <deptName>内科</deptName>\n      <empty/>\n    </data>\n  </content>\n</response>"
        );
    }

    #[test]
    fn form_inputs_are_read_apart_from_the_request_fields() {
        let asked = Asked::from_pairs(vec![
            ("csrf".into(), "abc".into()),
            ("hospital".into(), "demo".into()),
            ("method".into(), "insertRegister".into()),
            ("f.patientCard".into(), "100034567".into()),
            ("f.remark".into(), "  ".into()),
            ("f.csrf".into(), "a field named csrf".into()),
            ("commit".into(), "yes".into()),
        ]);
        assert_eq!(asked.csrf, "abc");
        assert!(asked.commit && !asked.confirmed);
        let request = RawRequest::new(asked.given());
        assert_eq!(request.get("patientCard"), Some("100034567"));
        assert_eq!(request.get("remark"), None, "an empty input is left out");
        assert_eq!(request.get("csrf"), Some("a field named csrf"));
    }

    #[test]
    fn a_patients_identifiers_are_masked_and_a_departments_name_is_not() {
        let reply = Reply {
            result: "success".into(),
            message: "ok".into(),
            body: Some(crate::shape::Body {
                wrap: None,
                fields: vec![
                    ("realName", "张三丰".into()),
                    ("idCard", "430702199001018766".into()),
                    ("deptName", "心血管内科".into()),
                ],
                list: None,
            }),
        };
        let xml = crate::encode::encode_xml(&shown_reply(&reply));
        assert!(
            !xml.contains("张三丰") && !xml.contains("430702199001018766"),
            "{xml}"
        );
        assert!(xml.contains("心血管内科"), "{xml}");
    }
}
