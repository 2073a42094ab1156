use super::*;
use crate::catalogue::find_inbound;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
}

fn request(pairs: &[(&str, &str)]) -> RawRequest {
    RawRequest::new(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn value<'a>(method: &str, params: &'a Params, field: &str) -> Option<&'a str> {
    let m = find_inbound(method).unwrap();
    let i = m
        .request
        .fields
        .iter()
        .position(|f| f.name == field)
        .unwrap();
    params.value(i)
}

#[test]
fn missing_required_field_is_named() {
    let m = find_inbound("queryPatientInfo").unwrap();
    assert_eq!(
        validate(m, &request(&[]), today()),
        Err(ValidationError::Missing {
            field: "patientCard"
        })
    );
    // Present but blank counts as missing.
    assert_eq!(
        validate(m, &request(&[("patientCard", "  ")]), today()),
        Err(ValidationError::Missing {
            field: "patientCard"
        })
    );
    let err = validate(m, &request(&[]), today()).unwrap_err().to_string();
    assert!(err.contains("patientCard"), "{err}");
}

#[test]
fn names_match_ignoring_case() {
    let m = find_inbound("queryPatientInfo").unwrap();
    let p = validate(m, &request(&[("PATIENTCARD", "100034567")]), today()).unwrap();
    assert_eq!(
        value("queryPatientInfo", &p, "patientCard"),
        Some("100034567")
    );
}

#[test]
fn schedule_end_date_defaults_to_start_plus_seven_days() {
    let p = validate(
        find_inbound("querySchedule").unwrap(),
        &request(&[("startDate", "2026-3-28")]),
        today(),
    )
    .unwrap();
    assert_eq!(value("querySchedule", &p, "startDate"), Some("2026-03-28"));
    assert_eq!(value("querySchedule", &p, "endDate"), Some("2026-04-04"));
}

#[test]
fn report_range_defaults_to_the_last_month() {
    let p = validate(
        find_inbound("findInspectionReport").unwrap(),
        &request(&[("realName", "李明"), ("queryId", "12345678")]),
        today(),
    )
    .unwrap();
    // 31 March minus one month is the last day of February.
    assert_eq!(
        value("findInspectionReport", &p, "startDate"),
        Some("2026-02-28")
    );
    assert_eq!(
        value("findInspectionReport", &p, "endDate"),
        Some("2026-03-31")
    );
}

#[test]
fn bad_dates_and_reversed_ranges_are_refused() {
    let m = find_inbound("querySchedule").unwrap();
    let e = validate(m, &request(&[("startDate", "next monday")]), today()).unwrap_err();
    assert!(
        matches!(
            e,
            ValidationError::Invalid {
                field: "startDate",
                ..
            }
        ),
        "{e:?}"
    );
    let e = validate(
        m,
        &request(&[("startDate", "2026-04-10"), ("endDate", "2026-04-01")]),
        today(),
    )
    .unwrap_err();
    assert_eq!(
        e,
        ValidationError::Range {
            start: "startDate",
            end: "endDate"
        }
    );
}

#[test]
fn date_forms_are_normalised() {
    assert_eq!(
        parse_date("2014-1-30"),
        NaiveDate::from_ymd_opt(2014, 1, 30)
    );
    assert_eq!(
        parse_date("2014/01/30"),
        NaiveDate::from_ymd_opt(2014, 1, 30)
    );
    assert_eq!(parse_date("20140130"), NaiveDate::from_ymd_opt(2014, 1, 30));
    assert_eq!(
        parse_date("2014-01-30 08:00:00"),
        NaiveDate::from_ymd_opt(2014, 1, 30)
    );
    assert_eq!(parse_date("2014-02-30"), None);
    assert_eq!(
        parse_datetime("2015-03-20 19:33:45").unwrap().to_string(),
        "2015-03-20 19:33:45"
    );
    assert_eq!(
        parse_datetime("2015-03-20T19:33:45.120")
            .unwrap()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        "2015-03-20 19:33:45"
    );
}

#[test]
fn identity_numbers_follow_gb_11643() {
    // The standard's own example and a demo patient.
    assert_eq!(
        id_card("11010519491231002X").as_deref(),
        Some("11010519491231002X")
    );
    assert_eq!(
        id_card(" 11010519491231002x ").as_deref(),
        Some("11010519491231002X")
    );
    assert_eq!(
        id_card("430702200611148766").as_deref(),
        Some("430702200611148766")
    );
    for bad in [
        "110105194912310021", // wrong check character
        "430702xxxxxxxx8766", // masked
        "11010519491331002X", // month 13
        "11010519490229002X", // 1949 was not a leap year
        "1101051949123100",   // short
        "",
    ] {
        assert_eq!(id_card(bad), None, "{bad}");
    }
    let m = find_inbound("addPatientCard").unwrap();
    let e = validate(
        m,
        &request(&[
            ("realName", "张三"),
            ("idCard", "430702xxxxxxxx8766"),
            ("phone", "1"),
        ]),
        today(),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            ValidationError::Invalid {
                field: "idCard",
                ..
            }
        ),
        "{e:?}"
    );
    // Other methods keep the platform's masked ids as they are.
    let m = find_inbound("checkPatientCard").unwrap();
    assert!(validate(
        m,
        &request(&[
            ("patientCard", "1"),
            ("realName", "张三"),
            ("idCard", "430702xxxxxxxx8766"),
            ("phone", "1")
        ]),
        today()
    )
    .is_ok());
}
