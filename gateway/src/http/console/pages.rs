//! The console's pages, written with maud (every value is escaped unless a
//! page says otherwise, and none does), and the facts the overview shows.

use std::fmt::Write as _;
use std::time::Duration;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::{CallFilter, Lang, Viewer};
use crate::audit::{Entry, MethodStats, Query};
use crate::execute::{ResultSet, Value};
use crate::ledger::{self, StatedTable};
use crate::pipeline::Gateway;

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0;color:#222}\
header{background:#24476b;color:#fff;padding:.6em 1em;display:flex;gap:1.2em;align-items:center}\
header a{color:#fff}header form{margin-left:auto}main{padding:1em}\
table{border-collapse:collapse;margin:.5em 0 1.2em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\
th{background:#eef2f6}.bad{color:#b00020}.ok{color:#1b7f2a}section{margin-bottom:1.5em}\
form.filter input,form.filter select{margin-right:.6em}pre{white-space:pre-wrap;margin:0}";

pub(super) fn page(viewer: &Viewer, title: &str, body: Markup) -> Markup {
    let lang = viewer.lang;
    html! {
        (DOCTYPE)
        html lang=(if lang == Lang::Zh { "zh-CN" } else { "en" }) {
            head {
                meta charset="utf-8";
                // No favicon request (a 404 in the browser's console).
                link rel="icon" href="data:,";
                title { (title) " · " (lang.t("title")) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    strong { (lang.t("title")) }
                    a href="/console" { (lang.t("overview")) }
                    a href="/console/calls" { (lang.t("calls")) }
                    a href="/console/payments" { (lang.t("payments")) }
                    a href="/console/outbox" { (lang.t("outbox")) }
                    a href="/console/refund" { (lang.t("refund")) }
                    a href="/console/mappings" { (lang.t("mappings")) }
                    a href="/console/try" { (lang.t("try")) }
                    a href={ "?lang=" (lang.other().code()) } { (lang.t("switch")) }
                    @if viewer.logged_in {
                        form method="post" action="/console/logout" {
                            input type="hidden" name="csrf" value=(viewer.csrf);
                            button type="submit" { (lang.t("logout")) }
                        }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

pub(super) fn login(lang: Lang, wrong: bool) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(if lang == Lang::Zh { "zh-CN" } else { "en" }) {
            head {
                meta charset="utf-8";
                // No favicon request (a 404 in the browser's console).
                link rel="icon" href="data:,";
                title { (lang.t("login")) " · " (lang.t("title")) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header { strong { (lang.t("title")) } a href={ "?lang=" (lang.other().code()) } { (lang.t("switch")) } }
                main {
                    h1 { (lang.t("login")) }
                    @if wrong { p.bad { (lang.t("wrong token")) } }
                    form method="post" action="/console/login" {
                        label { (lang.t("token")) " " input type="password" name="token" autofocus; }
                        " "
                        button type="submit" { (lang.t("login")) }
                    }
                }
            }
        }
    }
}

/// Payments in one state: (state, count, amount).
type StateTotal = (String, i64, String);

/// One hospital as the overview shows it.
pub(super) struct HospitalFacts {
    id: String,
    name: String,
    /// `ok`, or what is wrong.
    database: String,
    outbox: Option<Result<Vec<(String, i64)>, String>>,
    payments: Option<Result<Vec<StateTotal>, String>>,
    refunds: Option<Result<(i64, String), String>>,
}

pub(super) struct OverviewFacts {
    hospitals: Vec<HospitalFacts>,
    last_load: crate::hospitals::LastLoad,
    refused: Vec<(String, String)>,
    last_hour: Result<Vec<MethodStats>, String>,
}

impl OverviewFacts {
    pub(super) async fn gather(gateway: &Gateway) -> OverviewFacts {
        let today = crate::clock::today();
        let mut hospitals = Vec::new();
        for h in gateway.hospitals().all() {
            let db = &h.db;
            let database = super::super::admin::database_state(&h).await;
            let dialect = db.dialect();
            let ledger = h.mapping.keeps_ledger();
            let outbox = if h.mapping.platform.is_some() {
                Some(
                    match within(ledger::count_by_state(db, StatedTable::Outbox)).await {
                        Ok(r) => r.map_err(|e| e.to_string()),
                        Err(_) => Err("no answer within 5 s".into()),
                    },
                )
            } else {
                None
            };
            let (payments, refunds) = if ledger {
                let sets = within(db.query(vec![
                    ledger::day_payments(dialect, today),
                    ledger::day_refunds(dialect, today),
                ]))
                .await;
                match sets {
                    Ok(Ok(sets)) => (
                        Some(Ok(rows(&sets, 0)
                            .iter()
                            .map(|r| (r[0].text(), r[1].int(), money(&r[2])))
                            .collect())),
                        Some(Ok(rows(&sets, 1)
                            .first()
                            .map_or((0, "0.00".into()), |r| (r[0].int(), money(&r[1]))))),
                    ),
                    Ok(Err(e)) => (Some(Err(e.to_string())), Some(Err(e.to_string()))),
                    Err(_) => (
                        Some(Err("no answer within 5 s".into())),
                        Some(Err("no answer within 5 s".into())),
                    ),
                }
            } else {
                (None, None)
            };
            hospitals.push(HospitalFacts {
                id: h.mapping.id.clone(),
                name: h.mapping.name.clone(),
                database,
                outbox,
                payments,
                refunds,
            });
        }
        let refused = gateway
            .hospitals()
            .refused()
            .iter()
            .map(|(id, e)| (id.clone(), crate::mask::text(&e.to_string())))
            .collect();
        let data_dir = gateway.hospitals().source().data_dir.clone();
        // A record's time has milliseconds: the hour ends at the next second.
        let now = chrono::Local::now().naive_local() + chrono::Duration::seconds(1);
        let since = now - chrono::Duration::hours(1);
        let last_hour =
            tokio::task::spawn_blocking(move || crate::audit::method_stats(&data_dir, since, now))
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r);
        OverviewFacts {
            hospitals,
            last_load: gateway.hospitals().last_load(),
            refused,
            last_hour,
        }
    }
}

/// At most 5 s for a question to a hospital's database.
fn within<F: std::future::Future>(f: F) -> tokio::time::Timeout<F> {
    tokio::time::timeout(Duration::from_secs(5), f)
}

fn rows(sets: &[Vec<ResultSet>], i: usize) -> &[Vec<Value>] {
    sets.get(i)
        .and_then(|s| s.first())
        .map_or(&[], |s| s.rows.as_slice())
}

fn money(v: &Value) -> String {
    match v {
        Value::Decimal(d) => crate::money::format_money(*d),
        Value::Int(n) => crate::money::format_money((*n).into()),
        other => crate::money::parse_decimal(&other.text())
            .map_or_else(|| other.text(), crate::money::format_money),
    }
}

pub(super) fn overview(viewer: &Viewer, facts: &OverviewFacts) -> Markup {
    let t = |k| viewer.lang.t(k);
    let body = html! {
        @for h in &facts.hospitals {
            section {
                h2 { (h.name) " (" (h.id) ")" }
                table {
                    tr { th { (t("database")) } td {
                        @if h.database == "ok" { span.ok { "ok" } } @else { span.bad { (crate::mask::text(&h.database)) } }
                    } }
                    tr { th { (t("outbox")) } td {
                        @match &h.outbox {
                            None => (t("none")),
                            Some(Err(e)) => span.bad { (crate::mask::text(e)) },
                            Some(Ok(states)) => @for (state, n) in states { (state) ": " (n) " " },
                        }
                    } }
                    tr { th { (t("payments today")) } td {
                        @match &h.payments {
                            None => (t("no ledger")),
                            Some(Err(e)) => span.bad { (crate::mask::text(e)) },
                            Some(Ok(states)) => {
                                @if states.is_empty() { (t("none")) }
                                @for (state, n, amount) in states {
                                    span class=(if state == "booked" { "ok" } else { "bad" }) { (state) ": " (n) " / ¥" (amount) } " "
                                }
                            }
                        }
                    } }
                    tr { th { (t("refunds today")) } td {
                        @match &h.refunds {
                            None => (t("no ledger")),
                            Some(Err(e)) => span.bad { (crate::mask::text(e)) },
                            Some(Ok((n, amount))) => { (n) " / ¥" (amount) },
                        }
                    } }
                }
            }
        }
        section {
            p {
                (t("last load")) ": " (facts.last_load.at.format("%Y-%m-%d %H:%M:%S")) " · "
                (t(if facts.last_load.reload { "reload" } else { "start" }))
                @if facts.last_load.failed.is_some() || !facts.refused.is_empty() {
                    " · " a.bad href="/console/mappings" {
                        @if facts.last_load.failed.is_some() { (t("load failed")) }
                        @else { (facts.refused.len()) " " (t("hospitals refused")) }
                    }
                }
            }
        }
        @for (id, why) in facts.refused.iter().filter(|(id, _)| !facts.hospitals.iter().any(|h| h.id == *id)) {
            section { h2.bad { (id) " — " (t("not served")) } pre { (why) } }
        }
        section {
            h2 { (t("last hour")) }
            @match &facts.last_hour {
                Err(e) => p.bad { (e) },
                Ok(stats) if stats.is_empty() => p { (t("none")) },
                Ok(stats) => table {
                    tr { th { (t("hospital")) } th { (t("method")) } th { (t("count")) } th { (t("errors")) } th { "p50" } th { "p99" } th { "" } }
                    @for s in stats {
                        tr {
                            td { (s.hospital) }
                            td { a href={ "/console/calls?method=" (s.method) } { (s.method) } }
                            td { (s.calls) }
                            td class=(if s.errors > 0 { "bad" } else { "" }) { (s.errors) }
                            td { (format!("{:.1} ms", s.p50_ms)) }
                            td { (format!("{:.1} ms", s.p99_ms)) }
                            td { (spark(&s.buckets)) }
                        }
                    }
                },
            }
        }
    };
    page(viewer, t("overview"), body)
}

/// Calls per five minutes as a small bar chart, drawn on the server.
fn spark(buckets: &[u64; 12]) -> Markup {
    let max = buckets.iter().copied().max().unwrap_or(0).max(1);
    let mut bars = String::new();
    for (i, &n) in buckets.iter().enumerate() {
        let h = (n * 20).div_ceil(max);
        let _ = write!(
            bars,
            "<rect x=\"{}\" y=\"{}\" width=\"6\" height=\"{}\" fill=\"#24476b\"><title>{n}</title></rect>",
            i * 8,
            20 - h,
            h
        );
    }
    // Only numbers go into this text.
    PreEscaped(format!(
        "<svg width=\"96\" height=\"20\" role=\"img\" aria-label=\"calls per 5 min\">{bars}</svg>"
    ))
}

/// The audit query of a filter: a time range always (the last 24 hours
/// unless given), so the trail's time index bounds every search.
pub(super) fn audit_query(filter: &CallFilter) -> Query {
    let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let local = |s: &str| s.trim().replace('T', " ");
    let since = some(&filter.from).map(|s| local(&s)).unwrap_or_else(|| {
        (chrono::Local::now().naive_local() - chrono::Duration::hours(24))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    });
    Query {
        trade_no: some(&filter.trade_no),
        method: some(&filter.method),
        since: Some(since),
        until: some(&filter.to).map(|s| local(&s)),
        request_id: some(&filter.request_id),
        outcome: some(&filter.result),
        transport: some(&filter.transport),
        before_id: filter.before,
        limit: 50,
    }
}

pub(super) fn calls(
    viewer: &Viewer,
    filter: &CallFilter,
    found: Result<Vec<Entry>, String>,
) -> Markup {
    let t = |k| viewer.lang.t(k);
    let older = found
        .as_ref()
        .ok()
        .filter(|e| e.len() == 50)
        .and_then(|e| e.last())
        .map(|last| {
            let mut link = format!("/console/calls?before={}", last.id);
            for (k, v) in [
                ("from", &filter.from),
                ("to", &filter.to),
                ("method", &filter.method),
                ("result", &filter.result),
                ("transport", &filter.transport),
                ("trade_no", &filter.trade_no),
                ("request_id", &filter.request_id),
            ] {
                if !v.is_empty() {
                    let _ = write!(link, "&{k}={}", encode(v));
                }
            }
            link
        });
    let body = html! {
        form.filter method="get" action="/console/calls" {
            label { (t("from")) " " input type="datetime-local" name="from" value=(filter.from); }
            label { (t("to")) " " input type="datetime-local" name="to" value=(filter.to); }
            label { (t("method")) " " input name="method" value=(filter.method) size="18"; }
            label { (t("result")) " " input name="result" value=(filter.result) size="8"; }
            label { (t("transport")) " " select name="transport" {
                @for tr in ["", "rest", "json", "soap"] {
                    option value=(tr) selected[filter.transport == tr] { (tr) }
                }
            } }
            label { "tradeNo " input name="trade_no" value=(filter.trade_no) size="16"; }
            label { (t("request id")) " " input name="request_id" value=(filter.request_id) size="16"; }
            button type="submit" { (t("search")) }
        }
        p { small { (t("masked")) } }
        @match &found {
            Err(e) => p.bad { (e) },
            Ok(entries) if entries.is_empty() => p { (t("none")) },
            Ok(entries) => table {
                tr { th { (t("time")) } th { (t("hospital")) } th { (t("method")) } th { (t("transport")) } th { (t("result")) } th { (t("duration")) } th { "tradeNo" } th { (t("request id")) } }
                @for e in entries {
                    tr {
                        td { a href={ "/console/calls/" (e.id) } { (e.at) } }
                        td { (e.hospital) }
                        td { (e.method) }
                        td { (e.direction) " " (e.transport) }
                        td class=(if e.outcome == "success" { "ok" } else { "bad" }) { (e.outcome) }
                        td { (format!("{:.1} ms", e.duration_ms)) }
                        td { (crate::mask::text(&e.trade_no)) }
                        td { (crate::mask::text(&e.request_id)) }
                    }
                }
            },
        }
        @if let Some(link) = older { p { a href=(link) { (t("older")) " →" } } }
    };
    page(viewer, t("calls"), body)
}

pub(super) fn call(viewer: &Viewer, found: Result<&Option<Entry>, &String>) -> Markup {
    let t = |k| viewer.lang.t(k);
    let body = html! {
        @match found {
            Err(e) => p.bad { (e) },
            Ok(None) => p { (t("not found")) },
            Ok(Some(e)) => {
                table {
                    tr { th { (t("time")) } td { (e.at) } }
                    tr { th { (t("hospital")) } td { (e.hospital) } }
                    tr { th { (t("method")) } td { (e.method) } }
                    tr { th { (t("direction")) } td { (e.direction) " " (e.transport) } }
                    tr { th { (t("source")) } td id="call-source" { (e.source) } }
                    tr { th { (t("result")) } td { (e.outcome) } }
                    tr { th { (t("duration")) } td { (format!("{:.1} ms", e.duration_ms)) } }
                    tr { th { "tradeNo" } td { (crate::mask::text(&e.trade_no)) } }
                    tr { th { (t("request id")) } td { (crate::mask::text(&e.request_id)) } }
                }
                h2 { (t("request")) }
                (pairs(&e.request))
                h2 { (t("response")) }
                (pairs(&e.response))
                p { small { (t("masked")) } }
            }
        }
    };
    page(viewer, t("calls"), body)
}

/// A masked `name=value; …` record as a table, one field a row.
fn pairs(record: &str) -> Markup {
    html! {
        table {
            @for pair in record.split("; ").filter(|p| !p.is_empty()) {
                @match pair.split_once('=') {
                    Some((name, value)) => tr { th { (name) } td { pre { (crate::mask::text(value)) } } },
                    None => tr { td colspan="2" { (crate::mask::text(pair)) } },
                }
            }
        }
    }
}

/// A query-string value, percent-encoded.
pub(super) fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

pub(super) fn outbox(
    viewer: &Viewer,
    state: &str,
    lists: &[(String, Result<Vec<crate::outbound::outbox::Row>, String>)],
) -> Markup {
    let t = |k| viewer.lang.t(k);
    let body = html! {
        form.filter method="get" action="/console/outbox" {
            label { (t("state")) " " select name="state" {
                @for s in ["", "pending", "dead", "failed", "sent", "dropped"] {
                    option value=(s) selected[state == s] { (s) }
                }
            } }
            button type="submit" { (t("search")) }
        }
        @if lists.is_empty() { p { (t("none")) } }
        @for (hospital, rows) in lists {
            h2 { (hospital) }
            @match rows {
                Err(e) => p.bad { (crate::mask::text(e)) },
                Ok(rows) if rows.is_empty() => p { (t("none")) },
                Ok(rows) => table {
                    tr { th { "id" } th { (t("method")) } th { "key" } th { (t("state")) } th { (t("attempts")) } th { (t("next attempt")) } th { (t("result")) } th { "" } }
                    @for r in rows {
                        tr {
                            td { (r.id) }
                            td { (r.kind.to_string()) " " (r.data_type) }
                            td { (crate::mask::text(&r.event_key)) }
                            td class=(if r.state.as_str() == "sent" { "ok" } else if matches!(r.state.as_str(), "dead" | "failed") { "bad" } else { "" }) { (r.state.as_str()) }
                            td { (r.attempts) }
                            td { (r.next_attempt_at) }
                            td { (r.last_result) " " (crate::mask::text(&r.last_message)) }
                            td {
                                @if r.state.as_str() != "sent" {
                                    a href={ "/console/outbox/confirm?hospital=" (encode(hospital)) "&id=" (r.id) "&action=retry" } { (t("retry")) }
                                    " "
                                    a href={ "/console/outbox/confirm?hospital=" (encode(hospital)) "&id=" (r.id) "&action=drop" } { (t("drop")) }
                                }
                            }
                        }
                    }
                },
            }
        }
    };
    page(viewer, t("outbox"), body)
}

pub(super) fn outbox_confirm(viewer: &Viewer, hospital: &str, id: i64, action: &str) -> Markup {
    let t = |k| viewer.lang.t(k);
    let body = html! {
        p { (t(if action == "retry" { "confirm retry" } else { "confirm drop" })) " " (hospital) " #" (id) "?" }
        form method="post" action={ "/console/outbox/" (action) } {
            input type="hidden" name="csrf" value=(viewer.csrf);
            input type="hidden" name="hospital" value=(hospital);
            input type="hidden" name="id" value=(id);
            button type="submit" { (t("confirm")) }
            " "
            a href={ "/console/outbox?hospital=" (encode(hospital)) } { (t("cancel")) }
        }
    };
    page(viewer, t("outbox"), body)
}

/// One hospital's ledger facts for the payments page.
pub(super) struct PaymentFacts {
    pub hospital: String,
    /// The day's payments, then (when a tradeNo was asked) its ledger row.
    pub sets: Result<Vec<Vec<ResultSet>>, String>,
    /// Report files, newest first.
    pub reports: Vec<ReportFile>,
    /// The report asked for (`?report=`): its rows of differences, the
    /// header first.
    pub shown: Option<ShownReport>,
}

/// A report's name and its rows (or why they could not be read).
pub(super) type ShownReport = (String, Result<Vec<Vec<String>>, String>);

/// A reconciliation report file of a hospital's.
pub(super) struct ReportFile {
    pub name: String,
    pub size: u64,
    /// A CSV's differences (its rows after the header).
    pub differences: Option<usize>,
}

/// The reconciliation reports of `hospital` in `dir`, newest first.
pub(super) fn reports(dir: &std::path::Path, hospital: &str) -> Vec<ReportFile> {
    let prefix = format!("reconcile-{hospital}-");
    let mut found: Vec<ReportFile> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let size = entry.metadata().ok()?.len();
            (name.starts_with(&prefix) && (name.ends_with(".csv") || name.ends_with(".txt")))
                .then_some(ReportFile {
                    name,
                    size,
                    differences: None,
                })
        })
        .collect();
    found.sort_by(|a, b| b.name.cmp(&a.name));
    found.truncate(60);
    for report in found.iter_mut().filter(|r| r.name.ends_with(".csv")) {
        report.differences = std::fs::read_to_string(dir.join(&report.name))
            .ok()
            .map(|text| text.lines().count().saturating_sub(1));
    }
    found
}

/// A report CSV's rows (the header first), as reconcile writes them:
/// comma separated, text fields in double quotes with `""` for a quote.
pub(super) fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            let mut fields = Vec::new();
            let mut field = String::new();
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => fields.push(std::mem::take(&mut field)),
                    (c, _) => field.push(c),
                }
            }
            fields.push(field);
            fields
        })
        .collect()
}

pub(super) fn payments(
    viewer: &Viewer,
    day: chrono::NaiveDate,
    trade_no: &str,
    facts: &[PaymentFacts],
    notifications: Result<Vec<Entry>, String>,
) -> Markup {
    let t = |k| viewer.lang.t(k);
    let patient = |v: &Value| crate::mask::field("patientCard", &v.text());
    let body = html! {
        form.filter method="get" action="/console/payments" {
            label { (t("day")) " " input type="date" name="day" value=(day.format("%Y-%m-%d").to_string()); }
            label { "tradeNo " input name="trade_no" value=(trade_no) size="24"; }
            button type="submit" { (t("search")) }
        }
        @if facts.is_empty() { p { (t("no ledger")) } }
        @for f in facts {
            h2 { (f.hospital) }
            @match &f.sets {
                Err(e) => p.bad { (crate::mask::text(e)) },
                Ok(sets) => {
                    @if !trade_no.is_empty() {
                        h3 { "tradeNo " (trade_no) }
                        @match rows(sets, 1).first() {
                            None => p { (t("not in ledger")) },
                            Some(r) => table {
                                tr { th { (t("method")) } td { (r[0].text()) } }
                                tr { th { (t("amount")) } td { "¥" (money(&r[1])) } }
                                tr { th { (t("patient")) } td { (patient(&r[2])) } }
                                tr { th { (t("state")) } td { (r[3].text()) } }
                            },
                        }
                    }
                    h3 { (t("ledger of the day")) }
                    @if rows(sets, 0).is_empty() { p { (t("none")) } } @else {
                        table {
                            tr { th { "tradeNo" } th { (t("method")) } th { (t("amount")) } th { (t("patient")) } th { (t("state")) } th { (t("result")) } th { (t("time")) } }
                            @for r in rows(sets, 0) {
                                tr {
                                    td { a href={ "/console/payments?trade_no=" (encode(&r[0].text())) "&day=" (day.format("%Y-%m-%d").to_string()) } { (r[0].text()) } }
                                    td { (r[1].text()) " " (r[2].text()) }
                                    td { "¥" (money(&r[3])) }
                                    td { (patient(&r[4])) }
                                    td class=(if r[5].text() == "booked" { "ok" } else { "bad" }) { (r[5].text()) }
                                    td { (r[6].text()) " " (crate::mask::text(&r[7].text())) }
                                    td { (r[8].text()) }
                                }
                            }
                        }
                    }
                }
            }
            h3 { (t("reports")) }
            @if f.reports.is_empty() { p { (t("none")) } } @else {
                table {
                    tr { th { (t("file")) } th { (t("differences")) } th { "" } }
                    @for r in &f.reports {
                        tr {
                            td { (r.name) " (" (r.size) " B)" }
                            td class=(if r.differences.unwrap_or(0) > 0 { "bad" } else { "" }) {
                                @if let Some(n) = r.differences {
                                    a href={ "/console/payments?report=" (encode(&r.name)) "#report" } { (n) }
                                }
                            }
                            td { a href={ "/console/reports/" (encode(&f.hospital)) "/" (encode(&r.name)) } { (t("download")) } }
                        }
                    }
                }
            }
            @if let Some((name, rows)) = &f.shown {
                h3 id="report" { (name) }
                @match rows {
                    Err(e) => p.bad { (e) },
                    Ok(rows) if rows.len() <= 1 => p.ok { (t("no differences")) },
                    Ok(rows) => table id="report-differences" {
                        tr { @for h in &rows[0] { th { (h) } } }
                        @for row in &rows[1..] {
                            tr { @for v in row { td { (crate::mask::text(v)) } } }
                        }
                    },
                }
            }
        }
        @if !trade_no.is_empty() {
            h2 { (t("notifications")) }
            @match &notifications {
                Err(e) => p.bad { (e) },
                Ok(entries) if entries.is_empty() => p { (t("none")) },
                Ok(entries) => table {
                    tr { th { (t("time")) } th { (t("method")) } th { (t("result")) } th { (t("request id")) } }
                    @for e in entries {
                        tr {
                            td { a href={ "/console/calls/" (e.id) } { (e.at) } }
                            td { (e.method) }
                            td { (e.outcome) }
                            td { (crate::mask::text(&e.request_id)) }
                        }
                    }
                },
            }
        }
    };
    page(viewer, t("payments"), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_csv_is_read_back_as_written() {
        let rows = csv_rows(
            "\u{feff}difference,tradeNo,order\nmissing,\"EH,1\",payment\nextra,\"say \"\"hi\"\"\",refund\n",
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], ["difference", "tradeNo", "order"]);
        assert_eq!(rows[1], ["missing", "EH,1", "payment"]);
        assert_eq!(rows[2], ["extra", "say \"hi\"", "refund"]);
    }
}
