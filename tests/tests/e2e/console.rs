//! The web console on the admin listener, spoken to over HTTP: a call made
//! through the API shows up in Calls with its identifiers masked, the
//! overview lists it, and with a token set the console asks for a login
//! (an HttpOnly, SameSite=Strict cookie; logout needs the CSRF token).

#[allow(unused_imports)]
use std::time::Duration;

/// A client that does not follow redirects (the test looks at them).
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A form body (the values here need no escaping beyond letters and digits).
fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

async fn page(client: &reqwest::Client, url: &str, cookie: Option<&str>) -> (u16, String) {
    let mut request = client.get(url);
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

hisgw_e2e::on_both_backends! {
    async fn a_call_shows_up_in_the_console_masked_and_in_the_overview(app) {
        let id_card = "430702199001018766";
        let phone = "13122110000";
        let answer = app
            .call(
                "checkPatientCard",
                &[
                    ("patientCard", "100034567"),
                    ("realName", "张三"),
                    ("idCard", id_card),
                    ("phone", phone),
                ],
            )
            .await;
        assert_eq!(
            answer.text("result").as_deref(),
            Some("success"),
            "{}",
            answer.body
        );
        let client = client();
        let calls = format!(
            "{}/console/calls?method=checkPatientCard",
            app.admin_address
        );
        // The audit writer gathers records for a moment before writing them.
        let mut body = String::new();
        for _ in 0..100 {
            let (status, text) = page(&client, &calls, None).await;
            assert_eq!(status, 200, "{text}");
            body = text;
            if body.contains("/console/calls/") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(body.contains("checkPatientCard"), "{body}");
        let at = body.find("/console/calls/").expect("a link to the call");
        let link: String = body[at..].chars().take_while(|c| *c != '"').collect();
        let (status, detail) = page(&client, &format!("{}{link}", app.admin_address), None).await;
        assert_eq!(status, 200, "{detail}");
        for shown in [&body, &detail] {
            assert!(!shown.contains(id_card), "the ID number is masked");
            assert!(!shown.contains(phone), "the mobile number is masked");
            assert!(!shown.contains("张三"), "the name is masked");
        }
        assert!(detail.contains("430702********8766"), "{detail}");
        assert!(
            detail.contains("id=\"call-source\">127.0.0.1<"),
            "the call's source address: {detail}"
        );
        assert!(detail.contains("idCard"), "{detail}");
        let (status, _) = page(
            &client,
            &format!("{}/console/calls/999999", app.admin_address),
            None,
        )
        .await;
        assert_eq!(status, 404);
        // The overview: the hospital, its database, the last hour's calls.
        let (status, overview) = page(&client, &format!("{}/console", app.admin_address), None).await;
        assert_eq!(status, 200, "{overview}");
        assert!(overview.contains("睿博演示医院"), "{overview}");
        assert!(overview.contains("checkPatientCard"), "{overview}");
        assert!(overview.contains("<svg"), "a chart of the hour");
        assert!(!overview.contains("class=\"bad\""), "no database error: {overview}");
        // English on asking, remembered in a cookie.
        let response = client
            .get(format!("{}/console?lang=en", app.admin_address))
            .send()
            .await
            .unwrap();
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(cookie.starts_with("hisgw_lang=en"), "{cookie}");
        let english = response.text().await.unwrap();
        assert!(english.contains("Calls in the last hour"), "{english}");
    }

    async fn a_payment_is_in_the_day_ledger_with_every_notification_of_it(app) {
        let payed = format!("{} 10:00:00", hisgw_e2e::today());
        let fields = [
            ("realName", "李明"),
            ("patientCard", "12345678"),
            ("prepayaAmt", "200.00"),
            ("payType", "weChat"),
            ("tradeNo", "EH-CONSOLE-1"),
            ("payedTime", payed.as_str()),
        ];
        for _ in 0..2 {
            let answer = app.call("prePayExpense", &fields).await;
            assert_eq!(answer.text("result").as_deref(), Some("success"), "{}", answer.body);
        }
        let client = client();
        let (status, day) = page(&client, &format!("{}/console/payments", app.admin_address), None).await;
        assert_eq!(status, 200, "{day}");
        assert!(day.contains("EH-CONSOLE-1") && day.contains("booked"), "{day}");
        assert!(day.contains("¥200.00"), "{day}");
        assert!(!day.contains("<p class=\"bad\">"), "no database error: {day}");
        assert!(!day.contains("12345678"), "the card number is masked");
        // The tradeNo looked up: its ledger row and both notifications.
        let url = format!("{}/console/payments?trade_no=EH-CONSOLE-1", app.admin_address);
        let mut found = String::new();
        for _ in 0..100 {
            found = page(&client, &url, None).await.1;
            if found.matches("/console/calls/").count() >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(found.matches("/console/calls/").count(), 2, "{found}");
        assert!(!found.contains("12345678"), "the card number is masked");
        // Reconciliation reports are listed and downloaded; no other file is.
        let reports = app.data_dir.path().join("reports");
        std::fs::create_dir_all(&reports).unwrap();
        std::fs::write(reports.join("reconcile-demo-2026-12-01.csv"), "tradeNo,difference\nEH-1,missing\n").unwrap();
        let listed = page(&client, &format!("{}/console/payments", app.admin_address), None).await.1;
        assert!(listed.contains("reconcile-demo-2026-12-01.csv"), "{listed}");
        // Its differences counted, and shown on asking.
        let (status, shown) = page(
            &client,
            &format!("{}/console/payments?report=reconcile-demo-2026-12-01.csv", app.admin_address),
            None,
        )
        .await;
        assert_eq!(status, 200, "{shown}");
        let at = shown.find("id=\"report-differences\"").expect("the report's differences");
        assert!(shown[at..].contains("<td>EH-1</td><td>missing</td>"), "{shown}");
        let (status, csv) = page(
            &client,
            &format!("{}/console/reports/demo/reconcile-demo-2026-12-01.csv", app.admin_address),
            None,
        )
        .await;
        assert_eq!((status, csv.as_str()), (200, "tradeNo,difference\nEH-1,missing\n"));
        for other in ["audit.sqlite", "..%2Faudit.sqlite", "reconcile-demo-x.sqlite"] {
            let (status, _) = page(&client, &format!("{}/console/reports/demo/{other}", app.admin_address), None).await;
            assert_eq!(status, 404, "{other}");
        }
    }

    async fn a_try_is_rolled_back_unless_committed_and_confirmed(app) {
        let console = Console::open(&app.admin_address).await;
        // findAllDepartments: the demo's departments.
        let (status, form) = console.get("/console/try?hospital=demo&method=findAllDepartments").await;
        assert_eq!(status, 200, "{form}");
        assert!(form.contains("id=\"try-form\""), "{form}");
        let (status, ran) = console.post("/console/try", &[("hospital", "demo"), ("method", "findAllDepartments")]).await;
        assert_eq!(status, 200, "{ran}");
        assert!(element(&ran, "try-outcome").contains("已回滚"), "{ran}");
        assert!(ran.contains("&lt;departmentName&gt;呼吸内科&lt;/departmentName&gt;"), "{ran}");
        // insertRegister: the form is prefilled from the hospital's own tests.
        let (_, form) = console.get("/console/try?hospital=demo&method=insertRegister").await;
        for (name, value) in [("scheduleId", "r001"), ("patientCard", "100034567")] {
            assert!(form.contains(&format!("name=\"f.{name}\" id=\"f-{name}\" value=\"{value}\"")), "{name}: {form}");
        }
        assert!(form.contains("f.clinicDate") && form.contains("yyyy-MM-dd"), "{form}");
        let today = hisgw_e2e::today();
        let fields = [
            ("hospital", "demo"), ("method", "insertRegister"),
            ("f.scheduleId", "r001"), ("f.realName", "张三"), ("f.idCard", "430702200611148766"),
            ("f.patientCard", "100034567"), ("f.departmentCode", "001"), ("f.doctorCode", "d001"),
            ("f.clinicType", "专家门诊"), ("f.clinicDate", today.as_str()), ("f.clinicTime", "上午"),
        ];
        let registrations = "SELECT COUNT(*) FROM outp_register";
        let before = app.number(registrations).await;
        let (status, dry) = console.post("/console/try", &fields).await;
        assert_eq!(status, 200, "{dry}");
        assert!(element(&dry, "try-outcome").contains("已回滚"), "{dry}");
        assert!(dry.contains("挂号成功"), "the write ran: {dry}");
        assert!(dry.contains("id=\"try-steps\""), "{dry}");
        assert!(!element(&dry, "try-response").contains("430702200611148766"), "the ID number is masked in the answer shown");
        assert_eq!(app.number(registrations).await, before, "a dry run changes nothing");
        // Commit ticked: a confirmation first, still nothing changed.
        let mut commit = fields.to_vec();
        commit.push(("commit", "yes"));
        let (status, asked) = console.post("/console/try", &commit).await;
        assert_eq!(status, 200, "{asked}");
        assert!(asked.contains("id=\"try-confirm\""), "{asked}");
        assert_eq!(app.number(registrations).await, before, "not before it is confirmed");
        // A forged confirmation does nothing.
        let forged = console
            .client
            .post(format!("{}/console/try", app.admin_address))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("csrf=forged&hospital=demo&method=insertRegister&commit=yes&confirmed=yes")
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status().as_u16(), 403);
        commit.push(("confirmed", "yes"));
        let (status, kept) = console.post("/console/try", &commit).await;
        assert_eq!(status, 200, "{kept}");
        assert!(element(&kept, "try-outcome").contains("已提交"), "{kept}");
        assert_eq!(app.number(registrations).await, before + 1, "committed once confirmed");
        // Each run is in the audit trail with who ran it.
        let mut trail = String::new();
        for _ in 0..100 {
            trail = console.get("/console/calls?method=try.insertRegister").await.1;
            if trail.matches("/console/calls/").count() >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(trail.contains("success (committed)") && trail.contains("success (rolled back)"), "{trail}");
    }

}

#[tokio::test]
async fn the_console_asks_for_a_login_when_a_token_is_set() {
    std::env::set_var("HISGW_TEST_ADMIN_TOKEN_C", "console-secret");
    let data = tempfile::tempdir().unwrap();
    let mut settings = hisgw_e2e::test_settings(data.path().to_path_buf(), None);
    settings.admin_token_env = Some("HISGW_TEST_ADMIN_TOKEN_C".into());
    let app = hisgw::Application::build(settings).await.unwrap();
    let admin = format!("http://127.0.0.1:{}", app.admin_port());
    tokio::spawn(app.run_until_stopped());
    let client = client();
    let response = client.get(format!("{admin}/console")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/console/login");
    let (status, login) = page(&client, &format!("{admin}/console/login"), None).await;
    assert_eq!(status, 200);
    assert!(login.contains("type=\"password\""), "{login}");
    let wrong = client
        .post(format!("{admin}/console/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("token", "guess")]))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    let right = client
        .post(format!("{admin}/console/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("token", "console-secret")]))
        .send()
        .await
        .unwrap();
    assert_eq!(right.status().as_u16(), 303);
    let set = right.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Strict"), "{set}");
    let cookie = set.split(';').next().unwrap().to_string();
    let (status, overview) = page(&client, &format!("{admin}/console"), Some(&cookie)).await;
    assert_eq!(status, 200, "{overview}");
    // Both logins, the refused one and the good one, are in the trail.
    let mut logins = String::new();
    for _ in 0..100 {
        logins = page(
            &client,
            &format!("{admin}/console/calls?method=console.login"),
            Some(&cookie),
        )
        .await
        .1;
        if logins.matches("/console/calls/").count() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        logins.contains("refused: wrong token") && logins.contains("success"),
        "{logins}"
    );
    // The rest of the admin listener still wants the bearer token.
    let metrics = client
        .get(format!("{admin}/metrics"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status().as_u16(), 401);
    // Logging out needs the page's CSRF token: a forged form does nothing.
    let forged = client
        .post(format!("{admin}/console/logout"))
        .header("Cookie", &cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("csrf", "forged")]))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 303);
    let (status, _) = page(&client, &format!("{admin}/console"), Some(&cookie)).await;
    assert_eq!(status, 200, "still logged in");
    let at = overview
        .find("name=\"csrf\" value=\"")
        .expect("the logout form")
        + 19;
    let csrf: String = overview[at..].chars().take_while(|c| *c != '"').collect();
    client
        .post(format!("{admin}/console/logout"))
        .header("Cookie", &cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("csrf", csrf.as_str())]))
        .send()
        .await
        .unwrap();
    let response = client
        .get(format!("{admin}/console"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303, "logged out");
}

/// The cookie `name`'s `name=value` from a response's Set-Cookie headers.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

#[tokio::test]
async fn retrying_a_dead_outbox_row_needs_the_form_and_is_audited() {
    let row = hisgw_e2e::DeadOutboxRow::start("console-test").await;
    let admin = row.admin.clone();
    let state = || row.state();
    let client = client();
    let (status, list) = page(&client, &format!("{admin}/console/outbox?state=dead"), None).await;
    assert_eq!(status, 200, "{list}");
    assert!(
        list.contains("console-test") && list.contains("dead"),
        "{list}"
    );
    let at = list.find("/console/outbox/confirm?").expect("a retry link");
    let link: String = list[at..].chars().take_while(|c| *c != '"').collect();
    let link = link.replace("&amp;", "&");
    assert!(link.contains("action=retry"), "{link}");
    let confirm = client.get(format!("{admin}{link}")).send().await.unwrap();
    let cookie = set_cookie(&confirm, "hisgw_csrf").expect("a CSRF cookie");
    let body = confirm.text().await.unwrap();
    let at = body.find("name=\"csrf\" value=\"").expect("the form") + 19;
    let csrf: String = body[at..].chars().take_while(|c| *c != '"').collect();
    let at = body.find("name=\"id\" value=\"").unwrap() + 17;
    let id: String = body[at..].chars().take_while(|c| *c != '"').collect();
    // A form from elsewhere (no cookie, or another token) changes nothing.
    let forged = client
        .post(format!("{admin}/console/outbox/retry"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("csrf", &csrf), ("hospital", "demo"), ("id", &id)]))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403);
    assert_eq!(state().await, ("dead".to_string(), 5));
    let done = client
        .post(format!("{admin}/console/outbox/retry"))
        .header("Cookie", &cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("csrf", &csrf), ("hospital", "demo"), ("id", &id)]))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status().as_u16(), 303);
    assert_eq!(
        state().await,
        ("pending".to_string(), 0),
        "due again, attempts anew"
    );
    // The action is in the audit trail, with who did it.
    let mut seen = String::new();
    for _ in 0..100 {
        seen = page(
            &client,
            &format!("{admin}/console/calls?method=outbox.retry"),
            None,
        )
        .await
        .1;
        if seen.contains("/console/calls/") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let at = seen
        .find("/console/calls/")
        .expect("the action in the trail");
    let link: String = seen[at..].chars().take_while(|c| *c != '"').collect();
    let detail = page(&client, &format!("{admin}{link}"), None).await.1;
    assert!(
        detail.contains("console (no login) from 127.0.0.1"),
        "{detail}"
    );
    assert!(detail.contains("success"), "{detail}");
}

/// A console with its CSRF cookie and token, as a browser holds them.
struct Console {
    client: reqwest::Client,
    admin: String,
    cookie: String,
    csrf: String,
}

impl Console {
    async fn open(admin: &str) -> Console {
        let client = client();
        let response = client
            .get(format!("{admin}/console/try"))
            .send()
            .await
            .unwrap();
        let cookie = set_cookie(&response, "hisgw_csrf").expect("a CSRF cookie");
        let csrf = cookie.trim_start_matches("hisgw_csrf=").to_string();
        Console {
            client,
            admin: admin.to_string(),
            cookie,
            csrf,
        }
    }

    async fn get(&self, path: &str) -> (u16, String) {
        page(
            &self.client,
            &format!("{}{path}", self.admin),
            Some(&self.cookie),
        )
        .await
    }

    /// Posts a form (the CSRF token added) as the console's own page would.
    async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> (u16, String) {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(pairs);
        let body = all
            .iter()
            .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let response = self
            .client
            .post(format!("{}{path}", self.admin))
            .header("Cookie", &self.cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The text of the element with `id` (its first line of markup).
fn element<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {page}"));
    let from = at + page[at..].find('>').unwrap() + 1;
    let to = from + page[from..].find("</").unwrap_or(page.len() - from);
    &page[from..to]
}

#[tokio::test]
async fn the_mappings_page_shows_a_broken_edit_at_its_line_and_check_now_finds_it() {
    let root = tempfile::tempdir().unwrap();
    let mappings = hisgw_e2e::editable_demo(root.path());
    let app = hisgw_e2e::spawn_app_with(Some(mappings.clone())).await;
    let console = Console::open(&app.admin_address).await;
    let (status, fine) = console.get("/console/mappings").await;
    assert_eq!(status, 200, "{fine}");
    assert!(fine.contains("demo/findAllDepartments.sql"), "{fine}");
    assert!(!fine.contains("class=\"load-errors\""), "{fine}");
    // A broken edit: the reload refuses it, the page says where.
    std::fs::write(
        mappings.join("demo/findAllDepartments.sql"),
        "-- a comment line\nSELECT 1 AS departmentName WHERE 1 = :noSuchParameter",
    )
    .unwrap();
    let mut shown = String::new();
    for _ in 0..60 {
        shown = console.get("/console/mappings").await.1;
        if shown.contains("load-errors") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        shown.contains("demo/findAllDepartments.sql:2<"),
        "file:line: {shown}"
    );
    assert!(shown.contains("noSuchParameter"), "{shown}");
    assert!(
        shown.contains("重新加载"),
        "the last load was a reload: {shown}"
    );
    app.call("findAllDepartments", &[]).await.assert_success();
    // Check now: the same fault from `hisgw check`, kept for the page.
    let (status, _) = console.post("/console/mappings/check", &[]).await;
    assert_eq!(status, 303);
    let (_, checked) = console.get("/console/mappings").await;
    assert!(
        !element(&checked, "check-errors").starts_with('0'),
        "{checked}"
    );
    assert!(
        element(&checked, "check-findings").contains("noSuchParameter")
            || checked.contains("noSuchParameter"),
        "{checked}"
    );
    let (status, _) = console
        .client
        .post(format!("{}/console/mappings/check", app.admin_address))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("csrf=forged")
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 403, "a forged check is refused");
}

#[tokio::test]
async fn a_refund_asked_in_the_console_is_confirmed_first_and_sent_once() {
    use hisgw_e2e::platform::Platform;
    let platform = Platform::start("demo-key").await;
    let url = platform.url.clone();
    let Some(app) = hisgw_e2e::spawn_demo_with(hisgw_e2e::Backend::Sqlite, move |t| {
        t.insert("platform".into(), hisgw_e2e::platform::table(&url).into());
    })
    .await
    else {
        return;
    };
    let console = Console::open(&app.admin_address).await;
    let (status, form) = console.get("/console/refund").await;
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("id=\"refund-form\""), "{form}");
    let fields = [
        ("hospital", "demo"),
        ("trade_no", "EH-PAID-7"),
        ("refund_amount", "8.50"),
        ("his_id", "TF-CONSOLE-1"),
        ("patient_card", "12345678"),
        ("real_name", "李明"),
        ("operator", "收费员01"),
    ];
    // A wrong amount is named, and nothing is sent.
    let mut wrong = fields.to_vec();
    wrong[2] = ("refund_amount", "0");
    let (status, refused) = console.post("/console/refund", &wrong).await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        element(&refused, "refund-error").contains("退款金额"),
        "{refused}"
    );
    // First a confirmation page: nothing sent yet.
    let (status, asked) = console.post("/console/refund", &fields).await;
    assert_eq!(status, 200, "{asked}");
    assert!(
        asked.contains("id=\"refund-confirm\"") && asked.contains("8.50"),
        "{asked}"
    );
    assert!(
        platform.calls_for("refundApply").is_empty(),
        "not before it is confirmed"
    );
    // Confirmed: sent once, and its state shown.
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirmed", "yes"));
    let (status, _) = console.post("/console/refund", &confirmed).await;
    assert_eq!(status, 303);
    let calls = platform.calls_for("refundApply");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].field("refundAmount"), Some("8.50"));
    assert_eq!(calls[0].field("hisId"), Some("TF-CONSOLE-1"));
    let (status, state) = console
        .get("/console/refund?hospital=demo&his_id=TF-CONSOLE-1")
        .await;
    assert_eq!(status, 200, "{state}");
    assert!(
        element(&state, "refund-state").contains("退款状态"),
        "{state}"
    );
    assert!(state.contains(">sent<"), "{state}");
    assert!(
        !state.contains("12345678") && !state.contains("李明"),
        "the patient is masked: {state}"
    );
    // The same refund again reports the first one's state, unsent; another
    // refund under the same hisId is refused.
    let (status, _) = console.post("/console/refund", &confirmed).await;
    assert_eq!(status, 303);
    assert_eq!(platform.calls_for("refundApply").len(), 1);
    let mut other = confirmed.clone();
    other[2] = ("refund_amount", "9.00");
    let (status, refused) = console.post("/console/refund", &other).await;
    assert_eq!(status, 409, "{refused}");
    assert!(
        element(&refused, "refund-error").contains("TF-CONSOLE-1"),
        "{refused}"
    );
    assert_eq!(platform.calls_for("refundApply").len(), 1);
}
