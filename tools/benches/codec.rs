//! The gateway's own work per call, without a database: decode the request
//! XML, validate it against the catalogue, shape synthetic result sets (as
//! a backend hands them back) and encode the `<response>` XML.
//!
//! Run with `cargo bench -p hisgw-tools --bench codec` (about 30 s in all).
//!
//! Benchmarks:
//! - `findOutpatientPay/pipeline`: decode → validate → shape → encode for the
//!   8.2 example request and 5 prescriptions × 4 fee details;
//! - `findOutpatientPay/soap_pipeline` and `…/json_pipeline`: the same call
//!   as a SOAP 1.1 envelope (request escaped in `arg0`, answer escaped in
//!   `<return>`) and as JSON, so the transports compare with REST;
//! - `findOutpatientPay/decode`, `…/validate`, `…/shape`, `…/encode`: each
//!   stage alone on the same data;
//! - `findAllDepartments/pipeline`: the same for 2.1 with 20 departments.
//!
//! `shape` consumes its `Rows`, so every iteration gets a fresh clone of
//! result sets built once up front; the clone is made in `iter_batched`'s
//! setup and is not part of the measured time.

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use hisgw::catalogue::{find_inbound, Method};
use hisgw::decode::{decode_json, decode_soap, decode_xml, SoapNames, SoapVersion};
use hisgw::encode::{encode_json, encode_soap, encode_xml, encode_xml_as_text};
use hisgw::execute::{ResultSet, Value};
use hisgw::shape::{shape, Rows, WhenEmpty};
use hisgw::validate::validate;
use rust_decimal::Decimal;

/// The spec's 8.2 request example.
const OUTPATIENT_PAY_REQUEST: &[u8] =
    "<request><realName>李明</realName><patientCard>12345678</patientCard><clinicNo>123</clinicNo></request>"
        .as_bytes();
/// 2.1 takes no fields.
const DEPARTMENTS_REQUEST: &[u8] = b"<request></request>";

const PRESCRIPTIONS: usize = 5;
const FEES_PER_PRESCRIPTION: usize = 4;
const DEPARTMENTS: usize = 20;

const FOUND: WhenEmpty<'static> = WhenEmpty {
    success: true,
    message: "",
};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 3, 20).expect("valid date")
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn money(cents: i64) -> Value {
    Value::Decimal(Decimal::new(cents, 2))
}

fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// 8.2: `content` rows (one per prescription) and `feeDetail` rows joined
/// on prescriptionNo, typed as the SQLite backend returns them (date-times
/// as text, amounts as decimals, counts as integers).
fn outpatient_pay_rows() -> Rows {
    let content = ResultSet {
        columns: columns(&[
            "clinicNo",
            "hisRegisterId",
            "prescriptionNo",
            "realName",
            "patientCard",
            "orderFee",
            "createDate",
            "feeType",
            "departmentName",
            "departmentCode",
            "doctorName",
            "doctorCode",
            "diagnosisCode",
            "diagnosisName",
        ]),
        rows: (0..PRESCRIPTIONS)
            .map(|p| {
                vec![
                    text("123"),
                    text(format!("REG2015032000{p}")),
                    text(format!("2015030900{p}")),
                    text("李明"),
                    text("12345678"),
                    money(19_000 + p as i64 * 1_250),
                    text(format!("2015-03-20 09:{:02}:00", 10 + p)),
                    text(if p % 2 == 0 { "药费" } else { "检查费" }),
                    text("心血管内科"),
                    text("0101"),
                    text("王医生"),
                    text("D0012"),
                    text("I10.x00"),
                    text("原发性高血压"),
                ]
            })
            .collect(),
    };
    let fee_detail = ResultSet {
        columns: columns(&[
            "prescriptionNo",
            "price",
            "createDate",
            "patientTime",
            "usage",
            "dosage",
            "count",
            "feeName",
            "feeType",
        ]),
        rows: (0..PRESCRIPTIONS)
            .flat_map(|p| {
                (0..FEES_PER_PRESCRIPTION).map(move |f| {
                    vec![
                        text(format!("2015030900{p}")),
                        money(2_350 + f as i64 * 100),
                        text(format!("2015-03-20 09:{:02}:00", 10 + p)),
                        text("2015-03-20 08:30:00"),
                        text("口服，一日三次"),
                        text("每次 1 片"),
                        Value::Int(1 + f as i64),
                        text(format!("硝苯地平缓释片 {f}")),
                        text("药费"),
                    ]
                })
            })
            .collect(),
    };
    Rows {
        header: None,
        lists: vec![Some(content), Some(fee_detail)],
    }
}

/// 2.1: 20 departments, two first-level ones and their children.
fn department_rows() -> Rows {
    let content = ResultSet {
        columns: columns(&[
            "departmentName",
            "departmentCode",
            "supperCode",
            "departmentLevel",
            "departmentLogo",
            "departmentAddress",
            "departmentSummary",
            "departmentFeature",
        ]),
        rows: (0..DEPARTMENTS)
            .map(|d| {
                let first_level = d % 10 == 0;
                vec![
                    text(format!("科室{d:02}")),
                    text(format!("{:02}{:02}", d / 10 + 1, d % 10)),
                    if first_level {
                        Value::Null
                    } else {
                        text(format!("{:02}00", d / 10 + 1))
                    },
                    text(if first_level { "1" } else { "2" }),
                    Value::Null,
                    text(format!("门诊楼 {} 层", d % 6 + 1)),
                    text("诊治常见病、多发病，开展专科门诊与住院治疗。"),
                    text("特色专科 & 重点学科"),
                ]
            })
            .collect(),
    };
    Rows {
        header: None,
        lists: vec![Some(content)],
    }
}

/// The 8.2 request as a SOAP 1.1 call (zeep's form: escaped in `arg0`).
fn soap_request(body: &[u8]) -> String {
    let mut escaped = String::new();
    hisgw::encode::escape_into(&mut escaped, std::str::from_utf8(body).expect("utf-8"));
    format!(
        "<?xml version='1.0' encoding='utf-8'?><soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap-env:Body><ns0:findOutpatientPay xmlns:ns0=\"http://hisgw.local/his\"><arg0>{escaped}</arg0></ns0:findOutpatientPay></soap-env:Body></soap-env:Envelope>"
    )
}

const SOAP_NAMES: SoapNames<'static> = SoapNames {
    param: "arg0",
    dispatcher: None,
};

/// The same work for a SOAP call: envelope in, envelope out.
fn soap_pipeline(method: &Method, envelope: &str, rows: Rows) -> String {
    let call = decode_soap(envelope, &SOAP_NAMES, SoapVersion::V11).expect("envelope decodes");
    let request = call.request.expect("request decodes");
    let params = validate(method, &request, today()).expect("request is valid");
    black_box(&params);
    let reply = shape(method, rows, &FOUND).expect("rows shape");
    encode_soap(
        call.version,
        call.namespace.as_deref(),
        &call.operation,
        &encode_xml_as_text(&reply),
        "UTF-8",
    )
}

/// The same work for a JSON call.
fn json_pipeline(method: &Method, body: &str, rows: Rows) -> String {
    let request = decode_json(body).expect("request decodes");
    let params = validate(method, &request, today()).expect("request is valid");
    black_box(&params);
    let reply = shape(method, rows, &FOUND).expect("rows shape");
    encode_json(&reply)
}

/// The whole of the gateway's per-call work except the database.
fn pipeline(method: &Method, body: &[u8], rows: Rows) -> String {
    let request = decode_xml(body).expect("request decodes");
    let params = validate(method, &request, today()).expect("request is valid");
    black_box(&params);
    let reply = shape(method, rows, &FOUND).expect("rows shape");
    encode_xml(&reply)
}

fn outpatient_pay(c: &mut Criterion) {
    let method = find_inbound("findOutpatientPay").expect("8.2 in the catalogue");
    let rows = outpatient_pay_rows();

    // Sanity check once, outside any measurement.
    let xml = pipeline(method, OUTPATIENT_PAY_REQUEST, clone_rows(&rows));
    assert!(
        xml.starts_with("<response><result>success</result>"),
        "{xml}"
    );
    assert_eq!(xml.matches("<feeDetail>").count(), PRESCRIPTIONS, "{xml}");
    assert_eq!(
        xml.matches("<feeName>").count(),
        PRESCRIPTIONS * FEES_PER_PRESCRIPTION
    );
    eprintln!("findOutpatientPay: response {} bytes", xml.len());

    let envelope = soap_request(OUTPATIENT_PAY_REQUEST);
    let answer = soap_pipeline(method, &envelope, clone_rows(&rows));
    assert!(answer.contains("&lt;feeDetail&gt;"), "{answer}");
    let json = r#"{"realName":"李明","patientCard":"12345678","clinicNo":"123"}"#;
    assert!(json_pipeline(method, json, clone_rows(&rows)).contains("\"feeDetail\""));

    let mut group = c.benchmark_group("findOutpatientPay");
    group.bench_function("pipeline", |b| {
        b.iter_batched(
            || clone_rows(&rows),
            |rows| pipeline(method, black_box(OUTPATIENT_PAY_REQUEST), rows),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("soap_pipeline", |b| {
        b.iter_batched(
            || clone_rows(&rows),
            |rows| soap_pipeline(method, black_box(&envelope), rows),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("json_pipeline", |b| {
        b.iter_batched(
            || clone_rows(&rows),
            |rows| json_pipeline(method, black_box(json), rows),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("decode", |b| {
        b.iter(|| decode_xml(black_box(OUTPATIENT_PAY_REQUEST)).expect("decodes"))
    });
    let request = decode_xml(OUTPATIENT_PAY_REQUEST).expect("decodes");
    group.bench_function("validate", |b| {
        b.iter(|| validate(method, black_box(&request), today()).expect("valid"))
    });
    group.bench_function("shape", |b| {
        b.iter_batched(
            || clone_rows(&rows),
            |rows| shape(method, rows, &FOUND).expect("shapes"),
            BatchSize::SmallInput,
        )
    });
    let reply = shape(method, clone_rows(&rows), &FOUND).expect("shapes");
    group.bench_function("encode", |b| b.iter(|| encode_xml(black_box(&reply))));
    group.bench_function("soap_decode", |b| {
        b.iter(|| {
            decode_soap(black_box(&envelope), &SOAP_NAMES, SoapVersion::V11).expect("decodes")
        })
    });
    let response = encode_xml_as_text(&reply);
    group.bench_function("soap_encode", |b| {
        b.iter(|| {
            encode_soap(
                SoapVersion::V11,
                Some("urn:x"),
                "findOutpatientPay",
                black_box(&response),
                "UTF-8",
            )
        })
    });
    group.finish();
}

fn all_departments(c: &mut Criterion) {
    let method = find_inbound("findAllDepartments").expect("2.1 in the catalogue");
    let rows = department_rows();

    let xml = pipeline(method, DEPARTMENTS_REQUEST, clone_rows(&rows));
    assert!(
        xml.starts_with("<response><result>success</result>"),
        "{xml}"
    );
    assert_eq!(
        xml.matches("<departmentCode>").count(),
        DEPARTMENTS,
        "{xml}"
    );
    eprintln!("findAllDepartments: response {} bytes", xml.len());

    let mut group = c.benchmark_group("findAllDepartments");
    group.bench_function("pipeline", |b| {
        b.iter_batched(
            || clone_rows(&rows),
            |rows| pipeline(method, black_box(DEPARTMENTS_REQUEST), rows),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// `Rows` is not `Clone`; its result sets are.
fn clone_rows(rows: &Rows) -> Rows {
    Rows {
        header: rows.header.clone(),
        lists: rows.lists.clone(),
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = outpatient_pay, all_departments
}
criterion_main!(benches);
