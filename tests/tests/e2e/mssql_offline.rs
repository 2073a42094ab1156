//! A SQL Server hospital whose server is down: the gateway still starts
//! (the pool connects lazily) and every call answers a clear error instead
//! of hanging, and never longer than the connect timeout.

use std::time::{Duration, Instant};

use hisgw_e2e::spawn_app_with;

/// A mappings folder with one SQL Server hospital, `down`, whose server
/// port nothing listens on (bound, noted, closed).
fn down_hospital() -> tempfile::TempDir {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("down");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hospital.toml"),
        format!(
            "id = \"down\"\nname = \"停机医院\"\n[database]\nkind = \"mssql\"\nhost = \"127.0.0.1\"\nport = {port}\ndatabase = \"his\"\nuser = \"hisgw\"\nencrypt = \"off\"\nconnect_timeout_ms = 800\ncheckout_timeout_ms = 1500\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("findAllDepartments.sql"),
        "SELECT dept_name AS departmentName, dept_code AS departmentCode FROM dbo.dept",
    )
    .unwrap();
    root
}

#[tokio::test]
async fn an_unreachable_his_answers_unavailable_quickly() {
    let root = down_hospital();
    let app = spawn_app_with(Some(root.path().to_path_buf())).await;
    let started = Instant::now();
    let a = app.post("down", "findAllDepartments", "<request/>").await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(a.status, 200);
    assert_eq!(a.result(), "error");
    assert!(
        a.message().contains("unavailable") || a.message().contains("busy"),
        "{}",
        a.body
    );
}

#[tokio::test]
async fn a_bound_parameter_that_names_no_field_is_a_mapping_error() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("h");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hospital.toml"),
        "id = \"h\"\nname = \"医院\"\n[database]\nkind = \"mssql\"\nhost = \"127.0.0.1\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("queryPatientInfo.sql"),
        "-- @varchar :cardNo\nSELECT 1 AS realName WHERE 1 = :patientCard",
    )
    .unwrap();
    let errors = hisgw::mapping::load_hospital(&dir).unwrap_err();
    assert!(
        errors.iter().any(|e| e.to_string().contains(":cardNo")),
        "{errors:?}"
    );
}

#[tokio::test]
async fn check_says_plainly_what_it_could_not_compile_without_the_database() {
    let root = down_hospital();
    let data = tempfile::tempdir().unwrap();
    let settings =
        hisgw_e2e::test_settings(data.path().to_path_buf(), Some(root.path().to_path_buf()));
    let report = hisgw::check::check(&settings, false).await;
    let warning = report
        .findings
        .iter()
        .find(|f| f.level == hisgw::check::Level::Warning)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(
        warning.contains("hospital down: database not reached")
            && warning.contains("1 statement section(s) were NOT compiled"),
        "{:#?}",
        report.findings
    );
    assert_eq!(report.errors(), 0);
}

/// A SQL Server that resets every connection while the gateway starts (a
/// failover, a flaky link): the gateway starts anyway, the hospital's calls
/// answer "unavailable" and /healthz says so, and once the server answers
/// the start finishes (start scripts, proof, ledger check) and it serves.
#[tokio::test]
async fn a_server_dropping_connections_at_start_delays_the_hospital_not_the_gateway() {
    let proxy = hisgw_e2e::proxy::CuttingProxy::start().await;
    let port = proxy.port;
    let mut target = String::new();
    let app = hisgw_e2e::spawn_demo_with(hisgw_e2e::Backend::Mssql, |t| {
        let db = t["database"].as_table_mut().unwrap();
        let cs = db["connection_string"].as_str().unwrap().to_string();
        // server=tcp:HOST,PORT;…
        let server = cs
            .split(';')
            .find_map(|p| p.trim().strip_prefix("server=tcp:"))
            .expect("server=tcp:host,port")
            .to_string();
        target = server.replace(',', ":");
        db.insert(
            "connection_string".into(),
            cs.replace(&server, &format!("127.0.0.1,{port}")).into(),
        );
        db.insert("checkout_timeout_ms".into(), toml::Value::Integer(2_000));
        db.insert("connect_timeout_ms".into(), toml::Value::Integer(1_000));
    })
    .await;
    let Some(app) = app else { return };
    proxy.forward_to(&target);
    assert!(proxy.dropped() > 0, "the start met dropped connections");

    let a = app.call("findAllDepartments", &[]).await;
    assert_eq!(a.result(), "error", "{}", a.body);
    assert!(a.message().contains("unavailable"), "{}", a.body);
    let health = async || {
        let answer = app
            .client
            .get(format!("{}/healthz", app.admin_address))
            .send()
            .await
            .unwrap();
        (answer.status().as_u16(), answer.text().await.unwrap())
    };
    let (status, said) = health().await;
    assert_eq!(status, 503);
    assert!(said.contains("\"demo\""), "{said}");

    proxy.open();
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let a = app.call("findAllDepartments", &[]).await;
        if a.result() == "success" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still not serving 90 s after the server answered: {}",
            a.body
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // The proof and the ledger check follow the start scripts.
    loop {
        let (status, said) = health().await;
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "not healthy in time: {said}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
