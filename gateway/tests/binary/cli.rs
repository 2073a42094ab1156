//! The `hisgw` binary as hospital IT uses it: `check`, `call` and `spec`.

use std::path::Path;

use std::time::Duration;

use crate::{output_within, repo};
use std::process::{Command, Output};

fn hisgw(args: &[&str], dir: &Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hisgw"));
    command.args(args).current_dir(dir).env("RUST_LOG", "warn");
    output_within(&mut command, Duration::from_secs(120))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Copies a hospital folder with its subfolders (shared fragments, tests).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        } else if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        }
    }
}

#[test]
fn check_passes_on_the_demo_live() {
    let data = tempfile::tempdir().unwrap();
    let out = hisgw(
        &[
            "check",
            "--live",
            "--data-dir",
            data.path().to_str().unwrap(),
        ],
        &repo(),
    );
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("0 error(s)"), "{text}");
    assert!(!text.contains("warning:"), "{text}");
    assert!(
        text.contains("findOutpatientPay.sql: the hospital's test request answered success")
            || text.contains("findOutpatientPay.sql: spec example answered success"),
        "{text}"
    );
}

#[test]
fn check_reports_file_and_line_of_a_broken_mapping() {
    let tmp = tempfile::tempdir().unwrap();
    let mappings = tmp.path().join("mappings");
    copy_dir(&repo().join("mappings/demo"), &mappings.join("demo"));
    let file = mappings.join("demo/queryPatientInfo.sql");
    let sql = std::fs::read_to_string(&file).unwrap();
    let line = sql
        .lines()
        .position(|l| l.contains(":patientCard"))
        .expect("uses :patientCard")
        + 1;
    std::fs::write(&file, sql.replacen(":patientCard", ":patientCardNo", 1)).unwrap();
    let toml = mappings.join("demo/hospital.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text + "\n[methods.findAllDepartments]\nempty_mesage = \"x\"\n",
    )
    .unwrap();
    let config = tmp.path().join("hisgw.toml");
    std::fs::write(
        &config,
        format!("mappings_dir = {:?}\n", mappings.display().to_string()),
    )
    .unwrap();

    let out = hisgw(&["check", "--config", config.to_str().unwrap()], tmp.path());
    let text = stdout(&out);
    assert!(!out.status.success(), "{text}");
    let expected =
        format!("queryPatientInfo.sql:{line}: parameter :patientCardNo is not a request field");
    assert!(text.contains(&expected), "{expected}\n{text}");
    assert!(text.contains("hospital.toml:"), "{text}");
    assert!(text.contains("empty_mesage"), "{text}");
}

#[test]
fn call_prints_the_response() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let out = hisgw(
        &[
            "call",
            "--data-dir",
            data_dir,
            "--hospital",
            "demo",
            "queryPatientInfo",
            "patientCard=100034567",
        ],
        &repo(),
    );
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.starts_with("<response><result>success</result>"),
        "{text}"
    );
    assert!(text.contains("<realName>张三</realName>"), "{text}");

    let out = hisgw(
        &[
            "call",
            "--data-dir",
            data_dir,
            "--hospital",
            "demo",
            "queryPatientInfo",
        ],
        &repo(),
    );
    assert!(!out.status.success());
    assert!(stdout(&out).contains("patientCard"));
}

#[test]
fn unknown_config_keys_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("hisgw.toml");
    std::fs::write(&config, "listen = \"127.0.0.1:0\"\nlisten_port = 9\n").unwrap();
    let out = hisgw(&["check", "--config", config.to_str().unwrap()], &repo());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("listen_port"), "{err}");
}

#[test]
fn migrate_creates_the_ledger_once() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let first = hisgw(
        &["migrate", "--hospital", "demo", "--data-dir", dir],
        &repo(),
    );
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        stdout(&first).contains("demo: applied ledger migration(s) [1, 2]; now at version 2"),
        "{}",
        stdout(&first)
    );
    let again = hisgw(&["migrate", "--data-dir", dir], &repo());
    assert!(again.status.success());
    assert!(
        stdout(&again).contains("demo: ledger at version 2, up to date"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn wsdl_prints_the_demo_service() {
    let out = hisgw(
        &[
            "wsdl",
            "--hospital",
            "demo",
            "--address",
            "http://10.1.2.3:8080/soap/demo",
        ],
        &repo(),
    );
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("location=\"http://10.1.2.3:8080/soap/demo\""),
        "{text}"
    );
    assert!(
        text.contains("<wsdl:operation name=\"findOutpatientPay\""),
        "{text}"
    );
    assert!(
        text.contains("<wsdl:operation name=\"CallServer\""),
        "{text}"
    );
}

#[test]
fn spec_prints_a_methods_fields_and_refuses_an_unknown_one() {
    let out = hisgw(&["spec", "queryschedule"], &repo());
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.starts_with("## 3.1 querySchedule"), "{text}");
    assert!(
        text.contains("| doctorCode | text | if 专家 | `content` |"),
        "{text}"
    );
    let out = hisgw(&["spec", "queryScedule"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("queryScedule is no method"));
}

#[test]
fn every_command_describes_itself() {
    for command in [
        "serve",
        "check",
        "sql",
        "migrate",
        "wsdl",
        "outbox",
        "refund",
        "refund-status",
        "reconcile",
        "audit",
        "call",
        "spec",
        "try",
        "test",
    ] {
        let out = hisgw(&[command, "--help"], &repo());
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn try_runs_a_write_and_leaves_the_demo_as_it_was() {
    let data = tempfile::tempdir().unwrap();
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let clinic_date = format!("clinicDate={today}");
    let args = [
        "try",
        "--data-dir",
        data.path().to_str().unwrap(),
        "--hospital",
        "demo",
        "insertRegister",
        "scheduleId=r001",
        "realName=张三",
        "idCard=430702200611148766",
        "patientCard=100034567",
        "departmentCode=001",
        "doctorCode=d001",
        "clinicType=专家门诊",
        &clinic_date,
        "clinicTime=上午",
    ];
    let first = stdout(&hisgw(&args, &repo()));
    assert!(first.contains("<result>success</result>"), "{first}");
    assert!(first.contains("outp_register: 1 inserted"), "{first}");
    assert!(first.contains("rolled back"), "{first}");
    // Each statement of the batch is its own line of the trace.
    let statements = first.lines().filter(|l| l.contains(" ms ")).count();
    assert!(statements > 5, "{first}");
    let again = stdout(&hisgw(&args, &repo()));
    let number = |text: &str| {
        text.split("<registerId>")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .map(str::to_string)
    };
    assert_eq!(number(&first), number(&again), "nothing was kept");
}
