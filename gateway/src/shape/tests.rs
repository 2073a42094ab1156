use super::*;
use crate::catalogue::find_inbound;
use crate::encode::encode_xml;
use rust_decimal::Decimal;
use std::str::FromStr;

fn set(columns: &[&str], rows: Vec<Vec<Value>>) -> ResultSet {
    ResultSet {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

fn t(s: &str) -> Value {
    Value::Text(s.into())
}

const EMPTY: WhenEmpty<'static> = WhenEmpty {
    success: false,
    message: "未查询到相关记录",
};

#[test]
fn single_record_fields_in_spec_order_with_types() {
    let m = find_inbound("queryPatientInfo").unwrap();
    let rows = Rows {
        header: Some(set(
            &[
                "hisNo",
                "eCardBalance",
                "birthday",
                "sex",
                "phone",
                "idCard",
                "realName",
                "internal_id",
            ],
            vec![vec![
                t("6000234"),
                Value::Decimal(Decimal::from_str("203.6700").unwrap()),
                t("2006-11-11 00:00:00"),
                t("男"),
                t("13122110000"),
                t("430702199001018766"),
                t("张三"),
                Value::Int(7),
            ]],
        )),
        lists: vec![],
    };
    let reply = shape(m, rows, &EMPTY).unwrap();
    assert_eq!(
        encode_xml(&reply),
        "<response><result>success</result><message></message><realName>张三</realName><idCard>430702199001018766</idCard><phone>13122110000</phone><sex>男</sex><birthday>2006-11-11</birthday><eCardBalance>203.67</eCardBalance><hisNo>6000234</hisNo></response>"
    );
}

#[test]
fn no_row_is_the_configured_error_and_empty_lists_succeed() {
    let m = find_inbound("queryPatientInfo").unwrap();
    let reply = shape(
        m,
        Rows {
            header: Some(set(&["realName"], vec![])),
            lists: vec![],
        },
        &EMPTY,
    )
    .unwrap();
    assert_eq!(reply, Reply::error("未查询到相关记录"));

    let m = find_inbound("findAllDepartments").unwrap();
    let rows = Rows {
        header: None,
        lists: vec![Some(set(&["departmentName"], vec![]))],
    };
    let ok = WhenEmpty {
        success: true,
        message: "",
    };
    let reply = shape(m, rows, &ok).unwrap();
    assert_eq!(
        encode_xml(&reply),
        "<response><result>success</result><message></message><content></content></response>"
    );
}

#[test]
fn result_and_message_columns_set_the_outcome() {
    let m = find_inbound("checkPatientCard").unwrap();
    let rows = Rows {
        header: Some(set(
            &["result", "message"],
            vec![vec![t("error"), t("姓名与卡号不匹配")]],
        )),
        lists: vec![],
    };
    assert_eq!(
        shape(m, rows, &EMPTY).unwrap(),
        Reply::error("姓名与卡号不匹配")
    );
    let rows = Rows {
        header: Some(set(
            &["RESULT", "message"],
            vec![vec![t("success"), Value::Null]],
        )),
        lists: vec![],
    };
    let reply = shape(m, rows, &EMPTY).unwrap();
    assert!(reply.is_success());
    assert_eq!(reply.message, "");
}

#[test]
fn a_required_field_not_selected_is_the_mappings_fault_optional_ones_are_absent() {
    let m = find_inbound("findAllDepartments").unwrap();
    let rows = |columns: &[&str], row: Vec<Value>| Rows {
        header: None,
        lists: vec![Some(set(columns, vec![row]))],
    };
    let e = shape(
        m,
        rows(
            &["departmentName", "supperCode"],
            vec![t("牙科"), Value::Null],
        ),
        &EMPTY,
    )
    .unwrap_err();
    assert_eq!(
        e,
        ShapeError::Missing {
            field: "departmentCode"
        }
    );
    let reply = shape(
        m,
        rows(
            &["departmentName", "departmentCode", "supperCode"],
            vec![t("牙科"), Value::Null, Value::Null],
        ),
        &EMPTY,
    )
    .unwrap();
    let xml = encode_xml(&reply);
    assert!(xml.contains("<departmentName>牙科</departmentName><departmentCode></departmentCode><supperCode></supperCode>"), "{xml}");
    assert!(!xml.contains("departmentLogo"), "{xml}");
}

#[test]
fn nested_list_joins_children_on_the_key_in_one_pass() {
    let m = find_inbound("findOutpatientPay").unwrap();
    let parents = set(
        &["prescriptionNo", "orderFee", "createDate"],
        vec![
            vec![t("P1"), t("100"), t("2015-03-09 14:32:54")],
            vec![t("P2"), Value::Int(120), t("2015-03-09 14:33:24.000")],
            vec![t("P3"), t("5.5"), t("2015-03-09 15:00:00")],
        ],
    );
    let children = set(
        &["prescriptionNo", "price", "count", "feeName"],
        vec![
            vec![t("P2"), t("250.00"), Value::Int(2), t("阿莫西林")],
            vec![t("P1"), t("100"), Value::Int(1), t("CT")],
            vec![t("P2"), t("1.5"), Value::Int(1), t("注射费")],
            vec![t("P9"), t("1"), Value::Int(1), t("orphan")],
        ],
    );
    let list = m.response.list.unwrap();
    let parents = with_required(list.fields, parents);
    let children = with_required(list.child.unwrap().fields, children);
    let reply = shape(
        m,
        Rows {
            header: None,
            lists: vec![Some(parents), Some(children)],
        },
        &EMPTY,
    )
    .unwrap();
    let list = reply.body.unwrap().list.unwrap();
    assert_eq!(list.rows.len(), 3);
    let names = |r: &Row| -> Vec<String> {
        r.child
            .as_ref()
            .map(|c| {
                c.rows
                    .iter()
                    .map(|cr| {
                        cr.fields
                            .iter()
                            .find(|(n, _)| *n == "feeName")
                            .unwrap()
                            .1
                            .clone()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(names(&list.rows[0]), vec!["CT"]);
    assert_eq!(names(&list.rows[1]), vec!["阿莫西林", "注射费"]);
    assert!(list.rows[2].child.is_none());
    let fee = |r: &Row, n: &str| r.fields.iter().find(|(f, _)| *f == n).unwrap().1.clone();
    assert_eq!(fee(&list.rows[1], "orderFee"), "120.00");
    assert_eq!(fee(&list.rows[1], "createDate"), "2015-03-09 14:33:24");
    assert_eq!(fee(&list.rows[2], "orderFee"), "5.50");
}

/// The set with a NULL column for each required field it lacks.
fn with_required(fields: &[crate::catalogue::Field], mut set: ResultSet) -> ResultSet {
    for f in fields.iter().filter(|f| f.required) {
        if set.column(f.name).is_none() {
            set.columns.push(f.name.to_string());
            for row in &mut set.rows {
                row.push(Value::Null);
            }
        }
    }
    set
}

#[test]
fn a_value_of_the_wrong_type_names_the_field() {
    let m = find_inbound("queryPatientInfo").unwrap();
    let rows = Rows {
        header: Some(set(
            &["realName", "birthday"],
            vec![vec![t("张三"), t("yesterday")]],
        )),
        lists: vec![],
    };
    let e = shape(m, rows, &EMPTY).unwrap_err();
    assert_eq!(e.field(), "birthday");
    let rows = Rows {
        header: Some(set(
            &["realName", "eCardBalance"],
            vec![vec![t("张三"), t("12,00")]],
        )),
        lists: vec![],
    };
    assert_eq!(shape(m, rows, &EMPTY).unwrap_err().field(), "eCardBalance");
}

#[test]
fn dates_are_never_shifted() {
    let f = crate::catalogue::Field::new("x", FieldType::DateTime, true, "");
    let f: &'static crate::catalogue::Field = Box::leak(Box::new(f));
    assert_eq!(
        format_value(f, &t("2026-03-29 02:30:00")).unwrap(),
        "2026-03-29 02:30:00"
    );
    let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    assert_eq!(
        format_value(f, &Value::Date(d)).unwrap(),
        "2026-01-01 00:00:00"
    );
}

#[test]
fn canonical_text_passes_through_and_impossible_dates_are_refused() {
    assert!(is_canonical_date("2024-02-29"));
    assert!(!is_canonical_date("2023-02-29"));
    assert!(!is_canonical_date("2024-2-29x"));
    assert!(is_canonical_datetime("2024-02-29 23:59:59"));
    assert!(!is_canonical_datetime("2024-02-29 24:00:00"));
    assert!(!is_canonical_datetime("2024-02-29T23:59:59"));
    let f: &'static crate::catalogue::Field = Box::leak(Box::new(crate::catalogue::Field::new(
        "d",
        FieldType::Date,
        true,
        "",
    )));
    assert!(format_value(f, &t("2023-02-29")).is_err());
    assert_eq!(format_value(f, &t("2024-02-29")).unwrap(), "2024-02-29");
}
