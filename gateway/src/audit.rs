//! The audit trail: every inbound call and every call to the platform, with
//! its request and answer (patient identifiers masked), timing and outcome,
//! in the gateway's own SQLite file (`audit.sqlite` in the data directory —
//! never in the HIS). Rows older than the retention are deleted hourly and
//! their pages returned to the disk (incremental vacuum).
//!
//! Records go through a bounded queue to one writer thread that inserts
//! them in batches (one transaction each). No record is dropped: when the
//! queue is full, the caller waits for room — the gateway slows to the
//! pace of its audit trail rather than losing a line of it (each wait is
//! counted). A clean stop writes everything queued (`flush`); a crash can
//! lose what was queued and not yet committed: at most `QUEUE` records plus
//! one batch of `BATCH` — the calls of the last `GATHER` (50 ms) or so.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::shape::Reply;

/// One audited call.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub request_id: String,
    pub hospital: String,
    /// `in` (the platform called us) or `out` (we called the platform).
    pub direction: &'static str,
    pub transport: &'static str,
    pub method: String,
    pub trade_no: Option<String>,
    pub outcome: String,
    pub status: u16,
    pub duration_ms: f64,
    /// Masked `name=value` pairs.
    pub request: String,
    /// The answer, masked.
    pub response: String,
    /// The address the call came from (inbound), or the console user's.
    pub source: String,
}

/// `name=value; …` with identifiers masked.
pub fn masked_fields<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    fields
        .into_iter()
        .map(|(k, v)| format!("{k}={}", crate::mask::field(k, v)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A reply's result, message and fields, masked.
pub fn masked_reply(reply: &Reply) -> String {
    let mut out = format!("result={}; message={}", reply.result, reply.message);
    if let Some(body) = &reply.body {
        for (k, v) in &body.fields {
            out.push_str(&format!("; {k}={}", crate::mask::field(k, v)));
        }
        if let Some(list) = &body.list {
            out.push_str(&format!("; {} {} row(s)", list.rows.len(), list.item));
        }
    }
    out
}

/// How many records may wait for the writer.
pub const QUEUE: usize = 10_000;

/// How many records one transaction of the writer inserts at most.
pub const BATCH: usize = 500;

/// How long the writer gathers records into one transaction.
pub const GATHER: Duration = Duration::from_millis(50);

/// What the writer is asked to do.
enum Job {
    /// A record, stamped with the local time it was queued.
    Write(Box<Record>, chrono::NaiveDateTime),
    /// Answer once everything queued before is committed.
    Flush(std::sync::mpsc::Sender<()>),
}

pub struct Audit {
    queue: flume::Sender<Job>,
    waited: Arc<AtomicU64>,
}

impl Audit {
    /// Opens (creating) `dir/audit.sqlite` and starts its writer, which keeps
    /// `keep_days` days.
    pub fn open(dir: &Path, keep_days: u32) -> Result<Audit, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dir.join("audit.sqlite");
        let conn = open(&path)?;
        let (queue, records) = flume::bounded::<Job>(QUEUE);
        std::thread::Builder::new()
            .name("audit".into())
            .spawn(move || writer(conn, records, keep_days))
            .map_err(|e| e.to_string())?;
        Ok(Audit {
            queue,
            waited: Arc::default(),
        })
    }

    /// Queues `record`; when the queue is full, waits for room (counted).
    pub fn record(&self, record: Record) {
        match self
            .queue
            .try_send(Job::Write(Box::new(record), crate::clock::now()))
        {
            Ok(()) => {}
            Err(flume::TrySendError::Full(job)) => {
                self.waited.fetch_add(1, Ordering::Relaxed);
                if self.queue.send(job).is_err() {
                    tracing::error!("audit writer has stopped: a record was not written");
                }
            }
            Err(flume::TrySendError::Disconnected(_)) => {
                tracing::error!("audit writer has stopped: a record was not written");
            }
        }
    }

    /// How many records had to wait for room in the queue.
    pub fn waited(&self) -> u64 {
        self.waited.load(Ordering::Relaxed)
    }

    /// Waits (at most `limit`) until every record queued so far is
    /// committed; `false` when that did not happen in time.
    pub fn flush(&self, limit: Duration) -> bool {
        let (done, wait) = std::sync::mpsc::channel();
        if self.queue.send_timeout(Job::Flush(done), limit).is_err() {
            return false;
        }
        wait.recv_timeout(limit).is_ok()
    }
}

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("audit.sqlite")
}

fn open(path: &Path) -> Result<Connection, String> {
    let conn = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    conn.execute_batch(
        "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE IF NOT EXISTS audit (
             id INTEGER PRIMARY KEY AUTOINCREMENT,
             at TEXT NOT NULL,
             request_id TEXT, hospital TEXT, direction TEXT, transport TEXT, method TEXT,
             trade_no TEXT, outcome TEXT, status INTEGER, duration_ms REAL,
             request TEXT, response TEXT);
         CREATE INDEX IF NOT EXISTS ix_audit_at ON audit (at);
         DROP INDEX IF EXISTS ix_audit_trade;
         CREATE INDEX IF NOT EXISTS ix_audit_trade_no ON audit (trade_no) WHERE trade_no IS NOT NULL;
         DROP INDEX IF EXISTS ix_audit_method;
         CREATE INDEX IF NOT EXISTS ix_audit_method_id ON audit (method);
         CREATE INDEX IF NOT EXISTS ix_audit_request ON audit (request_id);",
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    add_source_column(&conn).map_err(|e| format!("{}: {e}", path.display()))?;
    conn.busy_timeout(Duration::from_secs(5))
        .map_err(|e| e.to_string())?;
    // A full chunk's statement and the last chunk's of any size.
    conn.set_prepared_statement_cache_capacity(ROWS_PER_INSERT + 8);
    Ok(conn)
}

/// A trail written before calls' addresses were kept gains the column
/// (empty in its older rows).
fn add_source_column(conn: &Connection) -> rusqlite::Result<()> {
    let has: bool = conn.query_row(
        "SELECT COUNT(*) > 0 FROM pragma_table_info('audit') WHERE name = 'source'",
        [],
        |row| row.get(0),
    )?;
    if !has {
        conn.execute_batch("ALTER TABLE audit ADD COLUMN source TEXT NOT NULL DEFAULT ''")?;
    }
    Ok(())
}

fn writer(mut conn: Connection, jobs: flume::Receiver<Job>, keep_days: u32) {
    let mut last_sweep: Option<Instant> = None;
    while let Ok(first) = jobs.recv() {
        // The records of the next `GATHER` share a transaction: one commit
        // per batch, not per call (a commit is most of an insert's cost).
        // The writer sleeps meanwhile instead of waiting on the queue, so a
        // call queueing its record does not have to wake it; a flush is
        // answered after at most that long.
        if !matches!(first, Job::Flush(_)) {
            std::thread::sleep(GATHER);
        }
        let mut batch = Vec::with_capacity(256);
        let mut flushed = Vec::new();
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Write(record, at) => batch.push((*record, at)),
                Job::Flush(done) => flushed.push(done),
            }
            if batch.len() >= BATCH {
                write_batch(&mut conn, &mut batch);
            }
            next = jobs.try_recv().ok();
        }
        write_batch(&mut conn, &mut batch);
        for done in flushed {
            let _ = done.send(());
        }
        if last_sweep.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) {
            last_sweep = Some(Instant::now());
            if let Err(e) = sweep(&conn, keep_days) {
                tracing::warn!(error = %e, "audit retention failed");
            }
        }
    }
}

/// Inserts and empties `batch` (in one transaction).
fn write_batch(conn: &mut Connection, batch: &mut Vec<(Record, chrono::NaiveDateTime)>) {
    if batch.is_empty() {
        return;
    }
    // A busy or briefly failing file is tried again before the batch is
    // given up (and said so, with how many records it held).
    let mut attempt = 0;
    while let Err(e) = insert(conn, batch) {
        attempt += 1;
        if attempt == 3 {
            tracing::error!(error = %e, records = batch.len(), "audit records not written after 3 attempts");
            break;
        }
        tracing::warn!(error = %e, records = batch.len(), attempt, "audit records not written yet; trying again");
        std::thread::sleep(Duration::from_millis(200 * attempt));
    }
    batch.clear();
}

/// Rows one INSERT statement carries: a statement's fixed cost (and the
/// AUTOINCREMENT counter's update) is paid once per chunk, not per row.
const ROWS_PER_INSERT: usize = 25;

fn insert(
    conn: &mut Connection,
    batch: &[(Record, chrono::NaiveDateTime)],
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for chunk in batch.chunks(ROWS_PER_INSERT) {
        let mut stmt = tx.prepare_cached(&insert_sql(chunk.len()))?;
        let mut n = 0;
        for (r, at) in chunk {
            // The same text SQLite's strftime('%Y-%m-%d %H:%M:%f') writes.
            let at = crate::clock::millis_text(at);
            let values: [&dyn rusqlite::ToSql; 13] = [
                &at,
                &r.request_id,
                &r.hospital,
                &r.direction,
                &r.transport,
                &r.method,
                &r.trade_no,
                &r.outcome,
                &r.status,
                &r.duration_ms,
                &r.request,
                &r.response,
                &r.source,
            ];
            for value in values {
                n += 1;
                stmt.raw_bind_parameter(n, value)?;
            }
        }
        stmt.raw_execute()?;
    }
    tx.commit()
}

/// `INSERT INTO audit … VALUES (…), (…)` for `rows` rows.
fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO audit (at, request_id, hospital, direction, transport, method, trade_no, outcome, status, duration_ms, request, response, source) VALUES ",
    );
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
    sql
}

/// Deletes rows older than `keep_days` and gives their pages back.
pub fn sweep(conn: &Connection, keep_days: u32) -> rusqlite::Result<usize> {
    let deleted = conn.execute(
        "DELETE FROM audit WHERE at < strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime', ?1)",
        [format!("-{keep_days} days")],
    )?;
    conn.execute_batch("PRAGMA incremental_vacuum;")?;
    Ok(deleted)
}

/// What `hisgw audit` and the console's call browser ask for; each
/// condition given is one an index serves (a time range, a method, a
/// tradeNo, a request id), the others narrow what those find.
#[derive(Debug, Default, Clone)]
pub struct Query {
    pub trade_no: Option<String>,
    pub method: Option<String>,
    /// `yyyy-MM-dd[ HH:mm[:ss]]`.
    pub since: Option<String>,
    /// Before this time (same form).
    pub until: Option<String>,
    pub request_id: Option<String>,
    /// `success`, `error`, … as recorded.
    pub outcome: Option<String>,
    pub transport: Option<String>,
    /// Only records older than this id (the next page).
    pub before_id: Option<i64>,
    pub limit: usize,
}

/// One call as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    /// Local time, to the millisecond.
    pub at: String,
    pub request_id: String,
    pub hospital: String,
    /// `in` or `out`.
    pub direction: String,
    pub transport: String,
    pub method: String,
    /// Empty when the call carried none.
    pub trade_no: String,
    pub outcome: String,
    pub duration_ms: f64,
    /// Masked `name=value` pairs.
    pub request: String,
    /// The answer, masked.
    pub response: String,
    /// Where the call came from (empty for calls to the platform).
    pub source: String,
}

/// A connection to read the trail (`None` when there is none yet). A trail
/// an older gateway wrote gains its newer columns first, so that `hisgw
/// audit` and the console can read it before `serve` has opened it.
fn reader(data_dir: &Path) -> Result<Option<Connection>, String> {
    let path = path(data_dir);
    if !path.exists() {
        return Ok(None);
    }
    let conn = Connection::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    conn.busy_timeout(Duration::from_secs(5))
        .and_then(|()| add_source_column(&conn))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(conn))
}

/// Calls matching `q`, newest first.
pub fn find(data_dir: &Path, q: &Query) -> Result<Vec<Entry>, String> {
    let Some(conn) = reader(data_dir)? else {
        return Ok(Vec::new());
    };
    // A time range becomes a range of ids (records are numbered in the
    // order they are stamped), so a search walks the newest ids first
    // through the index of its condition and stops at the page's end
    // instead of sorting every record of the range. The times are still
    // checked exactly (`+at`: a check, not an index to choose).
    let first_at = |at: &String| -> Result<Option<i64>, String> {
        conn.query_row(
            "SELECT id FROM audit WHERE at >= ? ORDER BY at, id LIMIT 1",
            [at],
            |row| row.get(0),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e.to_string()),
        })
    };
    let from_id = match q.since.as_ref() {
        Some(since) => match first_at(since)? {
            Some(id) => Some(id),
            // Nothing recorded since then.
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    let to_id = match q.until.as_ref() {
        Some(until) => first_at(until)?,
        None => None,
    };
    // Only the conditions asked for, each one an index can serve (a
    // "?1 IS NULL OR …" condition would make every search read the whole
    // trail); the values are bound, as everywhere.
    let mut conditions = Vec::new();
    let mut values: Vec<&dyn rusqlite::ToSql> = Vec::new();
    for (condition, value) in [
        ("trade_no = ?", q.trade_no.as_ref()),
        ("method = ?", q.method.as_ref()),
        ("+at >= ?", q.since.as_ref()),
        ("+at < ?", q.until.as_ref()),
        ("request_id = ?", q.request_id.as_ref()),
        ("outcome = ?", q.outcome.as_ref()),
        ("transport = ?", q.transport.as_ref()),
    ] {
        if let Some(value) = value {
            conditions.push(condition);
            values.push(value);
        }
    }
    for (condition, value) in [("id >= ?", from_id.as_ref()), ("id < ?", to_id.as_ref())] {
        if let Some(value) = value {
            conditions.push(condition);
            values.push(value);
        }
    }
    if let Some(before) = q.before_id.as_ref() {
        conditions.push("id < ?");
        values.push(before);
    }
    let limit = q.limit.max(1) as i64;
    values.push(&limit);
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM audit {filter} ORDER BY id DESC LIMIT ?"
        ))
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map(values.as_slice(), read_entry)
        .map_err(|e| e.to_string())?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
}

const COLUMNS: &str = "id, at, request_id, hospital, direction, transport, method, COALESCE(trade_no, ''), outcome, duration_ms, request, response, source";

fn read_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: row.get(0)?,
        at: row.get(1)?,
        request_id: row.get(2)?,
        hospital: row.get(3)?,
        direction: row.get(4)?,
        transport: row.get(5)?,
        method: row.get(6)?,
        trade_no: row.get(7)?,
        outcome: row.get(8)?,
        duration_ms: row.get(9)?,
        request: row.get(10)?,
        response: row.get(11)?,
        source: row.get(12)?,
    })
}

/// One record by its id.
pub fn entry(data_dir: &Path, id: i64) -> Result<Option<Entry>, String> {
    let Some(conn) = reader(data_dir)? else {
        return Ok(None);
    };
    let mut stmt = conn
        .prepare(&format!("SELECT {COLUMNS} FROM audit WHERE id = ?"))
        .map_err(|e| e.to_string())?;
    let mut rows = stmt
        .query_map([id], read_entry)
        .map_err(|e| e.to_string())?;
    rows.next().transpose().map_err(|e| e.to_string())
}

/// One method's inbound calls over a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MethodStats {
    pub hospital: String,
    pub method: String,
    pub calls: u64,
    /// Calls not answered `success`.
    pub errors: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Calls per twelfth of the period, oldest first.
    pub buckets: [u64; 12],
}

/// Per hospital and method, the inbound calls from `since` (`yyyy-MM-dd
/// HH:mm:ss`) to `until`: counts, errors, p50/p99 and calls per twelfth.
/// Reads only that period's rows (the `at` index).
pub fn method_stats(
    data_dir: &Path,
    since: chrono::NaiveDateTime,
    until: chrono::NaiveDateTime,
) -> Result<Vec<MethodStats>, String> {
    let Some(conn) = reader(data_dir)? else {
        return Ok(Vec::new());
    };
    let format = "%Y-%m-%d %H:%M:%S";
    // SQLite works out each record's twelfth of the period; the loop below
    // only borrows each row's text (an overview at 100 calls/s reads
    // 360,000 rows).
    let mut stmt = conn
        .prepare(
            "SELECT hospital, method, outcome = 'success', duration_ms, \
                    CAST((julianday(at) - julianday(?1)) * 86400000.0 * 12 / ?3 AS INTEGER) \
             FROM audit WHERE at >= ?1 AND at < ?2 AND direction = 'in'",
        )
        .map_err(|e| e.to_string())?;
    let span = (until - since).num_milliseconds().max(1);
    let mut rows = stmt
        .query(rusqlite::params![
            since.format(format).to_string(),
            until.format(format).to_string(),
            span
        ])
        .map_err(|e| e.to_string())?;
    let mut groups: Vec<(MethodStats, Vec<f64>)> = Vec::new();
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let text = |i| -> rusqlite::Result<&str> {
            Ok(row.get_ref(i)?.as_str_or_null()?.unwrap_or_default())
        };
        let (hospital, method) = (
            text(0).map_err(|e| e.to_string())?,
            text(1).map_err(|e| e.to_string())?,
        );
        let at = match groups
            .iter()
            .position(|(g, _)| g.method == method && g.hospital == hospital)
        {
            Some(at) => at,
            None => {
                groups.push((
                    MethodStats {
                        hospital: hospital.to_string(),
                        method: method.to_string(),
                        ..MethodStats::default()
                    },
                    Vec::new(),
                ));
                groups.len() - 1
            }
        };
        let success: Option<bool> = row.get(2).map_err(|e| e.to_string())?;
        let ms: Option<f64> = row.get(3).map_err(|e| e.to_string())?;
        let slot: Option<i64> = row.get(4).map_err(|e| e.to_string())?;
        let (stats, times) = &mut groups[at];
        stats.calls += 1;
        if success != Some(true) {
            stats.errors += 1;
        }
        times.push(ms.unwrap_or_default());
        stats.buckets[slot.unwrap_or(0).clamp(0, 11) as usize] += 1;
    }
    groups.sort_by(|(a, _), (b, _)| (&a.hospital, &a.method).cmp(&(&b.hospital, &b.method)));
    Ok(groups
        .into_iter()
        .map(|(mut stats, mut times)| {
            times.sort_by(f64::total_cmp);
            let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
            stats.p50_ms = at(0.5);
            stats.p99_ms = at(0.99);
            stats
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_makes_callers_wait_and_a_flush_writes_everything() {
        let dir = tempfile::tempdir().unwrap();
        let audit = Audit::open(dir.path(), 90).unwrap();
        let n = 2 * QUEUE + 123;
        for i in 0..n {
            audit.record(Record {
                request_id: format!("r{i}"),
                method: "findAllDepartments".into(),
                direction: "in",
                transport: "rest",
                ..Record::default()
            });
        }
        assert!(audit.waited() > 0, "the queue was full at times");
        assert!(audit.flush(Duration::from_secs(30)));
        let conn = Connection::open(path(dir.path())).unwrap();
        let written: i64 = conn
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .unwrap();
        assert_eq!(written, n as i64, "no record is dropped");
    }

    #[test]
    fn records_are_written_masked_found_and_swept() {
        let dir = tempfile::tempdir().unwrap();
        let audit = Audit::open(dir.path(), 90).unwrap();
        audit.record(Record {
            request_id: "r1".into(),
            hospital: "demo".into(),
            direction: "in",
            transport: "rest",
            method: "prePayExpense".into(),
            trade_no: Some("EH1".into()),
            outcome: "success".into(),
            status: 200,
            duration_ms: 3.5,
            request: masked_fields([("patientCard", "12345678"), ("realName", "李明")]),
            response: "result=success".into(),
            source: "10.0.0.7".into(),
        });
        let mut rows = Vec::new();
        for _ in 0..50 {
            rows = find(
                dir.path(),
                &Query {
                    trade_no: Some("EH1".into()),
                    limit: 10,
                    ..Query::default()
                },
            )
            .unwrap();
            if !rows.is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(rows.len(), 1);
        assert!(
            rows[0].request.contains("patientCard=****5678")
                && rows[0].request.contains("realName=李*"),
            "{:?}",
            rows[0]
        );
        assert_eq!(
            (
                rows[0].direction.as_str(),
                rows[0].duration_ms,
                rows[0].source.as_str()
            ),
            ("in", 3.5, "10.0.0.7")
        );
        let conn = Connection::open(path(dir.path())).unwrap();
        conn.execute("UPDATE audit SET at = '2000-01-01 00:00:00.000'", [])
            .unwrap();
        assert_eq!(sweep(&conn, 90).unwrap(), 1);
        assert!(find(
            dir.path(),
            &Query {
                limit: 10,
                ..Query::default()
            }
        )
        .unwrap()
        .is_empty());
    }

    #[test]
    fn a_trail_from_before_addresses_were_kept_gains_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let old = Connection::open(path(dir.path())).unwrap();
        old.execute_batch(
            "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
                 request_id TEXT, hospital TEXT, direction TEXT, transport TEXT, method TEXT,
                 trade_no TEXT, outcome TEXT, status INTEGER, duration_ms REAL,
                 request TEXT, response TEXT);
             INSERT INTO audit (at, request_id, method, outcome, duration_ms, request, response, hospital, direction, transport)
             VALUES ('2026-01-01 00:00:00.000', 'old', 'findAllDepartments', 'success', 1.0, '', '', 'demo', 'in', 'rest');",
        )
        .unwrap();
        drop(old);
        // Read before `serve` ever opened it (`hisgw audit` after an upgrade).
        let found = entry(dir.path(), 1).unwrap().expect("the old row");
        assert_eq!(found.source, "");
        let audit = Audit::open(dir.path(), 90000).unwrap();
        assert!(audit.flush(Duration::from_secs(5)));
        let found = entry(dir.path(), 1).unwrap().expect("the old row");
        assert_eq!(
            (found.request_id.as_str(), found.source.as_str()),
            ("old", "")
        );
    }

    #[test]
    fn a_time_range_finds_exactly_the_records_inside_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&path(dir.path())).unwrap();
        let day = |d: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 3, d)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap()
        };
        let batch: Vec<(Record, chrono::NaiveDateTime)> = (1..=6)
            .map(|d| {
                let record = Record {
                    request_id: format!("d{d}"),
                    method: if d % 2 == 0 {
                        "outpatientPay"
                    } else {
                        "findAllDepartments"
                    }
                    .into(),
                    ..Record::default()
                };
                (record, day(d))
            })
            .collect();
        insert(&mut conn, &batch).unwrap();
        let ids = |q: Query| -> Vec<String> {
            find(dir.path(), &Query { limit: 10, ..q })
                .unwrap()
                .into_iter()
                .map(|e| e.request_id)
                .collect()
        };
        let range = |since: &str, until: Option<&str>| Query {
            since: Some(since.into()),
            until: until.map(String::from),
            ..Query::default()
        };
        assert_eq!(
            ids(range("2026-03-02", Some("2026-03-05"))),
            ["d4", "d3", "d2"]
        );
        assert_eq!(
            ids(Query {
                method: Some("outpatientPay".into()),
                ..range("2026-03-02 12:00", Some("2026-03-06"))
            }),
            ["d4", "d2"]
        );
        assert_eq!(ids(range("2026-03-05", None)), ["d6", "d5"]);
        assert!(ids(range("2026-04-01", None)).is_empty(), "nothing since");
        assert_eq!(ids(range("2026-01-01", Some("2026-03-02"))), ["d1"]);
    }

    #[test]
    fn the_hours_calls_are_counted_per_method_with_their_twelfths_and_percentiles() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&path(dir.path())).unwrap();
        let at = |h: u32, m: u32, s: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
                .unwrap()
                .and_hms_milli_opt(h, m, s, 500)
                .unwrap()
        };
        let call = |method: &str, outcome: &str, direction: &'static str, ms: f64| Record {
            hospital: "demo".into(),
            method: method.into(),
            outcome: outcome.into(),
            direction,
            duration_ms: ms,
            ..Record::default()
        };
        let batch = vec![
            (
                call("findAllDepartments", "success", "in", 1.0),
                at(10, 1, 0),
            ),
            (
                call("findAllDepartments", "success", "in", 3.0),
                at(10, 31, 0),
            ),
            (
                call("findAllDepartments", "error", "in", 2.0),
                at(10, 59, 59),
            ),
            (
                call("findAllDepartments", "success", "in", 100.0),
                at(10, 59, 59),
            ),
            (call("outpatientPay", "success", "in", 7.0), at(10, 5, 0)),
            // Not counted: a call to the platform, and calls outside the hour.
            (
                call("findAllDepartments", "success", "out", 9.0),
                at(10, 10, 0),
            ),
            (
                call("findAllDepartments", "success", "in", 9.0),
                at(9, 59, 59),
            ),
            (
                call("findAllDepartments", "success", "in", 9.0),
                at(11, 0, 0),
            ),
        ];
        insert(&mut conn, &batch).unwrap();
        let since = at(10, 0, 0) - chrono::Duration::milliseconds(500);
        let stats = method_stats(dir.path(), since, since + chrono::Duration::hours(1)).unwrap();
        assert_eq!(stats.len(), 2, "{stats:?}");
        let d = &stats[0];
        assert_eq!(
            (d.method.as_str(), d.calls, d.errors),
            ("findAllDepartments", 4, 1)
        );
        assert_eq!((d.p50_ms, d.p99_ms), (3.0, 100.0));
        let mut buckets = [0u64; 12];
        buckets[0] = 1;
        buckets[6] = 1;
        buckets[11] = 2;
        assert_eq!(d.buckets, buckets);
        assert_eq!(
            (
                stats[1].method.as_str(),
                stats[1].calls,
                stats[1].buckets[1]
            ),
            ("outpatientPay", 1, 1)
        );
    }
}
