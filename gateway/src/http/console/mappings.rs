//! The console's Mappings page: per hospital, what the last load (at
//! start or by a reload) made of its mapping files — served, or refused
//! with every error at file:line:column — and, on request, a fresh
//! `hisgw check` of the files on disk (every statement compiled on the
//! hospital's database, nothing run).
//!
//! It must never change the served set: "check now" reads the files and
//! compiles statements; only a reload (a file change, SIGHUP) swaps a
//! hospital's mapping.

use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::pages::page;
use super::Viewer;
use super::{actor, audit_action, see_other, to_login, viewer, viewer_html, Action, Sessions};
use crate::check::{Level, Report};
use crate::hospitals::HospitalError;
use crate::pipeline::Gateway;

/// The last "check now", kept until the next one (in memory).
#[derive(Default)]
pub struct LastCheck(Mutex<Option<Checked>>);

#[derive(Clone)]
struct Checked {
    at: chrono::NaiveDateTime,
    who: String,
    live: bool,
    /// (level, text) of each finding, errors first.
    findings: Vec<(Level, String)>,
}

pub(super) async fn show(
    request: HttpRequest,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
    last_check: web::Data<LastCheck>,
) -> HttpResponse {
    let Some(viewer) = viewer(&request, &sessions) else {
        return to_login();
    };
    let checked = last_check
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    viewer_html(
        &request,
        &viewer,
        markup(&viewer, &gateway, checked.as_ref()),
    )
}

#[derive(Deserialize)]
pub(super) struct CheckForm {
    csrf: String,
    /// Also run each read mapping once (as `hisgw check --live`).
    #[serde(default)]
    live: Option<String>,
}

/// Runs `hisgw check` on the files as they are now and keeps its report
/// for the page.
pub(super) async fn check_now(
    request: HttpRequest,
    form: web::Form<CheckForm>,
    sessions: web::Data<Sessions>,
    gateway: web::Data<Gateway>,
    last_check: web::Data<LastCheck>,
) -> HttpResponse {
    let viewer = match actor(&request, &sessions, &form.csrf) {
        Ok(viewer) => viewer,
        Err(refused) => return *refused,
    };
    let started = Instant::now();
    let live = form.live.is_some();
    let report = crate::check::check_source(gateway.hospitals().source(), live).await;
    audit_action(
        &gateway,
        &viewer,
        Action {
            hospital: "",
            method: "mappings.check".into(),
            trade_no: None,
            outcome: format!("{} error(s)", report.errors()),
            started,
            request: format!("live={live}"),
        },
    );
    *last_check.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(Checked {
        at: crate::clock::now(),
        who: viewer.who.clone(),
        live,
        findings: findings(report),
    });
    see_other("/console/mappings")
}

/// The report's findings, errors first, file names as the report has them.
fn findings(report: Report) -> Vec<(Level, String)> {
    let mut all: Vec<(Level, String)> = report
        .findings
        .into_iter()
        .map(|f| (f.level, crate::mask::text(&f.text)))
        .collect();
    all.sort_by_key(|(level, _)| *level);
    all
}

fn markup(viewer: &Viewer, gateway: &Gateway, checked: Option<&Checked>) -> Markup {
    let t = |k| viewer.lang.t(k);
    let hospitals = gateway.hospitals();
    let root = &hospitals.source().mappings_dir;
    let last = hospitals.last_load();
    let refused = hospitals.refused();
    let body = html! {
        section {
            h2 { (t("last load")) }
            p {
                (last.at.format("%Y-%m-%d %H:%M:%S")) " · "
                (t(if last.reload { "reload" } else { "start" })) " · "
                (root.display())
            }
            @if let Some(failed) = &last.failed {
                p.bad id="load-failed" { (t("load failed")) }
                pre.bad { (failed) }
            }
        }
        @for h in hospitals.all() {
            section {
                h2 { (h.mapping.id) " " small { (h.mapping.name) } }
                @if let Some((_, error)) = refused.iter().find(|(id, _)| *id == h.mapping.id) {
                    p.bad { (t("kept working set")) }
                    (errors(root, error))
                } @else {
                    p.ok { (t("served")) " · " (format!("{:?}", h.db.dialect())) }
                }
                (methods(viewer, root, &h.mapping))
            }
        }
        @for (id, error) in refused.iter().filter(|(id, _)| gateway.hospital(id).is_none()) {
            section {
                h2 { (id) }
                p.bad { (t("not served")) }
                (errors(root, error))
            }
        }
        section {
            h2 { (t("check now")) }
            form method="post" action="/console/mappings/check" {
                input type="hidden" name="csrf" value=(viewer.csrf);
                label { input type="checkbox" name="live" id="check-live"; " " (t("check live")) }
                " "
                button type="submit" id="check-run" { (t("check now")) }
            }
            @if let Some(c) = checked {
                p {
                    (c.at.format("%Y-%m-%d %H:%M:%S")) " · " (c.who)
                    @if c.live { " · live" }
                }
                @let errors = c.findings.iter().filter(|(l, _)| *l == Level::Error).count();
                p class=(if errors > 0 { "bad" } else { "ok" }) id="check-errors" {
                    (errors) " " (t("errors found"))
                }
                table id="check-findings" {
                    @for (level, text) in &c.findings {
                        tr {
                            td class=(if *level == Level::Error { "bad" } else { "" }) { (format!("{level:?}").to_lowercase()) }
                            td { pre { (text) } }
                        }
                    }
                }
            }
        }
    };
    page(viewer, t("mappings"), body)
}

/// A hospital's load errors, one row each, the file relative to the
/// mappings folder.
fn errors(root: &Path, error: &HospitalError) -> Markup {
    html! {
        @match error {
            HospitalError::Mapping(list) => table.load-errors {
                @for e in list {
                    tr {
                        td { (place(root, &e.file, e.line, e.column)) }
                        td { pre { (crate::mask::text(&e.message)) } }
                    }
                }
            },
            other => pre.bad { (crate::mask::text(&other.to_string())) },
        }
    }
}

/// `file:line:column` with the file relative to `root`.
fn place(root: &Path, file: &Path, line: Option<usize>, column: Option<usize>) -> String {
    let mut at = file
        .strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string();
    if let Some(line) = line {
        at.push_str(&format!(":{line}"));
        if let Some(column) = column {
            at.push_str(&format!(":{column}"));
        }
    }
    at
}

/// The methods a hospital maps, each with its file and a link to try it.
fn methods(viewer: &Viewer, root: &Path, mapping: &crate::mapping::HospitalMapping) -> Markup {
    let t = |k| viewer.lang.t(k);
    let mut plans: Vec<_> = mapping.methods.values().collect();
    plans.sort_by(|a, b| section_order(a.method.section, b.method.section));
    html! {
        details {
            summary { (plans.len()) " " (t("methods mapped")) }
            table {
                tr { th { "§" } th { (t("method")) } th { (t("file")) } th { "" } }
                @for p in plans {
                    tr {
                        td { (p.method.section) }
                        td { (p.method.name) " " small { (p.method.title) } }
                        td {
                            @if p.builtin { (t("ledger answers")) }
                            @else { (place(root, &p.file, None, None)) }
                        }
                        td {
                            a href={ "/console/try?hospital=" (super::pages::encode(&mapping.id)) "&method=" (p.method.name) } { (t("try")) }
                        }
                    }
                }
            }
        }
    }
}

/// "4.10" after "4.9": sections compared number by number.
pub(super) fn section_order(a: &str, b: &str) -> std::cmp::Ordering {
    let numbers = |s: &str| -> Vec<u32> { s.split('.').filter_map(|n| n.parse().ok()).collect() };
    numbers(a).cmp(&numbers(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_sort_by_number() {
        let mut s = vec!["4.10", "10.1", "4.9", "4.1"];
        s.sort_by(|a, b| section_order(a, b));
        assert_eq!(s, ["4.1", "4.9", "4.10", "10.1"]);
    }

    #[test]
    fn a_place_is_relative_to_the_mappings_folder() {
        let root = Path::new("/srv/mappings");
        let file = Path::new("/srv/mappings/demo/findAllDepartments.sql");
        assert_eq!(
            place(root, file, Some(3), Some(7)),
            "demo/findAllDepartments.sql:3:7"
        );
        assert_eq!(
            place(root, file, None, Some(7)),
            "demo/findAllDepartments.sql"
        );
    }
}
