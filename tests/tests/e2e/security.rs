//! Access to the platform-facing endpoints: source networks, tokens and
//! logins per hospital; refusals are answered (and logged) before any work.

use hisgw_e2e::{spawn_demo_with, Backend};

fn with_access(access: toml::Table) -> impl FnOnce(&mut toml::Table) {
    move |t| {
        t.insert("access".into(), access.into());
    }
}

#[tokio::test]
async fn a_source_outside_the_allowed_networks_is_refused() {
    let mut access = toml::Table::new();
    access.insert(
        "allow".into(),
        toml::Value::Array(vec!["10.9.9.0/24".into()]),
    );
    let app = spawn_demo_with(Backend::Sqlite, with_access(access))
        .await
        .unwrap();
    let a = app.call("findAllDepartments", &[]).await;
    assert_eq!(a.status, 403, "{}", a.body);
    assert!(a.body.contains("127.0.0.1"), "{}", a.body);
    let soap = app
        .send(
            app.client
                .post(format!("{}/soap/demo", app.address))
                .header("Content-Type", "text/xml")
                .body("<x/>"),
        )
        .await;
    assert_eq!(soap.status, 403);
    assert!(soap.body.contains("faultstring"), "{}", soap.body);
    let wsdl = app
        .send(app.client.get(format!("{}/soap/demo?wsdl", app.address)))
        .await;
    assert_eq!(wsdl.status, 403);
    // Refusals are in the audit trail too.
    let query = hisgw::audit::Query {
        method: Some("findAllDepartments".into()),
        limit: 5,
        ..Default::default()
    };
    let mut rows = Vec::new();
    for _ in 0..50 {
        rows = hisgw::audit::find(app.data_dir.path(), &query).unwrap();
        if !rows.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        rows.first().map(|r| r.outcome.as_str()),
        Some("refused"),
        "{rows:?}"
    );
}

#[tokio::test]
async fn a_token_or_a_login_is_required_when_configured() {
    std::env::set_var("HISGW_TEST_TOKEN_A", "t0ken-A");
    std::env::set_var("HISGW_TEST_BASIC_A", "pw-A");
    let mut access = toml::Table::new();
    access.insert(
        "allow".into(),
        toml::Value::Array(vec!["127.0.0.0/8".into(), "::1".into()]),
    );
    access.insert("token_env".into(), "HISGW_TEST_TOKEN_A".into());
    let app = spawn_demo_with(Backend::Sqlite, with_access(access))
        .await
        .unwrap();
    let url = format!("{}/api/demo/findAllDepartments", app.address);
    let none = app.send(app.client.post(&url).body("<request/>")).await;
    assert_eq!(none.status, 401, "{}", none.body);
    let wrong = app
        .send(
            app.client
                .post(&url)
                .header("Authorization", "Bearer nope")
                .body("<request/>"),
        )
        .await;
    assert_eq!(wrong.status, 401);
    let right = app
        .send(
            app.client
                .post(&url)
                .header("Authorization", "Bearer t0ken-A")
                .body("<request/>"),
        )
        .await;
    right.assert_success();
    // RFC 9110: the scheme's letter case does not matter.
    let lower = app
        .send(
            app.client
                .post(&url)
                .header("Authorization", "bearer t0ken-A")
                .body("<request/>"),
        )
        .await;
    lower.assert_success();
    let header = app
        .send(
            app.client
                .post(&url)
                .header("X-Hisgw-Token", "t0ken-A")
                .body("<request/>"),
        )
        .await;
    header.assert_success();

    let mut access = toml::Table::new();
    access.insert("basic_user".into(), "ruibo".into());
    access.insert("basic_password_env".into(), "HISGW_TEST_BASIC_A".into());
    let app = spawn_demo_with(Backend::Sqlite, with_access(access))
        .await
        .unwrap();
    let url = format!("{}/api/demo/findAllDepartments", app.address);
    let none = app
        .client
        .post(&url)
        .body("<request/>")
        .send()
        .await
        .unwrap();
    assert_eq!(none.status().as_u16(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Basic realm=\"hisgw\"");
    let ok = app
        .send(
            app.client
                .post(&url)
                .basic_auth("ruibo", Some("pw-A"))
                .body("<request/>"),
        )
        .await;
    ok.assert_success();
    let lower = app
        .send(
            app.client
                .post(&url)
                // base64 of "ruibo:pw-A"
                .header("Authorization", "basic cnVpYm86cHctQQ==")
                .body("<request/>"),
        )
        .await;
    lower.assert_success();
}

#[test]
fn a_missing_secret_stops_the_start_with_its_name() {
    let root = tempfile::tempdir().unwrap();
    let mappings = hisgw_e2e::sqlite_demo_mappings(root.path());
    let path = mappings.join("demo/hospital.toml");
    let mut table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let mut access = toml::Table::new();
    access.insert("token_env".into(), "HISGW_TEST_TOKEN_NEVER_SET".into());
    access.insert("allow".into(), toml::Value::Array(vec!["not-a-net".into()]));
    table.insert("access".into(), access.into());
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
    let errors = hisgw::mapping::load_hospital(&mappings.join("demo")).unwrap_err();
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("HISGW_TEST_TOKEN_NEVER_SET")),
        "{text:?}"
    );
    assert!(text.iter().any(|t| t.contains("not-a-net")), "{text:?}");
}

#[tokio::test]
async fn metrics_and_health_are_on_the_admin_listener_only() {
    let app = hisgw_e2e::spawn_app().await;
    app.call("queryPatientInfo", &[("patientCard", "100034567")])
        .await
        .assert_success();
    app.call("queryPatientInfo", &[("patientCard", "NOPE")])
        .await;
    // Names from the outside never make series of their own: letter-case
    // variants are the catalogue's method, unknown hospitals one label.
    app.post(
        "demo",
        "QUERYPATIENTINFO",
        hisgw_e2e::request_xml(&[("patientCard", "NOPE")]),
    )
    .await;
    for n in 0..20 {
        app.post(
            &format!("nosuch{n}"),
            &format!("noSuchMethod{n}"),
            "<request/>".to_string(),
        )
        .await;
    }
    let soap = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><findAllDepartments/></s:Body></s:Envelope>";
    app.send(
        app.client
            .post(format!("{}/soap/demo", app.address))
            .header("Content-Type", "text/xml")
            .body(soap),
    )
    .await;
    let payed = format!("{} 10:00:00", hisgw_e2e::today());
    app.call(
        "prePayExpense",
        &[
            ("realName", "李明"),
            ("patientCard", "12345678"),
            ("prepayaAmt", "1"),
            ("tradeNo", "EH-M-1"),
            ("payedTime", &payed),
        ],
    )
    .await
    .assert_success();

    let text = app.metrics().await;
    for line in [
        "hisgw_calls_total{hospital=\"demo\",method=\"queryPatientInfo\",transport=\"rest\",result=\"success\"} 1",
        "hisgw_calls_total{hospital=\"demo\",method=\"queryPatientInfo\",transport=\"rest\",result=\"error\"} 2",
        "hisgw_calls_total{hospital=\"unknown\",method=\"unknown\",transport=\"rest\",result=\"refused\"} 20",
        "hisgw_calls_total{hospital=\"demo\",method=\"findAllDepartments\",transport=\"soap\",result=\"success\"} 1",
        "hisgw_call_duration_seconds_count{hospital=\"demo\",method=\"queryPatientInfo\"} 3",
        "hisgw_db_connections{hospital=\"demo\",state=\"open\"} 4",
        "hisgw_payments{hospital=\"demo\",state=\"booked\"} 1",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    assert!(
        !text.contains("nosuch") && !text.contains("QUERYPATIENTINFO"),
        "{text}"
    );
    assert!(!text.contains("100034567"), "no patient data in metrics");
    let health: serde_json::Value = app
        .client
        .get(format!("{}/healthz", app.admin_address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["hospitals"]["demo"], "ok", "{health}");
    let public = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status().as_u16(), 404);
}

/// `[methods.X] cache_ttl_s`: a heavy read is answered from the cache for
/// its TTL (the HIS is not asked again).
#[tokio::test]
async fn a_cached_read_is_not_asked_of_the_his_again_within_its_ttl() {
    let app = spawn_demo_with(Backend::Sqlite, |t| {
        let methods = t
            .entry("methods")
            .or_insert(toml::Value::Table(Default::default()));
        let mut options = toml::Table::new();
        options.insert("cache_ttl_s".into(), toml::Value::Integer(60));
        options.insert("max_concurrent".into(), toml::Value::Integer(2));
        options.insert("timeout_ms".into(), toml::Value::Integer(5000));
        methods
            .as_table_mut()
            .unwrap()
            .insert("findAllDepartments".into(), options.into());
    })
    .await
    .unwrap();
    let first = app.call("findAllDepartments", &[]).await;
    first.assert_success();
    app.demo_sql("UPDATE dept_dict SET dept_name = dept_name || '（改）'")
        .await;
    let second = app.call("findAllDepartments", &[]).await;
    assert_eq!(second.body, first.body, "answered from the cache");
    assert!(!second.body.contains("（改）"));
    let changed = app
        .number("SELECT COUNT(*) FROM dept_dict WHERE dept_name LIKE '%（改）'")
        .await;
    assert!(changed > 0, "the HIS did change meanwhile");
}

/// The slot-release rush: many callers asking the same cached schedule
/// reads at once reach the HIS once per distinct request
/// (`hisgw_his_calls_total`), while every call is answered and counted.
#[tokio::test]
async fn a_rush_of_identical_cached_reads_reaches_the_his_once_per_distinct_request() {
    let app = std::sync::Arc::new(
        spawn_demo_with(Backend::Sqlite, |t| {
            let methods = t
                .entry("methods")
                .or_insert(toml::Value::Table(Default::default()));
            for method in ["querySchedule", "queryRealtimeSchedule"] {
                let mut options = toml::Table::new();
                options.insert("cache_ttl_s".into(), toml::Value::Integer(60));
                methods
                    .as_table_mut()
                    .unwrap()
                    .insert(method.into(), options.into());
            }
        })
        .await
        .unwrap(),
    );
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let mut calls = Vec::new();
    for i in 0..150 {
        let (app, today) = (app.clone(), today.clone());
        calls.push(tokio::spawn(async move {
            match i % 3 {
                0 => app.call("querySchedule", &[("startDate", &today)]).await,
                1 => {
                    app.call(
                        "queryRealtimeSchedule",
                        &[("startDate", &today), ("departmentCode", "001")],
                    )
                    .await
                }
                _ => {
                    app.call(
                        "queryRealtimeSchedule",
                        &[("startDate", &today), ("departmentCode", "002")],
                    )
                    .await
                }
            }
        }));
    }
    for call in calls {
        call.await.unwrap().assert_success();
    }
    // An uncached read reaches the HIS every time.
    for _ in 0..3 {
        app.call("findAllDepartments", &[]).await.assert_success();
    }
    let text = app.metrics().await;
    for line in [
        "hisgw_his_calls_total{hospital=\"demo\",method=\"querySchedule\"} 1\n",
        "hisgw_his_calls_total{hospital=\"demo\",method=\"queryRealtimeSchedule\"} 2\n",
        "hisgw_his_calls_total{hospital=\"demo\",method=\"findAllDepartments\"} 3\n",
        "hisgw_calls_total{hospital=\"demo\",method=\"querySchedule\",transport=\"rest\",result=\"success\"} 50\n",
        "hisgw_calls_total{hospital=\"demo\",method=\"queryRealtimeSchedule\",transport=\"rest\",result=\"success\"} 100\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}

/// `tls_cert`/`tls_key`: the platform-facing listener speaks HTTPS.
#[tokio::test]
async fn the_platform_listener_serves_tls_with_certificate_files() {
    // A test CA and a certificate for localhost signed by it.
    let dir = tempfile::tempdir().unwrap();
    let at = |f: &str| dir.path().join(f).display().to_string();
    let steps: [Vec<String>; 3] = [
        [
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=hisgw test CA",
            "-keyout",
            &at("ca.key"),
            "-out",
            &at("ca.pem"),
        ]
        .map(String::from)
        .to_vec(),
        [
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            &at("key.pem"),
            "-out",
            &at("req.csr"),
        ]
        .map(String::from)
        .to_vec(),
        [
            "x509",
            "-req",
            "-in",
            &at("req.csr"),
            "-CA",
            &at("ca.pem"),
            "-CAkey",
            &at("ca.key"),
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            &at("ext.cnf"),
            "-out",
            &at("cert.pem"),
        ]
        .map(String::from)
        .to_vec(),
    ];
    std::fs::write(
        at("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    for step in &steps {
        let made = std::process::Command::new("openssl").args(step).output();
        if !made.is_ok_and(|o| o.status.success()) {
            eprintln!("SKIPPED: TLS test (openssl cannot make a test certificate)");
            return;
        }
    }
    let (cert, key, ca) = (
        dir.path().join("cert.pem"),
        dir.path().join("key.pem"),
        dir.path().join("ca.pem"),
    );
    let data = tempfile::tempdir().unwrap();
    let mut settings = hisgw_e2e::test_settings(data.path().to_path_buf(), None);
    settings.tls_cert = Some(cert.clone());
    settings.tls_key = Some(key);
    let app = hisgw::Application::build(settings)
        .await
        .expect("starts with TLS");
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    let root = reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(root)
        .build()
        .unwrap();
    let text = client
        .post(format!(
            "https://localhost:{port}/api/demo/findAllDepartments"
        ))
        .body("<request/>")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("<result>success</result>"), "{text}");
    let plain = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{port}/api/demo/findAllDepartments"
        ))
        .body("<request/>")
        .send()
        .await;
    assert!(
        plain.is_err() || !plain.unwrap().status().is_success(),
        "no plain HTTP on a TLS listener"
    );
}

/// Every call is in the audit trail, identifiers masked, found by tradeNo
/// or method.
#[tokio::test]
async fn calls_are_in_the_audit_trail_with_identifiers_masked() {
    let app = hisgw_e2e::spawn_app().await;
    let payed = format!("{} 10:00:00", hisgw_e2e::today());
    app.call(
        "prePayExpense",
        &[
            ("realName", "李明"),
            ("patientCard", "12345678"),
            ("prepayaAmt", "2"),
            ("tradeNo", "EH-AUDIT-1"),
            ("payedTime", &payed),
        ],
    )
    .await
    .assert_success();
    app.call("queryPatientInfo", &[("patientCard", "100034567")])
        .await
        .assert_success();
    let find = |q: hisgw::audit::Query| hisgw::audit::find(app.data_dir.path(), &q).unwrap();
    let mut rows = Vec::new();
    for _ in 0..50 {
        rows = find(hisgw::audit::Query {
            trade_no: Some("EH-AUDIT-1".into()),
            limit: 10,
            ..Default::default()
        });
        if !rows.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(
        (
            row.hospital.as_str(),
            row.direction.as_str(),
            row.method.as_str(),
            row.outcome.as_str()
        ),
        ("demo", "in", "prePayExpense", "success")
    );
    assert!(
        row.request.contains("patientCard=****5678") && row.request.contains("realName=李*"),
        "{row:?}"
    );
    assert!(row.response.contains("invoiceNo="), "{row:?}");
    let mut by_method = Vec::new();
    for _ in 0..50 {
        by_method = find(hisgw::audit::Query {
            method: Some("queryPatientInfo".into()),
            limit: 10,
            ..Default::default()
        });
        if !by_method.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        by_method.len(),
        1,
        "written by the audit thread shortly after"
    );
    assert!(
        !by_method[0].response.contains("430702200611148766"),
        "the answer's ID number is masked: {:?}",
        by_method[0]
    );
}

/// Behind a trusted reverse proxy, the caller is the address the proxy
/// names in `X-Forwarded-For`; nobody else can claim one.
#[tokio::test]
async fn a_trusted_proxy_names_the_caller() {
    let mut access = toml::Table::new();
    access.insert(
        "allow".into(),
        toml::Value::Array(vec!["10.9.9.0/24".into()]),
    );
    access.insert(
        "trusted_proxies".into(),
        toml::Value::Array(vec!["127.0.0.1".into(), "::1".into()]),
    );
    let app = spawn_demo_with(Backend::Sqlite, with_access(access))
        .await
        .unwrap();
    let url = format!("{}/api/demo/findAllDepartments", app.address);
    let via = |xff: &'static str| {
        app.send(
            app.client
                .post(&url)
                .header("X-Forwarded-For", xff)
                .body("<request/>"),
        )
    };
    via("203.0.113.9, 10.9.9.7").await.assert_success();
    let outside = via("10.9.9.7, 8.8.8.8").await;
    assert_eq!(outside.status, 403);
    assert!(outside.body.contains("8.8.8.8"), "{}", outside.body);
    let direct = app.send(app.client.post(&url).body("<request/>")).await;
    assert_eq!(
        direct.status, 403,
        "the proxy itself is not an allowed caller"
    );
    // Two header lines (a second proxy adds its own): one list, the last
    // line's last entry is the caller.
    let two_lines = app
        .send(
            app.client
                .post(&url)
                .header("X-Forwarded-For", "10.9.9.7")
                .header("X-Forwarded-For", "203.0.113.5")
                .body("<request/>"),
        )
        .await;
    assert_eq!(two_lines.status, 403, "{}", two_lines.body);
    assert!(two_lines.body.contains("203.0.113.5"), "{}", two_lines.body);
    // An entry that is no address is refused, never taken as the proxy.
    assert_eq!(via("10.9.9.7, unknown").await.status, 403);
}

/// The WSDL's `soap:address` follows `X-Forwarded-Host`/`-Proto` only
/// from a trusted proxy; anyone else gets the address it reached.
#[tokio::test]
async fn only_a_trusted_proxy_moves_the_wsdl_location() {
    async fn location(app: &hisgw_e2e::TestApp) -> String {
        let wsdl = app
            .send(
                app.client
                    .get(format!("{}/soap/demo?wsdl", app.address))
                    .header("X-Forwarded-Host", "evil.example")
                    .header("X-Forwarded-Proto", "https")
                    .header("Forwarded", "host=evil.example;proto=https"),
            )
            .await;
        assert_eq!(wsdl.status, 200, "{}", wsdl.body);
        let start = wsdl.body.find("location=\"").expect("a soap:address") + 10;
        let end = start + wsdl.body[start..].find('"').unwrap();
        wsdl.body[start..end].to_string()
    }
    let app = spawn_demo_with(Backend::Sqlite, |_| {}).await.unwrap();
    assert_eq!(
        location(&app).await,
        format!("{}/soap/demo", app.address),
        "a direct caller cannot move the service"
    );

    let mut access = toml::Table::new();
    access.insert(
        "trusted_proxies".into(),
        toml::Value::Array(vec!["127.0.0.1".into(), "::1".into()]),
    );
    let behind = spawn_demo_with(Backend::Sqlite, with_access(access))
        .await
        .unwrap();
    assert_eq!(
        location(&behind).await,
        "https://evil.example/soap/demo",
        "the trusted proxy names the address the platform reaches"
    );
}

/// `admin_token_env`: the admin listener asks for its token.
#[tokio::test]
async fn the_admin_listener_can_require_a_token() {
    std::env::set_var("HISGW_TEST_ADMIN_TOKEN_A", "adm-A");
    let data = tempfile::tempdir().unwrap();
    let mut settings = hisgw_e2e::test_settings(data.path().to_path_buf(), None);
    settings.admin_token_env = Some("HISGW_TEST_ADMIN_TOKEN_A".into());
    let app = hisgw::Application::build(settings).await.unwrap();
    let admin = format!("http://127.0.0.1:{}", app.admin_port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let none = client.get(format!("{admin}/metrics")).send().await.unwrap();
    assert_eq!(none.status().as_u16(), 401);
    let right = client
        .get(format!("{admin}/metrics"))
        .bearer_auth("adm-A")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status().as_u16(), 200);
    let lower = client
        .get(format!("{admin}/metrics"))
        .header("Authorization", "bearer adm-A")
        .send()
        .await
        .unwrap();
    assert_eq!(
        lower.status().as_u16(),
        200,
        "the scheme is case-insensitive"
    );
    let wrong = client
        .get(format!("{admin}/healthz"))
        .bearer_auth("adm-B")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
}

/// Sends `head` and the first bytes of a body it announces as larger, then
/// stops sending; the answer's first line, within `limit`.
async fn stalled_body(address: &str, path: &str, limit: std::time::Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/xml\r\nContent-Length: 100000\r\n\r\n<request><patientCard>"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(limit, stream.read(&mut answer))
        .await
        .expect("an answer within the limit")
        .unwrap();
    String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A caller the access rules refuse is refused from its headers, before it
/// sends its body; a body that stalls is given up after 10 s, not held.
#[tokio::test]
async fn access_is_decided_before_the_body_and_a_stalled_body_is_dropped() {
    let mut access = toml::Table::new();
    access.insert(
        "allow".into(),
        toml::Value::Array(vec!["10.9.9.0/24".into()]),
    );
    let refused = spawn_demo_with(Backend::Sqlite, with_access(access))
        .await
        .unwrap();
    let status = stalled_body(
        &refused.address,
        "/api/demo/queryPatientInfo",
        std::time::Duration::from_secs(3),
    )
    .await;
    assert!(status.contains(" 403"), "{status}");

    let app = hisgw_e2e::spawn_app().await;
    let status = stalled_body(
        &app.address,
        "/api/demo/queryPatientInfo",
        std::time::Duration::from_secs(20),
    )
    .await;
    assert!(status.contains(" 408"), "{status}");
}

/// Large bodies being received share a bounded room (16 MiB): once stalled
/// 1 MiB bodies fill it, another large body is refused at once (503, its
/// connection closed) instead of held, while the platform's small calls
/// need no room and are answered as usual.
#[tokio::test]
async fn large_stalled_bodies_fill_a_bounded_room_and_small_calls_still_pass() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = hisgw_e2e::spawn_app().await;
    let host = app.address.trim_start_matches("http://").to_string();
    let mut held = Vec::new();
    let mut refused = None;
    for n in 0..40 {
        let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
        let head = format!(
            "POST /api/demo/findAllDepartments HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/xml\r\nContent-Length: 1048576\r\n\r\n<request>"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 1024];
        match tokio::time::timeout(
            std::time::Duration::from_millis(500),
            stream.read(&mut answer),
        )
        .await
        {
            // Held: no answer while its room is kept for it.
            Err(_) => held.push(stream),
            Ok(read) => {
                let got = read.unwrap();
                refused = Some((n, String::from_utf8_lossy(&answer[..got]).to_string()));
                break;
            }
        }
    }
    let (n, answer) = refused.expect("a large body refused once the room is full");
    assert_eq!(n, 16, "16 bodies of 1 MiB fill 16 MiB: {answer}");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    app.call("findAllDepartments", &[]).await.assert_success();
    drop(held);
}
