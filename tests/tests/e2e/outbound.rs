//! The gateway calling the platform, against a stand-in platform server:
//! refunds (idempotent per HIS refund id, UNKNOWN asked again), refund
//! status, reconciliation with planted differences, and event pushes from
//! the demo HIS (retries, dead letters, restart, two instances).

use std::time::Duration;

use hisgw::outbound::outbox::{self, Outbox, State};
use hisgw::outbound::{reconcile, Platform as Outbound, RefundRequest};
use hisgw_e2e::platform::{Behavior, Order, Platform};
use hisgw_e2e::{field, first_poll, today, until, Backend, TestApp};

const SIGN_KEY: &str = "demo-key";

/// The demo talking to `platform`, pushing `sources` (none: no [push]).
async fn spawn(backend: Backend, platform: &Platform, sources: &[&str]) -> Option<TestApp> {
    let url = platform.url.clone();
    let sources: Vec<toml::Value> = sources.iter().map(|s| (*s).into()).collect();
    hisgw_e2e::spawn_demo_with(backend, move |t| {
        t.insert("platform".into(), hisgw_e2e::platform::table(&url).into());
        if !sources.is_empty() {
            let mut push = toml::Table::new();
            push.insert("sources".into(), sources.into());
            push.insert("poll_interval_s".into(), toml::Value::Integer(1));
            push.insert("max_attempts".into(), toml::Value::Integer(3));
            push.insert("backoff_initial_s".into(), toml::Value::Integer(1));
            push.insert("backoff_max_s".into(), toml::Value::Integer(2));
            t.insert("push".into(), push.into());
        }
    })
    .await
}

fn demo(app: &TestApp) -> std::sync::Arc<hisgw::hospitals::Hospital> {
    app.gateway.hospital("demo").unwrap()
}

fn refund_of(his_id: &str, amount: &str) -> RefundRequest {
    RefundRequest {
        trade_no: "EH-PAID-1".into(),
        amount: amount.parse().unwrap(),
        his_id: his_id.into(),
        patient_card: "12345678".into(),
        real_name: "李明".into(),
        operator: Some("收费员01".into()),
        reverse: false,
    }
}

/// The outbox rows in `state` once there are `n` (waiting at most `secs`).
async fn rows_in(app: &TestApp, state: State, n: usize, secs: u64) -> Vec<outbox::Row> {
    let mut rows = Vec::new();
    for _ in 0..secs * 5 {
        rows = outbox_rows(app, state).await;
        if rows.len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    rows
}

async fn outbox_rows(app: &TestApp, state: State) -> Vec<outbox::Row> {
    let h = app.gateway.hospital("demo").unwrap();
    Outbox::of(&h.db).list(Some(state)).await.unwrap()
}

/// Paid registrations nobody has seen yet: `n` of their ids.
async fn waiting_patients(app: &TestApp, n: usize) -> Vec<String> {
    let sets = app
        .demo_sql("SELECT register_id FROM outp_register WHERE status = '1' AND visit_status = '0' ORDER BY register_id")
        .await;
    let ids: Vec<String> = sets[0][0].rows.iter().map(|r| r[0].text()).collect();
    assert!(
        ids.len() >= n,
        "the demo has {} waiting patients",
        ids.len()
    );
    ids.into_iter().take(n).collect()
}

/// The doctor receives these patients (a second ago: sources read seconds
/// that are over).
async fn see(app: &TestApp, backend: Backend, ids: &[String]) {
    let now = match backend {
        Backend::Sqlite => "datetime('now', 'localtime', '-1 seconds')",
        Backend::Mssql => "DATEADD(SECOND, -1, GETDATE())",
        Backend::Postgres => "LOCALTIMESTAMP(0) - interval '1 second'",
        Backend::Mysql => "DATE_SUB(NOW(), INTERVAL 1 SECOND)",
    };
    let list = ids
        .iter()
        .map(|i| format!("'{i}'"))
        .collect::<Vec<_>>()
        .join(",");
    let h = app.gateway.hospital("demo").unwrap();
    h.db.execute(vec![hisgw::execute::Statement::new(
        format!("UPDATE outp_register SET visit_status = '1', see_time = {now} WHERE register_id IN ({list})"),
        vec![],
    )])
    .await
    .unwrap();
}

/// A second gateway process's worth of gateway on the same database.
async fn second_instance(app: &TestApp) -> tokio::task::JoinHandle<std::io::Result<()>> {
    let settings = hisgw_e2e::test_settings(
        app.data_dir.path().to_path_buf(),
        Some(app.mappings_dir.clone()),
    );
    let second = hisgw::Application::build(settings)
        .await
        .expect("second gateway starts");
    tokio::spawn(second.run_until_stopped())
}

/// Each test once per backend, given the backend (it starts its own app).
macro_rules! per_backend {
    ($( async fn $name:ident($backend:ident) $body:block )*) => {
        mod sqlite { use super::*; $( #[tokio::test] async fn $name() { let $backend = Backend::Sqlite; $body } )* }
        mod mssql { use super::*; $( #[tokio::test] async fn $name() { let $backend = Backend::Mssql; $body } )* }
        mod postgres { use super::*; $( #[tokio::test] async fn $name() { let $backend = Backend::Postgres; $body } )* }
        mod mysql { use super::*; $( #[tokio::test] async fn $name() { let $backend = Backend::Mysql; $body } )* }
    };
}

per_backend! {
    async fn seen_patients_are_pushed_once_with_the_spec_fields(backend) {
        let platform = Platform::start(SIGN_KEY).await;
        let Some(app) = spawn(backend, &platform, &["pushClinicFinish"]).await else { return };
        first_poll(&app, "pushClinicFinish").await;
        let ids = waiting_patients(&app, 2).await;
        see(&app, backend, &ids).await;
        assert!(until(15, || platform.calls_for("pushClinicFinish").len() == 2).await, "{:?}", platform.calls());
        tokio::time::sleep(Duration::from_secs(3)).await;
        let calls = platform.calls_for("pushClinicFinish");
        assert_eq!(calls.len(), 2, "each event once");
        for call in &calls {
            assert_eq!(call.operation, "pushHisData");
            assert_eq!(call.field("hospital_id"), Some("demoyyadmin"));
            assert_eq!(call.field("hospital_area_id"), Some("01"));
            assert!(ids.iter().any(|i| call.field("his_id") == Some(i.as_str())), "{call:?}");
            assert!(!call.field("real_name").unwrap_or_default().is_empty(), "{call:?}");
            assert!(!call.field("patient_card").unwrap_or_default().is_empty(), "{call:?}");
        }
        assert_eq!(outbox_rows(&app, State::Sent).await.len(), 2);
        // The pushes are in the audit trail as calls out, identifiers masked.
        let out = hisgw::audit::find(app.data_dir.path(), &hisgw::audit::Query { method: Some("pushClinicFinish".into()), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out.iter().all(|r| r.direction == "out" && r.outcome == "SUCCESS" && !r.request.contains(&calls[0].field("id_card").unwrap_or("x").to_string())), "{out:?}");
    }

    async fn a_failing_push_is_retried_with_backoff_then_dead_without_blocking_others(backend) {
        let platform = Platform::start(SIGN_KEY).await;
        let Some(app) = spawn(backend, &platform, &["pushClinicFinish"]).await else { return };
        first_poll(&app, "pushClinicFinish").await;
        let ids = waiting_patients(&app, 2).await;
        platform.script("pushClinicFinish", vec![Behavior::Http500, Behavior::Error("busy".into()), Behavior::Timeout(Duration::from_secs(3))]);
        see(&app, backend, &ids[..1]).await;
        assert!(until(20, || platform.calls_for("pushClinicFinish").len() >= 3).await);
        let dead = rows_in(&app, State::Dead, 1, 20).await;
        assert_eq!(dead.len(), 1, "dead after max_attempts = 3");
        assert_eq!(dead[0].attempts, 3);
        let calls = platform.calls_for("pushClinicFinish");
        assert!(calls[1].at - calls[0].at >= Duration::from_millis(900), "backoff 1 s");
        assert!(calls[2].at - calls[1].at >= Duration::from_millis(1900), "backoff 2 s");
        // The next event goes through while the first lies dead.
        see(&app, backend, &ids[1..]).await;
        assert!(until(15, || platform.calls_for("pushClinicFinish").len() == 4).await);
        assert_eq!(rows_in(&app, State::Sent, 1, 10).await.len(), 1);
        // `hisgw outbox --retry ID` makes the dead one due again.
        let h = app.gateway.hospital("demo").unwrap();
        assert!(Outbox::of(&h.db).retry(dead[0].id).await.unwrap());
        assert!(until(15, || platform.calls_for("pushClinicFinish").len() == 5).await);
        assert_eq!(rows_in(&app, State::Sent, 2, 20).await.len(), 2, "the retried event is sent");
    }

    async fn two_gateways_and_a_restart_push_each_event_once(backend) {
        let platform = Platform::start(SIGN_KEY).await;
        let Some(mut app) = spawn(backend, &platform, &["pushClinicFinish"]).await else { return };
        first_poll(&app, "pushClinicFinish").await;
        let second = second_instance(&app).await;
        let ids = waiting_patients(&app, 4).await;
        see(&app, backend, &ids[..2]).await;
        assert!(until(20, || platform.calls_for("pushClinicFinish").len() >= 2).await);
        // The first gateway stops; events go on happening; the second one
        // (and then a third, started later) deliver them.
        app.server.abort();
        see(&app, backend, &ids[2..]).await;
        assert!(until(20, || platform.calls_for("pushClinicFinish").len() >= 4).await);
        second.abort();
        let third = second_instance(&app).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        third.abort();
        let mut pushed: Vec<String> = platform.calls_for("pushClinicFinish").iter().map(|c| c.field("his_id").unwrap_or_default().to_string()).collect();
        pushed.sort();
        let mut expected = ids.clone();
        expected.sort();
        assert_eq!(pushed, expected, "every event once, none lost");
        app.server = tokio::spawn(async { Ok(()) });
    }

    async fn a_refund_is_asked_once_per_his_refund_id_and_unknown_is_asked_again(backend) {
        let platform = Platform::start(SIGN_KEY).await;
        let Some(app) = spawn(backend, &platform, &[]).await else { return };
        platform.script("refundApply", vec![Behavior::Unknown, Behavior::Unknown]);
        let row = Outbound::of(&demo(&app)).unwrap().refund(&refund_of("TF-1", "10"), Duration::from_secs(30)).await.unwrap();
        assert_eq!(row.state, State::Sent, "{row:?}");
        let calls = platform.calls_for("refundApply");
        assert_eq!(calls.len(), 3, "UNKNOWN twice, then success");
        assert!(calls.iter().all(|c| c.sign_ok == Some(true)), "signed (§17, realName left out)");
        assert!(calls.iter().all(|c| c.fields == calls[0].fields), "the same request every time");
        let gap = calls[1].at - calls[0].at;
        assert!(gap >= Duration::from_millis(4500), "asked again after 5 s, not {gap:?}");
        assert_eq!(calls[0].field("refundAmount"), Some("10.00"));
        assert_eq!(calls[0].field("hospitalId"), Some("demoyyadmin"));
        assert_eq!(calls[0].field("cashier_id"), Some("收费员01"));
        let refund_no = row.last_message.clone();
        assert!(!refund_no.is_empty());

        // The same refund again: its state, no second call.
        let again = Outbound::of(&demo(&app)).unwrap().refund(&refund_of("TF-1", "10.00"), Duration::from_secs(5)).await.unwrap();
        assert_eq!((again.state, again.last_message.as_str()), (State::Sent, refund_no.as_str()));
        assert_eq!(platform.calls_for("refundApply").len(), 3);
        // Another refund under the same HIS refund id is refused, unsent.
        let other = Outbound::of(&demo(&app)).unwrap().refund(&refund_of("TF-1", "11"), Duration::from_secs(5)).await;
        assert!(other.unwrap_err().to_string().contains("TF-1"));
        assert_eq!(platform.calls_for("refundApply").len(), 3);

        // A definite refusal is final.
        platform.script("refundApply", vec![Behavior::Error("订单不存在".into())]);
        let refused = Outbound::of(&demo(&app)).unwrap().refund(&refund_of("TF-2", "5"), Duration::from_secs(5)).await.unwrap();
        assert_eq!((refused.state, refused.last_message.as_str()), (State::Failed, "订单不存在"));

        // 15.1 for the refund that went through.
        let status = Outbound::of(&demo(&app)).unwrap().refund_status("TF-1").await.unwrap();
        assert_eq!(status.field("refundStatus"), Some("2"), "{status:?}");
    }

    async fn the_admin_endpoint_takes_refunds(backend) {
        let platform = Platform::start(SIGN_KEY).await;
        let Some(app) = spawn(backend, &platform, &[]).await else { return };
        let body = serde_json::json!({"tradeNo": "EH-PAID-2", "refundAmount": "8.50", "hisId": "TF-9",
            "patientCard": "12345678", "realName": "李明"});
        let post = || app.client.post(format!("{}/admin/demo/refund", app.admin_address)).json(&body).send();
        let first: serde_json::Value = post().await.unwrap().json().await.unwrap();
        assert_eq!(first["state"], "sent", "{first}");
        let second: serde_json::Value = post().await.unwrap().json().await.unwrap();
        assert_eq!(second["lastMessage"], first["lastMessage"]);
        assert_eq!(platform.calls_for("refundApply").len(), 1);
        let listed: serde_json::Value = app.client.get(format!("{}/admin/demo/outbox?state=sent", app.admin_address))
            .send().await.unwrap().json().await.unwrap();
        assert_eq!(listed.as_array().unwrap().len(), 1);
        // The platform-facing listener has no admin routes.
        let public = app.client.post(format!("{}/admin/demo/refund", app.address)).json(&body).send().await.unwrap();
        assert_eq!(public.status().as_u16(), 404);
    }

    async fn a_refund_the_platform_confirmed_is_in_the_ledger_and_reconciles(backend) {
        let platform = Platform::start(SIGN_KEY).await;
        let Some(app) = spawn(backend, &platform, &[]).await else { return };
        let day = today();
        let payed = format!("{day} 09:00:00");
        app.call("prePayExpense", &[("realName", "李明"), ("patientCard", "12345678"), ("prepayaAmt", "100.00"),
            ("payType", "weChat"), ("tradeNo", "EH-RF-1"), ("payedTime", payed.as_str())]).await.assert_success();
        let refund = |his_id: &str, amount: &str, reverse: bool| {
            let body = serde_json::json!({"tradeNo": "EH-RF-1", "refundAmount": amount, "hisId": his_id,
                "patientCard": "12345678", "realName": "李明", "reverse": reverse});
            app.client.post(format!("{}/admin/demo/refund", app.admin_address)).json(&body).send()
        };
        let sent = refund("TF-RF-1", "40.00", false).await.unwrap();
        assert_eq!(sent.status().as_u16(), 200);
        let sent: serde_json::Value = sent.json().await.unwrap();
        assert_eq!(sent["state"], "sent", "{sent}");
        // A reversal (冲正) is sent, and left out of reconciliation.
        let reversal: serde_json::Value = refund("TF-RF-2", "10.00", true).await.unwrap().json().await.unwrap();
        assert_eq!(reversal["state"], "sent", "{reversal}");
        // More than is left to refund is refused before the platform is asked.
        let too_much = refund("TF-RF-3", "60.01", false).await.unwrap();
        assert_eq!(too_much.status().as_u16(), 409);
        let said = too_much.text().await.unwrap();
        assert!(said.contains("booked 100.00, refunded 40.00"), "{said}");
        assert_eq!(platform.calls_for("refundApply").len(), 2);

        // The platform's own 13.1 and 13.2 see the refund on the day it succeeded.
        let info = app.call("GetCheckLedgerInfo", &[("checkDate", &day)]).await;
        info.assert_success();
        assert_eq!(info.text("refundCount").as_deref(), Some("1"), "{}", info.body);
        assert_eq!(info.text("refundCash").as_deref(), Some("40.00"), "{}", info.body);
        let detail = app.call("GetChecLedgerDetail", &[("checkDate", &day)]).await;
        let rows = detail.rows();
        let refunds: Vec<_> = rows.iter().filter(|r| field(r, "channel") == Some("1")).collect();
        assert_eq!(refunds.len(), 1, "{}", detail.body);
        assert_eq!(field(refunds[0], "hisRefundId"), Some("TF-RF-1"));
        assert_eq!(field(refunds[0], "amount"), Some("40.00"));
        assert_eq!(field(refunds[0], "transactionType"), Some("3"));

        // And hisgw reconcile agrees with the platform's statement.
        let order = |cash: &str, order_type: u8| Order {
            trade_no: "EH-RF-1".into(), cash: cash.into(), order_type, transaction_type: "3".into(),
            order_time: payed.clone(), pay_type: "wechat".into(),
        };
        platform.set_ledger(&day, vec![order("100.00", 1), order("40.00", 2)]);
        let h = app.gateway.hospital("demo").unwrap();
        let report = reconcile::reconcile(&app.gateway, &h, chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap()).await.unwrap();
        assert!(report.differences.is_empty(), "{}", reconcile::table(&report));
    }

    async fn reconciliation_reports_every_planted_difference(backend) {
        let platform = Platform::start(SIGN_KEY).await;
        let Some(app) = spawn(backend, &platform, &[]).await else { return };
        let day = today();
        let prepay = |trade: &str, amount: &str| {
            let payed = format!("{day} 09:00:00");
            let fields = [("realName", "李明"), ("patientCard", "12345678"), ("prepayaAmt", amount), ("payType", "weChat"), ("tradeNo", trade), ("payedTime", payed.as_str())]
                .map(|(k, v)| (k.to_string(), v.to_string()));
            async move { fields }
        };
        for (trade, amount) in [("EH-R-OK", "100"), ("EH-R-AMT", "50"), ("EH-R-HISONLY", "30")] {
            let fields = prepay(trade, amount).await;
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call("prePayExpense", &pairs).await.assert_success();
        }
        let order = |trade: &str, cash: &str, order_type: u8| Order {
            trade_no: trade.into(), cash: cash.into(), order_type, transaction_type: "3".into(),
            order_time: format!("{day} 09:00:00"), pay_type: "wechat".into(),
        };
        platform.set_ledger(&day, vec![
            order("EH-R-OK", "100.00", 1),
            order("EH-R-AMT", "50.10", 1),
            order("EH-R-PLATONLY", "20.00", 1),
            order("EH-R-OK", "5.00", 2),
        ]);
        let h = app.gateway.hospital("demo").unwrap();
        let report = reconcile::reconcile(&app.gateway, &h, chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap()).await.unwrap();
        let found: Vec<(reconcile::Kind, &str)> = report.differences.iter().map(|d| (d.kind, d.trade_no.as_str())).collect();
        assert_eq!(found, [
            (reconcile::Kind::AmountDiffers, "EH-R-AMT"),
            (reconcile::Kind::MissingAtPlatform, "EH-R-HISONLY"),
            (reconcile::Kind::RefundDiffers, "EH-R-OK"),
            (reconcile::Kind::MissingAtHis, "EH-R-PLATONLY"),
        ], "{}", reconcile::table(&report));
        assert_eq!(report.his_orders, 3);
        let path = reconcile::write_csv(&report, &app.data_dir.path().join("reports")).unwrap();
        let csv = std::fs::read_to_string(path).unwrap();
        assert!(csv.contains("amount differs,\"EH-R-AMT\",payment,\"3\",50.00,50.10"), "{csv}");
        let call = &platform.calls_for("checkAccount")[0];
        assert_eq!(call.field("checkDate"), Some(day.as_str()));
        assert_eq!(call.field("hospitalId"), Some("demoyyadmin"));
    }
}

/// `serve` reconciles the previous day at `daily_at` and keeps the report.
#[tokio::test]
async fn the_daily_reconciliation_keeps_its_report() {
    let platform = Platform::start(SIGN_KEY).await;
    let yesterday = hisgw_e2e::day(-1);
    platform.set_ledger(
        &yesterday,
        vec![Order {
            trade_no: "EH-Y-1".into(),
            cash: "9.00".into(),
            order_type: 1,
            transaction_type: "2".into(),
            order_time: format!("{yesterday} 10:00:00"),
            pay_type: "alipay".into(),
        }],
    );
    let url = platform.url.clone();
    let app = hisgw_e2e::spawn_demo_with(Backend::Sqlite, move |t| {
        let mut p = toml::Table::new();
        p.insert("address".into(), url.into());
        p.insert("hospital_id".into(), "demoyyadmin".into());
        t.insert("platform".into(), p.into());
        let mut r = toml::Table::new();
        r.insert("daily_at".into(), "00:00".into());
        t.insert("reconcile".into(), r.into());
    })
    .await
    .unwrap();
    let csv = app
        .data_dir
        .path()
        .join(format!("reports/reconcile-demo-{yesterday}.csv"));
    for _ in 0..50 {
        if csv.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let text = std::fs::read_to_string(&csv).expect("the daily report is written");
    assert!(text.contains("missing at HIS,\"EH-Y-1\""), "{text}");
    assert_eq!(platform.calls_for("checkAccount").len(), 1, "once a day");
}
