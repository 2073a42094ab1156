//! Throwaway databases on a PostgreSQL test server, for the tests that run
//! on PostgreSQL (the backend conformance suite here, the end-to-end suite
//! in `tests/`): a fresh database per test, dropped when the test ends, and
//! those left behind by killed test processes swept away. Built only for
//! tests (`cfg(test)` or the `testing` feature).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::{connect, PostgresOptions};
use crate::execute::PostgresConfig;

/// The environment variable holding the test server's connection string
/// (libpq `key=value` or a URL, without a database, or naming the
/// maintenance database); the role must be allowed to create databases.
pub const POSTGRES_URL_VAR: &str = "HISGW_TEST_POSTGRES_URL";

static SAID_SKIPPED: AtomicBool = AtomicBool::new(false);
static COUNTER: AtomicUsize = AtomicUsize::new(0);
static SWEPT: AtomicBool = AtomicBool::new(false);
/// How many tests use the server at once (`HISGW_TEST_POSTGRES_PARALLEL`,
/// default 4).
static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();

const DROP_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// The test server's connection string, or `None` after telling the
/// terminal (once per test binary) that PostgreSQL tests are skipped.
pub fn url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if !SAID_SKIPPED.swap(true, Ordering::SeqCst) {
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED: PostgreSQL tests ({POSTGRES_URL_VAR} is not set)"
                );
            }
            None
        }
    }
}

/// Options for `database` on the server of `url`, without TLS unless the
/// URL asks for it.
pub fn options(url: &str, database: &str) -> PostgresOptions {
    let config: PostgresConfig = toml::from_str(&format!(
        "connection_string = {url:?}\ndatabase = {database:?}\napplication_name = \"hisgw-test\"\nmax_size = 4\ncheckout_timeout_ms = 60000\nquery_timeout_ms = 60000\nconnect_timeout_ms = 10000"
    ))
    .expect("config");
    PostgresOptions::from_config(&config).expect("HISGW_TEST_POSTGRES_URL is a connection string")
}

/// A database of its own for one test; dropped when this is dropped.
pub struct ScratchDatabase {
    pub url: String,
    pub name: String,
    _turn: tokio::sync::SemaphorePermit<'static>,
}

impl ScratchDatabase {
    /// Creates an empty database on the test server; `None` (after saying
    /// so) when no test server is set.
    pub async fn create() -> Option<ScratchDatabase> {
        let url = url()?;
        let slots = SLOTS.get_or_init(|| {
            let n = std::env::var("HISGW_TEST_POSTGRES_PARALLEL")
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
        let client = connect(&options(&url, "postgres"))
            .await
            .expect("connect to the test PostgreSQL server");
        if !SWEPT.swap(true, Ordering::SeqCst) {
            sweep_stale(&client).await;
        }
        // The name is made here from digits, letters and underscores only.
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        Some(ScratchDatabase {
            url,
            name,
            _turn: turn,
        })
    }

    /// Options for this database.
    pub fn options(&self) -> PostgresOptions {
        options(&self.url, &self.name)
    }

    /// The connection string of this database (libpq `key=value` form).
    pub fn connection_string(&self) -> String {
        let url = self.url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Replace the path (the database) of the URL.
            let (base, query) = url
                .split_once('?')
                .map_or((url, None), |(b, q)| (b, Some(q)));
            let scheme_end = base.find("://").map_or(0, |i| i + 3);
            let base = match base[scheme_end..].find('/') {
                Some(i) => &base[..scheme_end + i],
                None => base,
            };
            match query {
                Some(q) => format!("{base}/{}?{q}", self.name),
                None => format!("{base}/{}", self.name),
            }
        } else {
            format!("{url} dbname={}", self.name)
        }
    }

    /// A client on this database.
    pub async fn client(&self) -> tokio_postgres::Client {
        connect(&self.options())
            .await
            .expect("connect to the test database")
    }
}

/// Drops test databases left behind by test processes that no longer run.
async fn sweep_stale(client: &tokio_postgres::Client) {
    let Ok(rows) = client
        .query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'hisgw\\_test\\_%'",
            &[],
        )
        .await
    else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if !alive && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            let _ = client
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
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
            if let Ok(client) = connect(&options(&url, "postgres")).await {
                // FORCE ends the sessions the test's pools still hold.
                let _ = client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
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
