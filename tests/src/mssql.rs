//! SQL Server for the end-to-end suite: a fresh database per test on the
//! server named by `HISGW_TEST_MSSQL_URL`, loaded with the T-SQL demo HIS
//! and dropped afterwards.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use hisgw::execute::mssql::{connect, run_batches, MssqlDatabase};
use hisgw::execute::Database;

/// The connection string (ADO.NET style) of a SQL Server for tests; the
/// login must be allowed to create and drop databases and to KILL sessions.
pub const MSSQL_URL_VAR: &str = "HISGW_TEST_MSSQL_URL";

static SAID_SKIPPED: AtomicBool = AtomicBool::new(false);
static COUNTER: AtomicUsize = AtomicUsize::new(0);
static CREATING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
static SWEPT: AtomicBool = AtomicBool::new(false);

/// Drops test databases left behind by test processes that no longer run
/// (killed before their databases were dropped).
async fn sweep_stale(
    client: &mut hisgw::execute::mssql::tiberius::Client<
        tokio_util::compat::Compat<tokio::net::TcpStream>,
    >,
) {
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

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A database of its own for one test; dropped when this is dropped.
pub struct TestDatabase {
    pub url: String,
    pub name: String,
}

impl TestDatabase {
    /// Creates a fresh database and loads the T-SQL demo HIS into it.
    pub async fn create() -> Option<TestDatabase> {
        let url = url()?;
        let name = format!(
            "hisgw_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            chrono::Local::now().format("%H%M%S%f")
        );
        let mut master = client_config(&url, "master");
        {
            // One CREATE DATABASE at a time: a server may refuse concurrent
            // catalog changes (Babelfish: "tuple concurrently updated").
            let _one = CREATING.lock().await;
            let mut client = connect(master.clone())
                .await
                .expect("connect to the test SQL Server");
            if !SWEPT.swap(true, Ordering::SeqCst) {
                sweep_stale(&mut client).await;
            }
            let mut attempt = 0;
            // The name is made here from digits and letters only.
            while let Err(e) = run_batches(&mut client, &format!("CREATE DATABASE [{name}]")).await
            {
                attempt += 1;
                assert!(attempt < 5, "CREATE DATABASE {name}: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
            }
        }
        master.database(&name);
        let db = TestDatabase { url, name };
        let mut client = connect(master).await.expect("connect to the test database");
        for script in ["schema.sql", "seed.sql"] {
            let path = repo().join("sql/demo-his/mssql").join(script);
            let text = std::fs::read_to_string(&path).expect("T-SQL demo script");
            run_batches(&mut client, &text)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        // What `hisgw migrate` does before a hospital's first start.
        hisgw::ledger::migrate(&db.pool(1, 5_000), hisgw::execute::Dialect::Mssql)
            .await
            .unwrap_or_else(|e| panic!("ledger migration: {e}"));
        Some(db)
    }

    /// The connection string of this database.
    pub fn connection_string(&self) -> String {
        format!("{};database={}", self.url.trim_end_matches(';'), self.name)
    }

    /// A mappings folder whose `demo` hospital is the bundled demo's
    /// mappings and options on this database (the SQL files are shared
    /// through `sql_dir`; `.mssql.sql` overrides apply).
    pub fn write_demo_mappings(&self, root: &Path) -> PathBuf {
        let demo = repo().join("mappings/demo");
        let text = std::fs::read_to_string(demo.join("hospital.toml")).unwrap();
        let mut table: toml::Table = text.parse().unwrap();
        table.insert(
            "sql_dir".into(),
            toml::Value::String(demo.display().to_string()),
        );
        let mut database = toml::Table::new();
        database.insert("kind".into(), "mssql".into());
        database.insert("connection_string".into(), self.connection_string().into());
        database.insert("max_size".into(), toml::Value::Integer(4));
        // Races of hundreds of writes queue longer than a patient would wait.
        database.insert("checkout_timeout_ms".into(), toml::Value::Integer(120_000));
        database.insert("query_timeout_ms".into(), toml::Value::Integer(60_000));
        database.insert(
            "start_scripts".into(),
            toml::Value::Array(vec![repo()
                .join("sql/demo-his/mssql/roll.sql")
                .display()
                .to_string()
                .into()]),
        );
        table.insert("database".into(), toml::Value::Table(database));
        let dir = root.join("mappings/demo");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("hospital.toml"), toml::to_string(&table).unwrap()).unwrap();
        root.join("mappings")
    }

    /// A pool on this database, for tests below the HTTP layer.
    pub fn pool(&self, max_size: u32, checkout_ms: u64) -> MssqlDatabase {
        let mut options = hisgw::gateway::mssql_options(&mssql_config(
            &self.connection_string(),
            max_size,
            checkout_ms,
        ))
        .expect("options");
        options.health_check = true;
        MssqlDatabase::open(&options)
    }

    /// Runs T-SQL on this database through a pool of one.
    pub async fn run(&self, script: &str) {
        self.pool(1, 5_000)
            .run_script(script.to_string())
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"));
    }
}

pub fn mssql_config(
    connection_string: &str,
    max_size: u32,
    checkout_ms: u64,
) -> hisgw::plan::MssqlConfig {
    toml::from_str(&format!(
        "connection_string = {connection_string:?}\nmax_size = {max_size}\ncheckout_timeout_ms = {checkout_ms}\nquery_timeout_ms = 20000"
    ))
    .expect("config")
}

pub fn client_config(url: &str, database: &str) -> tiberius_config::Config {
    let mut config = tiberius_config::Config::from_ado_string(url)
        .expect("HISGW_TEST_MSSQL_URL is an ADO.NET connection string");
    config.database(database);
    config
}

/// tiberius as the gateway re-exports it (no second copy in the test crate).
pub use hisgw::execute::mssql::tiberius as tiberius_config;

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let url = self.url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let _one = CREATING.blocking_lock();
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async {
                let mut client = connect(client_config(&url, "master")).await.ok()?;
                let sql = format!(
                    "IF DB_ID(N'{name}') IS NOT NULL BEGIN ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]; END"
                );
                if run_batches(&mut client, &sql).await.is_ok() {
                    return Some(());
                }
                // Without SINGLE_USER (Babelfish): end the sessions still on
                // the database (the test's pools live until its runtime
                // ends), then drop it.
                for attempt in 1..=10u64 {
                    let sessions = format!(
                        "SELECT session_id FROM sys.dm_exec_sessions WHERE database_id = DB_ID(N'{name}') AND session_id <> @@SPID"
                    );
                    let rows = match client.simple_query(sessions).await {
                        Ok(stream) => stream.into_first_result().await.unwrap_or_default(),
                        Err(_) => Vec::new(),
                    };
                    {
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
                    }
                    if run_batches(&mut client, &format!("DROP DATABASE [{name}]")).await.is_ok() {
                        return Some(());
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
                }
                let _ = writeln!(std::io::stderr(), "could not drop test database {name}");
                Some(())
            })
        })
        .join();
    }
}
