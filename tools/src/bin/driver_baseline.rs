//! The database's own limit, for `deploy/bench/driver.sh`: one method's
//! mapping SQL run straight through the driver hisgw uses — rusqlite for
//! SQLite, tiberius for SQL Server — with the hospital's pool size, and no
//! HTTP, no decoding, no shaping, no logging, no audit. What hisgw manages
//! over HTTP is compared with what this manages.
//!
//! ```text
//! driver_baseline HOSPITAL_DIR METHOD DATA_DIR SECONDS CALLERS [REQUEST_XML]
//! ```
//!
//! The mapping is loaded by hisgw's own loader (so the SQL is exactly what
//! hisgw runs, includes expanded, the dialect's override chosen) and the
//! request is validated once, to get the bound values; from then on each
//! call is the driver alone: take a connection, run every section's
//! statement with its values, read every row into owned values. SQLite:
//! one thread per pooled connection, each connection set up as hisgw's
//! (WAL, stable plans, its functions). SQL Server: CALLERS tasks share
//! `max_size` connections.
//!
//! Prints one line: `calls/s`, calls, rows per call, p50 and p99 of a call.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hisgw::execute::{DatabaseConfig, Param, Statement};

fn main() {
    if let Err(e) = run() {
        eprintln!("driver_baseline: {e}");
        std::process::exit(1);
    }
}

struct Args {
    hospital_dir: String,
    method: String,
    data_dir: String,
    seconds: u64,
    callers: usize,
    request: String,
}

fn args() -> Result<Args, String> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.len() < 5 {
        return Err(
            "usage: driver_baseline HOSPITAL_DIR METHOD DATA_DIR SECONDS CALLERS [REQUEST_XML]"
                .into(),
        );
    }
    Ok(Args {
        hospital_dir: a[0].clone(),
        method: a[1].clone(),
        data_dir: a[2].clone(),
        seconds: a[3].parse().map_err(|_| "SECONDS: a whole number")?,
        callers: a[4].parse().map_err(|_| "CALLERS: a whole number")?,
        request: a
            .get(5)
            .cloned()
            .unwrap_or_else(|| "<request></request>".into()),
    })
}

fn run() -> Result<(), String> {
    let args = args()?;
    let mapping =
        hisgw::mapping::load_hospital(Path::new(&args.hospital_dir)).map_err(|errors| {
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })?;
    let method = hisgw::catalogue::find_inbound(&args.method)
        .ok_or_else(|| format!("{}: not a method of the spec", args.method))?;
    let plan = mapping
        .plan(method)
        .ok_or_else(|| format!("{}: not mapped by {}", args.method, mapping.id))?;
    let request = hisgw::decode::decode_xml(args.request.as_bytes()).map_err(|e| e.to_string())?;
    let params = hisgw::validate::validate(method, &request, hisgw::clock::today())
        .map_err(|e| e.to_string())?;
    let statements = plan.statements(&params);
    let took = match &mapping.database {
        DatabaseConfig::Sqlite(c) => sqlite(
            &Path::new(&args.data_dir).join(&c.path),
            c.pool_size,
            &statements,
            args.seconds,
        )?,
        DatabaseConfig::Mssql(c) => {
            let options =
                hisgw::execute::mssql::MssqlOptions::from_config(c).map_err(|e| e.to_string())?;
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?
                .block_on(mssql(options, statements, args.seconds, args.callers))?
        }
    };
    report(&took, args.seconds);
    Ok(())
}

/// What the callers measured: each call's duration and rows read.
#[derive(Default)]
struct Took {
    calls: Vec<Duration>,
    rows: usize,
}

impl Took {
    fn add(&mut self, other: Took) {
        self.calls.extend(other.calls);
        self.rows += other.rows;
    }
}

/// Why a statement failed, named as the tool reports it (the run stops).
fn failed(e: impl std::fmt::Display) -> String {
    format!("the mapping's statement failed: {e}")
}

fn report(took: &Took, seconds: u64) {
    let mut calls = took.calls.clone();
    calls.sort();
    let at = |q: f64| {
        calls
            .get(((calls.len() as f64 * q) as usize).min(calls.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "calls/s {:.0}  calls {}  rows/call {:.1}  p50 {:.2} ms  p99 {:.2} ms",
        calls.len() as f64 / seconds as f64,
        calls.len(),
        took.rows as f64 / calls.len().max(1) as f64,
        at(0.50),
        at(0.99),
    );
}

fn sqlite(
    path: &Path,
    pool: usize,
    statements: &[Statement],
    seconds: u64,
) -> Result<Took, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for _ in 0..pool.max(1) {
        let conn = hisgw::execute::sqlite::open_connection(path).map_err(|e| e.to_string())?;
        let statements = statements.to_vec();
        let stop = stop.clone();
        threads.push(std::thread::spawn(move || -> Result<Took, String> {
            let mut took = Took::default();
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                for s in &statements {
                    took.rows += sqlite_call(&conn, s).map_err(failed)?;
                }
                took.calls.push(started.elapsed());
            }
            Ok(took)
        }));
    }
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut all = Took::default();
    for t in threads {
        all.add(t.join().map_err(|_| "a caller panicked")??);
    }
    Ok(all)
}

/// Runs one statement, reading every value of every row into owned values.
fn sqlite_call(conn: &rusqlite::Connection, s: &Statement) -> rusqlite::Result<usize> {
    let mut stmt = conn.prepare_cached(&s.sql)?;
    for (i, p) in s.params.iter().enumerate() {
        match p {
            Param::Text(t) => stmt.raw_bind_parameter(i + 1, t.as_str())?,
            Param::Null => stmt.raw_bind_parameter(i + 1, rusqlite::types::Null)?,
        }
    }
    let columns = stmt.column_count();
    let mut rows = stmt.raw_query();
    let mut n = 0;
    while let Some(row) = rows.next()? {
        let values: Vec<rusqlite::types::Value> = (0..columns)
            .map(|i| row.get::<_, rusqlite::types::Value>(i))
            .collect::<Result<_, _>>()?;
        std::hint::black_box(values);
        n += 1;
    }
    Ok(n)
}

async fn mssql(
    options: hisgw::execute::mssql::MssqlOptions,
    statements: Vec<Statement>,
    seconds: u64,
    callers: usize,
) -> Result<Took, String> {
    // The pool: `max_size` connections handed from caller to caller.
    let (give, take) = async_channel(options.max_size as usize);
    for _ in 0..options.max_size.max(1) {
        let client = hisgw::execute::mssql::connect(options.config.clone())
            .await
            .map_err(|e| e.to_string())?;
        give.send(client).await.map_err(|e| e.to_string())?;
    }
    let statements = Arc::new(statements);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..callers.max(1) {
        let (give, take, statements) = (give.clone(), take.clone(), statements.clone());
        tasks.push(tokio::spawn(async move {
            let mut took = Took::default();
            while Instant::now() < deadline {
                let started = Instant::now();
                // Every caller holds a sender, so the pool stays open.
                let Some(mut client) = take.lock().await.recv().await else {
                    return Err("the pool closed".to_string());
                };
                for s in statements.iter() {
                    took.rows += mssql_call(&mut client, s).await.map_err(failed)?;
                }
                give.send(client).await.map_err(|e| e.to_string())?;
                took.calls.push(started.elapsed());
            }
            Ok(took)
        }));
    }
    let mut all = Took::default();
    for t in tasks {
        all.add(t.await.map_err(|e| e.to_string())??);
    }
    Ok(all)
}

type Pool = (
    tokio::sync::mpsc::Sender<hisgw::execute::mssql::TdsClient>,
    Arc<tokio::sync::Mutex<tokio::sync::mpsc::Receiver<hisgw::execute::mssql::TdsClient>>>,
);

fn async_channel(size: usize) -> Pool {
    let (give, take) = tokio::sync::mpsc::channel(size.max(1));
    (give, Arc::new(tokio::sync::Mutex::new(take)))
}

/// Runs one statement as hisgw binds it (text parameters), reading every
/// row into owned values.
async fn mssql_call(
    client: &mut hisgw::execute::mssql::TdsClient,
    s: &Statement,
) -> Result<usize, hisgw::execute::mssql::tiberius::error::Error> {
    use futures_util::TryStreamExt;
    let nothing: Option<i32> = None;
    let params: Vec<&dyn hisgw::execute::mssql::tiberius::ToSql> = s
        .params
        .iter()
        .map(|p| match p {
            Param::Null => &nothing as &dyn hisgw::execute::mssql::tiberius::ToSql,
            Param::Text(t) => t as &dyn hisgw::execute::mssql::tiberius::ToSql,
        })
        .collect();
    let mut stream = client.query(&*s.sql, &params).await?;
    let mut n = 0;
    while let Some(item) = stream.try_next().await? {
        if let hisgw::execute::mssql::tiberius::QueryItem::Row(row) = item {
            let values: Vec<hisgw::execute::mssql::tiberius::ColumnData<'static>> =
                row.into_iter().collect();
            std::hint::black_box(values);
            n += 1;
        }
    }
    Ok(n)
}
