//! The web console on the admin listener, spoken to over HTTP: a call made
//! through the API shows up in Calls with its identifiers masked, the
//! overview lists it, and with a token set the console asks for a login
//! (an HttpOnly, SameSite=Strict cookie; logout needs the CSRF token).

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

#[tokio::test]
async fn a_call_shows_up_in_the_console_masked_and_in_the_overview() {
    let app = hisgw_e2e::spawn_app().await;
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
