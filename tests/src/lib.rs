//! Harness for the end-to-end tests: starts the real hisgw server on port 0
//! against a fresh data directory (so a fresh demo HIS database) and speaks
//! HTTP to it.

use std::path::PathBuf;

use hisgw::settings::default_mappings_dir;
use hisgw::{Application, Settings};

pub mod browser;
pub mod mssql;
pub mod mysql;
pub mod platform;
pub mod postgres;
pub mod proxy;

pub use mssql::MSSQL_URL_VAR;
pub use mysql::MYSQL_URL_VAR;
pub use postgres::POSTGRES_URL_VAR;

/// Which HIS database the demo hospital runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded SQLite demo (always available).
    Sqlite,
    /// The T-SQL demo loaded into a fresh database on the server named by
    /// `HISGW_TEST_MSSQL_URL` (skipped, with a message, when it is unset).
    Mssql,
    /// The PostgreSQL demo loaded into a fresh database on the server named
    /// by `HISGW_TEST_POSTGRES_URL` (skipped, with a message, when unset).
    Postgres,
    /// The MySQL demo loaded into a fresh database on the server named by
    /// `HISGW_TEST_MYSQL_URL` (skipped, with a message, when unset).
    Mysql,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// Kept so the database lives as long as the test.
    pub data_dir: tempfile::TempDir,
    /// The running gateway, for tests that look into a hospital's database.
    pub gateway: std::sync::Arc<hisgw::pipeline::Gateway>,
    /// Drops the SQL Server test database when the test ends.
    pub mssql: Option<mssql::TestDatabase>,
    /// Drops the PostgreSQL test database when the test ends.
    pub postgres: Option<postgres::TestDatabase>,
    /// Drops the MySQL test database when the test ends.
    pub mysql: Option<mysql::TestDatabase>,
    /// The task serving it: aborting it stops the gateway's outbound work.
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The admin listener (refunds, outbox).
    pub admin_address: String,
    pub mappings_dir: PathBuf,
}

/// A response read back: HTTP status, content type and the XML text.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    pub fn doc(&self) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(&self.body)
            .unwrap_or_else(|e| panic!("response is not well-formed XML ({e}):\n{}", self.body))
    }

    /// The text of the first element with this name anywhere in the response.
    pub fn text(&self, name: &str) -> Option<String> {
        self.doc()
            .descendants()
            .find(|n| n.has_tag_name(name))
            .map(|n| n.text().unwrap_or_default().to_string())
    }

    pub fn result(&self) -> String {
        self.text("result").unwrap_or_default()
    }

    pub fn message(&self) -> String {
        self.text("message").unwrap_or_default()
    }

    /// Each `<data>` row under `<content>` as (field, text) pairs.
    pub fn rows(&self) -> Vec<Vec<(String, String)>> {
        self.rows_of("content", "data")
    }

    /// Rows in `item` elements that are children of the first `wrapper`
    /// element (or of `<response>` when `wrapper` is "response").
    pub fn rows_of(&self, wrapper: &str, item: &str) -> Vec<Vec<(String, String)>> {
        let doc = self.doc();
        let Some(parent) = doc.descendants().find(|n| n.has_tag_name(wrapper)) else {
            return Vec::new();
        };
        parent
            .children()
            .filter(|n| n.has_tag_name(item))
            .map(|row| {
                row.children()
                    .filter(|c| c.is_element() && c.children().all(|g| g.is_text()))
                    .map(|c| {
                        (
                            c.tag_name().name().to_string(),
                            c.text().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .collect()
    }

    pub fn assert_success(&self) -> &Self {
        assert_eq!(self.status, 200, "{}", self.body);
        assert_eq!(self.result(), "success", "{}", self.body);
        self
    }
}

/// The value of a field in a row.
pub fn field<'a>(row: &'a [(String, String)], name: &str) -> Option<&'a str> {
    row.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Settings for a test gateway: port 0, a fresh data directory, the bundled
/// mappings (or `mappings_dir`).
pub fn test_settings(data_dir: PathBuf, mappings_dir: Option<PathBuf>) -> Settings {
    Settings {
        listen: "127.0.0.1:0".into(),
        data_dir,
        mappings_dir: mappings_dir.unwrap_or_else(default_mappings_dir),
        hospitals: None,
        workers: Some(1),
        admin_listen: "127.0.0.1:0".into(),
        outbound: true,
        log_format: Default::default(),
        log_dir: None,
        log_keep_days: 30,
        tls_cert: None,
        tls_key: None,
        audit_keep_days: 90,
        admin_token_env: None,
    }
}

/// Starts the gateway on the bundled demo with a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(None).await
}

pub async fn spawn_app_with(mappings_dir: Option<PathBuf>) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    start(data_dir, mappings_dir, None).await
}

/// Starts the demo on `backend`; `None` (after saying so) when the backend
/// is not available here.
pub async fn spawn_app_on(backend: Backend) -> Option<TestApp> {
    match backend {
        Backend::Sqlite => Some(spawn_app().await),
        Backend::Mssql => {
            let db = mssql::TestDatabase::create().await?;
            let data_dir = tempfile::tempdir().expect("temp dir");
            let mappings = db.write_demo_mappings(data_dir.path());
            Some(start(data_dir, Some(mappings), Some(db)).await)
        }
        Backend::Postgres => {
            let db = postgres::TestDatabase::create().await?;
            let data_dir = tempfile::tempdir().expect("temp dir");
            let mappings = db.write_demo_mappings(data_dir.path());
            let mut app = start(data_dir, Some(mappings), None).await;
            app.postgres = Some(db);
            Some(app)
        }
        Backend::Mysql => {
            let db = mysql::TestDatabase::create().await?;
            let data_dir = tempfile::tempdir().expect("temp dir");
            let mappings = db.write_demo_mappings(data_dir.path());
            let mut app = start(data_dir, Some(mappings), None).await;
            app.mysql = Some(db);
            Some(app)
        }
    }
}

/// The demo on `backend` with its hospital.toml changed by `edit` first
/// (the SQL files are the bundled ones, through `sql_dir`); `None` when the
/// backend is not available here.
pub async fn spawn_demo_with(
    backend: Backend,
    edit: impl FnOnce(&mut toml::Table),
) -> Option<TestApp> {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (mappings, db, pg, my) = match backend {
        Backend::Sqlite => (sqlite_demo_mappings(data_dir.path()), None, None, None),
        Backend::Mssql => {
            let db = mssql::TestDatabase::create().await?;
            (
                db.write_demo_mappings(data_dir.path()),
                Some(db),
                None,
                None,
            )
        }
        Backend::Postgres => {
            let db = postgres::TestDatabase::create().await?;
            (
                db.write_demo_mappings(data_dir.path()),
                None,
                Some(db),
                None,
            )
        }
        Backend::Mysql => {
            let db = mysql::TestDatabase::create().await?;
            (
                db.write_demo_mappings(data_dir.path()),
                None,
                None,
                Some(db),
            )
        }
    };
    let path = mappings.join("demo/hospital.toml");
    let mut table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    edit(&mut table);
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
    let mut app = start(data_dir, Some(mappings), db).await;
    app.postgres = pg;
    app.mysql = my;
    Some(app)
}

/// A mappings folder under `root` whose `demo` hospital has its own copies
/// of the demo's files (so a test can edit them), scripts by absolute path.
pub fn editable_demo(root: &std::path::Path) -> PathBuf {
    let repo = mssql::repo();
    let from = repo.join("mappings/demo");
    let to = root.join("mappings/demo");
    for dir in ["", "push", "shared", "tests"] {
        std::fs::create_dir_all(to.join(dir)).unwrap();
        for entry in std::fs::read_dir(from.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "sql" || e == "toml") {
                std::fs::copy(&path, to.join(dir).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let sql = repo.join("sql/demo-his/sqlite");
    let toml = std::fs::read_to_string(from.join("hospital.toml"))
        .unwrap()
        .replace("../../sql/demo-his/sqlite", &sql.display().to_string());
    std::fs::write(to.join("hospital.toml"), toml).unwrap();
    root.join("mappings")
}

/// Edits the demo's hospital.toml under `mappings`: an unknown card is then
/// answered "查无此卡" (a change a reload test can watch for).
pub fn retitle_unknown_card(mappings: &std::path::Path) {
    let path = mappings.join("demo/hospital.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen(
        "empty_message = \"就诊卡号不存在\"",
        "empty_message = \"查无此卡\"",
        1,
    );
    assert_ne!(edited, text, "the demo's empty_message for unknown cards");
    std::fs::write(path, edited).unwrap();
}

/// A mappings folder under `root` whose `demo` is the bundled demo (SQL
/// files through `sql_dir`, scripts by absolute path).
pub fn sqlite_demo_mappings(root: &std::path::Path) -> PathBuf {
    let from = mssql::repo().join("mappings/demo");
    let to = root.join("mappings/demo");
    std::fs::create_dir_all(&to).unwrap();
    let mut table: toml::Table = std::fs::read_to_string(from.join("hospital.toml"))
        .unwrap()
        .parse()
        .unwrap();
    table.insert("sql_dir".into(), from.display().to_string().into());
    if let Some(database) = table.get_mut("database").and_then(|d| d.as_table_mut()) {
        for key in ["init_scripts", "start_scripts"] {
            let scripts: Vec<toml::Value> = database[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| from.join(s.as_str().unwrap()).display().to_string().into())
                .collect();
            database.insert(key.into(), scripts.into());
        }
    }
    std::fs::write(to.join("hospital.toml"), toml::to_string(&table).unwrap()).unwrap();
    root.join("mappings")
}

/// The demo on a fresh SQL Server database, its pool connecting under
/// `application_name` (so a test can find and KILL the gateway's sessions).
pub async fn spawn_mssql_app_named(application_name: &str) -> Option<TestApp> {
    let db = mssql::TestDatabase::create().await?;
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mappings = db.write_demo_mappings(data_dir.path());
    let path = mappings.join("demo/hospital.toml");
    let mut table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    if let Some(database) = table.get_mut("database").and_then(|d| d.as_table_mut()) {
        database.insert("application_name".into(), application_name.into());
    }
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
    Some(start(data_dir, Some(mappings), Some(db)).await)
}

async fn start(
    data_dir: tempfile::TempDir,
    mappings_dir: Option<PathBuf>,
    mssql: Option<mssql::TestDatabase>,
) -> TestApp {
    let settings = test_settings(data_dir.path().to_path_buf(), mappings_dir);
    let mappings_dir = settings.mappings_dir.clone();
    let app = Application::build(settings).await.expect("gateway starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let admin_address = format!("http://127.0.0.1:{}", app.admin_port());
    let gateway = app.gateway();
    let server = tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        data_dir,
        gateway,
        mssql,
        postgres: None,
        mysql: None,
        server,
        admin_address,
        mappings_dir,
    }
}

/// Writes each test once per backend: `mod sqlite`, `mod mssql`, `mod
/// postgres` and `mod mysql`, the server ones skipped (with a visible
/// message) without a test server.
#[macro_export]
macro_rules! on_both_backends {
    ($( $(#[$meta:meta])* async fn $name:ident($app:ident) $body:block )*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test]
                async fn $name() {
                    let $app = $crate::spawn_app_on($crate::Backend::Sqlite).await.expect("sqlite");
                    $body
                }
            )*
        }
        mod mssql {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test]
                async fn $name() {
                    let Some($app) = $crate::spawn_app_on($crate::Backend::Mssql).await else {
                        return;
                    };
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test]
                async fn $name() {
                    let Some($app) = $crate::spawn_app_on($crate::Backend::Postgres).await else {
                        return;
                    };
                    $body
                }
            )*
        }
        mod mysql {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test]
                async fn $name() {
                    let Some($app) = $crate::spawn_app_on($crate::Backend::Mysql).await else {
                        return;
                    };
                    $body
                }
            )*
        }
    };
}

impl TestApp {
    /// The Prometheus text of the admin listener's `/metrics`.
    pub async fn metrics(&self) -> String {
        self.client
            .get(format!("{}/metrics", self.admin_address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Runs SQL on the demo hospital's database (portable SQL only: the
    /// same text runs on both backends).
    pub async fn demo_sql(&self, sql: &str) -> Vec<Vec<hisgw::execute::ResultSet>> {
        let db = &self.gateway.hospital("demo").expect("demo hospital").db;
        db.query(vec![hisgw::execute::Statement::new(sql, vec![])])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The first value of the first row of `sql` as a whole number (counts).
    pub async fn number(&self, sql: &str) -> i64 {
        let sets = self.demo_sql(sql).await;
        match sets[0][0].rows.first().and_then(|r| r.first()) {
            Some(hisgw::execute::Value::Int(n)) => *n,
            Some(hisgw::execute::Value::Decimal(d)) => d.to_string().parse().unwrap_or(0),
            Some(hisgw::execute::Value::Text(t)) => t.parse().unwrap_or(0),
            _ => 0,
        }
    }

    /// POSTs `body` to `/api/{hospital}/{method}`.
    pub async fn post(
        &self,
        hospital: &str,
        method: &str,
        body: impl Into<reqwest::Body>,
    ) -> Answer {
        self.send(
            self.client
                .post(format!("{}/api/{hospital}/{method}", self.address))
                .header("Content-Type", "application/xml")
                .body(body),
        )
        .await
    }

    /// POSTs a `<request>` made of `fields` to the demo hospital.
    pub async fn call(&self, method: &str, fields: &[(&str, &str)]) -> Answer {
        self.post("demo", method, request_xml(fields)).await
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = response.text().await.expect("body read");
        Answer {
            status,
            content_type,
            body,
        }
    }
}

/// `<request><k>v</k>…</request>` with XML escaping.
pub fn request_xml(fields: &[(&str, &str)]) -> String {
    let mut xml = String::from("<request>");
    for (k, v) in fields {
        let mut escaped = String::new();
        hisgw::encode::escape_into(&mut escaped, v);
        xml.push_str(&format!("<{k}>{escaped}</{k}>"));
    }
    xml.push_str("</request>");
    xml
}

/// Today's local date as the gateway sees it, `yyyy-MM-dd`.
pub fn today() -> String {
    hisgw::clock::today().format("%Y-%m-%d").to_string()
}

/// Today plus `days`, `yyyy-MM-dd`.
pub fn day(days: i64) -> String {
    (hisgw::clock::today() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A GB 11643 number for a test patient: region 110105, born 1990-01-01,
/// sequence `n`, with its check character.
pub fn id_number(n: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("11010519900101{:03}", n % 1000);
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// Waits until `done` holds (checked every 200 ms), at most `secs`.
pub async fn until(secs: u64, mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..secs * 5 {
        if done() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    done()
}

/// Waits until an event source has been polled once (its watermark is kept).
pub async fn first_poll(app: &TestApp, source: &str) {
    for _ in 0..50 {
        let n = app
            .number(&format!(
                "SELECT COUNT(*) FROM hisgw_watermark WHERE source = '{source}'"
            ))
            .await;
        if n == 1 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("{source} was never polled");
}

/// A demo gateway with one dead outbox row (`event_key`) for the console's
/// retry tests: its platform cannot be reached and no delivery runs, so
/// the row stays as the console leaves it.
pub struct DeadOutboxRow {
    /// The admin listener's address.
    pub admin: String,
    pub gateway: std::sync::Arc<hisgw::pipeline::Gateway>,
    event_key: String,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _data: tempfile::TempDir,
}

impl DeadOutboxRow {
    pub async fn start(event_key: &str) -> DeadOutboxRow {
        let data = tempfile::tempdir().unwrap();
        let mappings = sqlite_demo_mappings(data.path());
        let path = mappings.join("demo/hospital.toml");
        let mut table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
        let mut platform = toml::Table::new();
        platform.insert("address".into(), "http://127.0.0.1:9/ws".into());
        platform.insert("hospital_id".into(), "demoyyadmin".into());
        table.insert("platform".into(), platform.into());
        std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
        let mut settings = test_settings(data.path().join("data"), Some(mappings));
        settings.outbound = false;
        let app = Application::build(settings).await.unwrap();
        let admin = format!("http://127.0.0.1:{}", app.admin_port());
        let gateway = app.gateway();
        let server = tokio::spawn(app.run_until_stopped());
        let db = &gateway.hospital("demo").unwrap().db;
        db.execute(vec![hisgw::execute::Statement::new(
            "INSERT INTO hisgw_outbox (kind, data_type, event_key, payload, state, attempts, next_attempt_at, created_at, last_result, last_message) \
             VALUES ('push', 'pushClinicFinish', ?, '{}', 'dead', 5, '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000', 'error', 'platform unreachable')",
            vec![hisgw::execute::Param::Text(event_key.to_string())],
        )])
        .await
        .unwrap();
        DeadOutboxRow {
            admin,
            gateway,
            event_key: event_key.to_string(),
            server,
            _data: data,
        }
    }

    /// The row's state and attempts.
    pub async fn state(&self) -> (String, i64) {
        let db = &self.gateway.hospital("demo").unwrap().db;
        let sets = db
            .query(vec![hisgw::execute::Statement::new(
                "SELECT state, attempts FROM hisgw_outbox WHERE event_key = ?",
                vec![hisgw::execute::Param::Text(self.event_key.clone())],
            )])
            .await
            .unwrap();
        let row = &sets[0][0].rows[0];
        (row[0].text(), row[1].int())
    }
}

impl Drop for DeadOutboxRow {
    fn drop(&mut self) {
        self.server.abort();
    }
}
