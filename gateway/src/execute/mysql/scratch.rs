//! Throwaway databases on a MySQL / MariaDB test server, for the tests that
//! run on MySQL (the backend conformance suite here, the end-to-end suite
//! in `tests/`): a fresh database per test, dropped when the test ends, and
//! those left behind by killed test processes swept away. Built only for
//! tests (`cfg(test)` or the `testing` feature).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use mysql_async::prelude::Queryable;

use super::{connect, MysqlOptions};
use crate::execute::MysqlConfig;

/// The environment variable holding the test server's URL
/// (`mysql://user:password@host:port`, without a database); the user must
/// be allowed to create and drop databases.
pub const MYSQL_URL_VAR: &str = "HISGW_TEST_MYSQL_URL";

static SAID_SKIPPED: AtomicBool = AtomicBool::new(false);
static COUNTER: AtomicUsize = AtomicUsize::new(0);
static SWEPT: AtomicBool = AtomicBool::new(false);
/// How many tests use the server at once (`HISGW_TEST_MYSQL_PARALLEL`,
/// default 4).
static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();

const DROP_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// The test server's URL, or `None` after telling the terminal (once per
/// test binary) that MySQL tests are skipped.
pub fn url() -> Option<String> {
    match std::env::var(MYSQL_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if !SAID_SKIPPED.swap(true, Ordering::SeqCst) {
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED: MySQL tests ({MYSQL_URL_VAR} is not set)"
                );
            }
            None
        }
    }
}

/// Options for `database` on the server of `url` (without TLS).
pub fn options(url: &str, database: Option<&str>) -> MysqlOptions {
    let config: MysqlConfig = toml::from_str(&format!(
        "connection_string = {url:?}\nssl_mode = \"disabled\"\nmax_size = 4\ncheckout_timeout_ms = 60000\nquery_timeout_ms = 60000\nconnect_timeout_ms = 10000"
    ))
    .expect("config");
    MysqlOptions::from_config(&config)
        .expect("HISGW_TEST_MYSQL_URL is a mysql:// URL")
        .on_database(database)
}

/// A database of its own for one test; dropped when this is dropped.
pub struct ScratchDatabase {
    pub url: String,
    pub name: String,
    _turn: tokio::sync::SemaphorePermit<'static>,
}

impl ScratchDatabase {
    /// Creates an empty utf8mb4 database on the test server; `None` (after
    /// saying so) when no test server is set.
    pub async fn create() -> Option<ScratchDatabase> {
        let url = url()?;
        let slots = SLOTS.get_or_init(|| {
            let n = std::env::var("HISGW_TEST_MYSQL_PARALLEL")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(4);
            tokio::sync::Semaphore::new(n)
        });
        let turn = slots
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let name = format!(
            "hisgw_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            chrono::Local::now().format("%H%M%S%f")
        );
        let mut conn = connect(&options(&url, None))
            .await
            .expect("connect to the test MySQL server");
        if !SWEPT.swap(true, Ordering::SeqCst) {
            sweep_stale(&mut conn).await;
        }
        // The name is made here from digits, letters and underscores only.
        conn.query_drop(format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"))
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        let _ = conn.disconnect().await;
        Some(ScratchDatabase {
            url,
            name,
            _turn: turn,
        })
    }

    /// Options for this database.
    pub fn options(&self) -> MysqlOptions {
        options(&self.url, Some(&self.name))
    }

    /// The URL of this database.
    pub fn connection_string(&self) -> String {
        let (base, query) = self
            .url
            .split_once('?')
            .map_or((self.url.as_str(), None), |(b, q)| (b, Some(q)));
        let base = base.trim_end_matches('/');
        match query {
            Some(q) => format!("{base}/{}?{q}", self.name),
            None => format!("{base}/{}", self.name),
        }
    }

    /// A connection to this database.
    pub async fn conn(&self) -> mysql_async::Conn {
        connect(&self.options())
            .await
            .expect("connect to the test database")
    }
}

/// Drops test databases left behind by test processes that no longer run.
async fn sweep_stale(conn: &mut mysql_async::Conn) {
    let Ok(names) = conn
        .query::<String, _>("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'hisgw\\_test\\_%'")
        .await
    else {
        return;
    };
    for name in names {
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if !alive && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            let _ = conn
                .query_drop(format!("DROP DATABASE IF EXISTS {name}"))
                .await;
        }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let url = self.url.clone();
        let name = self.name.clone();
        let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
        else {
            return;
        };
        let (done, dropped) = std::sync::mpsc::channel();
        runtime.spawn(async move {
            if let Ok(mut conn) = connect(&options(&url, None)).await {
                // Sessions still on the database (the test's pools) would
                // hold metadata locks: end them first.
                if let Ok(ids) = conn
                    .query::<u64, _>(format!(
                        "SELECT id FROM information_schema.processlist WHERE db = '{name}' AND id <> CONNECTION_ID()"
                    ))
                    .await
                {
                    for id in ids {
                        let _ = conn.query_drop(format!("KILL {id}")).await;
                    }
                }
                let _ = conn.query_drop(format!("DROP DATABASE IF EXISTS {name}")).await;
                let _ = conn.disconnect().await;
            }
            let _ = done.send(());
        });
        if dropped.recv_timeout(DROP_WAIT).is_err() {
            let _ = writeln!(
                std::io::stderr(),
                "test database {} was not dropped within {DROP_WAIT:?}",
                self.name
            );
        }
        runtime.shutdown_background();
    }
}
