//! The web console in a real browser: headless Chromium driven through
//! WebDriver (see `hisgw_e2e::browser`). Each page loads with nothing in
//! the browser's console at error level and is saved as a screenshot; a Try
//! of findAllDepartments shows the demo's departments; a dry-run
//! insertRegister changes nothing, a committed one is confirmed first and
//! kept; retrying a dead outbox row through the confirmation page makes it
//! due again; a call made through the API shows up in Calls masked; with a
//! token set the console wants a login.
//!
//! Without `HISGW_TEST_CHROMEDRIVER` these tests say `SKIPPED: browser …`
//! and pass.

use std::time::Duration;

use fantoccini::Locator;
use hisgw_e2e::browser::{bounded, Browser};
use hisgw_e2e::{spawn_app, today, TestApp};

/// The demo patient the API calls are made for (its identifiers must never
/// reach a page).
const ID_CARD: &str = "430702199001018766";
const PHONE: &str = "13122110000";

/// A checkPatientCard through the API, so the trail has a call with an ID
/// number and a mobile number in it.
async fn call_with_identifiers(app: &TestApp) {
    let answer = app
        .call(
            "checkPatientCard",
            &[
                ("patientCard", "100034567"),
                ("realName", "张三"),
                ("idCard", ID_CARD),
                ("phone", PHONE),
            ],
        )
        .await;
    assert_eq!(answer.result(), "success", "{}", answer.body);
}

/// Opens `path` until the page links to a call (the audit writer gathers
/// records for a moment before writing them), at most 10 s.
async fn open_until_a_call_is_listed(browser: &Browser, path: &str) {
    for _ in 0..50 {
        browser.open(path).await;
        if browser.source().await.contains("/console/calls/") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{path} lists no call:\n{}", browser.source().await);
}

/// The first link on the page whose address starts with `prefix` (as
/// written in the HTML, so a relative address).
async fn first_link(browser: &Browser, prefix: &str) -> String {
    let link = browser
        .find(Locator::Css(&format!("a[href^=\"{prefix}\"]")))
        .await;
    link.attr("href")
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("a link to {prefix}"))
}

#[tokio::test]
async fn every_console_page_loads_without_errors_in_the_browser() {
    let app = spawn_app().await;
    bounded(async {
        let Some(browser) = Browser::start(&app.admin_address).await else {
            return;
        };
        // Some traffic, so the overview's chart and the calls have rows
        // (once they are in the audit trail: the calls page waits for them).
        call_with_identifiers(&app).await;
        let departments = app.call("findAllDepartments", &[]).await;
        assert_eq!(departments.result(), "success", "{}", departments.body);
        open_until_a_call_is_listed(&browser, "/console/calls?lang=zh").await;
        browser.check_page("calls").await;
        let detail = first_link(&browser, "/console/calls/").await;
        browser.open(&detail).await;
        browser.check_page("call-detail").await;
        // Each page, and what it must have besides its <main>.
        let pages = [
            ("overview", "/console?lang=zh", "svg"),
            ("payments", "/console/payments", "main"),
            ("outbox", "/console/outbox", "main"),
            ("mappings", "/console/mappings", "main"),
            ("try", "/console/try", "main"),
            (
                "try-findAllDepartments-form",
                "/console/try?hospital=demo&method=findAllDepartments",
                "#try-form",
            ),
            // The bundled demo has no platform, so nothing to refund with
            // (the refund form is looked at with the outbox's platform).
            ("refund-no-platform", "/console/refund", "main"),
        ];
        // Each page is looked at, even when one before it failed.
        let browser = std::sync::Arc::new(browser);
        let mut failed = Vec::new();
        for (name, path, has) in pages {
            let page = browser.clone();
            let checked = tokio::spawn(async move {
                page.console().await;
                page.open(path).await;
                page.find(Locator::Css(has)).await;
                page.check_page(name).await;
            });
            if let Err(e) = checked.await {
                failed.push(format!("{name}: {}", panic_text(e)));
            }
        }
        browser.console().await;
        // English on asking, and remembered.
        browser.open("/console?lang=en").await;
        assert!(
            browser.page_text().await.contains("Calls in the last hour"),
            "{}",
            browser.source().await
        );
        browser.check_page("overview-en").await;
        browser.open("/console/calls").await;
        assert_eq!(
            browser
                .find(Locator::Css("html"))
                .await
                .attr("lang")
                .await
                .unwrap()
                .as_deref(),
            Some("en")
        );
        browser.check_page("calls-en").await;
        browser.open("/console?lang=zh").await;
        assert!(browser.page_text().await.contains("睿博演示医院"));
        if let Ok(browser) = std::sync::Arc::try_unwrap(browser) {
            browser.close().await;
        }
        assert!(failed.is_empty(), "{}", failed.join("\n\n"));
    })
    .await;
}

/// What a page's task panicked with.
fn panic_text(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(panic) => panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panicked".into()),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn a_try_of_find_all_departments_shows_the_demos_departments() {
    let app = spawn_app().await;
    bounded(async {
        let Some(browser) = Browser::start(&app.admin_address).await else {
            return;
        };
        browser
            .open("/console/try?hospital=demo&method=findAllDepartments&lang=zh")
            .await;
        browser.wait_for(Locator::Id("try-form")).await;
        let commit = browser.find(Locator::Id("try-commit")).await;
        assert!(!commit.is_selected().await.unwrap(), "a dry run by default");
        browser.click(Locator::Id("try-run")).await;
        let response = browser.wait_for(Locator::Id("try-response")).await;
        let response = response.text().await.unwrap();
        for department in ["内科", "外科", "口腔科", "皮肤性病科"] {
            assert!(
                response.contains(department),
                "{department} is not in the response:\n{response}"
            );
        }
        assert!(response.contains("<result>success</result>"), "{response}");
        let steps = browser
            .find(Locator::Id("try-steps"))
            .await
            .find_all(Locator::Css("tr"))
            .await
            .unwrap();
        assert!(steps.len() > 1, "a statement in the trace");
        let outcome = browser.text(Locator::Id("try-outcome")).await;
        assert!(outcome.contains("已回滚"), "{outcome}");
        browser.check_page("try-findAllDepartments").await;
        browser.close().await;
    })
    .await;
}

/// Fills the Try form of insertRegister with a valid registration of a
/// demo patient (the one tests/e2e/writes.rs books).
async fn fill_register(browser: &Browser) {
    let date = today();
    for (field, value) in [
        ("scheduleId", "r001"),
        ("realName", "张三"),
        ("idCard", "430702200611148766"),
        ("patientCard", "100034567"),
        ("departmentCode", "001"),
        ("doctorCode", "d001"),
        ("clinicType", "专家门诊"),
        ("clinicDate", date.as_str()),
        ("clinicTime", "上午"),
    ] {
        browser.fill(&format!("f.{field}"), value).await;
    }
}

#[tokio::test]
async fn a_dry_run_register_in_the_browser_changes_nothing() {
    let app = spawn_app().await;
    bounded(async {
        let Some(browser) = Browser::start(&app.admin_address).await else {
            return;
        };
        let registrations = "SELECT COUNT(*) FROM outp_register";
        let used = "SELECT SUM(used_num) FROM schedule_slot WHERE schedule_id = 'r001'";
        let before = (app.number(registrations).await, app.number(used).await);
        browser
            .open("/console/try?hospital=demo&method=insertRegister&lang=en")
            .await;
        browser.wait_for(Locator::Id("try-form")).await;
        fill_register(&browser).await;
        browser.check_page("try-insertRegister-form").await;
        browser.click(Locator::Id("try-run")).await;
        let response = browser.wait_for(Locator::Id("try-response")).await;
        let response = response.text().await.unwrap();
        assert!(
            response.contains("<registerId>GH"),
            "a registration was made:\n{response}"
        );
        let outcome = browser.text(Locator::Id("try-outcome")).await;
        assert!(outcome.contains("rolled back"), "{outcome}");
        browser.check_page("try-insertRegister").await;
        // The form keeps what the operator typed; the result masks it.
        let result = browser.find(Locator::Id("try-result")).await;
        let result = result.html(false).await.unwrap();
        assert!(
            !result.contains("430702200611148766"),
            "the ID number is masked in the result:\n{result}"
        );
        assert_eq!(
            (app.number(registrations).await, app.number(used).await),
            before,
            "nothing was kept"
        );
        browser.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_committed_register_in_the_browser_asks_first_and_is_kept() {
    let app = spawn_app().await;
    bounded(async {
        let Some(browser) = Browser::start(&app.admin_address).await else {
            return;
        };
        let registrations = "SELECT COUNT(*) FROM outp_register";
        let before = app.number(registrations).await;
        browser
            .open("/console/try?hospital=demo&method=insertRegister&lang=zh")
            .await;
        browser.wait_for(Locator::Id("try-form")).await;
        fill_register(&browser).await;
        browser
            .find(Locator::Id("try-commit"))
            .await
            .click()
            .await
            .unwrap();
        browser.click(Locator::Id("try-run")).await;
        browser.wait_for(Locator::Id("try-confirm")).await;
        browser.check_page("try-insertRegister-confirm").await;
        assert_eq!(
            app.number(registrations).await,
            before,
            "not before confirming"
        );
        browser.click(Locator::Id("try-confirm")).await;
        let outcome = browser.wait_for(Locator::Id("try-outcome")).await;
        let outcome = outcome.text().await.unwrap();
        assert!(outcome.contains("已提交"), "{outcome}");
        let response = browser.text(Locator::Id("try-response")).await;
        assert!(response.contains("<registerId>GH"), "{response}");
        browser.check_page("try-insertRegister-committed").await;
        assert_eq!(app.number(registrations).await, before + 1, "kept");
        browser.close().await;
    })
    .await;
}

#[tokio::test]
async fn retrying_a_dead_outbox_row_in_the_browser_makes_it_due_again() {
    let row = hisgw_e2e::DeadOutboxRow::start("browser-test").await;
    let admin = row.admin.clone();
    let state = || row.state();
    bounded(async {
        let Some(browser) = Browser::start(&admin).await else {
            return;
        };
        browser.open("/console/outbox?state=dead&lang=zh").await;
        let text = browser.page_text().await;
        assert!(text.contains("browser-test"), "{text}");
        browser.check_page("outbox-dead").await;
        browser
            .click(Locator::Css("a[href*=\"action=retry\"]"))
            .await;
        assert!(
            browser.url().await.contains("/console/outbox/confirm"),
            "{}",
            browser.url().await
        );
        browser.check_page("outbox-confirm").await;
        assert_eq!(
            state().await,
            ("dead".to_string(), 5),
            "not before confirming"
        );
        browser
            .click(Locator::Css(
                "form[action=\"/console/outbox/retry\"] button[type=\"submit\"]",
            ))
            .await;
        browser.check_page("outbox-retried").await;
        assert_eq!(
            state().await,
            ("pending".to_string(), 0),
            "due again, attempts anew"
        );
        // With a platform, the refund form.
        browser.open("/console/refund").await;
        browser.find(Locator::Id("refund-form")).await;
        browser.check_page("refund").await;
        browser.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_call_through_the_api_shows_up_in_calls_with_its_identifiers_masked() {
    let app = spawn_app().await;
    bounded(async {
        let Some(browser) = Browser::start(&app.admin_address).await else {
            return;
        };
        call_with_identifiers(&app).await;
        open_until_a_call_is_listed(&browser, "/console/calls?method=checkPatientCard&lang=zh")
            .await;
        let listed = browser.page_text().await;
        assert!(listed.contains("checkPatientCard"), "{listed}");
        browser.check_page("calls-checkPatientCard").await;
        let list_source = browser.source().await;
        browser
            .click(Locator::Css("a[href^=\"/console/calls/\"]"))
            .await;
        let detail = browser.page_text().await;
        let detail_source = browser.source().await;
        for shown in [&list_source, &detail_source] {
            assert!(
                !shown.contains(ID_CARD),
                "the ID number is masked:\n{shown}"
            );
            assert!(
                !shown.contains(PHONE),
                "the mobile number is masked:\n{shown}"
            );
            assert!(!shown.contains("张三"), "the name is masked:\n{shown}");
        }
        assert!(detail.contains("430702********8766"), "{detail}");
        assert!(detail.contains("131****0000"), "{detail}");
        browser.check_page("call-detail-masked").await;
        browser.close().await;
    })
    .await;
}

#[tokio::test]
async fn with_a_token_set_the_console_wants_a_login() {
    std::env::set_var("HISGW_TEST_ADMIN_TOKEN_BROWSER", "browser-secret");
    let data = tempfile::tempdir().unwrap();
    let mut settings = hisgw_e2e::test_settings(data.path().to_path_buf(), None);
    settings.admin_token_env = Some("HISGW_TEST_ADMIN_TOKEN_BROWSER".into());
    let app = hisgw::Application::build(settings).await.unwrap();
    let admin = format!("http://127.0.0.1:{}", app.admin_port());
    let server = tokio::spawn(app.run_until_stopped());
    bounded(async {
        let Some(browser) = Browser::start(&admin).await else {
            return;
        };
        browser.open("/console?lang=zh").await;
        assert!(
            browser.url().await.ends_with("/console/login"),
            "{}",
            browser.url().await
        );
        browser
            .wait_for(Locator::Css("input[name=\"token\"]"))
            .await;
        browser.check_page("login").await;
        // A wrong token: the login page again, saying so, and no way in.
        browser.fill("token", "guess").await;
        browser.click(Locator::Css("button[type=\"submit\"]")).await;
        browser.wait_for(Locator::Css("p.bad")).await;
        assert_eq!(browser.status().await, Some(401));
        browser.screenshot("login-wrong").await;
        let wrong: Vec<String> = browser
            .console()
            .await
            .into_iter()
            .filter(|(level, message)| level == "SEVERE" && !message.contains("401"))
            .map(|(_, message)| message)
            .collect();
        assert!(wrong.is_empty(), "beyond the 401: {wrong:?}");
        browser.open("/console").await;
        assert!(browser.url().await.ends_with("/console/login"), "still out");
        // The right token: the overview.
        browser.fill("token", "browser-secret").await;
        browser.click(Locator::Css("button[type=\"submit\"]")).await;
        let url = browser.url().await;
        assert!(url.ends_with("/console"), "{url}");
        assert!(browser.page_text().await.contains("睿博演示医院"));
        browser.check_page("overview-logged-in").await;
        // The session holds for the other pages.
        browser.open("/console/calls").await;
        assert!(browser.url().await.contains("/console/calls"));
        browser.close().await;
    })
    .await;
    server.abort();
}
