//! Writes on the demo hospital: online cards, registrations and their
//! cancellation, on both backends. Slots are never overbooked: 500 patients
//! racing for 20 slots get exactly 20 registrations.

use hisgw::execute::Value;
use hisgw_e2e::{id_number, on_both_backends, today, TestApp};
use tokio::task::JoinSet;

async fn remaining(app: &TestApp, schedule: &str) -> i64 {
    let sets = app
        .demo_sql(&format!(
            "SELECT SUM(total_num - used_num) AS remain FROM schedule_slot WHERE schedule_id = '{schedule}'"
        ))
        .await;
    match &sets[0][0].rows[0][0] {
        Value::Int(n) => *n,
        Value::Decimal(d) => d.to_string().parse().unwrap(),
        other => panic!("{other:?}"),
    }
}

fn register_request(card: &str, name: &str, id: &str) -> Vec<(String, String)> {
    [
        ("scheduleId", "r001"),
        ("realName", name),
        ("idCard", id),
        ("patientCard", card),
        ("departmentCode", "001"),
        ("doctorCode", "d001"),
        ("clinicType", "专家门诊"),
        ("clinicDate", &today()),
        ("clinicTime", "上午"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// `POST /admin/demo/try` with `body`, as the console will call it.
async fn admin_try(app: &TestApp, body: serde_json::Value) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("{}/admin/demo/try", app.admin_address))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

on_both_backends! {
    async fn an_online_card_is_made_once_per_identity(app) {
        let id = id_number(7);
        let ask = [("realName", "测试甲"), ("idCard", id.as_str()), ("phone", "13800000007")];
        let first = app.call("addPatientCard", &ask).await;
        first.assert_success();
        let card = first.text("patientCard").unwrap();
        assert!(!card.is_empty());
        assert!(!first.text("hisNo").unwrap().is_empty());
        // The same person again gets the same card, not a second one.
        let again = app.call("addPatientCard", &ask).await;
        again.assert_success();
        assert_eq!(again.text("patientCard").unwrap(), card);
        // A malformed identity number never reaches the HIS.
        let bad = app
            .call("addPatientCard", &[("realName", "测试乙"), ("idCard", "110105199001010001"), ("phone", "1")])
            .await;
        assert_eq!(bad.result(), "error");
        assert!(bad.message().contains("idCard"), "{}", bad.body);
        // The existing demo patient (张三) keeps his card.
        let existing = app
            .call("addPatientCard", &[("realName", "张三"), ("idCard", "430702200611148766"), ("phone", "1")])
            .await;
        existing.assert_success();
        assert_eq!(existing.text("hisNo").as_deref(), Some("6000234"));
    }

    async fn twenty_slots_give_exactly_twenty_registrations(app) {
        // r001 (today, 001/d001): leave exactly 20 slots, all at its first time point.
        app.demo_sql("UPDATE schedule_slot SET used_num = total_num WHERE schedule_id = 'r001'").await;
        app.demo_sql("UPDATE schedule_slot SET total_num = used_num + 20 WHERE schedule_id = 'r001' AND point_no = 1").await;
        assert_eq!(remaining(&app, "r001").await, 20);

        // 500 patients, each with an online card.
        let mut patients = Vec::new();
        for n in 0..500u32 {
            let id = id_number(n);
            let name = format!("测试{n}");
            let a = app.call("addPatientCard", &[("realName", name.as_str()), ("idCard", id.as_str()), ("phone", "13800000000")]).await;
            a.assert_success();
            patients.push((a.text("patientCard").unwrap(), name, id));
        }

        // All of them ask for r001 at once.
        let mut racing = JoinSet::new();
        for (card, name, id) in patients {
            let client = app.client.clone();
            let url = format!("{}/api/demo/insertRegister", app.address);
            let fields = register_request(&card, &name, &id);
            racing.spawn(async move {
                let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let body = hisgw_e2e::request_xml(&pairs);
                let text = client.post(url).body(body).send().await.unwrap().text().await.unwrap();
                let doc = roxmltree::Document::parse(&text).unwrap().root_element().children()
                    .find(|n| n.has_tag_name("result")).and_then(|n| n.text()).unwrap_or_default().to_string();
                (doc, text)
            });
        }
        let mut success = Vec::new();
        let mut full = 0;
        while let Some(done) = racing.join_next().await {
            let (result, body) = done.unwrap();
            match result.as_str() {
                "success" => success.push(body),
                "full" => full += 1,
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert_eq!(success.len(), 20, "exactly the free slots are booked");
        assert_eq!(full, 480);
        assert_eq!(remaining(&app, "r001").await, 0, "never negative");

        // Cancelling an unpaid registration gives its slot back, once.
        let doc = roxmltree::Document::parse(&success[0]).unwrap();
        let register_id = doc.descendants().find(|n| n.has_tag_name("registerId")).unwrap().text().unwrap().to_string();
        let cancel = app.call("cancelRegister", &[("registerId", register_id.as_str())]).await;
        cancel.assert_success();
        assert_eq!(remaining(&app, "r001").await, 1);
        let twice = app.call("cancelRegister", &[("registerId", register_id.as_str())]).await;
        assert_eq!(twice.result(), "error");
        assert_eq!(remaining(&app, "r001").await, 1);
    }

    async fn booking_refusals_change_nothing(app) {
        let before = remaining(&app, "r001").await;
        let stranger = register_request("300000040", "李四", "430702200611148766");
        let pairs: Vec<(&str, &str)> = stranger.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let a = app.call("insertRegister", &pairs).await;
        assert_eq!(a.result(), "invalid_card", "{}", a.body);
        assert!(a.text("registerId").is_none(), "a refusal carries no registerId");
        let mut nowhere = register_request("300000040", "张三", "430702200611148766");
        nowhere[0].1 = "NO-SUCH-SESSION".into();
        let pairs: Vec<(&str, &str)> = nowhere.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(app.call("insertRegister", &pairs).await.result(), "no_scheduling");
        assert_eq!(remaining(&app, "r001").await, before);
    }

    async fn try_runs_a_registration_to_its_end_and_leaves_the_database_as_it_was(app) {
        let before = remaining(&app, "r001").await;
        let fields: serde_json::Map<String, serde_json::Value> =
            register_request("100034567", "张三", "430702200611148766")
                .into_iter()
                .map(|(k, v)| (k, v.into()))
                .collect();
        let request = serde_json::json!({ "method": "insertRegister", "fields": fields });
        let first = admin_try(&app, request.clone()).await;
        assert_eq!(first["result"], "success", "{first:#}");
        assert_eq!(first["committed"], false);
        assert!(first["response"].as_str().unwrap().contains("<registerId>GH"), "{first:#}");
        let steps = first["steps"].as_array().unwrap();
        assert!(!steps.is_empty() && steps[0]["micros"].as_u64().is_some(), "{first:#}");
        if app.gateway.hospital("demo").unwrap().db.dialect() == hisgw::execute::Dialect::Sqlite {
            assert_eq!(first["tables"]["outp_register"]["inserted"], 1, "{first:#}");
            assert_eq!(first["tables"]["schedule_slot"]["updated"], 1, "{first:#}");
        } else {
            assert!(first["tables"].is_null(), "{first:#}");
        }
        // Nothing was kept: the same slot and the same number again.
        let second = admin_try(&app, request.clone()).await;
        assert_eq!(second["response"], first["response"]);
        assert_eq!(remaining(&app, "r001").await, before);

        // With commit, it is kept, as a call would keep it.
        let mut commit = request.clone();
        commit["commit"] = true.into();
        let kept = admin_try(&app, commit).await;
        assert_eq!(kept["result"], "success", "{kept:#}");
        assert_eq!(kept["committed"], true);
        assert_eq!(remaining(&app, "r001").await, before - 1);
    }
}
