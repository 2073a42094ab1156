//! The error cases of the inbound REST interface: every refusal is a
//! well-formed `<response>` with `result=error` and a message naming the
//! problem, with the status the interface promises.

use hisgw_e2e::on_both_backends;

on_both_backends! {
    async fn missing_required_field_names_the_field(app) {
        let a = app.call("queryPatientInfo", &[]).await;
        assert_eq!(a.status, 200);
        assert_eq!(a.result(), "error");
        assert!(a.message().contains("patientCard"), "{}", a.body);
        assert!(
            a.content_type.starts_with("application/xml"),
            "{}",
            a.content_type
        );
        assert!(
            a.content_type.contains("charset=utf-8"),
            "{}",
            a.content_type
        );
    }

    async fn invalid_date_names_the_field(app) {
        let a = app
            .call("querySchedule", &[("startDate", "2025-13-45")])
            .await;
        assert_eq!(a.result(), "error");
        assert!(a.message().contains("startDate"), "{}", a.body);
    }

    async fn upper_case_element_names_are_accepted_and_extras_ignored(app) {
        let a = app
            .post(
                "demo",
                "queryPatientInfo",
                "<REQUEST><PATIENTCARD>100034567</PATIENTCARD><SOMETHINGELSE>1</SOMETHINGELSE></REQUEST>",
            )
            .await;
        a.assert_success();
        assert_eq!(a.text("realName").as_deref(), Some("张三"));
    }

    async fn unknown_hospital_is_404(app) {
        let a = app
            .post("nowhere", "findAllDepartments", "<request></request>")
            .await;
        assert_eq!(a.status, 404);
        assert_eq!(a.result(), "error");
        assert!(a.message().contains("nowhere"), "{}", a.body);
    }

    async fn unknown_method_is_404_with_a_response_body(app) {
        let a = app
            .post("demo", "findAllDentists", "<request></request>")
            .await;
        assert_eq!(a.status, 404);
        assert_eq!(a.result(), "error");
        assert!(a.message().contains("findAllDentists"), "{}", a.body);
        // Outbound methods are the platform's, not something the HIS answers.
        let a = app.post("demo", "refundApply", "<request></request>").await;
        assert_eq!(a.status, 404);
    }

    async fn malformed_xml_is_400_with_a_response_body(app) {
        for body in [
            "<request><patientCard>1</patientCard>",
            "<request><a></b></request>",
            "not xml at all",
            "",
            "<response></response>",
        ] {
            let a = app.post("demo", "queryPatientInfo", body).await;
            assert_eq!(a.status, 400, "{body:?} → {}", a.body);
            assert_eq!(a.result(), "error", "{body:?}");
            assert!(!a.message().is_empty());
        }
    }

    async fn invalid_utf8_and_doctype_are_refused(app) {
        let a = app
            .post(
                "demo",
                "queryPatientInfo",
                b"<request>\xff\xfe</request>".to_vec(),
            )
            .await;
        assert_eq!(a.status, 400);
        assert!(a.message().contains("UTF-8"), "{}", a.body);
        let a = app
            .post(
                "demo",
                "queryPatientInfo",
                "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><request><patientCard>&x;</patientCard></request>",
            )
            .await;
        assert_eq!(a.status, 400);
        assert!(a.message().contains("DOCTYPE"), "{}", a.body);
    }

    async fn get_is_not_allowed(app) {
        let a = app
            .send(
                app.client
                    .get(format!("{}/api/demo/findAllDepartments", app.address)),
            )
            .await;
        assert_eq!(a.status, 405);
        assert_eq!(a.result(), "error");
    }

    async fn hostile_inputs_never_take_the_server_down(app) {
        let big = format!(
            "<request><patientCard>{}</patientCard></request>",
            "9".repeat(200_000)
        );
        let deep = format!(
            "<request>{}{}</request>",
            "<a>".repeat(5000),
            "</a>".repeat(5000)
        );
        let inputs = [
            big,
            deep,
            "<request><patientCard>' OR 1=1 --</patientCard></request>".to_string(),
            "<request><patientCard>100034567'; DROP TABLE patient; --</patientCard></request>"
                .to_string(),
            "<request><patientCard>&#0;</patientCard></request>".to_string(),
            "\u{feff}<request/>".to_string(),
        ];
        for body in inputs {
            let a = app.post("demo", "queryPatientInfo", body).await;
            assert!(a.status == 200 || a.status == 400, "{}", a.status);
            a.doc();
        }
        // Injection text is bound as a value: it matches no card, and the table is still there.
        let a = app
            .call("queryPatientInfo", &[("patientCard", "100034567")])
            .await;
        a.assert_success();
        let a = app
            .call("queryPatientInfo", &[("patientCard", "' OR '1'='1")])
            .await;
        assert_eq!(a.result(), "error");
    }

    async fn oversized_body_is_refused(app) {
        let body = format!("<request><x>{}</x></request>", "a".repeat(2 << 20));
        let a = app.post("demo", "queryPatientInfo", body).await;
        assert_eq!(a.status, 413);
    }
}

/// An identifier sent where it does not belong is masked in the message
/// that names the field, as it would be in its own field.
#[tokio::test]
async fn an_id_number_in_a_date_field_is_masked_in_the_message() {
    let app = hisgw_e2e::spawn_app().await;
    let a = app
        .call(
            "findInspectionReport",
            &[
                ("realName", "张三"),
                ("queryId", "100034567"),
                ("startDate", "430702200611148766"),
            ],
        )
        .await;
    assert_eq!(a.result(), "error", "{}", a.body);
    assert!(a.message().contains("startDate"), "{}", a.body);
    assert!(!a.body.contains("430702200611148766"), "{}", a.body);
    assert!(a.body.contains("430702********8766"), "{}", a.body);
}
