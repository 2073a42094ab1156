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
