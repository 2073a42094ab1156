//! Hot reload: a changed mapping is served without a restart; a broken edit
//! never replaces the working set.

use std::time::Duration;

use hisgw_e2e::editable_demo;

#[tokio::test]
async fn an_edit_is_served_and_a_broken_edit_never_replaces_the_working_set() {
    let root = tempfile::tempdir().unwrap();
    let mappings = editable_demo(root.path());
    let app = hisgw_e2e::spawn_app_with(Some(mappings.clone())).await;
    let unknown = || app.call("queryPatientInfo", &[("patientCard", "NO-SUCH-CARD")]);
    assert_eq!(unknown().await.message(), "就诊卡号不存在");

    // An edit of hospital.toml is picked up within a few seconds.
    hisgw_e2e::retitle_unknown_card(&mappings);
    let mut message = String::new();
    for _ in 0..40 {
        message = unknown().await.message();
        if message == "查无此卡" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(message, "查无此卡", "the edit is served");

    // A broken SQL file: refused, and the working set keeps serving.
    let sql_path = mappings.join("demo/findAllDepartments.sql");
    let good = std::fs::read_to_string(&sql_path).unwrap();
    std::fs::write(
        &sql_path,
        "SELECT 1 AS departmentName WHERE x = :noSuchParameter",
    )
    .unwrap();
    let (_, errors) = hisgw::mapping::load_all(&mappings, None);
    assert!(
        errors
            .iter()
            .any(|e| e.to_string().contains("noSuchParameter")),
        "{errors:?}"
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    let departments = app.call("findAllDepartments", &[]).await;
    departments.assert_success();
    assert!(
        departments.rows().len() > 5,
        "still the working mapping: {}",
        departments.body
    );
    assert_eq!(unknown().await.message(), "查无此卡");

    // Fixed again: served again (and later edits apply).
    std::fs::write(&sql_path, good).unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    app.call("findAllDepartments", &[]).await.assert_success();
}
