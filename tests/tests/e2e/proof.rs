//! Proving a mapping before it serves: every statement compiled against the
//! hospital's database, each fault placed at file:line:column — in `check`,
//! at start (a faulty hospital is not served, the others are) and before a
//! reload (a faulty set never replaces the working one).

use std::path::{Path, PathBuf};
use std::time::Duration;

use hisgw::check::{check, Level};
use hisgw::hospitals::Source;
use hisgw::pipeline::Gateway;
use hisgw_e2e::{editable_demo, test_settings};

/// Replaces the first `from` in `file` with `to`; returns where the fault
/// lies as `file:line:column`, `at` characters into `to`.
fn break_file(file: &Path, from: &str, to: &str, at: usize) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let i = text
        .find(from)
        .unwrap_or_else(|| panic!("{from} in {}", file.display()));
    std::fs::write(
        file,
        format!("{}{to}{}", &text[..i], &text[i + from.len()..]),
    )
    .unwrap();
    let before = &text[..i];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1 + at;
    format!("{}:{line}:{column}", file.display())
}

/// The errors `hisgw check` (without --live) reports for `mappings`.
async fn check_errors(mappings: PathBuf) -> Vec<String> {
    let data = tempfile::tempdir().unwrap();
    let report = check(
        &test_settings(data.path().to_path_buf(), Some(mappings)),
        false,
    )
    .await;
    errors(&report)
}

fn errors(report: &hisgw::check::Report) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.level == Level::Error)
        .map(|f| f.text.clone())
        .collect()
}

fn has(errors: &[String], at: &str, words: &str) -> bool {
    errors
        .iter()
        .any(|e| e.starts_with(&format!("{at}: ")) && e.contains(words))
}

#[tokio::test]
async fn check_places_every_fault_of_reads_writes_and_payments_at_file_line_and_column() {
    let root = tempfile::tempdir().unwrap();
    let mappings = editable_demo(root.path());
    let demo = mappings.join("demo");
    // The demo keeps these in shared fragments: a fault there is placed in
    // the fragment, once for each method that includes it.
    let alias = break_file(
        &demo.join("shared/department_columns.sql"),
        "AS departmentName",
        "AS departmentNmae",
        3,
    );
    let syntax = break_file(&demo.join("queryPatientInfo.sql"), "SELECT", "SELEC", 0);
    let table = break_file(
        &demo.join("shared/booking.sql"),
        "FROM schedule_slot sl",
        "FROM schedule_slots sl",
        5,
    );
    let payment = break_file(
        &demo.join("shared/pay_booking.sql"),
        "LEFT JOIN outp_register r",
        "LEFT JOIN outp_registr r",
        10,
    );
    let column = break_file(
        &demo.join("cancelRegister.sql"),
        "r.register_id",
        "r.register_idd",
        0,
    );
    let parameter = break_file(
        &demo.join("checkECard.sql"),
        ":patientCard",
        ":patientCrad",
        0,
    );
    let errors = check_errors(mappings).await;
    assert!(
        has(
            &errors,
            &alias,
            "column departmentNmae is not a field of findAllDepartments"
        ) && has(&errors, &alias, "did you mean departmentName?"),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("findAllDepartments.sql")
                && e.contains("required field departmentName")),
        "{errors:#?}"
    );
    assert!(has(&errors, &syntax, "syntax error"), "{errors:#?}");
    let included = |at: &str, what: &str, by: &str| {
        let by = format!("included by {}", demo.join(by).display());
        errors
            .iter()
            .any(|e| e.starts_with(&format!("{at}: ")) && e.contains(what) && e.contains(&by))
    };
    for by in ["insertRegister.sql", "insertSubscription.sql"] {
        assert!(
            included(&table, "no such table: schedule_slots", by),
            "{by}: {errors:#?}"
        );
    }
    for by in ["payRegister.sql", "subscriptionPay.sql"] {
        assert!(
            included(&payment, "no such table: outp_registr", by),
            "{by}: {errors:#?}"
        );
    }
    assert!(has(&errors, &column, "no such column"), "{errors:#?}");
    // A parameter that names no request field is a load error (line only);
    // the rest of the hospital is still proved.
    let parameter_line = parameter.rsplit_once(':').unwrap().0;
    assert!(
        has(
            &errors,
            parameter_line,
            ":patientCrad is not a request field"
        ),
        "{errors:#?}"
    );
    assert_eq!(errors.len(), 9, "{errors:#?}");
}

#[tokio::test]
async fn a_reload_whose_sql_does_not_compile_never_replaces_the_working_set() {
    let root = tempfile::tempdir().unwrap();
    let mappings = editable_demo(root.path());
    let app = hisgw_e2e::spawn_app_with(Some(mappings.clone())).await;
    let departments = || app.call("findAllDepartments", &[]);
    let unknown = || app.call("queryPatientInfo", &[("patientCard", "NO-SUCH-CARD")]);
    let before = departments().await;
    before.assert_success();

    // SQL that loads (it parses, its parameters are fields) but names a
    // table the HIS does not have, and in the same edit a new message.
    let sql_path = mappings.join("demo/findAllDepartments.sql");
    let good = std::fs::read_to_string(&sql_path).unwrap();
    break_file(&sql_path, "FROM ", "FROM no_such_", 0);
    hisgw_e2e::retitle_unknown_card(&mappings);
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after = departments().await;
    after.assert_success();
    assert_eq!(after.rows(), before.rows(), "the working mapping answers");
    assert_eq!(
        unknown().await.message(),
        "就诊卡号不存在",
        "nothing of the refused set is served"
    );

    // Fixed: the whole new set is served.
    std::fs::write(&sql_path, good).unwrap();
    let mut message = String::new();
    for _ in 0..40 {
        message = unknown().await.message();
        if message == "查无此卡" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(message, "查无此卡");
}

/// A second hospital `bad` next to `demo`: the demo's files with `fault`
/// applied to one of them.
fn with_faulty_twin(root: &Path, file: &str, from: &str, to: &str) -> (PathBuf, String) {
    let mappings = editable_demo(root);
    let bad = mappings.join("bad");
    for dir in ["", "push", "shared", "tests"] {
        std::fs::create_dir_all(bad.join(dir)).unwrap();
        for entry in std::fs::read_dir(mappings.join("demo").join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, bad.join(dir).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let toml = std::fs::read_to_string(bad.join("hospital.toml"))
        .unwrap()
        .replacen("id = \"demo\"", "id = \"bad\"", 1)
        .replacen("demo-his.sqlite", "bad-his.sqlite", 1);
    std::fs::write(bad.join("hospital.toml"), toml).unwrap();
    let at = break_file(&bad.join(file), from, to, 0);
    (mappings, at)
}

#[tokio::test]
async fn at_start_a_faulty_hospital_is_not_served_and_the_others_are() {
    let root = tempfile::tempdir().unwrap();
    let (mappings, at) = with_faulty_twin(root.path(), "findAllDoctors.sql", "SELECT", "SELEC");
    let app = hisgw_e2e::spawn_app_with(Some(mappings.clone())).await;
    app.call("findAllDepartments", &[]).await.assert_success();
    let refused = app.post("bad", "findAllDepartments", "<request/>").await;
    assert_eq!(refused.result(), "error", "{}", refused.body);

    // With only the faulty one, nothing can be served: start fails and
    // names the fault.
    let data = tempfile::tempdir().unwrap();
    let source = Source {
        mappings_dir: mappings,
        only: Some(vec!["bad".into()]),
        data_dir: data.path().to_path_buf(),
    };
    let error = match Gateway::start(source).await {
        Ok(_) => panic!("a faulty hospital alone must not start"),
        Err(e) => e.to_string(),
    };
    assert!(error.contains("no hospital can be served"), "{error}");
    assert!(error.contains(&format!("{at}: ")), "{error}");
}

#[tokio::test]
async fn the_demo_proves_on_sql_server_and_a_fault_there_is_placed() {
    let Some(db) = hisgw_e2e::mssql::TestDatabase::create().await else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let mappings = db.write_demo_mappings(root.path());
    let settings = test_settings(root.path().join("data"), Some(mappings.clone()));
    let report = check(&settings, false).await;
    assert_eq!(
        errors(&report),
        Vec::<String>::new(),
        "{:#?}",
        report.findings
    );

    // Its own copy of the SQL files, one read broken.
    let sql = root.path().join("sql");
    let demo = hisgw_e2e::mssql::repo().join("mappings/demo");
    for dir in ["", "shared"] {
        std::fs::create_dir_all(sql.join(dir)).unwrap();
        for entry in std::fs::read_dir(demo.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "sql") {
                std::fs::copy(&path, sql.join(dir).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let toml_path = mappings.join("demo/hospital.toml");
    let toml = std::fs::read_to_string(&toml_path)
        .unwrap()
        .replace(&demo.display().to_string(), &sql.display().to_string());
    std::fs::write(&toml_path, toml).unwrap();
    let read = break_file(&sql.join("findAllDoctors.sql"), "FROM ", "FROM no_such_", 5);
    // A table inside IF … BEGIN … END of a write, and one of a payment,
    // both in fragments that two methods include.
    let write = break_file(
        &sql.join("shared/booking.mssql.sql"),
        "UPDATE dbo.schedule_slot",
        "UPDATE dbo.schedule_slots",
        0,
    );
    let payment = break_file(
        &sql.join("shared/pay_booking.mssql.sql"),
        "LEFT JOIN dbo.outp_register r",
        "LEFT JOIN dbo.outp_registr r",
        0,
    );
    let report = check(&settings, false).await;
    let errors = errors(&report);
    for (at, name) in [
        (&read, "no_such_"),
        (&write, "schedule_slots"),
        (&payment, "outp_registr"),
    ] {
        // The line of the fault (the column, where the server names it).
        let line = at.rsplit_once(':').unwrap().0;
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&format!("{line}:")) && e.contains(name)),
            "{name} at {line}: {errors:#?}"
        );
    }
    assert_eq!(errors.len(), 5, "{errors:#?}");
}

hisgw_e2e::on_both_backends! {
    async fn the_demo_mapping_tests_pass_and_change_nothing(app) {
        let db = app.gateway.hospital("demo").unwrap().db.clone();
        let count = |table: &'static str| {
            let db = db.clone();
            async move {
                let sets = db
                    .query(vec![hisgw::execute::Statement::new(
                        format!("SELECT COUNT(*) FROM {table}"),
                        vec![],
                    )])
                    .await
                    .unwrap();
                sets[0][0].rows[0][0].int()
            }
        };
        let tables = ["outp_register", "pay_ledger", "hisgw_payment", "card"];
        let mut before = Vec::new();
        for t in tables {
            before.push(count(t).await);
        }
        let (outcomes, errors) = hisgw::mapping_tests::run(&app.gateway, "demo").await;
        assert!(errors.is_empty(), "{errors:#?}");
        let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed()).collect();
        assert!(failed.is_empty(), "{failed:#?}");
        // Every mapped method of the demo is covered by its suite.
        let hospital = app.gateway.hospital("demo").unwrap();
        let (cases, _) = hisgw::mapping_tests::load(&hospital.mapping);
        for method in hospital.mapping.mapped() {
            assert!(
                cases.iter().any(|c| c.test.steps.iter().any(|s| s.method == method.name)),
                "no test calls {}",
                method.name
            );
        }
        let mut after = Vec::new();
        for t in tables {
            after.push(count(t).await);
        }
        assert_eq!(before, after, "the tests left the database as it was");
    }
}

#[tokio::test]
async fn a_fault_in_a_shared_fragment_is_placed_in_the_fragment() {
    let root = tempfile::tempdir().unwrap();
    let mappings = editable_demo(root.path());
    let demo = mappings.join("demo");
    // The schedule reads share their columns; one misspelled column there.
    let at = break_file(
        &demo.join("shared/session_columns.sql"),
        "s.dept_code ",
        "s.dept_cdoe ",
        0,
    );
    let errors = check_errors(mappings).await;
    // Placed in the fragment, once for each of the three reads including it.
    let placed: Vec<_> = errors
        .iter()
        .filter(|e| e.starts_with(&format!("{at}: ")) && e.contains("dept_cdoe"))
        .collect();
    assert_eq!(placed.len(), 3, "{errors:#?}");
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

/// `check --live` on PostgreSQL: a text field of the spec that the server
/// reads as a number (compared with an integer) is warned about, naming
/// the file, the field and the type.
#[tokio::test]
async fn check_warns_when_postgres_reads_a_text_field_as_a_number() {
    let Some(db) = hisgw_e2e::postgres::TestDatabase::create().await else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let mappings = db.write_demo_mappings(root.path());
    // The demo's SQL files in a folder of the test's own, one of them changed.
    let repo_sql = hisgw_e2e::mssql::repo().join("mappings/demo");
    let sql = root.path().join("sql");
    for dir in ["", "push", "shared", "tests"] {
        std::fs::create_dir_all(sql.join(dir)).unwrap();
        for entry in std::fs::read_dir(repo_sql.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "sql" || e == "toml") {
                std::fs::copy(&path, sql.join(dir).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let file = sql.join("queryPatientInfo.sql");
    let text = std::fs::read_to_string(&file).unwrap();
    let changed = text.replace(
        "WHERE c.card_no = :patientCard;",
        "WHERE CAST(c.card_no AS bigint) = :patientCard;",
    );
    assert_ne!(changed, text);
    std::fs::write(&file, changed).unwrap();
    let toml_path = mappings.join("demo/hospital.toml");
    let mut table: toml::Table = std::fs::read_to_string(&toml_path)
        .unwrap()
        .parse()
        .unwrap();
    table.insert("sql_dir".into(), sql.display().to_string().into());
    std::fs::write(&toml_path, toml::to_string(&table).unwrap()).unwrap();
    let settings = hisgw_e2e::test_settings(root.path().join("data"), Some(mappings));
    let report = hisgw::check::check(&settings, true).await;
    let warned: Vec<String> = report
        .findings
        .iter()
        .map(|f| f.to_string())
        .filter(|f| f.contains("PostgreSQL reads it as"))
        .collect();
    assert_eq!(warned.len(), 1, "{:#?}", report.findings);
    assert!(warned[0].contains("queryPatientInfo.sql"), "{}", warned[0]);
    assert!(warned[0].contains(":patientCard"), "{}", warned[0]);
    assert!(warned[0].contains("int8"), "{}", warned[0]);
}
