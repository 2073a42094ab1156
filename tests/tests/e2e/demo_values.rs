//! The values that carry meaning, method by method, on the demo hospital;
//! and the whole response shape of the structured methods as snapshots
//! (dates, which move with the seed day, are redacted).

use hisgw_e2e::{day, field, on_both_backends, today, Answer};

fn snapshot(name: &str, a: &Answer) {
    insta::with_settings!({
        filters => vec![
            (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "[datetime]"),
            (r"\d{4}-\d{2}-\d{2}", "[date]"),
            (r"GH\d{8}", "GH[yyyymmdd]"),
        ],
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, a.body.replace("><", ">\n<"));
    });
}

on_both_backends! {
    async fn outpatient_fees_nest_their_details_with_exact_money(app) {
        let a = app
            .call(
                "findOutpatientPay",
                &[
                    ("realName", "李明"),
                    ("patientCard", "12345678"),
                    ("clinicNo", "123"),
                ],
            )
            .await;
        a.assert_success();
        let rows = a.rows();
        assert_eq!(rows.len(), 2, "{}", a.body);
        assert_eq!(field(&rows[0], "prescriptionNo"), Some("20150309001"));
        assert_eq!(field(&rows[0], "orderFee"), Some("190.00"));
        assert_eq!(field(&rows[1], "prescriptionNo"), Some("20150309002"));
        assert_eq!(field(&rows[1], "orderFee"), Some("120.00"));
        let doc = a.doc();
        let details: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("feeDetail"))
            .collect();
        assert_eq!(
            details.len(),
            2,
            "each prescription carries its own feeDetail"
        );
        for (detail, rx) in details.iter().zip(["20150309001", "20150309002"]) {
            for item in detail.children().filter(|n| n.has_tag_name("data")) {
                let no = item
                    .children()
                    .find(|n| n.has_tag_name("prescriptionNo"))
                    .unwrap();
                assert_eq!(no.text(), Some(rx));
            }
        }
        // Every createDate is a full date-time, untouched by any time zone.
        for n in doc.descendants().filter(|n| n.has_tag_name("createDate")) {
            let t = n.text().unwrap();
            assert_eq!(t.len(), 19, "{t}");
            assert!(t.starts_with(&today()), "{t}");
        }
        snapshot("findOutpatientPay", &a);

        // A name that does not match the card finds nothing to pay.
        let a = app
            .call(
                "findOutpatientPay",
                &[("realName", "王五"), ("patientCard", "12345678")],
            )
            .await;
        assert_eq!(a.status, 200);
        assert!(a.result() == "error" || a.rows().is_empty(), "{}", a.body);
    }

    async fn lis_report_is_a_header_with_items(app) {
        let a = app
            .call(
                "findCompleteLISReport",
                &[
                    ("reportId", "831409bb44d34f1097c81f69948e5d3d"),
                    ("checkType", "1"),
                ],
            )
            .await;
        a.assert_success();
        assert_eq!(a.text("realName").as_deref(), Some("李明"));
        assert_eq!(a.text("type").as_deref(), Some("检验报告"));
        let rows = a.rows();
        assert_eq!(rows.len(), 6);
        assert_eq!(field(&rows[0], "itemName"), Some("白细胞计数"));
        assert_eq!(field(&rows[0], "conclusion"), Some("偏高"));
        snapshot("findCompleteLISReport", &a);
    }

    async fn inpatient_fields_sit_in_data_with_exact_amounts(app) {
        let a = app
            .call("queryInHospitalPatient", &[("serialNumber", "100034567")])
            .await;
        a.assert_success();
        let doc = a.doc();
        let data = doc
            .root_element()
            .children()
            .find(|n| n.has_tag_name("data"))
            .expect("<data>");
        let get = |name: &str| {
            data.children()
                .find(|n| n.has_tag_name(name))
                .and_then(|n| n.text())
                .unwrap_or_default()
        };
        assert_eq!(get("realName"), "张三");
        assert_eq!(get("totleAmt"), "4000.00");
        assert_eq!(get("usedAmt"), "3488.80");
        assert_eq!(get("remainAmt"), "511.20");
        assert_eq!(get("status"), "0");
        snapshot("queryInHospitalPatient", &a);

        let a = app
            .call("queryInHospitalPatient", &[("serialNumber", "999")])
            .await;
        assert_eq!(a.result(), "error");
        assert_eq!(a.message(), "未查询到该住院号的住院记录");
    }

    async fn patient_lookups(app) {
        let a = app
            .call("queryPatientInfo", &[("patientCard", "100034567")])
            .await;
        a.assert_success();
        assert_eq!(a.text("idCard").as_deref(), Some("430702200611148766"));
        assert_eq!(a.text("eCardBalance").as_deref(), Some("203.67"));
        assert_eq!(a.text("birthday").as_deref(), Some("2006-11-14"));

        let a = app
            .call("queryPatientInfo", &[("patientCard", "000")])
            .await;
        assert_eq!(a.result(), "error");
        assert_eq!(a.message(), "就诊卡号不存在");

        let ok = [
            ("patientCard", "100034567"),
            ("realName", "张三"),
            ("idCard", "430702xxxxxxxx8766"),
            ("phone", "1312211xxxx"),
        ];
        app.call("checkPatientCard", &ok).await.assert_success();
        let wrong_name = [
            ("patientCard", "100034567"),
            ("realName", "李四"),
            ("idCard", "430702xxxxxxxx8766"),
            ("phone", "1"),
        ];
        assert_eq!(
            app.call("checkPatientCard", &wrong_name).await.result(),
            "error"
        );
        let wrong_id = [
            ("patientCard", "100034567"),
            ("realName", "张三"),
            ("idCard", "430702xxxxxxxx1234"),
            ("phone", "1"),
        ];
        assert_eq!(
            app.call("checkPatientCard", &wrong_id).await.result(),
            "error"
        );

        let a = app
            .call(
                "findClinicNo",
                &[("realName", "李明"), ("patientCard", "12345678")],
            )
            .await;
        a.assert_success();
        assert_eq!(a.text("clinicNo").as_deref(), Some("123"));
        assert_eq!(a.text("createDate").as_deref(), Some(today().as_str()));
    }

    async fn inpatient_money_and_ecard(app) {
        let a = app
            .call(
                "getPatientExpense",
                &[("realName", "李明"), ("queryId", "12345678")],
            )
            .await;
        a.assert_success();
        assert_eq!(a.text("prepayAmt").as_deref(), Some("3000.00"));
        assert_eq!(a.text("usedAmt").as_deref(), Some("1456.30"));
        assert_eq!(a.text("remainAmt").as_deref(), Some("1543.70"));

        let a = app
            .call(
                "getDayExpense",
                &[
                    ("realName", "李明"),
                    ("queryId", "12345678"),
                    ("date", &today()),
                ],
            )
            .await;
        a.assert_success();
        let rows = a.rows_of("response", "data");
        assert!(!rows.is_empty(), "{}", a.body);
        for row in &rows {
            let amount = field(row, "amount").unwrap();
            assert!(
                amount.contains('.') && amount.split('.').nth(1).unwrap().len() >= 2,
                "{amount}"
            );
        }

        let a = app
            .call(
                "checkECard",
                &[("patientCard", "500000003"), ("realName", "张三")],
            )
            .await;
        a.assert_success();
        assert_eq!(a.text("remainAmt").as_deref(), Some("120.00"));
    }

    async fn schedules_roll_from_today_with_one_stopped_session(app) {
        // No endDate: the gateway covers startDate + 7 days.
        let a = app.call("querySchedule", &[("startDate", &today())]).await;
        a.assert_success();
        let rows = a.rows();
        let dates: std::collections::BTreeSet<_> = rows
            .iter()
            .map(|r| field(r, "clinicDate").unwrap().to_string())
            .collect();
        assert_eq!(dates.first(), Some(&today()));
        assert_eq!(dates.last(), Some(&day(7)));
        for r in &rows {
            let fee = field(r, "clinicFee").unwrap();
            assert!(
                fee.ends_with(|c: char| c.is_ascii_digit()) && fee.contains('.'),
                "{fee}"
            );
            assert!(matches!(field(r, "clinicTime"), Some("上午" | "下午")));
        }
        let a = app
            .call(
                "querySchedule",
                &[("startDate", &today()), ("endDate", &day(13))],
            )
            .await;
        let stopped: Vec<_> = a
            .rows()
            .into_iter()
            .filter(|r| field(r, "status") == Some("0"))
            .collect();
        assert_eq!(stopped.len(), 1, "exactly one stopped session");

        let a = app
            .call(
                "queryRealtimeSchedule",
                &[("startDate", &today()), ("departmentCode", "d0001")],
            )
            .await;
        a.assert_success();
        assert!(a
            .rows()
            .iter()
            .all(|r| field(r, "departmentCode") == Some("d0001")));

        let a = app
            .call(
                "queryScheduleTime",
                &[
                    ("departmentCode", "001"),
                    ("clinicDate", &today()),
                    ("clinicTime", "上午"),
                    ("doctorCode", "d001"),
                    ("scheduleId", "r001"),
                ],
            )
            .await;
        a.assert_success();
        let rows = a.rows();
        assert_eq!(field(&rows[0], "visitTime"), Some("08:00"));
        assert!(rows
            .iter()
            .all(|r| field(r, "clinicDate") == Some(today().as_str())));
    }

    async fn reports_default_to_the_last_month(app) {
        let a = app
            .call(
                "findInspectionReport",
                &[("realName", "李明"), ("queryId", "12345678")],
            )
            .await;
        a.assert_success();
        let rows = a.rows();
        assert!(rows
            .iter()
            .any(|r| field(r, "reportId") == Some("831409bb44d34f1097c81f69948e5d3d")));
        let month_ago = (hisgw::clock::today() - chrono::Months::new(1))
            .format("%Y-%m-%d")
            .to_string();
        for r in &rows {
            let d = field(r, "checkDate").unwrap();
            assert!(d >= month_ago.as_str() && d <= today().as_str(), "{d}");
        }
        // An explicit range in the past finds none of these.
        let a = app
            .call(
                "findInspectionReport",
                &[
                    ("realName", "李明"),
                    ("queryId", "12345678"),
                    ("startDate", "2019-11-01"),
                    ("endDate", "2019-12-01"),
                ],
            )
            .await;
        a.assert_success();
        assert!(a.rows().is_empty());
    }

    async fn queues_and_clinic_status(app) {
        let a = app
            .call(
                "findQueueUp",
                &[("departmentName", "呼吸内科"), ("departmentCode", "d0001")],
            )
            .await;
        a.assert_success();
        assert_eq!(a.text("queueNownum").as_deref(), Some("20"));
        assert_eq!(a.text("queueWaitnum").as_deref(), Some("10"));

        let a = app
            .call(
                "getOutPatientOrderNum",
                &[
                    ("realName", "李明"),
                    ("patientCard", "12345678"),
                    ("departmentName", "皮肤科门诊"),
                    ("departmentCode", "009"),
                    ("doctorCode", "456"),
                ],
            )
            .await;
        a.assert_success();
        assert_eq!(a.text("hisOrderNum").as_deref(), Some("9"));

        let a = app
            .call("queryClinicStatus", &[("clinicDate", &today())])
            .await;
        a.assert_success();
        let rows = a.rows();
        assert!(!rows.is_empty());
        assert!(rows
            .iter()
            .all(|r| matches!(field(r, "status"), Some("0" | "1"))));
        let one = field(&rows[0], "registerId").unwrap().to_string();
        let a = app.call("queryClinicStatus", &[("registerId", &one)]).await;
        assert_eq!(a.rows().len(), 1);
    }

    async fn departments_and_doctors(app) {
        let a = app.call("findAllDepartments", &[]).await;
        a.assert_success();
        let rows = a.rows();
        let level = |r: &Vec<(String, String)>| field(r, "departmentLevel").map(str::to_string);
        assert!(rows.iter().any(|r| level(r).as_deref() == Some("1")));
        let second: Vec<_> = rows
            .iter()
            .filter(|r| level(r).as_deref() != Some("1"))
            .collect();
        assert!(!second.is_empty());
        for r in second {
            let parent = field(r, "supperCode").unwrap();
            assert!(
                rows.iter()
                    .any(|p| field(p, "departmentCode") == Some(parent)),
                "{parent}"
            );
        }
        let a = app.call("findAllDoctors", &[]).await;
        a.assert_success();
        assert!(
            a.rows()
                .iter()
                .any(|r| field(r, "doctorCode") == Some("D0032")
                    && field(r, "doctorName") == Some("李玲"))
        );
    }
}
