//! The stand-in platform itself: it answers as Ruibo's CXF service does,
//! checks signs, and records calls, so the outbound tests can trust it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hisgw_e2e::platform::*;

const KEY: &str = "test-sign-key-0123456789";
const NS: &str = "http://service.ehospital.witon.com/";

/// A CXF-style SOAP 1.1 call: the request escaped as `<arg0>` text.
fn envelope(operation: &str, request: &str) -> String {
    format!(
        "<soap:Envelope xmlns:soap=\"{SOAP11_NS}\"><soap:Body><ns:{operation} xmlns:ns=\"{NS}\">\
         <arg0>{}</arg0></ns:{operation}></soap:Body></soap:Envelope>",
        escape(request)
    )
}

struct Answer {
    status: u16,
    content_type: String,
    body: String,
}

impl Answer {
    /// The `<{operation}Response>` element's local name and namespace,
    /// and the text of its `<return>`.
    fn unwrap(&self) -> (String, String, String) {
        let doc = roxmltree::Document::parse(&self.body)
            .unwrap_or_else(|e| panic!("answer is not XML ({e}): {}", self.body));
        let root = doc.root_element();
        assert_eq!(root.tag_name().namespace(), Some(SOAP11_NS));
        let op = root
            .descendants()
            .find(|n| n.is_element() && n.tag_name().name().ends_with("Response"))
            .unwrap_or_else(|| panic!("no …Response element: {}", self.body));
        let ret = op
            .children()
            .find(|n| n.has_tag_name("return"))
            .expect("a <return>");
        (
            op.tag_name().name().to_string(),
            op.tag_name().namespace().unwrap_or("").to_string(),
            ret.text().unwrap_or_default().to_string(),
        )
    }

    /// The `<response>` inside `<return>`, its simple children by name.
    fn response(&self) -> BTreeMap<String, String> {
        let (_, _, text) = self.unwrap();
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("<return> is not XML ({e}): {text}"));
        assert!(doc.root_element().has_tag_name("response"), "{text}");
        children_fields(doc.root_element())
    }

    fn result(&self) -> String {
        self.response().remove("result").unwrap_or_default()
    }

    fn message(&self) -> String {
        self.response().remove("message").unwrap_or_default()
    }

    fn fault(&self) -> String {
        let doc = roxmltree::Document::parse(&self.body).expect("a fault is XML");
        doc.descendants()
            .find(|n| n.has_tag_name("faultstring"))
            .and_then(|n| n.text())
            .unwrap_or_else(|| panic!("no faultstring: {}", self.body))
            .to_string()
    }
}

async fn post_body(platform: &Platform, content_type: &str, body: String) -> Answer {
    let response = reqwest::Client::new()
        .post(&platform.url)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .expect("sent");
    Answer {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
        body: response.text().await.expect("body"),
    }
}

async fn post(platform: &Platform, operation: &str, request: &str) -> Answer {
    post_body(
        platform,
        "text/xml; charset=utf-8",
        envelope(operation, request),
    )
    .await
}

fn xml(root: &str, fields: &[(&str, &str)]) -> String {
    let mut out = format!("<{root}>");
    for (k, v) in fields {
        element(&mut out, k, v);
    }
    out.push_str(&format!("</{root}>"));
    out
}

fn push(data_type: &str, fields: &[(&str, &str)]) -> String {
    format!(
        "<request><dataType>{data_type}</dataType>{}</request>",
        xml("data", fields)
    )
}

/// A refundApply request signed with `key` (realName not signed).
fn refund(his_id: &str, trade_no: &str, amount: &str, key: &str) -> String {
    let mut fields = vec![
        ("tradeNo", trade_no),
        ("refundAmount", amount),
        ("hisId", his_id),
        ("realName", "张三"),
        ("patientCard", "100034567"),
        ("hospitalId", "demoyyadmin"),
        ("is_reverse", "0"),
        ("cashier_id", ""),
    ];
    let sign = hisgw::sign::sign(fields.iter().copied(), key, &["realName"]);
    fields.push(("sign", &sign));
    xml("request", &fields)
}

#[tokio::test]
async fn a_push_is_recorded_with_its_data_and_answered_success() {
    let platform = Platform::start(KEY).await;
    assert!(platform.url.starts_with("http://127.0.0.1:"));
    assert!(platform.url.ends_with("/services/ehospital"));
    let request = push(
        "getMedicalSuccess",
        &[
            ("hospitalId", "demoyyadmin"),
            ("tradeNo", "EH0001"),
            ("his_no", "903230002,903230003"),
            ("status", "1"),
            ("note", "a < b & c"),
        ],
    );
    let answer = post(&platform, "pushHisData", &request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.content_type.starts_with("text/xml"),
        "{}",
        answer.content_type
    );
    let (name, ns, _) = answer.unwrap();
    assert_eq!(name, "pushHisDataResponse");
    assert_eq!(ns, NS, "the answer uses the call's namespace");
    assert_eq!(answer.result(), "SUCCESS");
    assert_eq!(answer.message(), "");

    let calls = platform.calls();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.operation, "pushHisData");
    assert_eq!(call.data_type.as_deref(), Some("getMedicalSuccess"));
    assert_eq!(call.field("tradeNo"), Some("EH0001"));
    assert_eq!(call.field("his_no"), Some("903230002,903230003"));
    assert_eq!(call.field("note"), Some("a < b & c"));
    assert_eq!(call.fields.len(), 5);
    assert_eq!(call.raw, request);
    assert_eq!(call.sign_ok, None);
    assert_eq!(platform.calls_for("getMedicalSuccess").len(), 1);
    assert_eq!(platform.calls_for("pushHisData").len(), 1);
    assert!(platform.calls_for("pushDayExpense").is_empty());
}

#[tokio::test]
async fn every_push_data_type_of_the_catalogue_is_accepted_and_others_are_not() {
    let platform = Platform::start(KEY).await;
    let data_types: Vec<_> = hisgw::catalogue::outbound()
        .filter_map(|m| m.data_type)
        .collect();
    assert_eq!(data_types.len(), 9);
    for data_type in &data_types {
        let answer = post(
            &platform,
            "pushHisData",
            &push(data_type, &[("hospital_id", "h")]),
        )
        .await;
        assert_eq!(answer.result(), "SUCCESS", "{data_type}: {}", answer.body);
        assert_eq!(platform.calls_for(data_type).len(), 1, "{data_type}");
    }
    let answer = post(&platform, "pushHisData", &push("pushSomethingElse", &[])).await;
    assert_eq!(answer.result(), "ERROR");
    assert!(
        answer.message().contains("pushSomethingElse"),
        "{}",
        answer.message()
    );
    let answer = post(
        &platform,
        "pushHisData",
        "<request><dataType>getMedicalSuccess</dataType></request>",
    )
    .await;
    assert_eq!(answer.result(), "ERROR", "no <data>");
    assert_eq!(platform.calls_for("pushHisData").len(), 11);
}

#[tokio::test]
async fn push_stop_schedule_is_json_both_ways() {
    let platform = Platform::start(KEY).await;
    let request = r#"{"hospitalId":"witonyy","scheduleId":"110010010","clinicDate":"2017-06-28","clinicTime":"上午","seq":3,"doctorCode":null}"#;
    let answer = post(&platform, "pushStopSchedule", request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (name, _, text) = answer.unwrap();
    assert_eq!(name, "pushStopScheduleResponse");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON answer");
    assert_eq!(json["result"], "SUCCESS");
    assert_eq!(json["message"], "");
    let call = &platform.calls_for("pushStopSchedule")[0];
    assert_eq!(call.data_type, None);
    assert_eq!(call.field("scheduleId"), Some("110010010"));
    assert_eq!(call.field("clinicTime"), Some("上午"));
    assert_eq!(call.field("seq"), Some("3"));
    assert_eq!(call.field("doctorCode"), Some(""));
    assert_eq!(call.raw, request);

    platform.script(
        "pushStopSchedule",
        vec![Behavior::Error("排班不存在".into())],
    );
    let answer = post(&platform, "pushStopSchedule", request).await;
    let json: serde_json::Value = serde_json::from_str(&answer.unwrap().2).unwrap();
    assert_eq!(json["result"], "ERROR");
    assert_eq!(json["message"], "排班不存在");
    let answer = post(&platform, "pushStopSchedule", "<request/>").await;
    let json: serde_json::Value = serde_json::from_str(&answer.unwrap().2).unwrap();
    assert_eq!(json["result"], "ERROR", "XML is not the JSON 16.9 wants");
}

#[tokio::test]
async fn check_account_answers_the_ledger_of_the_date() {
    let platform = Platform::start(KEY).await;
    let order = |trade_no: &str, cash: &str, order_type: u8, time: &str| Order {
        trade_no: trade_no.into(),
        cash: cash.into(),
        order_type,
        transaction_type: "2".into(),
        order_time: time.into(),
        pay_type: "wechat".into(),
    };
    platform.set_ledger(
        "2026-11-26",
        vec![
            order("EH01", "12.00", 1, "2026-11-26 09:54:08"),
            order("EH02", "460.78", 1, "2026-11-26 08:35:50"),
            order("EH01", "12", 2, ""),
        ],
    );
    let request = xml(
        "request",
        &[("checkDate", "2026-11-26"), ("hospitalId", "demoyyadmin")],
    );
    let answer = post(&platform, "checkAccount", &request).await;
    assert_eq!(answer.unwrap().0, "checkAccountResponse");
    let head = answer.response();
    assert_eq!(head["result"], "SUCCESS");
    assert_eq!(head["totalCash"], "484.78");
    assert_eq!(head["totalCount"], "3");
    let (_, _, text) = answer.unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let detail = doc
        .descendants()
        .find(|n| n.has_tag_name("detail"))
        .expect("<detail>");
    let rows: Vec<_> = detail
        .children()
        .filter(|n| n.has_tag_name("data"))
        .map(children_fields)
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["tradeNo"], "EH01");
    assert_eq!(rows[0]["cash"], "12.00");
    assert_eq!(rows[0]["orderType"], "1");
    assert_eq!(rows[0]["transactionType"], "2");
    assert_eq!(rows[0]["orderTime"], "2026-11-26 09:54:08");
    assert_eq!(rows[0]["payType"], "wechat");
    assert_eq!(rows[2]["orderType"], "2");
    assert!(
        !rows[2].contains_key("orderTime"),
        "an empty orderTime is left out"
    );
    let call = &platform.calls_for("checkAccount")[0];
    assert_eq!(call.field("checkDate"), Some("2026-11-26"));
    assert_eq!(call.field("hospitalId"), Some("demoyyadmin"));

    // Another date: no orders.
    let request = xml(
        "request",
        &[("checkDate", "2026-11-27"), ("hospitalId", "demoyyadmin")],
    );
    let answer = post(&platform, "checkAccount", &request).await;
    let head = answer.response();
    assert_eq!(head["result"], "SUCCESS");
    assert_eq!(head["totalCash"], "0.00");
    assert_eq!(head["totalCount"], "0");
    assert!(answer.unwrap().2.contains("<detail></detail>"));

    let request = xml(
        "request",
        &[("checkDate", "26.11.2026"), ("hospitalId", "demoyyadmin")],
    );
    assert_eq!(
        post(&platform, "checkAccount", &request).await.result(),
        "ERROR"
    );
}

#[tokio::test]
async fn refund_apply_checks_the_sign_and_is_idempotent_per_his_id() {
    let platform = Platform::start(KEY).await;
    let answer = post(
        &platform,
        "refundApply",
        &refund("H1", "EH01", "10.00", KEY),
    )
    .await;
    assert_eq!(answer.unwrap().0, "refundApplyResponse");
    assert_eq!(answer.result(), "SUCCESS", "{}", answer.body);
    assert_eq!(answer.message(), "RF000001");
    let call = &platform.calls_for("refundApply")[0];
    assert_eq!(call.sign_ok, Some(true));
    assert_eq!(call.field("realName"), Some("张三"));
    assert_eq!(call.field("cashier_id"), Some(""));

    // The same refund again (the amount written differently): the same number.
    let answer = post(&platform, "refundApply", &refund("H1", "EH01", "10", KEY)).await;
    assert_eq!(
        (answer.result(), answer.message()),
        ("SUCCESS".into(), "RF000001".into())
    );
    // The same hisId for another amount or order: refused.
    let answer = post(&platform, "refundApply", &refund("H1", "EH01", "9.00", KEY)).await;
    assert_eq!(answer.result(), "ERROR");
    let answer = post(
        &platform,
        "refundApply",
        &refund("H1", "EH02", "10.00", KEY),
    )
    .await;
    assert_eq!(answer.result(), "ERROR");
    // Another hisId: a new number.
    let answer = post(&platform, "refundApply", &refund("H2", "EH01", "5.00", KEY)).await;
    assert_eq!(answer.message(), "RF000002");

    // realName is not signed: changing it keeps the sign valid.
    let renamed = refund("H3", "EH03", "1.00", KEY).replace("张三", "李四");
    assert_eq!(
        post(&platform, "refundApply", &renamed).await.result(),
        "SUCCESS"
    );
    // A sign made with another key, or a changed amount, is refused (and recorded).
    let answer = post(
        &platform,
        "refundApply",
        &refund("H4", "EH04", "1.00", "other-key"),
    )
    .await;
    assert_eq!(
        (answer.result(), answer.message()),
        ("ERROR".into(), "签名错误".into())
    );
    let tampered = refund("H5", "EH05", "1.00", KEY).replace("1.00", "100.00");
    assert_eq!(
        post(&platform, "refundApply", &tampered).await.message(),
        "签名错误"
    );
    // Lower-case hex is accepted.
    let lower = refund("H6", "EH06", "1.00", KEY);
    let sign = hisgw::sign::sign(
        [
            ("tradeNo", "EH06"),
            ("refundAmount", "1.00"),
            ("hisId", "H6"),
            ("patientCard", "100034567"),
            ("hospitalId", "demoyyadmin"),
            ("is_reverse", "0"),
        ],
        KEY,
        &[],
    );
    let lower = lower.replace(&sign, &sign.to_lowercase());
    assert_ne!(lower, refund("H6", "EH06", "1.00", KEY));
    assert_eq!(
        post(&platform, "refundApply", &lower).await.result(),
        "SUCCESS"
    );

    let signs: Vec<_> = platform
        .calls_for("refundApply")
        .iter()
        .map(|c| c.sign_ok)
        .collect();
    assert_eq!(
        signs,
        [true, true, true, true, true, true, false, false, true].map(Some)
    );
    // A wrong sign refunded nothing.
    let query = xml("request", &[("hisId", "H4"), ("hospitalId", "demoyyadmin")]);
    assert_eq!(
        post(&platform, "queryRefundStatus", &query).await.message(),
        "no such refund"
    );
}

#[tokio::test]
async fn query_refund_status_answers_refunds_and_set_statuses() {
    let platform = Platform::start(KEY).await;
    let query = |his_id: &str| {
        xml(
            "request",
            &[("hisId", his_id), ("hospitalId", "demoyyadmin")],
        )
    };
    let answer = post(&platform, "queryRefundStatus", &query("H1")).await;
    assert_eq!(answer.unwrap().0, "queryRefundStatusResponse");
    assert_eq!(
        (answer.result(), answer.message()),
        ("ERROR".into(), "no such refund".into())
    );

    post(
        &platform,
        "refundApply",
        &refund("H1", "EH01", "10.00", KEY),
    )
    .await;
    let r = post(&platform, "queryRefundStatus", &query("H1"))
        .await
        .response();
    assert_eq!(r["result"], "SUCCESS");
    assert_eq!(r["refundNo"], "RF000001");
    assert_eq!(r["tradeNo"], "EH01");
    assert_eq!(r["refundAmount"], "10.00");
    assert_eq!(r["refundStatus"], "2");
    platform.set_refund_status("H1", 3);
    let r = post(&platform, "queryRefundStatus", &query("H1"))
        .await
        .response();
    assert_eq!(
        (r["refundNo"].as_str(), r["refundStatus"].as_str()),
        ("RF000001", "3")
    );

    // A refund answered UNKNOWN that the platform says is in progress.
    platform.script("refundApply", vec![Behavior::Unknown]);
    assert_eq!(
        post(&platform, "refundApply", &refund("H2", "EH02", "7.50", KEY))
            .await
            .result(),
        "UNKNOWN"
    );
    assert_eq!(
        post(&platform, "queryRefundStatus", &query("H2"))
            .await
            .result(),
        "ERROR"
    );
    platform.set_refund_status("H2", 4);
    let r = post(&platform, "queryRefundStatus", &query("H2"))
        .await
        .response();
    assert_eq!(r["result"], "SUCCESS");
    assert_eq!(r["refundStatus"], "4");
    assert_eq!(r["tradeNo"], "EH02");
    assert_eq!(r["refundAmount"], "7.50");
    let number = r["refundNo"].clone();
    assert_eq!(number, "RF000002");
    // Asking again for it keeps that number.
    let answer = post(&platform, "refundApply", &refund("H2", "EH02", "7.50", KEY)).await;
    assert_eq!(
        (answer.result(), answer.message()),
        ("SUCCESS".into(), number)
    );
    let r = post(&platform, "queryRefundStatus", &query("H2"))
        .await
        .response();
    assert_eq!(r["refundStatus"], "4", "the set status stays");
}

#[tokio::test]
async fn scripts_are_used_in_order_then_success() {
    let platform = Platform::start(KEY).await;
    platform.script("refundApply", vec![Behavior::Unknown, Behavior::Unknown]);
    let request = refund("H1", "EH01", "10.00", KEY);
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(post(&platform, "refundApply", &request).await);
    }
    let got: Vec<_> = answers.iter().map(|a| (a.result(), a.message())).collect();
    assert_eq!(
        got,
        [
            ("UNKNOWN".to_string(), String::new()),
            ("UNKNOWN".to_string(), String::new()),
            ("SUCCESS".to_string(), "RF000001".to_string())
        ]
    );
    assert_eq!(platform.calls_for("refundApply").len(), 3);

    // By dataType, falling back to "pushHisData"; other operations untouched.
    platform.script("pushDayExpense", vec![Behavior::Error("busy".into())]);
    platform.script("pushHisData", vec![Behavior::Unknown]);
    let day = push("pushDayExpense", &[("hospital_id", "h")]);
    let a = post(&platform, "pushHisData", &day).await;
    assert_eq!((a.result(), a.message()), ("ERROR".into(), "busy".into()));
    assert_eq!(
        post(&platform, "pushHisData", &day).await.result(),
        "UNKNOWN"
    );
    assert_eq!(
        post(&platform, "pushHisData", &day).await.result(),
        "SUCCESS"
    );
    let check = xml(
        "request",
        &[("checkDate", "2026-11-26"), ("hospitalId", "h")],
    );
    assert_eq!(
        post(&platform, "checkAccount", &check).await.result(),
        "SUCCESS"
    );

    // Http500: a SOAP Fault; the call is recorded and nothing is processed.
    platform.script("refundApply", vec![Behavior::Http500]);
    let answer = post(&platform, "refundApply", &refund("H9", "EH09", "1.00", KEY)).await;
    assert_eq!(answer.status, 500);
    assert!(answer.content_type.starts_with("text/xml"));
    assert_eq!(answer.fault(), "scripted HTTP 500");
    assert_eq!(platform.calls_for("refundApply").len(), 4);
    let query = xml("request", &[("hisId", "H9"), ("hospitalId", "h")]);
    assert_eq!(
        post(&platform, "queryRefundStatus", &query).await.result(),
        "ERROR"
    );
    // A new script replaces what was left.
    platform.script(
        "pushClinicFinish",
        vec![Behavior::Unknown, Behavior::Unknown],
    );
    platform.script("pushClinicFinish", vec![]);
    let finish = push("pushClinicFinish", &[("his_id", "1")]);
    assert_eq!(
        post(&platform, "pushHisData", &finish).await.result(),
        "SUCCESS"
    );
}

#[tokio::test]
async fn timeout_processes_the_call_but_answers_late() {
    let platform = Platform::start(KEY).await;
    platform.script(
        "refundApply",
        vec![
            Behavior::Timeout(Duration::from_millis(1500)),
            Behavior::Timeout(Duration::from_millis(300)),
        ],
    );
    let request = refund("H1", "EH01", "10.00", KEY);
    let started = Instant::now();
    let err = reqwest::Client::new()
        .post(&platform.url)
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(envelope("refundApply", &request))
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .expect_err("the client times out");
    assert!(err.is_timeout(), "{err}");
    assert!(started.elapsed() < Duration::from_millis(1400));
    let calls = platform.calls_for("refundApply");
    assert_eq!(calls.len(), 1, "recorded before the wait");
    assert!(calls[0].at >= started);

    // A wait shorter than the client's patience: answered after it.
    let started = Instant::now();
    let answer = post(&platform, "refundApply", &request).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    // The timed-out call was processed: the retry gets its number.
    assert_eq!(
        (answer.result(), answer.message()),
        ("SUCCESS".into(), "RF000001".into())
    );
}

#[tokio::test]
async fn unreadable_calls_are_faults_and_still_recorded() {
    let platform = Platform::start(KEY).await;
    let cases = [
        ("text/xml", "not xml".to_string(), 500, "not well-formed"),
        (
            "text/xml",
            format!(
                "<soap:Envelope xmlns:soap=\"{SOAP11_NS}\"><soap:Body><ns:pushHisData xmlns:ns=\"{NS}\">\
                 <arg0><request><dataType>x</dataType></request></arg0></ns:pushHisData></soap:Body></soap:Envelope>"
            ),
            500,
            "XML-escaped",
        ),
        ("text/xml", envelope("noSuchOperation", "<request/>"), 500, "noSuchOperation"),
        (
            "text/xml",
            envelope("pushHisData", "<request/>").replace(SOAP11_NS, "http://www.w3.org/2003/05/soap-envelope"),
            500,
            "SOAP 1.1",
        ),
        ("application/soap+xml", envelope("checkAccount", "<request/>"), 415, "text/xml"),
    ];
    for (content_type, body, status, says) in cases {
        let answer = post_body(&platform, content_type, body.clone()).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
        assert!(answer.fault().contains(says), "{body}: {}", answer.fault());
    }
    let calls = platform.calls();
    assert_eq!(calls.len(), 5);
    assert_eq!(calls[0].operation, "");
    assert_eq!(calls[0].raw, "not xml");
    assert_eq!(calls[2].operation, "noSuchOperation");
    assert_eq!(calls[4].operation, "checkAccount");

    // Other paths and methods are not the service.
    let client = reqwest::Client::new();
    let other = platform.url.replace("/services/ehospital", "/other");
    assert_eq!(
        client.post(other).send().await.unwrap().status().as_u16(),
        404
    );
    assert_eq!(
        client
            .get(&platform.url)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        405
    );
    assert_eq!(platform.calls().len(), 5);
}

#[tokio::test]
async fn the_parameter_may_have_any_name_and_the_operation_any_prefix() {
    let platform = Platform::start(KEY).await;
    let body = format!(
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"{SOAP11_NS}\"><s:Header/><s:Body>\
         <checkAccount><in0><![CDATA[<request><checkDate>2026-11-26</checkDate><hospitalId>h</hospitalId></request>]]></in0></checkAccount>\
         </s:Body></s:Envelope>"
    );
    let answer = post_body(&platform, "text/xml;charset=UTF-8", body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (name, ns, _) = answer.unwrap();
    assert_eq!(name, "checkAccountResponse");
    assert_eq!(ns, DEFAULT_NS);
    assert_eq!(answer.result(), "SUCCESS");
    assert_eq!(platform.calls()[0].field("checkDate"), Some("2026-11-26"));
}
