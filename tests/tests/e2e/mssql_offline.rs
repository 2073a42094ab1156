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
