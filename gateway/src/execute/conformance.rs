//! The backend conformance suite: what every backend must do the same way,
//! run on SQLite always, on SQL Server when `HISGW_TEST_MSSQL_URL` names a
//! test server, on PostgreSQL when `HISGW_TEST_POSTGRES_URL` does and on
//! MySQL when `HISGW_TEST_MYSQL_URL` does (each test in a fresh database,
//! dropped after).
//!
//! - the settle matrix: with and without a claim, each ending (commit,
//!   undo the work, abort), a claim already held, and an error at each
//!   step leave exactly what they should;
//! - read consistency: the statements of one read see one state, even when
//!   another connection commits between them (SQL Server: where the
//!   database allows snapshot isolation; otherwise each statement sees what
//!   was committed when it started, and the test says which held;
//!   PostgreSQL and MySQL: always, by REPEATABLE READ);
//! - busy: with every connection held, a caller gets `Busy` within the
//!   checkout timeout, and the pool serves again once one is free;
//! - timeouts: a statement past the query timeout fails with `Timeout`, its
//!   transaction rolled back, and the next call is served.

use std::time::{Duration, Instant};

use super::mssql::scratch::ScratchDatabase;
use super::mssql::{MssqlDatabase, MssqlOptions};
use super::mysql::scratch::ScratchDatabase as MyScratch;
use super::mysql::MysqlDatabase;
use super::postgres::scratch::ScratchDatabase as PgScratch;
use super::postgres::PostgresDatabase;
use super::session::{self as driver, Failure, Session};
use super::sqlite::{SqliteDatabase, SqliteOptions, SqliteSession};
use super::{
    Database, Decision, Ending, ExecError, MssqlConfig, Param, ResultSet, Settle, Statement, Value,
    WriteTx, Written,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Mssql,
    Postgres,
    Mysql,
}

/// One backend's database for one test.
struct Fixture {
    db: Database,
    /// SQLite: its folder; SQL Server: its scratch database.
    _sqlite_dir: Option<tempfile::TempDir>,
    sqlite_path: Option<std::path::PathBuf>,
    scratch: Option<ScratchDatabase>,
    pg_scratch: Option<PgScratch>,
    my_scratch: Option<MyScratch>,
}

struct Limits {
    pool: usize,
    checkout: Duration,
    query: Duration,
}

const ROOMY: Limits = Limits {
    pool: 2,
    checkout: Duration::from_secs(10),
    query: Duration::from_secs(20),
};

impl Fixture {
    /// A fresh database on `backend`, with the probe tables; `None` when
    /// the backend is not available here (said once on standard error).
    async fn new(backend: Backend, limits: Limits) -> Option<Fixture> {
        let fixture = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("conformance.sqlite");
                let options = SqliteOptions {
                    path: path.clone(),
                    pool_size: limits.pool,
                    init_scripts: Vec::new(),
                    start_scripts: Vec::new(),
                    checkout_timeout: limits.checkout,
                    query_timeout: limits.query,
                };
                Fixture {
                    db: Database::Sqlite(SqliteDatabase::open(&options).unwrap()),
                    _sqlite_dir: Some(dir),
                    sqlite_path: Some(path),
                    scratch: None,
                    pg_scratch: None,
                    my_scratch: None,
                }
            }
            Backend::Mssql => {
                let scratch = ScratchDatabase::create().await?;
                // Before any pooled connection exists (each looks once): a
                // server that allows snapshot isolation gets it; one that
                // cannot switch it (Babelfish has it always) is left as it is.
                let allow = format!(
                    "ALTER DATABASE [{}] SET ALLOW_SNAPSHOT_ISOLATION ON",
                    scratch.name
                );
                let _ = super::mssql::run_batches(&mut scratch.client().await, &allow).await;
                let config: MssqlConfig = toml::from_str(&format!(
                    "connection_string = {:?}\nmax_size = {}\ncheckout_timeout_ms = {}\nquery_timeout_ms = {}",
                    scratch.connection_string(),
                    limits.pool,
                    limits.checkout.as_millis(),
                    limits.query.as_millis()
                ))
                .unwrap();
                let options = MssqlOptions::from_config(&config).unwrap();
                Fixture {
                    db: Database::Mssql(MssqlDatabase::open(&options)),
                    _sqlite_dir: None,
                    sqlite_path: None,
                    scratch: Some(scratch),
                    pg_scratch: None,
                    my_scratch: None,
                }
            }
            Backend::Postgres => {
                let scratch = PgScratch::create().await?;
                let mut options = scratch.options();
                options.max_size = limits.pool as u32;
                options.checkout_timeout = limits.checkout;
                options.query_timeout = limits.query;
                Fixture {
                    db: Database::Postgres(PostgresDatabase::open(&options)),
                    _sqlite_dir: None,
                    sqlite_path: None,
                    scratch: None,
                    pg_scratch: Some(scratch),
                    my_scratch: None,
                }
            }
            Backend::Mysql => {
                let scratch = MyScratch::create().await?;
                let mut options = scratch.options();
                options.max_size = limits.pool as u32;
                options.checkout_timeout = limits.checkout;
                options.query_timeout = limits.query;
                Fixture {
                    db: Database::Mysql(MysqlDatabase::open(&options)),
                    _sqlite_dir: None,
                    sqlite_path: None,
                    scratch: None,
                    pg_scratch: None,
                    my_scratch: Some(scratch),
                }
            }
        };
        // A new SQL Server connection (TLS, login) may take longer than a
        // short checkout timeout: the first ones wait for it to be made.
        for attempt in 1.. {
            match fixture
                .db
                .query(vec![Statement::new("SELECT 1", vec![])])
                .await
            {
                Ok(_) => break,
                Err(ExecError::Busy(_)) if attempt < 50 => {
                    tokio::time::sleep(Duration::from_millis(100)).await
                }
                Err(e) => panic!("the pool does not connect: {e}"),
            }
        }
        for script in [
            "CREATE TABLE slot (id VARCHAR(10) PRIMARY KEY, remain INT NOT NULL CHECK (remain >= 0))",
            "INSERT INTO slot (id, remain) VALUES ('s1', 5)",
            "CREATE TABLE claim_probe (k VARCHAR(20) PRIMARY KEY, state VARCHAR(10) NOT NULL)",
        ] {
            fixture.db.run_script(script.into()).await.unwrap();
        }
        Some(fixture)
    }

    fn statement(&self, sql: &str, params: &[&str]) -> Statement {
        let mut sql = sql.to_string();
        for n in 1..=params.len() {
            sql = sql.replace(&format!("${n}"), &self.db.dialect().placeholder(n));
        }
        Statement::new(
            sql,
            params.iter().map(|p| Param::Text(p.to_string())).collect(),
        )
    }

    async fn remain(&self) -> i64 {
        let sets = self
            .db
            .query(vec![Statement::new(
                "SELECT remain FROM slot WHERE id = 's1'",
                vec![],
            )])
            .await
            .unwrap();
        sets[0][0].rows[0][0].int()
    }

    /// The claims and their states, in key order.
    async fn claims(&self) -> Vec<(String, String)> {
        let sets = self
            .db
            .query(vec![Statement::new(
                "SELECT k, state FROM claim_probe ORDER BY k",
                vec![],
            )])
            .await
            .unwrap();
        sets[0][0]
            .rows
            .iter()
            .map(|r| (r[0].text(), r[1].text()))
            .collect()
    }

    fn claim(&self, key: &str) -> Statement {
        self.statement(
            "INSERT INTO claim_probe (k, state) VALUES ($1, 'pending')",
            &[key],
        )
    }

    fn record(&self, key: &str) -> Statement {
        self.statement(
            "UPDATE claim_probe SET state = 'settled' WHERE k = $1",
            &[key],
        )
    }

    /// Takes one from the slot and reads what is left, inside the work.
    fn take(&self) -> Vec<Statement> {
        vec![
            self.statement("UPDATE slot SET remain = remain - 1 WHERE id = 's1'", &[]),
            self.statement("SELECT remain FROM slot WHERE id = 's1'", &[]),
        ]
    }

    /// A write whose decision reads what the work left and settles as told.
    async fn write(
        &self,
        claim: Option<&str>,
        work: Vec<Statement>,
        settle: Settle,
    ) -> Result<Result<Written<i64>, &'static str>, ExecError> {
        let tx = WriteTx {
            claim: claim.map(|k| (self.claim(k), "taken")),
            work,
            decide: Box::new(move |sets: Vec<Vec<ResultSet>>| Decision {
                settle,
                answer: sets
                    .last()
                    .and_then(|s| s.first())
                    .and_then(|s| s.rows.first())
                    .map_or(-1, |r| r[0].int()),
            }),
        };
        self.db.write(tx).await
    }
}

/// Another session on the fixture's server, outside its pool: it commits
/// in between a read's statements, holds a row lock, or ends the pool's
/// connections, as another program on the HIS would.
enum Other {
    Tds(Box<super::mssql::TdsClient>),
    Pg(tokio_postgres::Client),
    My(mysql_async::Conn),
}

impl Fixture {
    /// `None` on SQLite (no server).
    async fn other(&self) -> Option<Other> {
        if let Some(s) = &self.scratch {
            return Some(Other::Tds(Box::new(s.client().await)));
        }
        if let Some(s) = &self.pg_scratch {
            return Some(Other::Pg(s.client().await));
        }
        if let Some(s) = &self.my_scratch {
            return Some(Other::My(s.conn().await));
        }
        None
    }

    /// The fixture's database name on its server.
    fn name(&self) -> &str {
        [
            self.scratch.as_ref().map(|s| s.name.as_str()),
            self.pg_scratch.as_ref().map(|s| s.name.as_str()),
            self.my_scratch.as_ref().map(|s| s.name.as_str()),
        ]
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_default()
    }
}

impl Other {
    /// Runs SQL text (several statements allowed) and panics on an error.
    async fn run(&mut self, sql: &str) {
        use mysql_async::prelude::Queryable;
        match self {
            Other::Tds(c) => super::mssql::run_batches(c, sql).await.unwrap(),
            Other::Pg(c) => c.batch_execute(sql).await.unwrap(),
            Other::My(c) => c.query_drop(sql).await.unwrap(),
        }
    }

    /// Begins a transaction that holds the probe slot's row lock.
    async fn lock_slot(&mut self) {
        let begin = match self {
            Other::Tds(_) => "BEGIN TRANSACTION",
            Other::Pg(_) | Other::My(_) => "START TRANSACTION",
        };
        self.run(&format!(
            "{begin}; UPDATE slot SET remain = remain WHERE id = 's1';"
        ))
        .await;
    }

    /// Ends every other session on `database` (the pool's), as a restart
    /// or a DBA would; how many it ended.
    async fn end_sessions_on(&mut self, database: &str) -> usize {
        use mysql_async::prelude::Queryable;
        let ids: Vec<i64> = match self {
            Other::Tds(c) => {
                let sql = format!("SELECT CAST(session_id AS INT) FROM sys.dm_exec_sessions WHERE database_id = DB_ID(N'{database}') AND session_id <> @@SPID");
                let rows = c.simple_query(sql).await.unwrap().into_first_result().await.unwrap();
                rows.iter().filter_map(|r| r.get::<i32, _>(0)).map(i64::from).collect()
            }
            Other::Pg(c) => {
                let sql = format!("SELECT pid FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()");
                c.query(&sql, &[]).await.unwrap().iter().map(|r| i64::from(r.get::<_, i32>(0))).collect()
            }
            Other::My(c) => c
                .query::<i64, _>(format!("SELECT id FROM information_schema.processlist WHERE db = '{database}' AND id <> CONNECTION_ID()"))
                .await
                .unwrap(),
        };
        for id in &ids {
            let end = match self {
                Other::Tds(_) | Other::My(_) => format!("KILL {id}"),
                Other::Pg(_) => format!("SELECT pg_terminate_backend({id})"),
            };
            self.run(&end).await;
        }
        ids.len()
    }
}

/// Writes each test once per backend; the SQL Server one returns early
/// (after saying so) without a test server.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Sqlite).await;
                }
            )*
        }
        mod mssql {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Mssql).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Postgres).await;
                }
            )*
        }
        mod mysql {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Mysql).await;
                }
            )*
        }
    };
}

on_every_backend!(
    settle_matrix,
    a_claim_held_elsewhere_runs_nothing_past_it,
    an_error_at_any_step_leaves_nothing,
    reads_see_one_state,
    busy_within_the_checkout_timeout,
    a_statement_past_the_query_timeout_times_out_and_the_pool_serves_on,
    connections_the_server_ends_are_replaced,
);

async fn settle_matrix(backend: Backend) {
    let Some(f) = Fixture::new(backend, ROOMY).await else {
        return;
    };
    // Without a claim: commit keeps the work, abort keeps nothing; the
    // decision saw the work's own reads either way.
    let Ok(w) = f
        .write(None, f.take(), Settle::Commit(Vec::new()))
        .await
        .unwrap()
    else {
        panic!("no claim, nothing taken")
    };
    assert_eq!((w.answer, w.ending), (4, Ending::Committed));
    assert_eq!(f.remain().await, 4);
    let Ok(w) = f.write(None, f.take(), Settle::Abort).await.unwrap() else {
        panic!("no claim, nothing taken")
    };
    assert_eq!((w.answer, w.ending), (3, Ending::RolledBack));
    assert_eq!(f.remain().await, 4);

    // With a claim: commit keeps claim, work and record.
    let Ok(w) = f
        .write(Some("c1"), f.take(), Settle::Commit(vec![f.record("c1")]))
        .await
        .unwrap()
    else {
        panic!("c1 is new")
    };
    assert_eq!((w.answer, w.ending), (3, Ending::Committed));
    assert_eq!(f.remain().await, 3);
    // Undoing the work keeps the claim and what the decision records.
    let Ok(w) = f
        .write(Some("c2"), f.take(), Settle::UndoWork(vec![f.record("c2")]))
        .await
        .unwrap()
    else {
        panic!("c2 is new")
    };
    assert_eq!((w.answer, w.ending), (2, Ending::WorkUndone));
    assert_eq!(f.remain().await, 3);
    // Aborting keeps nothing, not even the claim.
    let Ok(w) = f.write(Some("c3"), f.take(), Settle::Abort).await.unwrap() else {
        panic!("c3 is new")
    };
    assert_eq!(w.ending, Ending::RolledBack);
    assert_eq!(f.remain().await, 3);
    assert_eq!(
        f.claims().await,
        [
            ("c1".into(), "settled".into()),
            ("c2".into(), "settled".into())
        ]
    );

    // `execute` commits what it runs.
    f.db.execute(vec![
        f.statement("UPDATE slot SET remain = 9 WHERE id = 's1'", &[])
    ])
    .await
    .unwrap();
    assert_eq!(f.remain().await, 9);
}

async fn a_claim_held_elsewhere_runs_nothing_past_it(backend: Backend) {
    let Some(f) = Fixture::new(backend, ROOMY).await else {
        return;
    };
    f.write(Some("k"), Vec::new(), Settle::Commit(Vec::new()))
        .await
        .unwrap()
        .unwrap();
    let again = f
        .write(Some("k"), f.take(), Settle::Commit(vec![f.record("k")]))
        .await
        .unwrap();
    assert!(matches!(again, Err("taken")), "{again:?}");
    assert_eq!(f.remain().await, 5, "the work did not run");
    assert_eq!(f.claims().await, [("k".into(), "pending".into())]);
    // The connection that met the held claim serves the next call.
    assert_eq!(f.remain().await, 5);
}

async fn an_error_at_any_step_leaves_nothing(backend: Backend) {
    let Some(f) = Fixture::new(backend, ROOMY).await else {
        return;
    };
    let violates = || f.statement("UPDATE slot SET remain = -1 WHERE id = 's1'", &[]);
    // In the work, after a statement that took one.
    let mut work = f.take();
    work.push(violates());
    let e = f
        .write(Some("w"), work, Settle::Commit(Vec::new()))
        .await
        .unwrap_err();
    assert!(matches!(e, ExecError::Sql { statement: 2, .. }), "{e}");
    // In what the decision records.
    let e = f
        .write(Some("r"), f.take(), Settle::Commit(vec![violates()]))
        .await
        .unwrap_err();
    assert!(matches!(e, ExecError::Sql { .. }), "{e}");
    // In the claim itself (not a unique-key violation: an error).
    let bad_claim = f.statement(
        "INSERT INTO claim_probe (k, state) VALUES ($1, NULL)",
        &["n"],
    );
    let tx = WriteTx {
        claim: Some((bad_claim, ())),
        work: f.take(),
        decide: Box::new(|_| Decision {
            settle: Settle::Commit(Vec::new()),
            answer: (),
        }),
    };
    assert!(f.db.write(tx).await.is_err());
    assert_eq!(f.remain().await, 5);
    assert!(f.claims().await.is_empty());
    // A read that fails in its second statement reports it and serves on.
    let e =
        f.db.query(vec![
            f.statement("SELECT remain FROM slot", &[]),
            f.statement("SELECT nothing FROM nowhere", &[]),
        ])
        .await
        .unwrap_err();
    assert!(matches!(e, ExecError::Sql { statement: 1, .. }), "{e}");
    assert_eq!(f.remain().await, 5);
}

/// A session that lets another connection commit right after the first
/// statement of whatever runs on it.
struct Interleaved<'s, S, F> {
    inner: &'s mut S,
    after_first: Option<F>,
}

impl<S: Session, F: AsyncFnOnce()> Session for Interleaved<'_, S, F> {
    async fn begin_read(&mut self, statements: usize) -> Result<(), Failure> {
        self.inner.begin_read(statements).await
    }
    async fn begin_write(&mut self) -> Result<(), Failure> {
        self.inner.begin_write().await
    }
    async fn run(
        &mut self,
        statement: &Statement,
        index: usize,
    ) -> Result<Vec<ResultSet>, Failure> {
        let result = self.inner.run(statement, index).await;
        if let Some(other) = self.after_first.take() {
            other().await;
        }
        result
    }
    async fn savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.inner.savepoint(name).await
    }
    async fn undo_to_savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.inner.undo_to_savepoint(name).await
    }

    async fn release_savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.inner.release_savepoint(name).await
    }
    async fn commit(&mut self) -> Result<(), Failure> {
        self.inner.commit().await
    }
    async fn rollback(&mut self) -> Result<(), Failure> {
        self.inner.rollback().await
    }
}

async fn reads_see_one_state(backend: Backend) {
    let Some(f) = Fixture::new(backend, ROOMY).await else {
        return;
    };
    // What the backend says a call's reads get: SQLite always one state;
    // SQL Server one state where the database allows snapshot isolation.
    let snapshot = match backend {
        Backend::Sqlite | Backend::Postgres | Backend::Mysql => true,
        Backend::Mssql => {
            let sets = f
                .db
                .query(vec![Statement::new(
                    "SELECT CAST(snapshot_isolation_state AS INT) FROM sys.databases WHERE name = DB_NAME()",
                    vec![],
                )])
                .await
                .unwrap();
            sets[0][0].rows[0][0] == Value::Int(1)
        }
    };
    let read = || {
        vec![
            f.statement("SELECT remain FROM slot WHERE id = 's1'", &[]),
            f.statement("SELECT remain FROM slot WHERE id = 's1'", &[]),
        ]
    };
    let commit_four = "UPDATE slot SET remain = 4 WHERE id = 's1'";
    let sets = match &f.db {
        Database::Sqlite(db) => {
            let path = f.sqlite_path.clone().unwrap();
            let statements = read();
            db.with_worker(move |worker| {
                let other = rusqlite::Connection::open(&path).unwrap();
                let mut session = SqliteSession::new(worker, None);
                let mut interleaved = Interleaved {
                    inner: &mut session,
                    after_first: Some(async || other.execute_batch(commit_four).unwrap()),
                };
                super::sqlite::at_once(driver::read(&mut interleaved, &statements, None))
            })
            .await
            .unwrap()
        }
        // The server backends: each with its own session type, the same
        // interleaving by another session.
        Database::Mssql(db) => {
            let other = tokio::sync::Mutex::new(f.other().await.unwrap());
            let statements = read();
            db.with_session(async |session| {
                let mut interleaved = Interleaved {
                    inner: session,
                    after_first: Some(async || other.lock().await.run(commit_four).await),
                };
                driver::read(&mut interleaved, &statements, None).await
            })
            .await
            .unwrap()
        }
        Database::Postgres(db) => {
            let other = tokio::sync::Mutex::new(f.other().await.unwrap());
            let statements = read();
            db.with_session(async |session| {
                let mut interleaved = Interleaved {
                    inner: session,
                    after_first: Some(async || other.lock().await.run(commit_four).await),
                };
                driver::read(&mut interleaved, &statements, None).await
            })
            .await
            .unwrap()
        }
        Database::Mysql(db) => {
            let other = tokio::sync::Mutex::new(f.other().await.unwrap());
            let statements = read();
            db.with_session(async |session| {
                let mut interleaved = Interleaved {
                    inner: session,
                    after_first: Some(async || other.lock().await.run(commit_four).await),
                };
                driver::read(&mut interleaved, &statements, None).await
            })
            .await
            .unwrap()
        }
    };
    let seen: Vec<i64> = sets.iter().map(|s| s[0].rows[0][0].int()).collect();
    assert_eq!(seen[0], 5);
    if snapshot {
        assert_eq!(seen, [5, 5], "both statements read the state of the first");
    } else {
        // Said in ARCHITECTURE.md: without snapshot isolation each statement
        // sees what was committed when it started.
        assert_eq!(seen, [5, 4]);
    }
    // The other connection's commit stands, and the next read sees it.
    assert_eq!(f.remain().await, 4);
    if backend == Backend::Mssql {
        // The read left its connection at READ COMMITTED for the next call.
        let sets = f
            .db
            .query(vec![f.statement(
                "SELECT CAST(transaction_isolation_level AS INT) FROM sys.dm_exec_sessions WHERE session_id = @@SPID",
                &[],
            )])
            .await
            .unwrap();
        assert_eq!(sets[0][0].rows[0][0], Value::Int(2));
    }
}

/// Holds one of the pool's connections for `hold`, as a long call would.
async fn hold_a_connection(db: &Database, hold: Duration) -> Result<(), ExecError> {
    match db {
        Database::Sqlite(db) => {
            db.with_worker(move |_| {
                std::thread::sleep(hold);
                Ok(())
            })
            .await
        }
        Database::Mssql(db) => db
            .with_session(async |_| {
                tokio::time::sleep(hold).await;
                Ok::<_, Failure>(())
            })
            .await
            .map_err(Failure::into_error),
        Database::Postgres(db) => db
            .with_session(async |_| {
                tokio::time::sleep(hold).await;
                Ok::<_, Failure>(())
            })
            .await
            .map_err(Failure::into_error),
        Database::Mysql(db) => db
            .with_session(async |_| {
                tokio::time::sleep(hold).await;
                Ok::<_, Failure>(())
            })
            .await
            .map_err(Failure::into_error),
    }
}

async fn busy_within_the_checkout_timeout(backend: Backend) {
    let limits = Limits {
        pool: 1,
        checkout: Duration::from_millis(300),
        query: Duration::from_secs(20),
    };
    let Some(f) = Fixture::new(backend, limits).await else {
        return;
    };
    let f = std::sync::Arc::new(f);
    let holder = {
        let f = f.clone();
        tokio::spawn(async move { hold_a_connection(&f.db, Duration::from_millis(2_000)).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let e =
        f.db.query(vec![f.statement("SELECT remain FROM slot", &[])])
            .await
            .unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(e, ExecError::Busy(_)), "{e}");
    assert!(waited < Duration::from_millis(1_200), "waited {waited:?}");
    // A write turned away is not run later behind the caller's back.
    let e = f
        .write(None, f.take(), Settle::Commit(Vec::new()))
        .await
        .unwrap_err();
    assert!(matches!(e, ExecError::Busy(_)), "{e}");
    holder.await.unwrap().unwrap();
    assert_eq!(f.remain().await, 5, "the write refused as busy never ran");
}

async fn a_statement_past_the_query_timeout_times_out_and_the_pool_serves_on(backend: Backend) {
    let limits = Limits {
        pool: 1,
        checkout: Duration::from_secs(10),
        query: Duration::from_millis(1_000),
    };
    let Some(f) = Fixture::new(backend, limits).await else {
        return;
    };
    // Something that takes far longer than the query timeout: SQLite
    // counts; a server waits for a row another session has locked.
    let mut other = f.other().await;
    let slow = match &mut other {
        None => f.statement(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c",
            &[],
        ),
        Some(other) => {
            other.lock_slot().await;
            f.statement("UPDATE slot SET remain = remain - 1 WHERE id = 's1'", &[])
        }
    };
    let started = Instant::now();
    let e = f
        .write(None, vec![slow], Settle::Commit(Vec::new()))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(matches!(e, ExecError::Timeout(_)), "{e}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    if let Some(other) = &mut other {
        other.run("COMMIT").await;
    }
    // Rolled back, and the pool (of one) serves the next call — on a
    // fresh connection where the timed-out one was given up.
    assert_eq!(f.remain().await, 5);
    f.write(None, f.take(), Settle::Commit(Vec::new()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(f.remain().await, 4);
}

/// The server ends every connection of the pool (a restart, a DBA's KILL):
/// a read heals on a fresh connection, and a write fails as unavailable or
/// runs on a fresh one — never half-applied.
async fn connections_the_server_ends_are_replaced(backend: Backend) {
    let Some(f) = Fixture::new(backend, ROOMY).await else {
        return;
    };
    // SQLite has no server to end its connections.
    let Some(mut other) = f.other().await else {
        return;
    };
    assert_eq!(f.remain().await, 5);
    let ended = other.end_sessions_on(f.name()).await;
    assert!(ended > 0, "the pool holds a connection");
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Reads heal: the pool's health check or the one retry of a read.
    assert_eq!(f.remain().await, 5);
    assert_eq!(f.remain().await, 5);
    // Writes run once on a working connection.
    let written = f
        .write(None, f.take(), Settle::Commit(Vec::new()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(written.ending, Ending::Committed);
    assert_eq!(f.remain().await, 4);
}
