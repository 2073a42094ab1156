//! The embedded SQLite backend: the demo HIS and offline mapping work.
//!
//! A fixed set of worker threads each owns one connection; calls queue on a
//! bounded channel and wait at most the checkout timeout for a worker.
//! rusqlite is synchronous, so the threads keep blocking work off the async
//! runtime without a thread hop per statement.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::config::DbConfig;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

use super::{
    decimal_functions, Database, Description, Ending, ExecError, Param, PoolStats, ResultSet,
    Settle, Statement, Value, WriteOutcome, WriteTx,
};

/// How to open one SQLite HIS database.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    pub path: PathBuf,
    pub pool_size: usize,
    /// Run once, in order, when the database file does not exist yet.
    pub init_scripts: Vec<PathBuf>,
    /// Run at every start (must be idempotent).
    pub start_scripts: Vec<PathBuf>,
    /// How long a call waits for a free connection.
    pub checkout_timeout: Duration,
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// How long a statement waits for another connection's (or process's)
/// write lock before failing as busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct SqliteDatabase {
    jobs: flume::Sender<Job>,
    checkout_timeout: Duration,
    /// One writer at a time in this process. SQLite's busy handler polls
    /// with growing sleeps, so under a storm of writes one connection can
    /// lose the race for the write lock until busy_timeout (measured: 2 of
    /// 11,000 payments). Queued on this lock, writers take turns; other
    /// processes are still kept out by the database's own lock.
    write_turn: Arc<std::sync::Mutex<()>>,
    size: usize,
    busy: Arc<std::sync::atomic::AtomicUsize>,
}

impl SqliteDatabase {
    /// Opens (creating and initialising if needed) the database and starts
    /// the worker threads. Blocking: call at start-up.
    pub fn open(options: &SqliteOptions) -> Result<Self, ExecError> {
        let path_text = options.path.display().to_string();
        let fresh = !options.path.exists();
        if fresh {
            if let Some(dir) = options.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| ExecError::Open {
                    path: path_text.clone(),
                    message: e.to_string(),
                })?;
            }
        }
        let mut first = open_connection(&options.path)?;
        if fresh {
            if let Err(e) = run_scripts(&mut first, &options.init_scripts) {
                drop(first);
                // A half-initialised file would be reused on the next start.
                let _ = std::fs::remove_file(&options.path);
                return Err(e);
            }
        }
        run_scripts(&mut first, &options.start_scripts)?;

        let size = options.pool_size.max(1);
        let (tx, rx) = flume::bounded::<Job>(size * 64);
        let mut connection = Some(first);
        for n in 0..size {
            let conn = match connection.take() {
                Some(c) => c,
                None => open_connection(&options.path)?,
            };
            let rx = rx.clone();
            thread::Builder::new()
                .name(format!("sqlite-{n}"))
                .spawn(move || worker(conn, rx))
                .map_err(|e| ExecError::Open {
                    path: path_text.clone(),
                    message: e.to_string(),
                })?;
        }
        Ok(SqliteDatabase {
            jobs: tx,
            checkout_timeout: options.checkout_timeout,
            write_turn: Arc::default(),
            size,
            busy: Arc::default(),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> Result<T, ExecError> + Send + 'static,
    ) -> Result<T, ExecError> {
        let (tx, rx) = oneshot::channel();
        let busy = self.busy.clone();
        let job: Job = Box::new(move |conn| {
            // The caller gave up waiting: do not run work nobody will read.
            if tx.is_closed() {
                return;
            }
            busy.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let result = job(conn);
            busy.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            let _ = tx.send(result);
        });
        let wait = self.checkout_timeout;
        let queued = tokio::time::timeout(wait, self.jobs.send_async(job)).await;
        match queued {
            Err(_) => return Err(ExecError::Busy(wait)),
            Ok(Err(_)) => return Err(ExecError::Unavailable("worker threads stopped".into())),
            Ok(Ok(())) => {}
        }
        rx.await
            .map_err(|_| ExecError::Unavailable("worker thread stopped".into()))?
    }
}

#[async_trait]
impl Database for SqliteDatabase {
    fn pool_stats(&self) -> PoolStats {
        PoolStats {
            size: self.size as u64,
            in_use: self.busy.load(std::sync::atomic::Ordering::Relaxed) as u64,
            waiting: self.jobs.len() as u64,
        }
    }

    async fn query(&self, statements: Vec<Statement>) -> Result<Vec<Vec<ResultSet>>, ExecError> {
        self.run(move |conn| {
            // One read transaction: every section sees the same snapshot.
            let tx = conn.transaction().map_err(|e| sql_error(0, e))?;
            let mut sets = Vec::with_capacity(statements.len());
            for (i, statement) in statements.iter().enumerate() {
                sets.push(run_statement(&tx, statement).map_err(|e| sql_error(i, e))?);
            }
            tx.commit().map_err(|e| sql_error(0, e))?;
            Ok(sets)
        })
        .await
    }

    async fn write(&self, write: WriteTx) -> Result<WriteOutcome, ExecError> {
        let turn = self.write_turn.clone();
        self.run(move |conn| {
            let _turn = turn.lock().unwrap_or_else(|e| e.into_inner());
            // IMMEDIATE takes the write lock first: two writers never both
            // read and then fail to upgrade (busy_timeout queues them), and a
            // second claim of the same key starts only after the first ended.
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(|e| sql_error(0, e))?;
            for (i, statement) in write.claim.iter().enumerate() {
                match run_statement(&tx, statement) {
                    Ok(_) => {}
                    Err(e) if is_unique_violation(&e) => {
                        tx.rollback().map_err(|e| sql_error(i, e))?;
                        return Ok(WriteOutcome::ClaimTaken);
                    }
                    // An error drops `tx`, which rolls back.
                    Err(e) => return Err(sql_error(i, e)),
                }
            }
            tx.execute_batch("SAVEPOINT hisgw_work")
                .map_err(|e| sql_error(0, e))?;
            let mut sets = Vec::with_capacity(write.work.len());
            for (i, statement) in write.work.iter().enumerate() {
                sets.push(run_statement(&tx, statement).map_err(|e| sql_error(i, e))?);
            }
            let (record, ending) = match (write.settle)(&sets) {
                Settle::Commit(record) => (record, Ending::Committed),
                Settle::UndoWork(record) => {
                    tx.execute_batch("ROLLBACK TO hisgw_work")
                        .map_err(|e| sql_error(0, e))?;
                    (record, Ending::WorkUndone)
                }
                Settle::Abort => {
                    tx.rollback().map_err(|e| sql_error(0, e))?;
                    return Ok(WriteOutcome::Ran {
                        sets,
                        ending: Ending::RolledBack,
                    });
                }
            };
            for (i, statement) in record.iter().enumerate() {
                run_statement(&tx, statement).map_err(|e| sql_error(i, e))?;
            }
            tx.commit().map_err(|e| sql_error(0, e))?;
            Ok(WriteOutcome::Ran { sets, ending })
        })
        .await
    }

    async fn run_script(&self, script: String) -> Result<(), ExecError> {
        self.run(move |conn| {
            let tx = conn.transaction().map_err(|e| sql_error(0, e))?;
            tx.execute_batch(&script).map_err(|e| sql_error(0, e))?;
            tx.commit().map_err(|e| sql_error(0, e))
        })
        .await
    }

    async fn describe(&self, sql: Arc<str>, _params: usize) -> Result<Description, ExecError> {
        self.run(move |conn| {
            let stmt = conn.prepare(&sql).map_err(|e| sql_error(0, e))?;
            Ok(Description {
                columns: stmt.column_names().map(String::from).collect(),
                parameter_types: Vec::new(),
            })
        })
        .await
    }
}

fn worker(mut conn: Connection, jobs: flume::Receiver<Job>) {
    while let Ok(job) = jobs.recv() {
        job(&mut conn);
    }
}

fn open_connection(path: &Path) -> Result<Connection, ExecError> {
    let open_err = |e: rusqlite::Error| ExecError::Open {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(open_err)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")
        .map_err(open_err)?;
    conn.set_prepared_statement_cache_capacity(256);
    // With the bundled build's STAT4, a bound value can make SQLite re-plan a
    // cached statement on every step (measured: 85% of a worker's time under
    // load). A stable plan per statement is what a mapping wants.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .map_err(open_err)?;
    decimal_functions::register(&conn).map_err(open_err)?;
    Ok(conn)
}

fn run_scripts(conn: &mut Connection, scripts: &[PathBuf]) -> Result<(), ExecError> {
    for script in scripts {
        let name = script.display().to_string();
        let text = std::fs::read_to_string(script).map_err(|e| ExecError::Script {
            script: name.clone(),
            message: e.to_string(),
        })?;
        let tx = conn.transaction().map_err(|e| ExecError::Script {
            script: name.clone(),
            message: e.to_string(),
        })?;
        tx.execute_batch(&text)
            .and_then(|_| tx.commit())
            .map_err(|e| ExecError::Script {
                script: name.clone(),
                message: e.to_string(),
            })?;
    }
    Ok(())
}

/// Runs one section: a single statement (prepared once and cached), or a
/// batch of several, each SELECT giving one result set in order.
fn run_statement(conn: &Connection, statement: &Statement) -> rusqlite::Result<Vec<ResultSet>> {
    match conn.prepare_cached(&statement.sql) {
        Ok(mut stmt) => Ok(vec![read_rows(&mut stmt, &statement.params)?]),
        // Several statements (rusqlite may also report an error from
        // compiling the second one before the first has run): run it as a batch.
        Err(_) => {
            use rusqlite::fallible_iterator::FallibleIterator;
            let mut batch = rusqlite::Batch::new(conn, &statement.sql);
            let mut sets = Vec::new();
            while let Some(mut stmt) = batch.next()? {
                let set = read_rows(&mut stmt, &statement.params)?;
                if !set.columns.is_empty() {
                    sets.push(set);
                }
            }
            Ok(sets)
        }
    }
}

/// Binds the parameters a statement uses (a statement of a batch may use
/// only some of the section's numbers) and reads all its rows.
fn read_rows(stmt: &mut rusqlite::Statement<'_>, params: &[Param]) -> rusqlite::Result<ResultSet> {
    let used = stmt.parameter_count();
    for (i, param) in params.iter().enumerate().take(used) {
        match param {
            Param::Null => stmt.raw_bind_parameter(i + 1, rusqlite::types::Null)?,
            Param::Text(text) => stmt.raw_bind_parameter(i + 1, text.as_str())?,
        }
    }
    let columns: Vec<String> = stmt.column_names().map(String::from).collect();
    let width = columns.len();
    let mut rows = Vec::new();
    let mut cursor = stmt.raw_query();
    while let Some(row) = cursor.next()? {
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            values.push(read_value(row.get_ref(i)?));
        }
        rows.push(values);
    }
    Ok(ResultSet { columns, rows })
}

fn read_value(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => crate::money::real_to_decimal(f)
            .map(Value::Decimal)
            .unwrap_or(Value::Null),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    }
}

fn sql_error(statement: usize, e: rusqlite::Error) -> ExecError {
    // Locked by another writer for longer than busy_timeout: transient.
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
        return ExecError::Busy(BUSY_TIMEOUT);
    }
    ExecError::Sql {
        statement,
        message: e.to_string(),
    }
}

/// A PRIMARY KEY or UNIQUE constraint refused a row.
fn is_unique_violation(e: &rusqlite::Error) -> bool {
    const SQLITE_CONSTRAINT_PRIMARYKEY: i32 = 1555;
    const SQLITE_CONSTRAINT_UNIQUE: i32 = 2067;
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == SQLITE_CONSTRAINT_PRIMARYKEY || f.extended_code == SQLITE_CONSTRAINT_UNIQUE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &Path) -> SqliteDatabase {
        SqliteDatabase::open(&SqliteOptions {
            path: dir.join("t.sqlite"),
            pool_size: 2,
            init_scripts: vec![],
            start_scripts: vec![],
            checkout_timeout: Duration::from_secs(1),
        })
        .unwrap()
    }

    #[tokio::test]
    async fn a_section_may_be_a_batch_with_several_result_sets() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        let sets = db
            .query(vec![Statement::new(
                "CREATE TEMP TABLE IF NOT EXISTS t(x TEXT); INSERT INTO t VALUES (?2); SELECT x FROM t; SELECT ?1 AS y, dec_add(?2, '0.5') AS z",
                vec![Param::Text("a".into()), Param::Text("1.25".into())],
            )])
            .await
            .unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0].len(), 2);
        assert_eq!(sets[0][0].rows, vec![vec![Value::Text("1.25".into())]]);
        assert_eq!(sets[0][1].columns, vec!["y", "z"]);
        assert_eq!(
            sets[0][1].rows,
            vec![vec![Value::Text("a".into()), Value::Text("1.75".into())]]
        );
    }

    #[tokio::test]
    async fn a_write_commits_only_when_approved_and_never_after_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let db = open(dir.path());
        db.run_script("CREATE TABLE slot(id TEXT PRIMARY KEY, remain INTEGER NOT NULL CHECK (remain >= 0)); INSERT INTO slot VALUES ('s1', 1);".into())
            .await
            .unwrap();
        let take = || {
            vec![Statement::new(
                "UPDATE slot SET remain = remain - 1 WHERE id = ?1 AND remain > 0; SELECT changes() AS taken",
                vec![Param::Text("s1".into())],
            )]
        };
        let remain = || async {
            db.query(vec![Statement::new("SELECT remain FROM slot", vec![])])
                .await
                .unwrap()[0][0]
                .rows[0][0]
                .clone()
        };
        // Refused by the decision: rolled back.
        let (sets, committed) = db.transact(take(), Box::new(|_| false)).await.unwrap();
        assert!(!committed);
        assert_eq!(sets[0][0].rows[0][0], Value::Int(1));
        assert_eq!(remain().await, Value::Int(1));
        // Approved: committed.
        let (_, committed) = db.transact(take(), Box::new(|_| true)).await.unwrap();
        assert!(committed);
        assert_eq!(remain().await, Value::Int(0));
        // An error in a later statement undoes the earlier one.
        db.run_script("UPDATE slot SET remain = 5".into())
            .await
            .unwrap();
        let failing = vec![
            Statement::new("UPDATE slot SET remain = remain - 1", vec![]),
            Statement::new("UPDATE slot SET remain = -1", vec![]),
        ];
        assert!(db.transact(failing, Box::new(|_| true)).await.is_err());
        assert_eq!(remain().await, Value::Int(5));
    }

    #[tokio::test]
    async fn a_failed_init_script_leaves_no_half_made_database() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.sql");
        std::fs::write(&bad, "CREATE TABLE a(x); INSERT INTO nowhere VALUES (1);").unwrap();
        let options = SqliteOptions {
            path: dir.path().join("h.sqlite"),
            pool_size: 1,
            init_scripts: vec![bad],
            start_scripts: vec![],
            checkout_timeout: Duration::from_secs(1),
        };
        let err = SqliteDatabase::open(&options).err().unwrap();
        assert!(err.to_string().contains("bad.sql"), "{err}");
        assert!(!options.path.exists());
    }
}
