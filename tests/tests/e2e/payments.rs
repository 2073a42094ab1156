//! Payment notifications on the demo hospital, on both backends: each
//! tradeNo books once; retries replay the first answer byte for byte; a
//! retry that differs books nothing; refusals are recorded and replayed;
//! the ledger answers reconciliation and order status.

use hisgw_e2e::{field, id_number, on_both_backends, today, Answer, TestApp};
use tokio::task::JoinSet;

const SIGN_KEY: &str = "demo-key";

fn payed_time() -> String {
    format!("{} 10:00:00", today())
}

fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn call_owned(app: &TestApp, method: &str, fields: &[(String, String)]) -> Answer {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.call(method, &pairs).await
}

/// A new patient with an online card: (card, name, idCard).
async fn patient(app: &TestApp, n: u32) -> (String, String, String) {
    let id = id_number(n);
    let name = format!("付款{n}");
    let a = app
        .call(
            "addPatientCard",
            &[
                ("realName", &name),
                ("idCard", &id),
                ("phone", "13800000001"),
            ],
        )
        .await;
    a.assert_success();
    (a.text("patientCard").unwrap(), name, id)
}

/// An unpaid registration of `who` on today's r001: payRegister's request.
async fn pay_register_request(app: &TestApp, n: u32, trade_no: &str) -> Vec<(String, String)> {
    let (card, name, id) = patient(app, n).await;
    let today = today();
    let booking = owned(&[
        ("scheduleId", "r001"),
        ("realName", &name),
        ("idCard", &id),
        ("patientCard", &card),
        ("departmentCode", "001"),
        ("doctorCode", "d001"),
        ("clinicType", "专家门诊"),
        ("clinicDate", &today),
        ("clinicTime", "上午"),
    ]);
    let a = call_owned(app, "insertRegister", &booking).await;
    a.assert_success();
    owned(&[
        ("registerId", &a.text("registerId").unwrap()),
        ("scheduleId", "r001"),
        ("tradeNo", trade_no),
        ("realName", &name),
        ("idCard", &id),
        ("patientCard", &card),
        ("payType", "weChat"),
        ("departmentCode", "001"),
        ("doctorCode", "d001"),
        ("clinicDate", &today),
        ("clinicTimeQuantum", "上午"),
        ("clinicFee", &a.text("amount").unwrap()),
        ("payedTime", &payed_time()),
    ])
}

/// An unpaid booking of a session two days ahead: subscriptionPay's request.
async fn subscription_pay_request(app: &TestApp, n: u32, trade_no: &str) -> Vec<(String, String)> {
    let (card, name, id) = patient(app, n).await;
    let day = hisgw_e2e::day(2);
    let sets = app
        .demo_sql(&format!(
            "SELECT s.schedule_id, s.dept_code, s.doctor_code FROM schedule s \
             WHERE s.clinic_date = '{day}' AND s.status = '1' AND s.doctor_code IS NOT NULL \
               AND EXISTS (SELECT 1 FROM schedule_slot sl WHERE sl.schedule_id = s.schedule_id AND sl.used_num < sl.total_num) \
             ORDER BY s.schedule_id"
        ))
        .await;
    let row = &sets[0][0].rows[0];
    let text = |i: usize| match &row[i] {
        hisgw::execute::Value::Text(t) => t.clone(),
        other => panic!("{other:?}"),
    };
    let (schedule, dept, doctor) = (text(0), text(1), text(2));
    let booking = owned(&[
        ("scheduleId", &schedule),
        ("realName", &name),
        ("idCard", &id),
        ("patientCard", &card),
        ("departmentCode", &dept),
        ("doctorCode", &doctor),
        ("clinicType", "专家门诊"),
        ("clinicDate", &day),
        ("clinicTime", "上午"),
    ]);
    let a = call_owned(app, "insertSubscription", &booking).await;
    a.assert_success();
    owned(&[
        ("subscriptionId", &a.text("subscriptionId").unwrap()),
        ("scheduleId", &schedule),
        ("tradeNo", trade_no),
        ("realName", &name),
        ("idCard", &id),
        ("patientCard", &card),
        ("payType", "alipay"),
        ("departmentCode", &dept),
        ("doctorCode", &doctor),
        ("clinicDate", &day),
        ("clinicTimeQuantum", "上午"),
        ("clinicFee", &a.text("amount").unwrap()),
        ("payedTime", &payed_time()),
    ])
}

/// 李明's unpaid prescription 20150309001 (190.00, as in the spec).
fn outpatient_pay_request(trade_no: &str) -> Vec<(String, String)> {
    owned(&[
        ("prescriptionNo", "20150309001"),
        ("realName", "李明"),
        ("patientCard", "12345678"),
        ("orderFee", "190.00"),
        ("payType", "weChat"),
        ("feeType", "药费"),
        ("payedTime", &payed_time()),
        ("tradeNo", trade_no),
    ])
}

/// 李明 is in hospital (住院号 100038812, card 12345678).
fn prepay_request(trade_no: &str, amount: &str) -> Vec<(String, String)> {
    owned(&[
        ("realName", "李明"),
        ("patientCard", "12345678"),
        ("prepayaAmt", amount),
        ("payType", "weChat"),
        ("tradeNo", trade_no),
        ("payedTime", &payed_time()),
    ])
}

/// 张三's e-card 500000003, signed with the demo key (§17).
fn recharge_request(trade_no: &str, amount: &str) -> Vec<(String, String)> {
    let mut fields = owned(&[
        ("patientCard", "500000003"),
        ("realName", "张三"),
        ("amount", amount),
        ("payType", "weChat"),
        ("tradeNo", trade_no),
        ("nonceStr", "witon"),
        ("payedTime", &payed_time()),
    ]);
    let sign = hisgw::sign::sign(
        fields.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SIGN_KEY,
        &[],
    );
    fields.push(("sign".into(), sign));
    fields
}

/// Fires `n` identical notifications at once; returns their bodies.
async fn storm(app: &TestApp, method: &str, fields: &[(String, String)], n: usize) -> Vec<String> {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let body = hisgw_e2e::request_xml(&pairs);
    let mut calls = JoinSet::new();
    for _ in 0..n {
        let request = app
            .client
            .post(format!("{}/api/demo/{method}", app.address))
            .body(body.clone());
        calls.spawn(async move { request.send().await.unwrap().text().await.unwrap() });
    }
    let mut bodies = Vec::new();
    while let Some(done) = calls.join_next().await {
        bodies.push(done.unwrap());
    }
    bodies
}

async fn ledger_rows(app: &TestApp, trade_no: &str) -> i64 {
    app.number(&format!(
        "SELECT COUNT(*) FROM hisgw_payment WHERE trade_no = '{trade_no}'"
    ))
    .await
}

/// Bookings of a tradeNo in the HIS's own payment journal.
async fn his_bookings(app: &TestApp, trade_no: &str) -> i64 {
    app.number(&format!(
        "SELECT COUNT(*) FROM pay_ledger WHERE trade_no = '{trade_no}' AND channel = '0'"
    ))
    .await
}

on_both_backends! {
    async fn an_amount_that_is_not_plain_decimal_text_is_refused_and_books_nothing(app) {
        for (n, amount) in ["1_000", "1e2", "+100", "100\u{a0}", "1,000", ".5"].iter().enumerate() {
            let trade_no = format!("EH-FORM-{n}");
            let a = call_owned(&app, "prePayExpense", &prepay_request(&trade_no, amount)).await;
            assert_eq!(a.result(), "error", "{amount:?}: {}", a.body);
            assert!(a.message().contains("prepayaAmt"), "{amount:?}: {}", a.body);
            assert_eq!(ledger_rows(&app, &trade_no).await, 0, "{amount:?}");
        }
        // The plain form books.
        call_owned(&app, "prePayExpense", &prepay_request("EH-FORM-OK", " 100.00 ")).await.assert_success();
        assert_eq!(ledger_rows(&app, "EH-FORM-OK").await, 1);
    }

    async fn a_rehearsed_payment_goes_through_the_ledger_and_books_nothing(app) {
        let request = pay_register_request(&app, 31, "EH-TRY-1").await;
        let raw = hisgw::decode::RawRequest::new(request.clone());
        let rehearsed = app.gateway.rehearse("demo", "payRegister", &raw, false).await;
        assert!(rehearsed.reply.is_success(), "{:?}", rehearsed.reply);
        assert!(!rehearsed.committed);
        assert!(rehearsed.steps.len() >= 2, "the claim and the mapping: {:?}", rehearsed.steps);
        if let Some(tables) = &rehearsed.tables {
            assert_eq!(tables["hisgw_payment"].inserted, 1, "{tables:?}");
            assert_eq!(tables["pay_ledger"].inserted, 1, "{tables:?}");
        }
        assert_eq!(ledger_rows(&app, "EH-TRY-1").await, 0);
        assert_eq!(his_bookings(&app, "EH-TRY-1").await, 0);
        // The real notification books it now, once.
        call_owned(&app, "payRegister", &request).await.assert_success();
        assert_eq!(ledger_rows(&app, "EH-TRY-1").await, 1);
        assert_eq!(his_bookings(&app, "EH-TRY-1").await, 1);
    }

    async fn fifty_identical_notifications_book_once_per_payment_method(app) {
        let requests = vec![
            ("payRegister", pay_register_request(&app, 11, "EH-REG-1").await),
            ("subscriptionPay", subscription_pay_request(&app, 12, "EH-SUB-1").await),
            ("outpatientPay", outpatient_pay_request("EH-OUT-1")),
            ("prePayExpense", prepay_request("EH-PRE-1", "200")),
            ("rechargeECard", recharge_request("EH-ECD-1", "100")),
        ];
        for (method, request) in requests {
            let trade_no = field(&request, "tradeNo").unwrap().to_string();
            let bodies = storm(&app, method, &request, 50).await;
            assert!(bodies.iter().all(|b| *b == bodies[0]), "{method}: answers differ: {bodies:#?}");
            let first = Answer { status: 200, content_type: String::new(), body: bodies[0].clone() };
            first.assert_success();
            assert!(!first.text("invoiceNo").unwrap_or_default().is_empty(), "{}", first.body);
            assert_eq!(ledger_rows(&app, &trade_no).await, 1, "{method}");
            assert_eq!(his_bookings(&app, &trade_no).await, 1, "{method}: booked once in the HIS");
            // A later retry replays the same bytes.
            let again = call_owned(&app, method, &request).await;
            assert_eq!(again.body, first.body, "{method}");
        }
    }

    async fn a_retry_that_differs_books_nothing(app) {
        let first = call_owned(&app, "prePayExpense", &prepay_request("EH-DIFF", "200")).await;
        first.assert_success();
        let prepaid = || app.number("SELECT COUNT(*) FROM inp_prepay WHERE trade_no = 'EH-DIFF'");
        assert_eq!(prepaid().await, 1);

        let more = call_owned(&app, "prePayExpense", &prepay_request("EH-DIFF", "201")).await;
        assert_eq!(more.result(), "error", "{}", more.body);
        assert_eq!(more.text("isRefund").as_deref(), Some("0"), "never ask for a refund of a booked order");
        assert!(more.message().contains("amount"), "{}", more.body);

        let mut someone_else = prepay_request("EH-DIFF", "200");
        someone_else[1].1 = "100038812".into();
        let other = call_owned(&app, "prePayExpense", &someone_else).await;
        assert_eq!(other.result(), "error", "{}", other.body);
        assert!(other.message().contains("patient"), "{}", other.body);

        let recharge = call_owned(&app, "rechargeECard", &recharge_request("EH-DIFF", "200")).await;
        assert_eq!(recharge.result(), "error", "{}", recharge.body);
        assert!(recharge.message().contains("method"), "{}", recharge.body);

        assert_eq!(prepaid().await, 1);
        assert_eq!(his_bookings(&app, "EH-DIFF").await, 1);
        // The original answer is unchanged.
        let replay = call_owned(&app, "prePayExpense", &prepay_request("EH-DIFF", "200.00")).await;
        assert_eq!(replay.body, first.body);
    }

    async fn a_business_refusal_is_recorded_and_replayed(app) {
        call_owned(&app, "outpatientPay", &outpatient_pay_request("EH-RX-A")).await.assert_success();
        // The same prescription paid again under another order: refused by
        // the HIS mapping, which asks the platform to refund.
        let refused = call_owned(&app, "outpatientPay", &outpatient_pay_request("EH-RX-B")).await;
        assert_eq!(refused.result(), "error", "{}", refused.body);
        assert_eq!(refused.text("isRefund").as_deref(), Some("1"), "{}", refused.body);
        assert!(refused.text("invoiceNo").is_none());
        let again = call_owned(&app, "outpatientPay", &outpatient_pay_request("EH-RX-B")).await;
        assert_eq!(again.body, refused.body, "a refusal is replayed identically");
        assert_eq!(
            app.number("SELECT COUNT(*) FROM hisgw_payment WHERE trade_no = 'EH-RX-B' AND state = 'refused'").await,
            1
        );
        assert_eq!(his_bookings(&app, "EH-RX-B").await, 0);
        assert_eq!(his_bookings(&app, "EH-RX-A").await, 1);

        // 15.2 from the ledger.
        let status = app.call("queryOrderStatus", &[("tradeNo", "EH-RX-A"), ("dataSrc", "hisSrc")]).await;
        status.assert_success();
        assert!(!status.text("invoiceNo").unwrap().is_empty());
        assert!(!status.text("hisPayId").unwrap().is_empty());
        let wrong_src = app.call("queryOrderStatus", &[("tradeNo", "EH-RX-A"), ("dataSrc", "register")]).await;
        assert_eq!(wrong_src.result(), "error");
        let refused = app.call("queryOrderStatus", &[("tradeNo", "EH-RX-B"), ("dataSrc", "hisSrc")]).await;
        assert_eq!(refused.result(), "error");
        let unknown = app.call("queryOrderStatus", &[("tradeNo", "EH-NONE"), ("dataSrc", "hisSrc")]).await;
        assert_eq!(unknown.result(), "error");
        assert!(unknown.message().contains("tradeNo"), "{}", unknown.body);
    }

    async fn a_recharge_needs_the_right_sign(app) {
        let balance = || app.number("SELECT COUNT(*) FROM ecard_txn WHERE trade_no = 'EH-SIGN'");
        let mut forged = recharge_request("EH-SIGN", "100");
        forged[2].1 = "1000".into(); // amount changed after signing
        let a = call_owned(&app, "rechargeECard", &forged).await;
        assert_eq!(a.result(), "error", "{}", a.body);
        assert!(a.message().contains("sign"), "{}", a.body);
        assert_eq!(a.text("isRefund").as_deref(), Some("0"));
        let mut unsigned = recharge_request("EH-SIGN", "100");
        unsigned.pop();
        let b = call_owned(&app, "rechargeECard", &unsigned).await;
        assert_eq!(b.result(), "error");
        assert!(b.message().contains("sign"), "{}", b.body);
        assert_eq!(balance().await, 0);
        assert_eq!(ledger_rows(&app, "EH-SIGN").await, 0, "a forged notification is not recorded");
        // The genuine notification still books.
        call_owned(&app, "rechargeECard", &recharge_request("EH-SIGN", "100")).await.assert_success();
        assert_eq!(balance().await, 1);
    }

    async fn the_ledger_answers_reconciliation(app) {
        let today = today();
        call_owned(&app, "payRegister", &pay_register_request(&app, 21, "EH-R1").await).await.assert_success();
        let sub = subscription_pay_request(&app, 22, "EH-S1").await;
        call_owned(&app, "subscriptionPay", &sub).await.assert_success();
        call_owned(&app, "outpatientPay", &outpatient_pay_request("EH-O1")).await.assert_success();
        call_owned(&app, "prePayExpense", &prepay_request("EH-P1", "200")).await.assert_success();
        call_owned(&app, "prePayExpense", &prepay_request("EH-P2", "50.5")).await.assert_success();
        call_owned(&app, "rechargeECard", &recharge_request("EH-E1", "100")).await.assert_success();
        // A refused payment counts nowhere.
        assert_eq!(call_owned(&app, "outpatientPay", &outpatient_pay_request("EH-O2")).await.result(), "error");
        // The paid booking is cancelled with a refund.
        let cancel = app.call("cancelSubscription", &[("subscriptionId", field(&sub, "subscriptionId").unwrap())]).await;
        cancel.assert_success();
        let refund_id = cancel.text("hisRefundId").expect("a paid booking is refunded");

        let fee = |req: &[(String, String)]| field(req, "clinicFee").unwrap().parse::<rust_decimal::Decimal>().unwrap();
        let subscription_fee = fee(&sub);
        let info = app.call("GetCheckLedgerInfo", &[("checkDate", &today)]).await;
        info.assert_success();
        assert_eq!(info.text("totalCount").as_deref(), Some("6"), "{}", info.body);
        assert_eq!(info.text("refundCount").as_deref(), Some("1"), "{}", info.body);
        assert_eq!(info.text("refundCash").unwrap().parse::<rust_decimal::Decimal>().unwrap(), subscription_fee);
        let details = info.rows_of("response", "detail");
        let types: Vec<&str> = details.iter().map(|d| field(d, "transactionType").unwrap()).collect();
        assert_eq!(types, ["1", "2", "3", "4"], "{}", info.body);
        assert_eq!(field(&details[1], "totalCash"), Some("190.00"));
        assert_eq!(field(&details[2], "totalCash"), Some("250.50"));
        assert_eq!(field(&details[2], "totalCount"), Some("2"));
        assert_eq!(field(&details[3], "totalCash"), Some("100.00"));
        assert_eq!(field(&details[0], "totalCount"), Some("2"));
        assert_eq!(field(&details[0], "refundCount"), Some("1"));

        let detail = app.call("GetChecLedgerDetail", &[("checkDate", &today)]).await;
        detail.assert_success();
        let rows = detail.rows();
        assert_eq!(rows.len(), 7, "{}", detail.body);
        let refund = rows.iter().find(|r| field(r, "channel") == Some("1")).unwrap();
        assert_eq!(field(refund, "tradeNo"), Some("EH-S1"));
        assert_eq!(field(refund, "hisRefundId"), Some(refund_id.as_str()));
        assert!(rows.iter().all(|r| field(r, "tradeNo") != Some("EH-O2")));
        let prepay_only = app.call("GetChecLedgerDetail", &[("checkDate", &today), ("transactionType", "3")]).await;
        assert_eq!(prepay_only.rows().len(), 2, "{}", prepay_only.body);
        let other_day = app.call("GetCheckLedgerInfo", &[("checkDate", &hisgw_e2e::day(-1))]).await;
        assert_eq!(other_day.text("totalCount").as_deref(), Some("0"));
    }
}

/// SQLite: a payment that meets a locked database fails as transient,
/// records nothing, and books on the next retry.
#[tokio::test]
async fn a_transient_failure_is_not_final() {
    let app = hisgw_e2e::spawn_app().await;
    let path = app.data_dir.path().join("demo-his.sqlite");
    let holder = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        std::thread::sleep(std::time::Duration::from_secs(7));
        conn.execute_batch("ROLLBACK").unwrap();
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let a = call_owned(&app, "prePayExpense", &prepay_request("EH-BUSY", "200")).await;
    assert_eq!(a.result(), "error", "{}", a.body);
    assert_eq!(a.text("isRefund").as_deref(), Some("0"));
    assert!(a.message().contains("busy"), "{}", a.body);
    holder.join().unwrap();
    assert_eq!(ledger_rows(&app, "EH-BUSY").await, 0);
    call_owned(&app, "prePayExpense", &prepay_request("EH-BUSY", "200"))
        .await
        .assert_success();
    assert_eq!(his_bookings(&app, "EH-BUSY").await, 1);
}

/// SQL Server: the connection of a payment in flight is cut (KILL) inside
/// its transaction, after the tradeNo was claimed: the server rolls all of
/// it back, the answer is a transient error, and the retry books once.
#[tokio::test]
async fn a_payment_whose_connection_is_cut_mid_transaction_books_once_on_retry() {
    use hisgw::execute::mssql::{connect, run_batches};
    use hisgw_e2e::mssql::client_config;

    let app_name = format!("hisgw-cut-{}", std::process::id());
    let Some(app) = hisgw_e2e::spawn_mssql_app_named(&app_name).await else {
        return;
    };
    let db = app.mssql.as_ref().unwrap();
    // Hold 李明's stay: the payment claims its tradeNo, then waits here.
    let mut holder = connect(client_config(&db.url, &db.name)).await.unwrap();
    run_batches(
        &mut holder,
        "BEGIN TRANSACTION; UPDATE dbo.inpatient SET bed_no = bed_no WHERE inp_no = '100038812';",
    )
    .await
    .unwrap();
    let request = app
        .client
        .post(format!("{}/api/demo/prePayExpense", app.address))
        .body(hisgw_e2e::request_xml(
            &prepay_request("EH-CUT", "300")
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        ));
    let paying = tokio::spawn(async move { request.send().await.unwrap().text().await.unwrap() });
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    let mut admin = connect(client_config(&db.url, &db.name)).await.unwrap();
    let sessions: Vec<i64> = admin
        .simple_query(format!(
            "SELECT CAST(session_id AS BIGINT) FROM sys.dm_exec_sessions WHERE program_name = N'{app_name}'"
        ))
        .await
        .unwrap()
        .into_first_result()
        .await
        .unwrap()
        .iter()
        .filter_map(|r| r.get::<i64, _>(0))
        .collect();
    assert!(!sessions.is_empty(), "the gateway's sessions are found");
    for id in sessions {
        let _ = run_batches(&mut admin, &format!("KILL {id}")).await;
    }
    let body = paying.await.unwrap();
    let answer = Answer {
        status: 200,
        content_type: String::new(),
        body,
    };
    assert_eq!(answer.result(), "error", "{}", answer.body);
    assert_eq!(answer.text("isRefund").as_deref(), Some("0"));
    run_batches(&mut holder, "ROLLBACK TRANSACTION;")
        .await
        .unwrap();

    assert_eq!(
        ledger_rows(&app, "EH-CUT").await,
        0,
        "the cut transaction left nothing"
    );
    assert_eq!(his_bookings(&app, "EH-CUT").await, 0);
    call_owned(&app, "prePayExpense", &prepay_request("EH-CUT", "300"))
        .await
        .assert_success();
    let again = call_owned(&app, "prePayExpense", &prepay_request("EH-CUT", "300")).await;
    again.assert_success();
    assert_eq!(ledger_rows(&app, "EH-CUT").await, 1);
    assert_eq!(his_bookings(&app, "EH-CUT").await, 1);
}

#[tokio::test]
async fn a_method_maximum_refuses_a_larger_amount_before_any_sql() {
    let app = hisgw_e2e::spawn_demo_with(hisgw_e2e::Backend::Sqlite, |t| {
        let methods = t
            .entry("methods")
            .or_insert_with(|| toml::Value::Table(Default::default()))
            .as_table_mut()
            .unwrap();
        let mut prepay = toml::Table::new();
        prepay.insert("max_amount".into(), "5000.00".into());
        methods.insert("prePayExpense".into(), toml::Value::Table(prepay));
    })
    .await
    .unwrap();
    let above = call_owned(
        &app,
        "prePayExpense",
        &prepay_request("EH-MAX-1", "5000.01"),
    )
    .await;
    assert_eq!(above.result(), "error", "{}", above.body);
    assert!(
        above.message().contains("prepayaAmt") && above.message().contains("5000"),
        "{}",
        above.body
    );
    assert_eq!(ledger_rows(&app, "EH-MAX-1").await, 0);
    call_owned(
        &app,
        "prePayExpense",
        &prepay_request("EH-MAX-2", "5000.00"),
    )
    .await
    .assert_success();
}
