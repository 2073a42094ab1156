//! The embedded SQLite backend: the demo HIS and offline mapping work.
//!
//! A fixed set of worker threads each owns one connection; calls queue on a
//! bounded channel and wait at most the checkout timeout for a worker to
//! take them up. rusqlite is synchronous, so the threads keep blocking work
//! off the async runtime, and a whole transaction runs on its worker
//! without a thread hop per statement: the `session` sequence is driven
//! there, every step completing at once. A statement running past the query
//! timeout is interrupted.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use rusqlite::config::DbConfig;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;

use super::rehearsal::{self, Change, Pinned, Rehearsal};
use super::session::{self, Failure, Nested, Session};
use super::{
    decimal_functions, Description, ExecError, Param, PoolStats, ResultSet, Statement, Value,
    WriteTx, Written,
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
    /// How long one statement may run before it is interrupted.
    pub query_timeout: Duration,
}

/// A worker thread's connection and the deadline of what it runs now.
pub(crate) struct Worker {
    conn: Connection,
    deadline: Arc<Deadline>,
    query_timeout: Duration,
    /// Sections of several statements, by their SQL: the statements as
    /// SQLite takes them one at a time, each prepared once and cached
    /// like a single statement (re-preparing a payment's batch on every
    /// call was most of its cost).
    batches: std::collections::HashMap<Arc<str>, Vec<String>>,
}

type Job = Box<dyn FnOnce(&mut Worker) + Send>;

/// How long a statement waits for another connection's (or process's)
/// write lock before failing as busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How many virtual-machine steps pass between two looks at the deadline.
const STEPS_PER_CHECK: i32 = 1_000;

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
    /// For a rehearsal's own connection.
    path: PathBuf,
    query_timeout: Duration,
}

/// A job's turn: taken up by a worker, or given up by its caller — never both.
const WAITING: u8 = 0;
const STARTED: u8 = 1;
const GAVE_UP: u8 = 2;

impl SqliteDatabase {
    /// Opens (creating and initialising if needed) the database and starts
    /// the worker threads. Blocking: call from a blocking thread.
    pub fn open(options: &SqliteOptions) -> Result<Self, ExecError> {
        let path_text = options.path.display().to_string();
        if let Some(dir) = options.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| ExecError::Open {
                path: path_text.clone(),
                message: e.to_string(),
            })?;
        }
        let mut first = open_connection(&options.path)?;
        // Whether the file is new is decided under the write lock, so two
        // gateways starting at once on one file initialise it once.
        run_locked(&mut first, &options.init_scripts, OnlyIf::Empty)?;
        run_locked(&mut first, &options.start_scripts, OnlyIf::Always)?;

        let size = options.pool_size.max(1);
        let (tx, rx) = flume::bounded::<Job>(size * 64);
        let mut connection = Some(first);
        for n in 0..size {
            let conn = match connection.take() {
                Some(c) => c,
                None => open_connection(&options.path)?,
            };
            let worker = Worker::new(conn, options.query_timeout).map_err(|e| ExecError::Open {
                path: path_text.clone(),
                message: e.to_string(),
            })?;
            let rx = rx.clone();
            thread::Builder::new()
                .name(format!("sqlite-{n}"))
                .spawn(move || work(worker, rx))
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
            path: options.path.clone(),
            query_timeout: options.query_timeout,
        })
    }

    /// Runs `job` on a worker. The caller waits at most the checkout timeout
    /// for a worker to take it up; once taken up, the job runs to its end
    /// (bounded by the query timeout) and the caller gets its result, so a
    /// write is never reported busy after it ran.
    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Worker) -> Result<T, ExecError> + Send + 'static,
    ) -> Result<T, ExecError> {
        let (tx, mut rx) = oneshot::channel();
        let turn = Arc::new(AtomicU8::new(WAITING));
        let busy = self.busy.clone();
        let job_turn = turn.clone();
        let job: Job = Box::new(move |worker| {
            let taken = job_turn
                .compare_exchange(WAITING, STARTED, Ordering::AcqRel, Ordering::Acquire)
                .is_ok();
            // The caller gave up waiting, or is gone: run nothing nobody reads.
            if !taken || tx.is_closed() {
                return;
            }
            busy.fetch_add(1, Ordering::Relaxed);
            let result = job(worker);
            busy.fetch_sub(1, Ordering::Relaxed);
            let _ = tx.send(result);
        });
        let wait = self.checkout_timeout;
        let queued_and_done = async {
            self.jobs
                .send_async(job)
                .await
                .map_err(|_| ExecError::Unavailable("worker threads stopped".into()))?;
            (&mut rx)
                .await
                .map_err(|_| ExecError::Unavailable("worker thread stopped".into()))?
        };
        match tokio::time::timeout(wait, queued_and_done).await {
            Ok(result) => result,
            Err(_) => {
                let gave_up = turn
                    .compare_exchange(WAITING, GAVE_UP, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok();
                if gave_up {
                    return Err(ExecError::Busy(wait));
                }
                // A worker has it: its result is the answer, however long.
                rx.await
                    .map_err(|_| ExecError::Unavailable("worker thread stopped".into()))?
            }
        }
    }

    pub fn pool_stats(&self) -> PoolStats {
        PoolStats {
            size: self.size as u64,
            in_use: self.busy.load(Ordering::Relaxed) as u64,
            waiting: self.jobs.len() as u64,
        }
    }

    pub async fn query(
        &self,
        statements: Vec<Statement>,
    ) -> Result<Vec<Vec<ResultSet>>, ExecError> {
        if let Some(rehearsal) = rehearsal::current() {
            return self
                .rehearsed(rehearsal, move |worker, rehearsal| {
                    let mut session = SqliteSession::new(worker, Some(rehearsal.clone()));
                    let mut nested = Nested::new(&mut session);
                    at_once(session::read(&mut nested, &statements, Some(&rehearsal)))
                })
                .await;
        }
        self.run(move |worker| {
            let mut session = SqliteSession::new(worker, None);
            at_once(session::read(&mut session, &statements, None))
        })
        .await
    }

    pub async fn write<R, T>(&self, tx: WriteTx<R, T>) -> Result<Result<Written<R>, T>, ExecError>
    where
        R: Send + 'static,
        T: Send + 'static,
    {
        let turn = self.write_turn.clone();
        if let Some(rehearsal) = rehearsal::current() {
            return self
                .rehearsed(rehearsal, move |worker, rehearsal| {
                    let mut session = SqliteSession::new(worker, Some(rehearsal.clone()));
                    let mut nested = Nested::new(&mut session);
                    at_once(session::write(&mut nested, tx, Some(&rehearsal)))
                })
                .await;
        }
        self.run(move |worker| {
            let _turn = turn.lock().unwrap_or_else(|e| e.into_inner());
            let mut session = SqliteSession::new(worker, None);
            at_once(session::write(&mut session, tx, None))
        })
        .await
    }

    pub async fn run_script(&self, script: String) -> Result<(), ExecError> {
        self.run(move |worker| {
            // The write lock first: a script that reads before it writes
            // cannot fail to upgrade while another process writes.
            let tx = worker
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(|e| sql_error(0, e))?;
            tx.execute_batch(&script).map_err(|e| sql_error(0, e))?;
            tx.commit().map_err(|e| sql_error(0, e))
        })
        .await
    }

    pub async fn describe(&self, sql: Arc<str>) -> Result<Description, ExecError> {
        self.run(move |worker| {
            let stmt = worker.conn.prepare(&sql).map_err(|e| sql_error(0, e))?;
            Ok(Description {
                columns: stmt.column_names().map(String::from).collect(),
                parameter_types: Vec::new(),
            })
        })
        .await
    }

    /// Runs `job` on the rehearsal's own connection to this database: opened
    /// at its first use with the rehearsal's one transaction begun (BEGIN
    /// IMMEDIATE: the write lock is held until the rehearsal ends).
    async fn rehearsed<V: Send + 'static>(
        &self,
        rehearsal: Arc<Rehearsal>,
        job: impl FnOnce(&mut Worker, Arc<Rehearsal>) -> Result<V, ExecError> + Send + 'static,
    ) -> Result<V, ExecError> {
        let (path, timeout) = (self.path.clone(), self.query_timeout);
        let open = async move {
            let worker = blocking(move || {
                let conn = open_connection(&path)?;
                conn.execute_batch("BEGIN IMMEDIATE")
                    .map_err(|e| sql_error(0, e))?;
                Worker::new(conn, timeout).map_err(|e| sql_error(0, e))
            })
            .await?;
            Ok(Pinned::Sqlite(Arc::new(std::sync::Mutex::new(worker))))
        };
        let Pinned::Sqlite(worker) = rehearsal.pinned(self as *const Self as usize, open).await?
        else {
            return Err(ExecError::Unavailable(
                "a rehearsal mixed up its connections".into(),
            ));
        };
        blocking(move || {
            let mut worker = worker.lock().unwrap_or_else(|e| e.into_inner());
            job(&mut worker, rehearsal)
        })
        .await
    }

    /// Compiles a section without running it (see `execute::compile`).
    pub async fn compile(&self, sql: Arc<str>) -> Result<super::Compiled, super::CompileError> {
        self.run(move |worker| Ok(super::sqlite_compile::compile(&worker.conn, &sql)))
            .await?
    }

    /// Runs `job` with the worker's connection (for tests that step in
    /// between the statements of a transaction).
    #[cfg(test)]
    pub(crate) async fn with_worker<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Worker) -> Result<T, ExecError> + Send + 'static,
    ) -> Result<T, ExecError> {
        self.run(job).await
    }
}

/// Runs blocking SQLite work off the async threads.
async fn blocking<V: Send + 'static>(
    job: impl FnOnce() -> Result<V, ExecError> + Send + 'static,
) -> Result<V, ExecError> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| ExecError::Unavailable(format!("a SQLite job stopped: {e}")))?
}

/// Ends a rehearsal's transaction on its own connection, which is then closed.
pub(crate) async fn end_pinned(
    worker: Arc<std::sync::Mutex<Worker>>,
    commit: bool,
) -> Result<(), ExecError> {
    blocking(move || {
        let worker = worker.lock().unwrap_or_else(|e| e.into_inner());
        if worker.conn.is_autocommit() {
            return Ok(());
        }
        worker
            .conn
            .execute_batch(if commit { "COMMIT" } else { "ROLLBACK" })
            .map_err(|e| sql_error(0, e))
    })
    .await
}

/// Completes a driver whose every step is synchronous. SQLite's session
/// never waits, so the sequence finishes in this one poll.
pub(crate) fn at_once<V>(
    driver: impl std::future::Future<Output = Result<V, Failure>>,
) -> Result<V, ExecError> {
    match driver.now_or_never() {
        Some(result) => result.map_err(Failure::into_error),
        None => Err(ExecError::Unavailable(
            "a SQLite transaction step waited, which it never does".into(),
        )),
    }
}

impl Worker {
    fn new(mut conn: Connection, query_timeout: Duration) -> rusqlite::Result<Worker> {
        let deadline = Arc::new(Deadline::default());
        let passed = deadline.clone();
        conn.progress_handler(STEPS_PER_CHECK, Some(move || passed.passed()))?;
        Ok(Worker {
            conn,
            deadline,
            query_timeout,
            batches: std::collections::HashMap::new(),
        })
    }
}

/// When the statement running now must stop; none between statements.
#[derive(Debug)]
struct Deadline {
    epoch: Instant,
    /// Nanoseconds after `epoch`; 0: none.
    at: AtomicU64,
}

impl Default for Deadline {
    fn default() -> Self {
        Deadline {
            epoch: Instant::now(),
            at: AtomicU64::new(0),
        }
    }
}

impl Deadline {
    fn set(&self, within: Duration) {
        let at = self.epoch.elapsed() + within;
        self.at.store(
            u64::try_from(at.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    fn clear(&self) {
        self.at.store(0, Ordering::Relaxed);
    }

    fn passed(&self) -> bool {
        let at = self.at.load(Ordering::Relaxed);
        at != 0 && self.epoch.elapsed().as_nanos() > u128::from(at)
    }
}

/// A worker's connection as the transaction drivers use it. Every method
/// completes without waiting.
pub(crate) struct SqliteSession<'w> {
    worker: &'w mut Worker,
    /// A rehearsal counts every row change per table while the session lasts.
    counting: bool,
    /// A rehearsal's trace: each statement of a batch is recorded on its own.
    trace: Option<Arc<Rehearsal>>,
}

impl<'w> SqliteSession<'w> {
    pub(crate) fn new(worker: &'w mut Worker, rehearsal: Option<Arc<Rehearsal>>) -> Self {
        let mut counting = false;
        let trace = rehearsal.clone();
        if let Some(rehearsal) = rehearsal {
            let counts = rehearsal.clone();
            counting = worker
                .conn
                .update_hook(Some(move |action, db: &str, table: &str, _rowid| {
                    // The connection's temp tables are the mapping's scratch state.
                    if db == "temp" {
                        return;
                    }
                    let change = match action {
                        rusqlite::hooks::Action::SQLITE_INSERT => Change::Insert,
                        rusqlite::hooks::Action::SQLITE_UPDATE => Change::Update,
                        rusqlite::hooks::Action::SQLITE_DELETE => Change::Delete,
                        _ => return,
                    };
                    counts.count(table, change);
                }))
                .is_ok();
            if counting {
                rehearsal.counting();
            }
        }
        SqliteSession {
            worker,
            counting,
            trace,
        }
    }

    /// Runs SQL without parameters or results, within the query timeout.
    /// One statement without parameters or rows (BEGIN, SAVEPOINT, COMMIT),
    /// prepared once per connection.
    fn batch(&mut self, sql: &str) -> Result<(), Failure> {
        let timeout = self.worker.query_timeout;
        self.worker.deadline.set(timeout);
        let result = self
            .worker
            .conn
            .prepare_cached(sql)
            .and_then(|mut stmt| stmt.raw_execute())
            .map(drop);
        self.worker.deadline.clear();
        result.map_err(|e| failure(0, timeout, e))
    }
}

impl Drop for SqliteSession<'_> {
    fn drop(&mut self) {
        if self.counting {
            let _ = self
                .worker
                .conn
                .update_hook(None::<fn(rusqlite::hooks::Action, &str, &str, i64)>);
        }
    }
}

impl Session for SqliteSession<'_> {
    fn changes(&self) -> Option<u64> {
        Some(self.worker.conn.total_changes())
    }

    async fn begin_read(&mut self, _statements: usize) -> Result<(), Failure> {
        // A deferred transaction: in WAL mode its first read fixes the
        // state every later statement sees, and writers go on meanwhile.
        self.batch("BEGIN")
    }

    async fn begin_write(&mut self) -> Result<(), Failure> {
        // IMMEDIATE takes the write lock first: two writers never both read
        // and then fail to upgrade (busy_timeout queues them), and a second
        // claim of the same key starts only after the first ended.
        self.batch("BEGIN IMMEDIATE")
    }

    async fn run(
        &mut self,
        statement: &Statement,
        index: usize,
    ) -> Result<Vec<ResultSet>, Failure> {
        let timeout = self.worker.query_timeout;
        self.worker.deadline.set(timeout);
        let result = match &self.trace {
            Some(trace) => run_traced(&self.worker.conn, statement, trace),
            None => run_statement(&self.worker.conn, &mut self.worker.batches, statement),
        };
        self.worker.deadline.clear();
        result.map_err(|e| failure(index, timeout, e))
    }

    fn traces(&self) -> bool {
        self.trace.is_some()
    }

    async fn savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.batch(&format!("SAVEPOINT {name}"))
    }

    async fn undo_to_savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.batch(&format!("ROLLBACK TO {name}"))
    }

    async fn release_savepoint(&mut self, name: &str) -> Result<(), Failure> {
        self.batch(&format!("RELEASE {name}"))
    }

    async fn commit(&mut self) -> Result<(), Failure> {
        self.batch("COMMIT")
    }

    async fn rollback(&mut self) -> Result<(), Failure> {
        if self.worker.conn.is_autocommit() {
            return Ok(());
        }
        // Never cut short: a rollback must finish.
        self.worker
            .conn
            .execute_batch("ROLLBACK")
            .map_err(|e| Failure::Lost(sql_error(0, e)))
    }
}

fn work(mut worker: Worker, jobs: flume::Receiver<Job>) {
    while let Ok(job) = jobs.recv() {
        job(&mut worker);
    }
}

/// A connection set up as every pooled worker sets up its own (WAL, a
/// stable plan per statement, the decimal functions mappings use); also
/// what the driver baseline of `deploy/bench/driver.sh` runs on.
pub fn open_connection(path: &Path) -> Result<Connection, ExecError> {
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
    // Every statement of every section a hospital maps, and the few the
    // gateway runs itself.
    conn.set_prepared_statement_cache_capacity(1024);
    // With the bundled build's STAT4, a bound value can make SQLite re-plan a
    // cached statement on every step (measured: 85% of a worker's time under
    // load). A stable plan per statement is what a mapping wants.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .map_err(open_err)?;
    decimal_functions::register(&conn).map_err(open_err)?;
    Ok(conn)
}

/// When a set of scripts runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnlyIf {
    /// Init scripts: only on a database without any table yet.
    Empty,
    /// Start scripts: at every start.
    Always,
}

/// How long a start waits for another process's write lock (a gateway
/// booking payments, another gateway starting) before giving up.
const START_LOCK_WAIT: Duration = Duration::from_secs(120);

/// Runs `scripts` in one transaction that holds the write lock from its
/// first statement (`BEGIN IMMEDIATE`): a script that reads, then writes
/// can never fail to upgrade its lock while another process writes, and a
/// busy database is waited for (up to `START_LOCK_WAIT`), not an error.
/// Init scripts run all or nothing, so a failed one leaves an empty file
/// that the next start initialises again.
fn run_locked(
    conn: &mut Connection,
    scripts: &[PathBuf],
    only_if: OnlyIf,
) -> Result<(), ExecError> {
    if scripts.is_empty() {
        return Ok(());
    }
    let mut texts = Vec::with_capacity(scripts.len());
    for script in scripts {
        let text = std::fs::read_to_string(script).map_err(|e| ExecError::Script {
            script: script.display().to_string(),
            message: e.to_string(),
        })?;
        texts.push(text);
    }
    let started = Instant::now();
    loop {
        match run_once_locked(conn, scripts, &texts, only_if) {
            Err(Locked::Busy(e)) if started.elapsed() < START_LOCK_WAIT => {
                tracing::warn!(error = %e, "database locked by another process at start: waiting");
                thread::sleep(Duration::from_millis(200));
            }
            Err(Locked::Busy(e)) => {
                return Err(ExecError::Script {
                    script: scripts[0].display().to_string(),
                    message: format!(
                        "the database stayed locked by another process for {START_LOCK_WAIT:?}: {e}"
                    ),
                })
            }
            Err(Locked::Failed(e)) => return Err(e),
            Ok(()) => return Ok(()),
        }
    }
}

enum Locked {
    Busy(rusqlite::Error),
    Failed(ExecError),
}

fn run_once_locked(
    conn: &mut Connection,
    scripts: &[PathBuf],
    texts: &[String],
    only_if: OnlyIf,
) -> Result<(), Locked> {
    let busy_or = |e: rusqlite::Error, failed: &dyn Fn(rusqlite::Error) -> ExecError| {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
            Locked::Busy(e)
        } else {
            Locked::Failed(failed(e))
        }
    };
    let whole = |e: rusqlite::Error| ExecError::Script {
        script: scripts[0].display().to_string(),
        message: e.to_string(),
    };
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(|e| busy_or(e, &whole))?;
    if only_if == OnlyIf::Empty {
        let tables: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| busy_or(e, &whole))?;
        if tables > 0 {
            return Ok(());
        }
    }
    for (script, text) in scripts.iter().zip(texts) {
        let script_error = |e: rusqlite::Error| ExecError::Script {
            script: script.display().to_string(),
            message: e.to_string(),
        };
        tx.execute_batch(text)
            .map_err(|e| busy_or(e, &script_error))?;
    }
    tx.commit().map_err(|e| busy_or(e, &whole))
}

/// Runs one section: a single statement (prepared once and cached), or a
/// batch of several, each SELECT giving one result set in order.
fn run_statement(
    conn: &Connection,
    batches: &mut std::collections::HashMap<Arc<str>, Vec<String>>,
    statement: &Statement,
) -> rusqlite::Result<Vec<ResultSet>> {
    if let Some(statements) = batches.get(&statement.sql) {
        let mut sets = Vec::new();
        for sql in statements {
            let mut stmt = conn.prepare_cached(sql)?;
            let set = read_rows(&mut stmt, &statement.params)?;
            if !set.columns.is_empty() {
                sets.push(set);
            }
        }
        return Ok(sets);
    }
    match conn.prepare_cached(&statement.sql) {
        Ok(mut stmt) => Ok(vec![read_rows(&mut stmt, &statement.params)?]),
        // Several statements (rusqlite may also report an error from
        // compiling the second one before the first has run): each runs on
        // its own, and the split is remembered.
        Err(first) => {
            if super::sqlite_compile::pieces(&statement.sql).len() < 2 {
                return Err(first);
            }
            let mut sets = Vec::new();
            let mut statements = Vec::new();
            each_statement(conn, statement, |ran| {
                let set = ran.result?;
                if !set.columns.is_empty() {
                    sets.push(set);
                }
                statements.push(ran.text);
                Ok(())
            })?;
            batches.insert(statement.sql.clone(), statements);
            Ok(sets)
        }
    }
}

/// One statement of a section, run.
struct Ran {
    text: String,
    result: rusqlite::Result<ResultSet>,
    took: Duration,
    changed: u64,
}

/// Runs the statements of a section one at a time, as SQLite takes them:
/// a piece that is incomplete on its own (`CREATE TRIGGER … BEGIN …; END;`
/// holds semicolons of its own) is joined with the next, and each is
/// prepared (once, then cached) only after its predecessors ran — a later
/// one may use a table an earlier one creates. `each` sees every statement
/// run and stops the section by returning an error.
fn each_statement(
    conn: &Connection,
    statement: &Statement,
    mut each: impl FnMut(Ran) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let mut pieces = super::sqlite_compile::pieces(&statement.sql)
        .into_iter()
        .peekable();
    while let Some(piece) = pieces.next() {
        let mut text = piece.to_string();
        let before = conn.total_changes();
        let started = Instant::now();
        let result = loop {
            match conn.prepare_cached(&text) {
                Err(e) if super::sqlite_compile::is_incomplete(&e) && pieces.peek().is_some() => {
                    text.push_str(pieces.next().expect("peeked"));
                }
                prepared => {
                    break prepared.and_then(|mut stmt| read_rows(&mut stmt, &statement.params))
                }
            }
        };
        each(Ran {
            text,
            result,
            took: started.elapsed(),
            changed: conn.total_changes().saturating_sub(before),
        })?;
    }
    Ok(())
}

/// Runs one section as `run_statement` does, recording each statement of a
/// batch on its own in the rehearsal's trace: its text, duration, rows
/// returned and rows changed.
fn run_traced(
    conn: &Connection,
    statement: &Statement,
    trace: &Rehearsal,
) -> rusqlite::Result<Vec<ResultSet>> {
    // As `run_statement`: one statement gives its result set even without
    // columns; a batch gives those of its statements that return rows.
    let single = super::sqlite_compile::pieces(&statement.sql).len() == 1;
    let mut sets = Vec::new();
    each_statement(conn, statement, |ran| match ran.result {
        Ok(set) => {
            trace.record_text(
                &ran.text,
                ran.took,
                Ok(std::slice::from_ref(&set)),
                Some(ran.changed),
            );
            if single || !set.columns.is_empty() {
                sets.push(set);
            }
            Ok(())
        }
        Err(e) => {
            trace.record_text(&ran.text, ran.took, Err(e.to_string()), Some(ran.changed));
            Err(e)
        }
    })?;
    Ok(sets)
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
        // Valid UTF-8 (nearly always) is checked and copied in one go; only
        // text that is not goes through the lossy, character-wise path.
        ValueRef::Text(t) => Value::Text(match std::str::from_utf8(t) {
            Ok(text) => text.to_owned(),
            Err(_) => String::from_utf8_lossy(t).into_owned(),
        }),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    }
}

/// A step's failure: a unique-key refusal, a timeout, busy, or a SQL error.
fn failure(statement: usize, query_timeout: Duration, e: rusqlite::Error) -> Failure {
    if is_unique_violation(&e) {
        return Failure::Duplicate(sql_error(statement, e));
    }
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted) {
        return Failure::Failed(ExecError::Timeout(query_timeout));
    }
    Failure::Failed(sql_error(statement, e))
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

    #[tokio::test]
    async fn a_section_may_be_a_batch_with_several_result_sets() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteDatabase::open(&SqliteOptions {
            path: dir.path().join("t.sqlite"),
            pool_size: 1,
            init_scripts: vec![],
            start_scripts: vec![],
            checkout_timeout: Duration::from_secs(1),
            query_timeout: Duration::from_secs(5),
        })
        .unwrap();
        let section = || {
            Statement::new(
                "CREATE TEMP TABLE IF NOT EXISTS t(x TEXT); DELETE FROM t; INSERT INTO t VALUES (?2); SELECT x FROM t; SELECT ?1 AS y, dec_add(?2, '0.5') AS z",
                vec![Param::Text("a".into()), Param::Text("1.25".into())],
            )
        };
        // The first run splits the section; later runs reuse the split and
        // the prepared statements, with the same results.
        let first = db.query(vec![section()]).await.unwrap();
        let sets = db.query(vec![section()]).await.unwrap();
        assert_eq!(first, sets);
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
            query_timeout: Duration::from_secs(5),
        };
        let err = SqliteDatabase::open(&options).err().unwrap();
        assert!(err.to_string().contains("bad.sql"), "{err}");
        // All init scripts or none: the file has no table, so the next
        // start initialises it again.
        let good = dir.path().join("good.sql");
        std::fs::write(&good, "CREATE TABLE a(x); INSERT INTO a VALUES (1);").unwrap();
        let db = SqliteDatabase::open(&SqliteOptions {
            init_scripts: vec![good],
            ..options
        })
        .unwrap();
        let sets = db
            .query(vec![Statement::new("SELECT count(*) FROM a", vec![])])
            .await
            .unwrap();
        assert_eq!(sets[0][0].rows, vec![vec![Value::Int(1)]]);
    }

    #[tokio::test]
    async fn a_start_waits_for_another_writer_and_initialises_once() {
        let dir = tempfile::tempdir().unwrap();
        let init = dir.path().join("init.sql");
        std::fs::write(&init, "CREATE TABLE a(x); INSERT INTO a VALUES (1);").unwrap();
        let start = dir.path().join("start.sql");
        // Reads, then writes: in a deferred transaction this fails to
        // upgrade its lock when another process wrote meanwhile.
        std::fs::write(
            &start,
            "SELECT count(*) FROM a; INSERT INTO a SELECT max(x) + 1 FROM a;",
        )
        .unwrap();
        let options = SqliteOptions {
            path: dir.path().join("h.sqlite"),
            pool_size: 1,
            init_scripts: vec![init],
            start_scripts: vec![start],
            checkout_timeout: Duration::from_secs(1),
            query_timeout: Duration::from_secs(5),
        };
        // Another process holds the write lock longer than busy_timeout.
        let path = options.path.clone();
        let holder = open_connection(&path).unwrap();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(BUSY_TIMEOUT + Duration::from_secs(1));
            holder.execute_batch("COMMIT").unwrap();
        });
        // Two starts at once on a new file.
        let starts: Vec<_> = (0..2)
            .map(|_| {
                let options = options.clone();
                std::thread::spawn(move || SqliteDatabase::open(&options).map(drop))
            })
            .collect();
        for start in starts {
            start.join().unwrap().unwrap();
        }
        release.join().unwrap();
        let db = SqliteDatabase::open(&SqliteOptions {
            start_scripts: vec![],
            ..options
        })
        .unwrap();
        let sets = db
            .query(vec![Statement::new(
                "SELECT count(*), max(x) FROM a",
                vec![],
            )])
            .await
            .unwrap();
        assert_eq!(
            sets[0][0].rows,
            vec![vec![Value::Int(3), Value::Int(3)]],
            "initialised once, each start script ran once"
        );
    }
}
