//! Rehearsal: a call run to its end — reads, writes, payments through the
//! ledger — on the hospital's own database, and then rolled back, with a
//! trace of what it did (`hisgw try`, mapping tests, the admin listener's
//! try).
//!
//! This module owns the trace and the scope. Inside `rehearse`, a backend
//! runs every transaction on one connection per database that the
//! rehearsal holds, with one transaction open on it: a call's transaction
//! becomes a savepoint there (committing releases it, so the next call of
//! the rehearsal sees what it did; rolling back undoes to it), and `finish`
//! ends the open transaction — ROLLBACK, or COMMIT when the rehearsal
//! commits. Each statement's duration, rows returned and rows changed are
//! recorded, and per table the rows inserted, updated and deleted where the
//! backend can tell (SQLite, through its update hook). It must never change
//! what a transaction decides, only where its changes end up.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::mssql::PinnedTds;
use super::mysql::PinnedMy;
use super::postgres::PinnedPg;
use super::sqlite::Worker;
use super::{ExecError, ResultSet, Statement};

tokio::task_local! {
    static CURRENT: Arc<Rehearsal>;
}

/// What one rehearsed call did.
#[derive(Debug, Default)]
pub struct Rehearsal {
    /// Commit what the call decides instead of rolling it back.
    commit: bool,
    steps: Mutex<Vec<Step>>,
    tables: Mutex<BTreeMap<String, TableChanges>>,
    /// Whether the backend could count changes per table.
    counted: std::sync::atomic::AtomicBool,
    /// The connection held on each database (by the backend's address),
    /// each with the rehearsal's one transaction open.
    pinned: tokio::sync::Mutex<HashMap<usize, Pinned>>,
}

/// A connection a rehearsal holds.
#[derive(Clone)]
pub(crate) enum Pinned {
    Sqlite(Arc<Mutex<Worker>>),
    Mssql(Arc<tokio::sync::Mutex<PinnedTds>>),
    Postgres(Arc<tokio::sync::Mutex<PinnedPg>>),
    Mysql(Arc<tokio::sync::Mutex<PinnedMy>>),
}

impl std::fmt::Debug for Pinned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Pinned::Sqlite(_) => "Pinned::Sqlite",
            Pinned::Mssql(_) => "Pinned::Mssql",
            Pinned::Postgres(_) => "Pinned::Postgres",
            Pinned::Mysql(_) => "Pinned::Mysql",
        })
    }
}

/// One statement (or batch) as it ran.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// Its SQL, first lines only.
    pub sql: String,
    pub micros: u64,
    /// Rows in the result sets it returned.
    pub rows_returned: usize,
    /// Rows it inserted, updated or deleted, where the backend can tell.
    pub rows_changed: Option<u64>,
    /// Its error, if it failed.
    pub error: Option<String>,
}

/// Rows one table gained, changed and lost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct TableChanges {
    pub inserted: u64,
    pub updated: u64,
    pub deleted: u64,
}

/// How a table row changed (as SQLite's update hook says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Insert,
    Update,
    Delete,
}

impl Rehearsal {
    /// A rehearsal that rolls back (`commit` false) or commits.
    pub fn new(commit: bool) -> Arc<Rehearsal> {
        Arc::new(Rehearsal {
            commit,
            ..Rehearsal::default()
        })
    }

    /// Whether transactions end in COMMIT.
    pub fn commits(&self) -> bool {
        self.commit
    }

    pub fn steps(&self) -> Vec<Step> {
        self.steps.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Per table, the rows changed; `None` when the backend cannot tell.
    pub fn tables(&self) -> Option<BTreeMap<String, TableChanges>> {
        self.counted
            .load(std::sync::atomic::Ordering::Relaxed)
            .then(|| {
                self.tables
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone()
            })
    }

    pub(crate) fn record(
        &self,
        statement: &Statement,
        took: Duration,
        result: Result<&[ResultSet], String>,
        rows_changed: Option<u64>,
    ) {
        self.record_text(&statement.sql, took, result, rows_changed);
    }

    /// Records one statement (or batch) by its SQL text.
    pub(crate) fn record_text(
        &self,
        sql: &str,
        took: Duration,
        result: Result<&[ResultSet], String>,
        rows_changed: Option<u64>,
    ) {
        let lines: Vec<&str> = sql
            .lines()
            .map(|l| l.split(" --").next().unwrap_or_default().trim())
            .filter(|l| !l.is_empty() && !l.starts_with("--"))
            .take(3)
            .collect();
        let (rows_returned, error) = match result {
            Ok(sets) => (sets.iter().map(|s| s.rows.len()).sum(), None),
            Err(e) => (0, Some(e)),
        };
        self.steps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Step {
                sql: lines.join(" "),
                micros: u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
                rows_returned,
                rows_changed,
                error,
            });
    }

    /// Counts one row change of `table` (the backend counts).
    pub(crate) fn count(&self, table: &str, change: Change) {
        let mut tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        let entry = tables.entry(table.to_string()).or_default();
        match change {
            Change::Insert => entry.inserted += 1,
            Change::Update => entry.updated += 1,
            Change::Delete => entry.deleted += 1,
        }
    }

    /// The connection this rehearsal holds on the database at `key`, opened
    /// (its transaction begun) by `open` the first time.
    pub(crate) async fn pinned<F>(&self, key: usize, open: F) -> Result<Pinned, ExecError>
    where
        F: std::future::Future<Output = Result<Pinned, ExecError>>,
    {
        let mut pinned = self.pinned.lock().await;
        if let Some(p) = pinned.get(&key) {
            return Ok(p.clone());
        }
        let p = open.await?;
        pinned.insert(key, p.clone());
        Ok(p)
    }

    /// Ends the transaction held on each database: ROLLBACK, or COMMIT when
    /// the rehearsal commits, and gives the connections back.
    pub async fn finish(&self) -> Result<(), ExecError> {
        let pinned: Vec<Pinned> = self.pinned.lock().await.drain().map(|(_, p)| p).collect();
        let mut result = Ok(());
        for p in pinned {
            let ended = match p {
                Pinned::Sqlite(worker) => super::sqlite::end_pinned(worker, self.commit).await,
                Pinned::Mssql(conn) => super::mssql::end_pinned(conn, self.commit).await,
                Pinned::Postgres(conn) => super::postgres::end_pinned(conn, self.commit).await,
                Pinned::Mysql(conn) => super::mysql::end_pinned(conn, self.commit).await,
            };
            if result.is_ok() {
                result = ended;
            }
        }
        result
    }

    /// Says the backend counts per table (even when nothing changed).
    pub(crate) fn counting(&self) {
        self.counted
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Runs `call` with every transaction it starts rehearsed by `rehearsal`.
pub async fn rehearse<F: Future>(rehearsal: Arc<Rehearsal>, call: F) -> F::Output {
    CURRENT.scope(rehearsal, call).await
}

/// Whether the current task runs in a rehearsal that will be rolled back
/// (so a log line does not call its booking settled).
pub fn rolls_back() -> bool {
    CURRENT.try_with(|r| !r.commits()).unwrap_or(false)
}

/// The rehearsal the current task runs in, if any (captured before work
/// moves to a backend's own thread).
pub(crate) fn current() -> Option<Arc<Rehearsal>> {
    CURRENT.try_with(Arc::clone).ok()
}
