//! Every push of the interface (§4.5 ReplacePatientCard, §16.1–16.8
//! pushHisData, §16.9 pushStopSchedule) from one real event in the demo HIS
//! to the stand-in platform: the demo runs all ten event sources, the test
//! changes the HIS's own tables the way its staff would (a card issued, a
//! prescription written, handed out, its invoice printed, a patient seen, a
//! report signed, a session stopped, a day's charges booked, a charge that
//! runs a stay into arrears), and each event arrives once, with every field
//! the spec requires. The list of pushes and their fields is the
//! catalogue's (`hisgw::catalogue::outbound()`).

use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;

use hisgw::catalogue::{self, Method};
use hisgw::execute::{Statement, Value};
use hisgw::outbound::outbox::{Outbox, State};
use hisgw_e2e::platform::{Call, Platform};
use hisgw_e2e::{first_poll, until, Backend, TestApp};
use rust_decimal::Decimal;

const SIGN_KEY: &str = "demo-key";
const HOSPITAL_ID: &str = "demoyyadmin";
const AREA_ID: &str = "01";

/// The pushes of the spec: the outbound methods that carry events.
fn pushes() -> Vec<&'static Method> {
    catalogue::outbound()
        .filter(|m| m.name == "pushHisData" || m.name == "pushStopSchedule")
        .collect()
}

/// The demo talking to `platform`, polling `sources` every second, from
/// their first poll on (no backfill).
async fn spawn(backend: Backend, platform: &Platform, sources: &[&str]) -> Option<TestApp> {
    let url = platform.url.clone();
    let sources: Vec<toml::Value> = sources.iter().map(|s| (*s).into()).collect();
    hisgw_e2e::spawn_demo_with(backend, move |t| {
        let mut p = toml::Table::new();
        p.insert("address".into(), url.into());
        p.insert("hospital_id".into(), HOSPITAL_ID.into());
        p.insert("hospital_area_id".into(), AREA_ID.into());
        p.insert("timeout_ms".into(), toml::Value::Integer(1500));
        t.insert("platform".into(), p.into());
        let mut push = toml::Table::new();
        push.insert("sources".into(), sources.into());
        push.insert("poll_interval_s".into(), toml::Value::Integer(1));
        push.insert("max_attempts".into(), toml::Value::Integer(3));
        push.insert("backoff_initial_s".into(), toml::Value::Integer(1));
        push.insert("backoff_max_s".into(), toml::Value::Integer(2));
        push.insert("backfill".into(), false.into());
        t.insert("push".into(), push.into());
    })
    .await
}

/// Where the demo's SQLite and T-SQL differ: the clock, dates and Unicode
/// literals. Times are the database's own (the sources compare with it).
#[derive(Clone, Copy)]
struct Sql(Backend);

impl Sql {
    /// The database's local time `secs` seconds ago.
    fn ago(self, secs: u32) -> String {
        match self.0 {
            Backend::Sqlite => format!("datetime('now', 'localtime', '-{secs} seconds')"),
            Backend::Mssql => format!("DATEADD(SECOND, -{secs}, GETDATE())"),
            Backend::Postgres => format!("(LOCALTIMESTAMP(0) - interval '{secs} seconds')"),
            Backend::Mysql => format!("DATE_SUB(NOW(), INTERVAL {secs} SECOND)"),
        }
    }

    /// The same as text, `yyyy-MM-dd HH:mm:ss` (as watermarks begin).
    fn ago_text(self, secs: u32) -> String {
        match self.0 {
            Backend::Sqlite => self.ago(secs),
            Backend::Mssql => format!("CONVERT(varchar(19), {}, 120)", self.ago(secs)),
            Backend::Postgres => format!("to_char({}, 'YYYY-MM-DD HH24:MI:SS')", self.ago(secs)),
            Backend::Mysql => format!("DATE_FORMAT({}, '%Y-%m-%d %H:%i:%s')", self.ago(secs)),
        }
    }

    /// Today plus `days`, a date.
    fn day(self, days: i32) -> String {
        match self.0 {
            Backend::Sqlite => format!("date('now', 'localtime', '{days:+} days')"),
            Backend::Mssql => format!("CAST(DATEADD(DAY, {days}, GETDATE()) AS date)"),
            Backend::Postgres => format!("(CURRENT_DATE + {days})"),
            Backend::Mysql => format!("DATE_ADD(CURDATE(), INTERVAL {days} DAY)"),
        }
    }

    /// Today plus `days` at `hms`, a date-time.
    fn day_at(self, days: i32, hms: &str) -> String {
        match self.0 {
            Backend::Sqlite => format!("{} || ' {hms}'", self.day(days)),
            Backend::Mssql => format!(
                "CAST(CONVERT(varchar(10), DATEADD(DAY, {days}, GETDATE()), 120) + 'T{hms}' AS datetime)"
            ),
            Backend::Postgres => format!("((CURRENT_DATE + {days}) + time '{hms}')"),
            Backend::Mysql => format!("TIMESTAMP(DATE_ADD(CURDATE(), INTERVAL {days} DAY), '{hms}')"),
        }
    }

    /// A string literal that may hold Chinese.
    fn text(self, s: &str) -> String {
        match self.0 {
            Backend::Sqlite | Backend::Postgres | Backend::Mysql => format!("'{s}'"),
            Backend::Mssql => format!("N'{s}'"),
        }
    }
}

/// A value as the wire writes it (date-times without fractions).
fn text(v: &Value) -> String {
    match v {
        Value::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        other => other.text(),
    }
}

/// The rows of `sql` as text.
async fn rows(app: &TestApp, sql: &str) -> Vec<Vec<String>> {
    let sets = app.demo_sql(sql).await;
    sets[0][0]
        .rows
        .iter()
        .map(|r| r.iter().map(text).collect())
        .collect()
}

/// The first row of `sql`.
async fn row(app: &TestApp, sql: &str) -> Vec<String> {
    rows(app, sql)
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no row: {sql}"))
}

/// The exact sum of the amounts `sql` selects.
async fn sum(app: &TestApp, sql: &str) -> Decimal {
    rows(app, sql)
        .await
        .iter()
        .map(|r| Decimal::from_str(&r[0]).unwrap_or_else(|e| panic!("{}: {e}", r[0])))
        .sum()
}

fn money(d: Decimal) -> String {
    format!("{:.2}", d.round_dp(2))
}

/// One business change of the HIS, in one transaction of its own.
async fn his(app: &TestApp, statements: &[String]) {
    let h = app.gateway.hospital("demo").unwrap();
    let work = statements
        .iter()
        .map(|s| Statement::new(s.as_str(), vec![]))
        .collect();
    h.db.execute(work)
        .await
        .unwrap_or_else(|e| panic!("{statements:#?}: {e}"));
}

/// The event the test made for one push: the field and value that pick
/// its call out, and the values the call must carry.
struct Made {
    key: &'static str,
    by: (&'static str, String),
    values: Vec<(&'static str, String)>,
}

impl Made {
    fn new(key: &'static str, by: &'static str, id: &str, values: &[(&'static str, &str)]) -> Made {
        Made {
            key,
            by: (by, id.to_string()),
            values: values.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }

    fn is_mine(&self, call: &Call) -> bool {
        call.field(self.by.0) == Some(self.by.1.as_str())
    }
}

/// Near midnight a day's events (16.3 per day, 16.4 yesterday's lists, the
/// sources' "today 00:00:00" start) would straddle two days: wait until the
/// new day is two minutes old.
async fn away_from_midnight() {
    use chrono::Timelike;
    loop {
        let t = chrono::Local::now().time();
        if (2..23 * 60 + 57).contains(&(t.hour() * 60 + t.minute())) {
            return;
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

/// 16.2 and 16.8 read a prescription written 65 seconds ago (16.8 waits for
/// 60 s of quiet per visit). Its watermark (create_time first) must be after
/// what their first polls kept: only a seeded prescription of today that
/// is less than 65 s old could be later, and then this waits until it is not.
async fn backdating_clears_the_first_polls(app: &TestApp, sql: Sql) {
    for _ in 0..70 {
        let marks = rows(
            app,
            "SELECT value FROM hisgw_watermark \
             WHERE source IN ('notifyOutpatientFee', 'pushPatientFeeNotice')",
        )
        .await;
        let back = row(app, &format!("SELECT {}", sql.ago_text(65))).await[0].clone();
        if marks
            .iter()
            .all(|m| m[0].chars().take(19).collect::<String>() < back)
        {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    panic!("the first polls' watermarks stay within the last 65 seconds");
}

/// Makes one event of every push through the demo HIS's own tables (and
/// the gateway's own payment call where the platform's order is needed);
/// returns what each push must deliver.
async fn make_events(app: &TestApp, backend: Backend) -> Vec<Made> {
    let sql = Sql(backend);
    let mut made = Vec::new();
    let today = row(app, &format!("SELECT {}", sql.day(0))).await[0].clone();
    let yesterday = row(app, &format!("SELECT {}", sql.day(-1))).await[0].clone();
    let tomorrow = row(app, &format!("SELECT {}", sql.day(1))).await[0].clone();

    // 4.5 ReplacePatientCard: 李思思 registered online (virtual card xn001)
    // is issued a 就诊卡 at the hospital (trigger tr_card_replace_event).
    his(
        app,
        &[
            format!(
                "INSERT INTO card (card_no, patient_id, card_type, status, issue_time) \
                 VALUES ('100080001', '6000270', '1', '0', {})",
                sql.ago(1)
            ),
            "UPDATE sys_sequence SET cur_val = 100080001 WHERE seq_name = 'card_no'".into(),
        ],
    )
    .await;
    made.push(Made::new(
        "ReplacePatientCard",
        "oldPatientCard",
        "xn001",
        &[
            ("newPatientCard", "100080001"),
            ("realName", "李思思"),
            ("idCard", "320105199805200644"),
        ],
    ));

    // 16.1 getMedicalSuccess and 16.7 printInvoiceSuccess need a platform
    // order: 李明 pays 20150309001 (190.00) through the gateway (8.3), the
    // pharmacy hands it out (rx_dispense → tr_rx_dispense_event), and its
    // invoice is printed for the first time at a self-service machine
    // (invoice_print_log → tr_invoice_print_event).
    let trade_no = "EH0526112600000777";
    let payed = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
    let paid = app
        .call(
            "outpatientPay",
            &[
                ("prescriptionNo", "20150309001"),
                ("realName", "李明"),
                ("patientCard", "12345678"),
                ("orderFee", "190.00"),
                ("payType", "weChat"),
                ("feeType", "药费"),
                ("payedTime", &payed),
                ("tradeNo", trade_no),
            ],
        )
        .await;
    paid.assert_success();
    let invoice_no = paid.text("invoiceNo").expect("invoiceNo");
    let his_pay_id = paid.text("serialNo").expect("serialNo");
    his(
        app,
        &[format!(
            "INSERT INTO rx_dispense (rx_no, window_no, dispense_time, operator, status) \
             VALUES ('20150309001', {}, {}, {}, '1')",
            sql.text("西药房3号窗口"),
            sql.ago(1),
            sql.text("药师周敏")
        )],
    )
    .await;
    made.push(Made::new(
        "getMedicalSuccess",
        "his_no",
        "20150309001",
        &[("tradeNo", trade_no), ("status", "1")],
    ));
    his(
        app,
        &[format!(
            "INSERT INTO invoice_print_log (invoice_no, his_pay_id, print_type, print_time, print_place, operator) \
             VALUES ('{invoice_no}', '{his_pay_id}', '1', {}, {}, 'ZZJ05')",
            sql.ago(1),
            sql.text("自助机ZZJ-05")
        )],
    )
    .await;
    let printed = row(
        app,
        &format!("SELECT print_time FROM invoice_print_log WHERE invoice_no = '{invoice_no}'"),
    )
    .await[0]
        .clone();
    made.push(Made::new(
        "printInvoiceSuccess",
        "invoice_number",
        &invoice_no,
        &[
            ("trade_no", trade_no),
            ("invoice_amount", "190.00"),
            ("print_time", &printed),
            ("print_place", "自助机ZZJ-05"),
            ("print_account", "ZZJ05"),
        ],
    ));

    // 16.2 notifyOutpatientFee and 16.8 pushPatientFeeNotice: the doctor
    // writes one unpaid lab order for 刘洋's visit today (就诊号 126, whose
    // only other prescription is paid). Written 65 s ago, so the visit has
    // had its 60 s of quiet now; both pushes announce it (a hospital would
    // push one of the two).
    backdating_clears_the_first_polls(app, sql).await;
    let visit = row(
        app,
        "SELECT r.register_id, r.card_no FROM outp_register r WHERE r.clinic_no = '126'",
    )
    .await;
    let (register_id, card) = (visit[0].clone(), visit[1].clone());
    let rx_no = format!("{}0777", today.replace('-', ""));
    his(
        app,
        &[
            format!(
                "INSERT INTO rx_master (rx_no, register_id, patient_id, dept_code, doctor_code, rx_type, \
                                        diag_code, diag_name, create_time, charge_status) \
                 SELECT '{rx_no}', r.register_id, r.patient_id, r.dept_code, r.doctor_code, '4', \
                        'J06.900', {}, {}, '0' \
                 FROM outp_register r WHERE r.register_id = '{register_id}'",
                sql.text("急性上呼吸道感染"),
                sql.ago(65)
            ),
            format!(
                "INSERT INTO rx_detail (rx_no, line_no, item_code, item_name, unit, price, qty, amount, exec_dept) \
                 VALUES ('{rx_no}', 1, 'L20001', {}, {}, '20.00', '1', '20.00', 'JYK'), \
                        ('{rx_no}', 2, 'L20115', {}, {}, '15.00', '1', '15.00', 'JYK'), \
                        ('{rx_no}', 3, 'L29001', {}, {}, '3.50', '1', '3.50', 'JYK')",
                sql.text("血常规(五分类)"),
                sql.text("次"),
                sql.text("C反应蛋白测定(CRP)"),
                sql.text("次"),
                sql.text("静脉采血"),
                sql.text("次")
            ),
        ],
    )
    .await;
    let written = row(
        app,
        &format!("SELECT create_time FROM rx_master WHERE rx_no = '{rx_no}'"),
    )
    .await[0]
        .clone();
    let fee_day = &written[..10];
    made.push(Made::new(
        "notifyOutpatientFee",
        "clinic_no",
        "126",
        &[
            ("real_name", "刘洋"),
            ("id_card", "320115201507300332"),
            ("patient_card", &card),
            ("fee_type", "检验费"),
            ("fee_date", fee_day),
            ("total_amount", "38.50"),
        ],
    ));
    made.push(Made::new(
        "pushPatientFeeNotice",
        "hisRegisterId",
        &register_id,
        &[
            ("realName", "刘洋"),
            ("patientCard", &card),
            ("feeAmount", "38.50"),
            ("feeType", "门诊缴费"),
            ("feeDate", fee_day),
        ],
    ));

    // 16.3 pushInhospitalFee: a charge booked a second ago runs 周建华's
    // stay (住院号 100038845) into arrears by 123.45.
    let prepaid = sum(
        app,
        "SELECT amount FROM inp_prepay WHERE inp_no = '100038845' AND status = '1'",
    )
    .await;
    let used = sum(
        app,
        "SELECT amount FROM inp_fee_detail WHERE inp_no = '100038845'",
    )
    .await;
    let charge = (prepaid - used).max(Decimal::ZERO) + Decimal::new(12345, 2);
    let arrears = used + charge - prepaid;
    his(
        app,
        &[format!(
            "INSERT INTO inp_fee_detail (inp_no, fee_date, charge_time, item_code, item_name, fee_class, \
                                         unit, price, qty, amount, order_doctor, exec_dept) \
             VALUES ('100038845', {}, {}, 'C0831', {}, {}, {}, '{c}', '1', '{c}', '0533', '004')",
            sql.day(0),
            sql.ago(1),
            sql.text("锁定加压螺钉"),
            sql.text("材料费"),
            sql.text("套"),
            c = money(charge)
        )],
    )
    .await;
    made.push(Made::new(
        "pushInhospitalFee",
        "serial_number",
        "100038845",
        &[
            ("real_name", "周建华"),
            ("id_card", "320124197910080752"),
            ("patient_card", "100066519"),
            ("total_amount", &money(prepaid)),
            ("used_amount", &money(used + charge)),
            ("remain_amount", &money(prepaid - used - charge)),
            ("arrear_amount", &money(arrears)),
        ],
    ));
    assert_eq!(money(arrears), "123.45");

    // 16.4 pushDayExpense: the day's list of a stay begun yesterday. 陈静 was
    // admitted yesterday (the next 住院号, 100038901, sorting after every
    // stay the first poll saw) and yesterday's charges were booked last
    // night: yesterday is over, so its list is due now.
    his(
        app,
        &[
            format!(
                "INSERT INTO inpatient (inp_no, patient_id, card_no, admit_times, admit_time, dept_code, ward_code, \
                                        bed_no, doctor_code, diag_code, diag_name, inp_status) \
                 VALUES ('100038901', '6000252', '100060072', 1, {}, 'd0001', 'W01', '15', 'D0017', \
                         'J18.900', {}, '1')",
                sql.day_at(-1, "10:12:30"),
                sql.text("肺炎")
            ),
            format!(
                "INSERT INTO inp_prepay (inp_no, amount, pay_way, receipt_no, pay_time, operator, status) \
                 VALUES ('100038901', '1000.00', {}, 'YJ00261100', {}, {}, '1')",
                sql.text("现金"),
                sql.day_at(-1, "10:20:05"),
                sql.text("收费员王静")
            ),
            format!(
                "INSERT INTO inp_fee_detail (inp_no, fee_date, charge_time, item_code, item_name, fee_class, \
                                             unit, price, qty, amount, order_doctor, exec_dept) \
                 VALUES ('100038901', {d}, {t}, 'B0001', {}, {}, {}, '45.00', '1', '45.00', 'D0017', 'd0001'), \
                        ('100038901', {d}, {t}, 'H0002', {}, {}, {}, '18.00', '1', '18.00', 'D0017', 'd0001'), \
                        ('100038901', {d}, {t}, 'X0231', {}, {}, {}, '12.60', '2', '25.20', 'D0017', 'YJK')",
                sql.text("床位费(三人间)"),
                sql.text("床位费"),
                sql.text("日"),
                sql.text("二级护理"),
                sql.text("护理费"),
                sql.text("日"),
                sql.text("注射用头孢曲松钠"),
                sql.text("西药费"),
                sql.text("支"),
                d = sql.day(-1),
                t = sql.day_at(-1, "20:05:00")
            ),
            "UPDATE sys_sequence SET cur_val = 100038901 WHERE seq_name = 'inp_no'".into(),
        ],
    )
    .await;
    made.push(Made::new(
        "pushDayExpense",
        "serial_number",
        "100038901",
        &[
            ("real_name", "陈静"),
            ("id_card", "320113199012150261"),
            ("patient_card", "100060072"),
            ("fee_type", "住院费用"),
            ("fee_date", &yesterday),
            ("total_amount", "88.20"),
        ],
    ));

    // 16.5 pushClinicFinish: the doctor receives a patient waiting today.
    let waiting = row(
        app,
        "SELECT r.register_id, r.card_no, p.name, p.id_no FROM outp_register r \
         JOIN patient p ON p.patient_id = r.patient_id \
         WHERE r.status = '1' AND r.visit_status = '0' ORDER BY r.register_id",
    )
    .await;
    his(
        app,
        &[format!(
            "UPDATE outp_register SET visit_status = '1', see_time = {} WHERE register_id = '{}'",
            sql.ago(1),
            waiting[0]
        )],
    )
    .await;
    made.push(Made::new(
        "pushClinicFinish",
        "his_id",
        &waiting[0],
        &[
            ("patient_card", &waiting[1]),
            ("real_name", &waiting[2]),
            ("id_card", &waiting[3]),
        ],
    ));

    // 16.6 pushReportFinish: the LIS signs 李明's blood count taken this
    // morning on the ward (住院号 100038812, 呼吸内科病区).
    his(
        app,
        &[format!(
            "UPDATE lis_report SET status = '2', report_time = {}, auditor = {} \
             WHERE report_id = '0d6a3b9e57f24e1c9a8b7c6d5e4f3a21'",
            sql.ago(1),
            sql.text("钱晓东")
        )],
    )
    .await;
    made.push(Made::new(
        "pushReportFinish",
        "report_id",
        "0d6a3b9e57f24e1c9a8b7c6d5e4f3a21",
        &[
            ("real_name", "李明"),
            ("id_card", "320102200203180515"),
            ("patient_card", "12345678"),
            ("report_scope", "2"),
            ("report_date", &today),
            ("report_address", "呼吸内科病区(住院楼5楼)护士站"),
        ],
    ));

    // 16.9 pushStopSchedule: tomorrow afternoon's session of 吴卫中 (roster
    // line 1) is stopped; the trigger tr_schedule_stop_time dates the stop.
    let session = row(
        app,
        &format!(
            "SELECT schedule_id, ampm, time_quantum, dept_code, doctor_code FROM schedule \
             WHERE tpl_id = 1 AND clinic_date = {}",
            sql.day(1)
        ),
    )
    .await;
    his(
        app,
        &[format!(
            "UPDATE schedule SET status = '0', stop_reason = {} WHERE schedule_id = '{}'",
            sql.text("医生外出会诊"),
            session[0]
        )],
    )
    .await;
    made.push(Made::new(
        "pushStopSchedule",
        "scheduleId",
        &session[0],
        &[
            ("clinicDate", &tomorrow),
            ("clinicTime", &session[1]),
            ("timeQuantum", &session[2]),
            ("departmentCode", &session[3]),
            ("doctorCode", &session[4]),
        ],
    ));
    made
}

/// Each test once per backend, given the backend (it starts its own app).
macro_rules! per_backend {
    ($( async fn $name:ident($backend:ident) $body:block )*) => {
        mod sqlite { use super::*; $( #[tokio::test] async fn $name() { let $backend = Backend::Sqlite; $body } )* }
        mod mssql { use super::*; $( #[tokio::test] async fn $name() { let $backend = Backend::Mssql; $body } )* }
        mod postgres { use super::*; $( #[tokio::test] async fn $name() { let $backend = Backend::Postgres; $body } )* }
        mod mysql { use super::*; $( #[tokio::test] async fn $name() { let $backend = Backend::Mysql; $body } )* }
    };
}

per_backend! {
    async fn every_push_is_delivered_once_with_its_spec_fields(backend) {
        let pushes = pushes();
        let sources: Vec<&str> = pushes.iter().map(|m| m.key()).collect();
        assert_eq!(sources.len(), 10, "4.5 and 16.1–16.9: {sources:?}");
        away_from_midnight().await;
        let platform = Platform::start(SIGN_KEY).await;
        let Some(app) = spawn(backend, &platform, &sources).await else { return };
        for source in &sources {
            first_poll(&app, source).await;
        }
        // Sources read only seconds that are over: once the current second
        // is past every first poll's, "a second ago" is after all they read.
        tokio::time::sleep(Duration::from_millis(1100)).await;

        let made = make_events(&app, backend).await;
        for key in &sources {
            assert!(made.iter().any(|e| e.key == *key), "no event made for {key}");
        }
        let arrived = || made.iter().all(|e| platform.calls_for(e.key).iter().any(|c| e.is_mine(c)));
        assert!(until(30, arrived).await, "not every push arrived: {:#?}", platform.calls());
        // A few more polls and delivery rounds: nothing is pushed again.
        tokio::time::sleep(Duration::from_secs(3)).await;

        for method in &pushes {
            let key = method.key();
            let event = made.iter().find(|e| e.key == key).unwrap();
            let calls = platform.calls_for(key);
            let mine: Vec<&Call> = calls.iter().filter(|c| event.is_mine(c)).collect();
            assert_eq!(mine.len(), 1, "{key}: the event once: {calls:#?}");
            let distinct: HashSet<_> = calls.iter().map(|c| &c.fields).collect();
            assert_eq!(distinct.len(), calls.len(), "{key}: no event twice: {calls:#?}");
            let call = mine[0];
            assert_eq!(call.operation, method.name, "{key}");
            if method.name == "pushHisData" {
                assert_eq!(call.data_type.as_deref(), Some(key));
            }
            for field in method.request.fields {
                let value = call.field(field.name).unwrap_or_default();
                if field.required {
                    assert!(!value.is_empty(), "{key} ({}): required {} is missing or empty: {:#?}", method.section, field.name, call.fields);
                }
                match field.name {
                    "hospitalId" | "hospital_id" => assert_eq!(value, HOSPITAL_ID, "{key}.{}", field.name),
                    "hospital_area_id" => assert_eq!(value, AREA_ID, "{key}.{}", field.name),
                    _ => {}
                }
            }
            for name in call.fields.keys() {
                assert!(method.request.fields.iter().any(|f| f.name == name), "{key}: {name} is not a field of {}", method.section);
            }
            assert_eq!(call.field(event.by.0), Some(event.by.1.as_str()));
            for (name, value) in &event.values {
                assert_eq!(call.field(name), Some(value.as_str()), "{key}.{name}: {:#?}", call.fields);
            }
        }

        let h = app.gateway.hospital("demo").unwrap();
        let rows = Outbox::of(&h.db).list(None).await.unwrap();
        assert!(rows.iter().all(|r| r.state == State::Sent), "{rows:#?}");
    }
}
