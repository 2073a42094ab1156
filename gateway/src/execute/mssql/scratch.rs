//! Throwaway databases on a test server, for the tests that run on SQL
//! Server (the backend conformance suite here, the end-to-end suite in
//! `tests/`): a fresh database per test, dropped when the test ends, and
//! those left behind by test processes that were killed swept away.
//! Built only for tests (`cfg(test)` or the `testing` feature).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::{connect, run_batches, TdsClient};

/// The environment variable holding the test server's connection string
/// (ADO.NET style, without a database); the login must be allowed to
/// create and drop databases and to KILL sessions.
pub const MSSQL_URL_VAR: &str = "HISGW_TEST_MSSQL_URL";

static SAID_SKIPPED: AtomicBool = AtomicBool::new(false);
static COUNTER: AtomicUsize = AtomicUsize::new(0);
static SWEPT: AtomicBool = AtomicBool::new(false);
/// One CREATE or DROP DATABASE at a time: a server may refuse concurrent
/// catalog changes (Babelfish: "tuple concurrently updated").
static CATALOG: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
/// How many tests use the test server at once (`HISGW_TEST_MSSQL_PARALLEL`,
/// default 2): a test server on a developer's machine slows to timeouts
/// under more, while the SQLite tests run many at a time.
static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();

/// How long dropping a test database may take.
const DROP_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// The test server's connection string, or `None` after telling the
/// terminal (once per test binary, past the test harness's capture) that
/// SQL Server tests are skipped.
pub fn url() -> Option<String> {
    match std::env::var(MSSQL_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if !SAID_SKIPPED.swap(true, Ordering::SeqCst) {
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED: SQL Server tests ({MSSQL_URL_VAR} is not set)"
                );
            }
            None
        }
    }
}

/// A client configuration for `database` on the server of `url`.
pub fn client_config(url: &str, database: &str) -> tiberius::Config {
    let mut config = tiberius::Config::from_ado_string(url)
        .expect("HISGW_TEST_MSSQL_URL is an ADO.NET connection string");
    config.database(database);
    config
}

/// A database of its own for one test; dropped when this is dropped.
pub struct ScratchDatabase {
    pub url: String,
    pub name: String,
    /// The test's turn on the server, given back after the drop.
    _turn: tokio::sync::SemaphorePermit<'static>,
}

impl ScratchDatabase {
    /// Creates an empty database on the test server; `None` (after saying
    /// so) when no test server is set.
    pub async fn create() -> Option<ScratchDatabase> {
        let url = url()?;
        let slots = SLOTS.get_or_init(|| {
            let n = std::env::var("HISGW_TEST_MSSQL_PARALLEL")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(2);
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
        let _one = CATALOG.lock().await;
        let mut client = connect(client_config(&url, "master"))
            .await
            .expect("connect to the test SQL Server");
        if !SWEPT.swap(true, Ordering::SeqCst) {
            sweep_stale(&mut client).await;
        }
        let mut attempt = 0;
        // The name is made here from digits and letters only.
        while let Err(e) = run_batches(&mut client, &format!("CREATE DATABASE [{name}]")).await {
            attempt += 1;
            assert!(attempt < 5, "CREATE DATABASE {name}: {e}");
            tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
        }
        Some(ScratchDatabase {
            url,
            name,
            _turn: turn,
        })
    }

    /// The connection string of this database.
    pub fn connection_string(&self) -> String {
        format!("{};database={}", self.url.trim_end_matches(';'), self.name)
    }

    /// A client on this database.
    pub async fn client(&self) -> TdsClient {
        connect(client_config(&self.url, &self.name))
            .await
            .expect("connect to the test database")
    }
}

/// Drops test databases left behind by test processes that no longer run
/// (killed before their databases were dropped).
async fn sweep_stale(client: &mut TdsClient) {
    let Ok(stream) = client
        .simple_query("SELECT name FROM sys.databases WHERE name LIKE 'hisgw[_]test[_]%'")
        .await
    else {
        return;
    };
    let Ok(rows) = stream.into_first_result().await else {
        return;
    };
    let names: Vec<String> = rows
        .iter()
        .filter_map(|r| r.get::<&str, _>(0).map(String::from))
        .collect();
    for name in names {
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| Path::new(&format!("/proc/{p}")).exists());
        if !alive && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            let _ = run_batches(client, &format!("DROP DATABASE [{name}]")).await;
        }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let url = self.url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which may be ending: use a
        // runtime of its own, and wait for it a bounded time.
        let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
        else {
            return;
        };
        let (done, dropped) = std::sync::mpsc::channel();
        runtime.spawn(async move {
            let _one = CATALOG.lock().await;
            drop_database(&url, &name).await;
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

async fn drop_database(url: &str, name: &str) {
    let Ok(mut client) = connect(client_config(url, "master")).await else {
        return;
    };
    let sql = format!(
        "IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END"
    );
    if run_batches(&mut client, &sql).await.is_ok() {
        return;
    }
    // Without SINGLE_USER (Babelfish): end the sessions still on the
    // database (the test's pools live until its runtime ends), then drop it.
    for attempt in 1..=10u64 {
        let sessions = format!(
            "SELECT session_id FROM sys.dm_exec_sessions WHERE database_id = DB_ID(N'{name}') AND session_id <> @@SPID"
        );
        let rows = match client.simple_query(sessions).await {
            Ok(stream) => stream.into_first_result().await.unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        let ids: Vec<i64> = rows
            .iter()
            .filter_map(|r| {
                r.get::<i32, _>(0)
                    .map(i64::from)
                    .or_else(|| r.get::<i16, _>(0).map(i64::from))
            })
            .collect();
        for id in ids {
            let _ = run_batches(&mut client, &format!("KILL {id}")).await;
        }
        if run_batches(&mut client, &format!("DROP DATABASE [{name}]"))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
    }
    let _ = writeln!(std::io::stderr(), "could not drop test database {name}");
}
