//! The load-test baseline: a bare actix-web 4 server that answers
//! `POST /api/demo/findAllDepartments` and `POST /api/demo/findOutpatientPay`
//! with a fixed `<response>` body, so `deploy/bench/load.sh` can tell the
//! gateway's own cost (decode, validate, SQL, shape, encode) from actix's.
//!
//! ```text
//! cargo run --release -p hisgw-tools --bin bare_actix -- [PORT] [BODY_DIR]
//! ```
//!
//! PORT defaults to 8081; it listens on 127.0.0.1 only. With BODY_DIR, the
//! bodies are read from `BODY_DIR/findAllDepartments.xml` and
//! `BODY_DIR/findOutpatientPay.xml` (load.sh saves the gateway's own
//! answers there, so both servers send the same bytes); without it, built-in
//! bodies of about the demo's size are sent. The worker count is actix's
//! default (one per available core), as the gateway's when `workers` is unset.
//! The request body is read (as the gateway reads it) and ignored.

use std::path::Path;

use actix_web::{web, App, HttpResponse, HttpServer};

const XML: &str = "application/xml; charset=utf-8";

struct Bodies {
    departments: web::Bytes,
    outpatient_pay: web::Bytes,
}

fn load(dir: &Path, method: &str) -> std::io::Result<web::Bytes> {
    let path = dir.join(format!("{method}.xml"));
    let text = std::fs::read(&path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    Ok(web::Bytes::from(text))
}

/// 2.1 with 20 departments (about 3.5 kB).
fn builtin_departments() -> String {
    let mut out = String::from("<response><result>success</result><message></message><content>");
    for d in 0..20 {
        let level = if d % 10 == 0 { "1" } else { "2" };
        let parent = if d % 10 == 0 {
            String::new()
        } else {
            format!("{:02}00", d / 10 + 1)
        };
        out.push_str(&format!(
            "<data><departmentName>科室{d:02}</departmentName><departmentCode>{:02}{:02}</departmentCode>\
             <supperCode>{parent}</supperCode><departmentLevel>{level}</departmentLevel><departmentLogo></departmentLogo>\
             <departmentAddress>门诊楼 {} 层</departmentAddress><departmentSummary>诊治常见病、多发病。</departmentSummary>\
             <departmentFeature>特色专科</departmentFeature></data>",
            d / 10 + 1,
            d % 10,
            d % 6 + 1
        ));
    }
    out.push_str("</content></response>");
    out
}

/// 8.2 with 3 prescriptions of 3 fee items each (about 4 kB).
fn builtin_outpatient_pay() -> String {
    let mut out = String::from("<response><result>success</result><message></message><content>");
    for p in 0..3 {
        out.push_str(&format!(
            "<data><clinicNo>123</clinicNo><hisRegisterId>REG2015032000{p}</hisRegisterId>\
             <prescriptionNo>2015030900{p}</prescriptionNo><realName>李明</realName><patientCard>12345678</patientCard>\
             <orderFee>70.50</orderFee><createDate>2015-03-20 09:1{p}:00</createDate><feeType>药费</feeType>\
             <departmentName>心血管内科</departmentName><departmentCode>0101</departmentCode><doctorName>王医生</doctorName>\
             <doctorCode>D0012</doctorCode><diagnosisCode>I10.x00</diagnosisCode><diagnosisName>原发性高血压</diagnosisName><feeDetail>"
        ));
        for f in 0..3 {
            out.push_str(&format!(
                "<data><prescriptionNo>2015030900{p}</prescriptionNo><price>23.50</price>\
                 <createDate>2015-03-20 09:1{p}:00</createDate><patientTime>2015-03-20 08:30:00</patientTime>\
                 <usage>口服，一日三次</usage><dosage>每次 1 片</dosage><count>{}</count>\
                 <feeName>硝苯地平缓释片</feeName><feeType>药费</feeType></data>",
                f + 1
            ));
        }
        out.push_str("</feeDetail></data>");
    }
    out.push_str("</content></response>");
    out
}

async fn departments(_body: web::Bytes, bodies: web::Data<Bodies>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(XML)
        .body(bodies.departments.clone())
}

async fn outpatient_pay(_body: web::Bytes, bodies: web::Data<Bodies>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(XML)
        .body(bodies.outpatient_pay.clone())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = match args.next() {
        Some(p) => p.parse().map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("port {p:?}: {e}"))
        })?,
        None => 8081,
    };
    let bodies = match args.next() {
        Some(dir) => Bodies {
            departments: load(Path::new(&dir), "findAllDepartments")?,
            outpatient_pay: load(Path::new(&dir), "findOutpatientPay")?,
        },
        None => Bodies {
            departments: builtin_departments().into(),
            outpatient_pay: builtin_outpatient_pay().into(),
        },
    };
    eprintln!(
        "bare_actix: 127.0.0.1:{port}, findAllDepartments {} bytes, findOutpatientPay {} bytes",
        bodies.departments.len(),
        bodies.outpatient_pay.len()
    );
    let bodies = web::Data::new(bodies);
    HttpServer::new(move || {
        App::new()
            .app_data(bodies.clone())
            .route("/api/demo/findAllDepartments", web::post().to(departments))
            .route(
                "/api/demo/findOutpatientPay",
                web::post().to(outpatient_pay),
            )
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
