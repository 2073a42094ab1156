//! SQL Server for the end-to-end suite: a fresh database per test on the
//! server named by `HISGW_TEST_MSSQL_URL`, loaded with the T-SQL demo HIS
//! and dropped afterwards.

use std::path::{Path, PathBuf};

use hisgw::execute::mssql::scratch::{self, ScratchDatabase};
use hisgw::execute::mssql::{run_batches, MssqlDatabase, MssqlOptions};
use hisgw::execute::{Database, MssqlConfig};

pub use scratch::{client_config, MSSQL_URL_VAR};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A database of its own for one test, with the T-SQL demo HIS loaded;
/// dropped when this is dropped.
pub struct TestDatabase {
    pub url: String,
    pub name: String,
    scratch: ScratchDatabase,
}

impl TestDatabase {
    /// Creates a fresh database and loads the T-SQL demo HIS into it;
    /// `None` (after saying so) without a test server.
    pub async fn create() -> Option<TestDatabase> {
        let scratch = ScratchDatabase::create().await?;
        let mut client = scratch.client().await;
        for script in ["schema.sql", "seed.sql"] {
            let path = repo().join("sql/demo-his/mssql").join(script);
            let text = std::fs::read_to_string(&path).expect("T-SQL demo script");
            run_batches(&mut client, &text)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        let db = TestDatabase {
            url: scratch.url.clone(),
            name: scratch.name.clone(),
            scratch,
        };
        // What `hisgw migrate` does before a hospital's first start.
        hisgw::ledger::migrate(&db.pool(1, 5_000), hisgw::execute::Dialect::Mssql)
            .await
            .unwrap_or_else(|e| panic!("ledger migration: {e}"));
        Some(db)
    }

    /// The connection string of this database.
    pub fn connection_string(&self) -> String {
        self.scratch.connection_string()
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
    pub fn pool(&self, max_size: u32, checkout_ms: u64) -> Database {
        let mut options = MssqlOptions::from_config(&mssql_config(
            &self.connection_string(),
            max_size,
            checkout_ms,
        ))
        .expect("options");
        options.health_check = true;
        Database::Mssql(MssqlDatabase::open(&options))
    }

    /// Runs T-SQL on this database through a pool of one.
    pub async fn run(&self, script: &str) {
        self.pool(1, 5_000)
            .run_script(script.to_string())
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"));
    }
}

pub fn mssql_config(connection_string: &str, max_size: u32, checkout_ms: u64) -> MssqlConfig {
    toml::from_str(&format!(
        "connection_string = {connection_string:?}\nmax_size = {max_size}\ncheckout_timeout_ms = {checkout_ms}\nquery_timeout_ms = 20000"
    ))
    .expect("config")
}

/// tiberius as the gateway re-exports it (no second copy in the test crate).
pub use hisgw::execute::mssql::tiberius as tiberius_config;
