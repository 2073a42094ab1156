//! Exactly-once across processes, with the real `hisgw` binary on the
//! SQLite demo: a gateway killed (SIGKILL) while a payment is inside its
//! transaction leaves no trace of it, and the replayed notification books
//! once; two gateways serving one database book each tradeNo once.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::repo;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::exited_within;

/// A running `hisgw serve`.
struct Gateway {
    child: Child,
    url: String,
}

impl Gateway {
    /// Starts `hisgw serve` on a free port and waits until it serves.
    fn start(data_dir: &Path, mappings_dir: &Path) -> Gateway {
        Gateway::start_with(data_dir, mappings_dir, &[])
    }

    fn start_with(data_dir: &Path, mappings_dir: &Path, env: &[(&str, &Path)]) -> Gateway {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hisgw"));
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env("HISGW_MAPPINGS_DIR", mappings_dir)
            .env("HISGW_ADMIN_LISTEN", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("hisgw starts");
        // Its log, read on a thread of its own so the child never blocks on a
        // full pipe, and so waiting for it is bounded.
        let (lines, log) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let port = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = log.recv_timeout(left) else {
                let _ = child.kill();
                let _ = child.wait();
                panic!("hisgw did not serve within 60 s (or exited first)");
            };
            // Plain (`port=N`) or JSON (`"port":N`) log lines.
            let after = line
                .split("port=")
                .nth(1)
                .or_else(|| line.split("\"port\":").nth(1));
            if let Some(rest) = after.filter(|_| line.contains("hisgw serving")) {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                break digits.parse::<u16>().unwrap();
            }
        };
        Gateway {
            child,
            url: format!("http://127.0.0.1:{port}/api/demo/prePayExpense"),
        }
    }

    /// Asks it to stop (SIGTERM) as a service manager would, and waits for
    /// it to exit — at most 30 s: one that does not stop fails the test.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        if exited_within(&mut self.child, STOP_WAIT).is_none() {
            panic!("hisgw was still running {STOP_WAIT:?} after SIGTERM");
        }
    }

    fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL on Unix
        assert!(
            exited_within(&mut self.child, STOP_WAIT).is_some(),
            "hisgw still running after SIGKILL"
        );
    }
}

/// The text of the one log file a gateway wrote into `dir`.
fn log_file(dir: &Path) -> String {
    let file = std::fs::read_dir(dir)
        .unwrap()
        .next()
        .expect("a log file")
        .unwrap()
        .path();
    std::fs::read_to_string(file).unwrap()
}

/// How long a stopped gateway may take to exit.
const STOP_WAIT: Duration = Duration::from_secs(30);

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = exited_within(&mut self.child, STOP_WAIT);
    }
}

/// The demo's mappings in `root/mappings/demo`, with absolute script paths;
/// with `slow`, prePayExpense first spends a few seconds of CPU inside its
/// transaction (a recursive count), after the tradeNo is claimed.
fn demo_mappings(root: &Path, slow: bool) -> PathBuf {
    let from = repo().join("mappings/demo");
    let to = root.join("mappings/demo");
    for dir in ["", "shared", "push"] {
        std::fs::create_dir_all(to.join(dir)).unwrap();
        for entry in std::fs::read_dir(from.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "sql") {
                std::fs::copy(&path, to.join(dir).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let sql = repo().join("sql/demo-his/sqlite");
    let toml = std::fs::read_to_string(from.join("hospital.toml"))
        .unwrap()
        .replace("../../sql/demo-his/sqlite", &sql.display().to_string());
    std::fs::write(to.join("hospital.toml"), toml).unwrap();
    if slow {
        let file = to.join("prePayExpense.sql");
        let text = std::fs::read_to_string(&file).unwrap().replacen(
            "-- @section header\n",
            "-- @section header\nCREATE TEMP TABLE IF NOT EXISTS hisgw_slow (n INTEGER);\n\
             INSERT INTO temp.hisgw_slow WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 8000000) SELECT count(*) FROM c;\n",
            1,
        );
        assert!(text.contains("hisgw_slow"));
        std::fs::write(file, text).unwrap();
    }
    root.join("mappings")
}

fn prepay(trade_no: &str, amount: &str) -> String {
    let today = chrono::Local::now().format("%Y-%m-%d");
    format!(
        "<request><realName>李明</realName><patientCard>12345678</patientCard><prepayaAmt>{amount}</prepayaAmt>\
         <payType>weChat</payType><tradeNo>{trade_no}</tradeNo><payedTime>{today} 10:00:00</payedTime></request>"
    )
}

fn count(data_dir: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(data_dir.join("demo-his.sqlite")).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Whether another connection holds the database's write lock now.
fn write_locked(data_dir: &Path) -> bool {
    let conn = rusqlite::Connection::open(data_dir.join("demo-his.sqlite")).unwrap();
    conn.busy_timeout(Duration::ZERO).unwrap();
    match conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;") {
        Ok(()) => false,
        Err(e) => e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy),
    }
}

fn bookings(data_dir: &Path, trade_no: &str) -> (i64, i64, i64) {
    (
        count(
            data_dir,
            &format!("SELECT COUNT(*) FROM hisgw_payment WHERE trade_no = '{trade_no}'"),
        ),
        count(
            data_dir,
            &format!("SELECT COUNT(*) FROM pay_ledger WHERE trade_no = '{trade_no}'"),
        ),
        count(
            data_dir,
            &format!("SELECT COUNT(*) FROM inp_prepay WHERE trade_no = '{trade_no}'"),
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_killed_inside_a_payment_leaves_nothing_and_the_replay_books_once() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let slow = demo_mappings(&root.path().join("slow"), true);
    let normal = demo_mappings(&root.path().join("normal"), false);

    let first = Gateway::start(&data, &slow);
    let client = reqwest::Client::new();
    let in_flight = tokio::spawn(
        client
            .post(first.url.clone())
            .body(prepay("EH-KILL", "300"))
            .send(),
    );
    // The mapping spends seconds inside the transaction; kill it there.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        write_locked(&data),
        "the payment's write transaction is open when the gateway is killed"
    );
    first.kill();
    assert!(
        in_flight.await.unwrap().is_err(),
        "the notifier saw the gateway die"
    );
    assert_eq!(
        bookings(&data, "EH-KILL"),
        (0, 0, 0),
        "killed inside the transaction: nothing of it survives"
    );

    // The platform retries on a restarted gateway.
    let second = Gateway::start(&data, &normal);
    let notify = || async {
        let sent = client
            .post(second.url.clone())
            .body(prepay("EH-KILL", "300"));
        sent.send().await.unwrap().text().await.unwrap()
    };
    let answer = notify().await;
    assert!(answer.contains("<result>success</result>"), "{answer}");
    let again = notify().await;
    assert_eq!(again, answer);
    assert_eq!(bookings(&data, "EH-KILL"), (1, 1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_on_one_database_book_each_trade_no_once() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let mappings = demo_mappings(root.path(), false);
    let a = Gateway::start(&data, &mappings);
    let b = Gateway::start(&data, &mappings);
    let client = reqwest::Client::new();

    // 50 copies of one notification and 2 copies each of 25 others, split
    // across both gateways, all at once.
    let mut calls = tokio::task::JoinSet::new();
    let mut send = |url: &str, trade_no: String| {
        let request = client.post(url.to_string()).body(prepay(&trade_no, "100"));
        calls.spawn(async move {
            let text = request.send().await.unwrap().text().await.unwrap();
            (trade_no, text)
        });
    };
    for i in 0..50 {
        send(if i % 2 == 0 { &a.url } else { &b.url }, "EH-TWO".into());
    }
    for i in 0..25 {
        send(&a.url, format!("EH-TWO-{i}"));
        send(&b.url, format!("EH-TWO-{i}"));
    }
    let mut answers: std::collections::HashMap<String, Vec<String>> = Default::default();
    while let Some(done) = calls.join_next().await {
        let (trade_no, text) = done.unwrap();
        answers.entry(trade_no).or_default().push(text);
    }
    assert_eq!(answers.len(), 26);
    for (trade_no, texts) in &answers {
        assert!(
            texts[0].contains("<result>success</result>"),
            "{trade_no}: {}",
            texts[0]
        );
        assert!(
            texts.iter().all(|t| *t == texts[0]),
            "{trade_no}: answers differ"
        );
        assert_eq!(bookings(&data, trade_no), (1, 1, 1), "{trade_no}");
    }
    assert_eq!(
        count(
            &data,
            "SELECT COUNT(*) FROM hisgw_payment WHERE trade_no LIKE 'EH-TWO%'"
        ),
        26
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_are_logged_as_json_lines_with_identifiers_masked() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let logs = root.path().join("logs");
    let mappings = demo_mappings(root.path(), false);
    let json = std::path::PathBuf::from("json");
    let gateway = Gateway::start_with(
        &data,
        &mappings,
        &[
            ("HISGW_LOG_FORMAT", json.as_path()),
            ("HISGW_LOG_DIR", logs.as_path()),
        ],
    );
    let url = gateway.url.replace("prePayExpense", "addPatientCard");
    let body = "<request><realName>欧阳娜娜</realName><idCard>430702200611148767</idCard><phone>13900000000</phone></request>";
    let answer = reqwest::Client::new()
        .post(url)
        .header("X-Request-Id", "req-42")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["x-request-id"], "req-42");
    let text = answer.text().await.unwrap();
    assert!(
        text.contains("430702********8767"),
        "the message masks the number: {text}"
    );
    gateway.stop();
    let log = log_file(&logs);
    let line = log
        .lines()
        .find(|l| l.contains("req-42") && l.contains("answered"))
        .unwrap_or_else(|| panic!("no answered line for req-42 in:\n{log}"));
    let value: serde_json::Value = serde_json::from_str(line).unwrap();
    let span = &value["span"];
    assert_eq!(span["hospital"], "demo", "{line}");
    assert_eq!(span["method"], "addPatientCard", "{line}");
    assert_eq!(span["transport"], "rest", "{line}");
    assert_eq!(span["result"], "error", "{line}");
    assert!(value["fields"]["duration_ms"].is_number(), "{line}");
    assert!(
        !log.contains("430702200611148767"),
        "the ID number never reaches the log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_in_flight_is_finished_before_the_gateway_stops() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let slow = demo_mappings(&root.path().join("slow"), true);
    let gateway = Gateway::start(&data, &slow);
    let in_flight = tokio::spawn(
        reqwest::Client::new()
            .post(gateway.url.clone())
            .body(prepay("EH-DRAIN", "300"))
            .send(),
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(write_locked(&data), "the payment is inside its transaction");
    // SIGTERM, as systemd or a service wrapper stops it: in-flight calls finish.
    let stopping = std::thread::spawn(move || gateway.stop());
    let answer = in_flight
        .await
        .unwrap()
        .expect("answered before the process ended");
    let text = answer.text().await.unwrap();
    assert!(text.contains("<result>success</result>"), "{text}");
    stopping.join().unwrap();
    assert_eq!(bookings(&data, "EH-DRAIN"), (1, 1, 1));
}

/// The audit trail gathers records before it writes them; a gateway told to
/// stop right after its calls still writes every one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_is_in_the_audit_trail_after_a_stop() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let mappings = demo_mappings(root.path(), false);
    let gateway = Gateway::start(&data, &mappings);
    let url = gateway.url.replace("prePayExpense", "findAllDepartments");
    let client = reqwest::Client::new();
    for _ in 0..300 {
        let answer = client.post(&url).body("<request/>").send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 200);
    }
    gateway.stop();
    let conn = rusqlite::Connection::open(data.join("audit.sqlite")).unwrap();
    let written: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit WHERE method = 'findAllDepartments'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(written, 300, "every call written before the process ended");
}

/// A line break smuggled into the path (`%0A`) never starts a log line of
/// its own in the plain log, also for a call that is refused.
#[tokio::test]
async fn a_line_break_in_the_path_cannot_forge_a_plain_log_line() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let logs = root.path().join("logs");
    let mappings = demo_mappings(root.path(), false);
    let gateway = Gateway::start_with(&data, &mappings, &[("HISGW_LOG_DIR", logs.as_path())]);
    let forged = "2026-01-01T00:00:00+08:00  INFO hisgw: payment settled FORGED";
    let client = reqwest::Client::new();
    for path in [
        format!(
            "/api/demo%0A{}/findAllDepartments",
            forged.replace(' ', "%20")
        ),
        format!("/api/demo/findAll%0A{}", forged.replace(' ', "%20")),
    ] {
        let url = gateway.url.replace("/api/demo/prePayExpense", &path);
        let _ = client.post(url).body("<request/>").send().await.unwrap();
    }
    gateway.stop();
    let log = log_file(&logs);
    assert!(
        log.contains("payment settled FORG"),
        "the calls were logged: {log}"
    );
    assert!(
        log.lines().all(|l| !l.starts_with("2026-01-01T00:00:00")),
        "a forged line:\n{log}"
    );
}

/// Three gateways started at the same moment on a new data directory all
/// serve (the demo is initialised once), and a gateway started while
/// another process holds the database's write lock longer than SQLite's
/// busy timeout waits for it instead of exiting "database is locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateways_starting_together_or_against_a_held_lock_wait_and_serve() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let mappings = demo_mappings(root.path(), false);
    let starts: Vec<_> = (0..3)
        .map(|_| {
            let (data, mappings) = (data.clone(), mappings.clone());
            std::thread::spawn(move || Gateway::start(&data, &mappings))
        })
        .collect();
    let mut gateways: Vec<Gateway> = starts
        .into_iter()
        .map(|s| s.join().expect("each gateway serves"))
        .collect();
    let client = reqwest::Client::new();
    let books = async |url: &str, trade_no: &str| {
        let text = client
            .post(url)
            .body(prepay(trade_no, "10"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text.contains("<result>success</result>"), "{text}");
    };
    for (i, g) in gateways.iter().enumerate() {
        books(&g.url, &format!("EH-TOGETHER-{i}")).await;
    }
    assert_eq!(
        count(&data, "SELECT COUNT(*) FROM hisgw_schema"),
        2,
        "the ledger migrated once"
    );

    // Another process (this test) holds the write lock for 8 s while a
    // gateway restarts: its start script waits, then runs.
    gateways.pop().unwrap().stop();
    let holder = rusqlite::Connection::open(data.join("demo-his.sqlite")).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(8));
        holder.execute_batch("COMMIT").unwrap();
    });
    let (d, m) = (data.clone(), mappings.clone());
    let restarted = std::thread::spawn(move || Gateway::start(&d, &m))
        .join()
        .expect("the restarted gateway serves once the lock is free");
    release.join().unwrap();
    books(&restarted.url, "EH-TOGETHER-R").await;
    for g in gateways {
        g.stop();
    }
    restarted.stop();
}
