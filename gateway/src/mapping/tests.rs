use super::*;
use crate::catalogue::find_inbound;
use crate::decode::RawRequest;
use std::fs;

fn hospital_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("h1");
    fs::create_dir(&dir).unwrap();
    for (name, text) in files {
        fs::write(dir.join(name), text).unwrap();
    }
    root
}

const TOML: &str =
    "id = \"h1\"\nname = \"医院\"\n[database]\nkind = \"sqlite\"\npath = \"h1.sqlite\"\n";

#[test]
fn loads_sections_and_binds_parameters_by_field() {
    let root = hospital_dir(&[
        ("hospital.toml", TOML),
        (
            "findOutpatientPay.sql",
            "-- @section content\nSELECT 1 WHERE c = :patientCard AND (:clinicNo IS NULL OR n = :clinicNo)\n-- @section feeDetail\nSELECT 2 WHERE c = :PATIENTCARD\n",
        ),
        ("findAllDepartments.sql", "-- 2.1\nSELECT name AS departmentName FROM dept\n"),
    ]);
    let h = load_hospital(&root.path().join("h1")).unwrap();
    assert_eq!(h.methods.len(), 2);
    let m = find_inbound("findOutpatientPay").unwrap();
    let plan = h.plan(m).unwrap();
    assert_eq!(plan.sections.len(), 2);
    assert_eq!(plan.sections[0].parts, vec![Part::List(0)]);
    assert_eq!(plan.sections[1].parts, vec![Part::List(1)]);
    let req = RawRequest::new(vec![
        ("realName".into(), "李明".into()),
        ("patientCard".into(), "12345678".into()),
    ]);
    let params = crate::validate::validate(
        m,
        &req,
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    )
    .unwrap();
    let statements = plan.statements(&params);
    assert_eq!(
        &*statements[0].sql,
        "SELECT 1 WHERE c = ?1 AND (?2 IS NULL OR n = ?2)"
    );
    assert_eq!(
        statements[0].params,
        vec![Param::Text("12345678".into()), Param::Null]
    );
    assert_eq!(statements[1].params, vec![Param::Text("12345678".into())]);
    let d = h.plan(find_inbound("findAllDepartments").unwrap()).unwrap();
    assert_eq!(d.sections[0].parts, vec![Part::List(0)]);
    assert_eq!(d.empty_result, EmptyResult::Success);
}

#[test]
fn every_error_is_collected_with_file_and_line() {
    let root = hospital_dir(&[
        ("hospital.toml", "id = \"other\"\nname = \"医院\"\n[database]\nkind = \"sqlite\"\npath = \"x\"\n[methods.noSuchMethod]\n"),
        ("queryPatientInfo.sql", "SELECT 1\nFROM p\nWHERE card = :patientCardNo\n"),
        ("findOutpatientPay.sql", "SELECT 1\n"),
        ("findCompleteLISReport.sql", "-- @section header\nSELECT 1\n-- @section items\nSELECT 2\n"),
        ("rechargeECard.sql", "SELECT 'success' AS result"),
    ]);
    let errors = load_hospital(&root.path().join("h1")).unwrap_err();
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(
        has("hospital.toml:1: id = \"other\" must equal the folder name"),
        "{text:#?}"
    );
    assert!(has("hospital.toml:6: [methods.noSuchMethod]"), "{text:#?}");
    assert!(
        has("queryPatientInfo.sql:3: parameter :patientCardNo is not a request field"),
        "{text:#?}"
    );
    assert!(
        has("findOutpatientPay.sql: findOutpatientPay needs one section per part"),
        "{text:#?}"
    );
    assert!(
        has("findCompleteLISReport.sql:3: unknown section `items`"),
        "{text:#?}"
    );
    assert!(
        has("hospital.toml: rechargeECard carries a §17 sign: add [sign]"),
        "{text:#?}"
    );
}

#[test]
fn mapped_payments_bring_the_ledger_answers_unless_the_hospital_maps_them() {
    let root = hospital_dir(&[
        ("hospital.toml", TOML),
        (
            "prePayExpense.sql",
            "SELECT 'success' AS result, 'ZY1' AS invoiceNo",
        ),
        ("queryOrderStatus.sql", "SELECT 'success' AS result"),
    ]);
    let h = load_hospital(&root.path().join("h1")).unwrap();
    assert!(h.keeps_ledger());
    let info = h.plan(find_inbound("GetCheckLedgerInfo").unwrap()).unwrap();
    assert!(info.file.to_string_lossy().contains("(built in)"));
    assert_eq!(info.sections.len(), 2);
    assert!(h
        .plan(find_inbound("GetChecLedgerDetail").unwrap())
        .is_some());
    let status = h.plan(find_inbound("queryOrderStatus").unwrap()).unwrap();
    assert!(status.file.ends_with("queryOrderStatus.sql"));

    let root = hospital_dir(&[("hospital.toml", TOML), ("findAllDoctors.sql", "SELECT 1")]);
    let h = load_hospital(&root.path().join("h1")).unwrap();
    assert!(!h.keeps_ledger());
    assert!(h
        .plan(find_inbound("GetCheckLedgerInfo").unwrap())
        .is_none());
}

#[test]
fn unknown_sql_file_names_are_errors_and_dialect_overrides_win() {
    let root = hospital_dir(&[
        ("hospital.toml", TOML),
        ("findAllDepartmens.sql", "SELECT 1"),
    ]);
    let errors = load_hospital(&root.path().join("h1")).unwrap_err();
    assert!(
        errors[0].to_string().contains("findAllDepartmens.sql"),
        "{errors:?}"
    );

    let root = hospital_dir(&[
        ("hospital.toml", TOML),
        (
            "findAllDepartments.sql",
            "SELECT 'generic' AS departmentName",
        ),
        (
            "findAllDepartments.sqlite.sql",
            "SELECT 'sqlite' AS departmentName",
        ),
        ("findAllDoctors.mssql.sql", "SELECT TOP 1 1"),
    ]);
    let h = load_hospital(&root.path().join("h1")).unwrap();
    let d = h.plan(find_inbound("findAllDepartments").unwrap()).unwrap();
    assert!(d.sections[0].sql.contains("'sqlite'"));
    assert!(h.plan(find_inbound("findAllDoctors").unwrap()).is_none());
}

#[test]
fn every_stray_file_is_reported_and_the_method_files_still_load() {
    let root = hospital_dir(&[
        ("hospital.toml", TOML),
        (
            "findAllDepartments.sql",
            "SELECT name AS departmentName FROM dept\n",
        ),
        ("findAllDoctor.sql", "SELECT 1\n"),
        ("queryPatientInfo.sql.txt", "SELECT 1\n"),
        ("notes.txt", "not a method file and not meant as one"),
    ]);
    let dir = root.path().join("h1");
    let (loaded, errors) = load_each(root.path(), None);
    assert!(errors.is_empty(), "{errors:?}");
    let loaded = &loaded[0];
    let messages: Vec<String> = loaded.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(messages[0].starts_with(&dir.join("findAllDoctor.sql").display().to_string()));
    assert!(
        messages[0].contains("did you mean findAllDoctors.sql?"),
        "{messages:#?}"
    );
    assert!(
        messages[1].contains("queryPatientInfo.sql.txt: is not read"),
        "{messages:#?}"
    );
    // The rest is still loaded, to be proved: every fault at once.
    let partial = loaded.mapping.as_ref().unwrap();
    assert!(partial
        .plan(find_inbound("findAllDepartments").unwrap())
        .is_some());
}

#[test]
fn an_included_fragment_loads_and_its_faults_name_the_fragment() {
    let root = hospital_dir(&[
        ("hospital.toml", TOML),
        (
            "queryPatientInfo.sql",
            "-- 4.2\nSELECT p.name AS realName,\n-- @include sex\n       AS sex\nFROM patient p WHERE p.card = :patientCard\n",
        ),
    ]);
    let dir = root.path().join("h1");
    fs::create_dir(dir.join("shared")).unwrap();
    fs::write(
        dir.join("shared/sex.sql"),
        "CASE p.sex WHEN '1' THEN '男' ELSE '女' END\n",
    )
    .unwrap();
    let h = load_hospital(&dir).unwrap();
    let plan = h.plan(find_inbound("queryPatientInfo").unwrap()).unwrap();
    assert!(
        plan.sections[0].sql.contains("THEN '男'"),
        "{}",
        plan.sections[0].sql
    );
    assert_eq!(
        plan.lines.place(&plan.file, 3),
        (dir.join("shared/sex.sql"), 1)
    );

    // A parameter the method does not have, written in the fragment.
    fs::write(
        dir.join("shared/sex.sql"),
        "CASE :sexCode WHEN '1' THEN '男' END\n",
    )
    .unwrap();
    let errors = load_hospital(&dir).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].file, dir.join("shared/sex.sql"));
    assert_eq!(errors[0].line, Some(1));
    assert!(errors[0].message.contains(":sexCode"), "{errors:?}");
}
