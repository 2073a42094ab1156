//! MySQL for the end-to-end suite: a fresh database per test on the
//! server named by `HISGW_TEST_MYSQL_URL`, loaded with the MySQL
//! demo HIS and dropped afterwards.

use std::path::{Path, PathBuf};

use hisgw::execute::mysql::mysql_async::prelude::Queryable;
use hisgw::execute::mysql::scratch::ScratchDatabase;
use hisgw::execute::mysql::MysqlDatabase;
use hisgw::execute::Database;

pub use hisgw::execute::mysql::scratch::MYSQL_URL_VAR;

use crate::mssql::repo;

/// A database of its own for one test, with the MySQL demo HIS
/// loaded; dropped when this is dropped.
pub struct TestDatabase {
    scratch: ScratchDatabase,
}

impl TestDatabase {
    /// Creates a fresh database and loads the demo HIS into it; `None`
    /// (after saying so) without a test server.
    pub async fn create() -> Option<TestDatabase> {
        let scratch = ScratchDatabase::create().await?;
        let mut conn = scratch.conn().await;
        for script in ["schema.sql", "seed.sql"] {
            let path = repo().join("sql/demo-his/mysql").join(script);
            let text = std::fs::read_to_string(&path).expect("MySQL demo script");
            conn.query_drop(text)
                .await
                .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        }
        let _ = conn.disconnect().await;
        let db = TestDatabase { scratch };
        // What `hisgw migrate` does before a hospital's first start.
        hisgw::ledger::migrate(&db.pool(1), hisgw::execute::Dialect::Mysql)
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
    /// through `sql_dir`; `.mysql.sql` overrides apply).
    pub fn write_demo_mappings(&self, root: &Path) -> PathBuf {
        let demo = repo().join("mappings/demo");
        let text = std::fs::read_to_string(demo.join("hospital.toml")).unwrap();
        let mut table: toml::Table = text.parse().unwrap();
        table.insert(
            "sql_dir".into(),
            toml::Value::String(demo.display().to_string()),
        );
        let mut database = toml::Table::new();
        database.insert("kind".into(), "mysql".into());
        database.insert("connection_string".into(), self.connection_string().into());
        database.insert("max_size".into(), toml::Value::Integer(4));
        // Races of hundreds of writes queue longer than a patient would wait.
        database.insert("checkout_timeout_ms".into(), toml::Value::Integer(120_000));
        database.insert("query_timeout_ms".into(), toml::Value::Integer(60_000));
        database.insert(
            "start_scripts".into(),
            toml::Value::Array(vec![repo()
                .join("sql/demo-his/mysql/roll.sql")
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
    pub fn pool(&self, max_size: u32) -> Database {
        let mut options = self.scratch.options();
        options.max_size = max_size;
        Database::Mysql(MysqlDatabase::open(&options))
    }
}
