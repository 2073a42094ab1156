//! The MySQL backend (and the databases of its family: MariaDB, OceanBase
//! in MySQL mode, TiDB, GoldenDB, GreatSQL, PolarDB-X): mysql_async
//! connections in a bb8 pool.
//!
//! As for the other server backends, the pool never opens more than its
//! maximum, a caller waits at most the checkout timeout for a connection
//! ("HIS database busy"), every statement has a query timeout, and a
//! connection that failed at the connection level is discarded. A section's
//! statements are split and each `?n` is bound per use (`statements`);
//! parameters go as strings and MySQL converts them by context (`values`).
//! Transactions follow the one sequence of `execute::session`, carried out
//! by `session::MySession`.

mod compile;
mod options;
mod session;
mod statements;
mod values;

#[cfg(any(test, feature = "testing"))]
pub mod scratch;

use std::collections::HashMap;
use std::sync::Arc;

use mysql_async::prelude::Queryable;

/// The MySQL client library, for callers that set up test databases.
pub use mysql_async;

pub use options::{Charset, MysqlOptions};

use self::session::MySession;
use self::statements::Piece;
use super::pool::{read_once_more, LastError, PoolSettings, ServerPool};
use super::rehearsal::{self, Pinned, Rehearsal};
use super::session::{self as driver, Failure, Nested};
use super::{ExecError, PoolStats, ResultSet, Statement, WriteTx, Written};

/// A pooled connection; `broken` makes the pool discard it on return.
pub struct MyConnection {
    conn: mysql_async::Conn,
    broken: bool,
    /// Sections split into statements, by their text.
    split: HashMap<Arc<str>, Arc<[Piece]>>,
    /// Rows changed on this connection (for a rehearsal's trace).
    changes: u64,
}

impl MyConnection {
    fn pieces(&mut self, sql: &Arc<str>) -> Arc<[Piece]> {
        if let Some(p) = self.split.get(sql) {
            return p.clone();
        }
        let p: Arc<[Piece]> = statements::pieces(sql).into();
        if self.split.len() >= 1_000 {
            self.split.clear();
        }
        self.split.insert(sql.clone(), p.clone());
        p
    }
}

/// Opens one connection: with TLS first where `ssl_mode` wants it, and
/// without it where TLS is only preferred and the server cannot do it.
pub async fn connect(options: &MysqlOptions) -> Result<mysql_async::Conn, ExecError> {
    let attempt = |opts: mysql_async::Opts| async move {
        match tokio::time::timeout(options.connect_timeout, mysql_async::Conn::new(opts)).await {
            Ok(Ok(conn)) => Ok(conn),
            Ok(Err(e)) => Err(format!(
                "cannot connect to {}: {}",
                where_to(options),
                session::describe_error(&e)
            )),
            Err(_) => Err(format!(
                "connect to {} timed out after {:?}",
                where_to(options),
                options.connect_timeout
            )),
        }
    };
    let tls_error = match &options.tls {
        Some(tls) => match attempt(tls.clone()).await {
            Ok(conn) => return Ok(conn),
            Err(e) if !options.tls_optional => return Err(ExecError::Unavailable(e)),
            Err(e) => Some(e),
        },
        None => None,
    };
    attempt(options.plain.clone()).await.map_err(|e| {
        ExecError::Unavailable(match tls_error {
            Some(tls) => format!("{tls}; without TLS: {e}"),
            None => e,
        })
    })
}

fn where_to(options: &MysqlOptions) -> String {
    format!(
        "{}:{}",
        options.plain.ip_or_hostname(),
        options.plain.tcp_port()
    )
}

/// The bb8 manager: connects with a timeout and checks health with a ping.
pub struct MyManager {
    options: MysqlOptions,
    last_error: LastError,
}

impl bb8::ManageConnection for MyManager {
    type Connection = MyConnection;
    type Error = ExecError;

    async fn connect(&self) -> Result<MyConnection, ExecError> {
        let conn = connect(&self.options).await?;
        self.last_error.clear();
        Ok(MyConnection {
            conn,
            broken: false,
            split: HashMap::new(),
            changes: 0,
        })
    }

    async fn is_valid(&self, conn: &mut MyConnection) -> Result<(), ExecError> {
        match tokio::time::timeout(self.options.connect_timeout, conn.conn.ping()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ExecError::Unavailable(e.to_string())),
            Err(_) => Err(ExecError::Unavailable("health check timed out".into())),
        }
    }

    fn has_broken(&self, conn: &mut MyConnection) -> bool {
        conn.broken
    }
}

/// The connection a rehearsal holds, with its one transaction open.
pub struct PinnedMy {
    conn: bb8::PooledConnection<'static, MyManager>,
    options: MysqlOptions,
    /// A step failed at the connection level: the transaction is gone.
    lost: bool,
}

/// Ends a rehearsal's transaction; the connection goes back to the pool
/// only when that succeeded.
pub(crate) async fn end_pinned(
    pinned: Arc<tokio::sync::Mutex<PinnedMy>>,
    commit: bool,
) -> Result<(), ExecError> {
    let mut pinned = pinned.lock().await;
    if pinned.lost {
        return Ok(());
    }
    let timeout = pinned.options.query_timeout;
    let sql = if commit { "COMMIT" } else { "ROLLBACK" };
    tokio::time::timeout(timeout, pinned.conn.conn.query_drop(sql))
        .await
        .map_err(|_| ExecError::Timeout(timeout))?
        .map_err(|e| ExecError::Sql {
            statement: 0,
            message: session::describe_error(&e),
        })?;
    pinned.conn.broken = false;
    Ok(())
}

pub struct MysqlDatabase {
    pool: ServerPool<MyManager>,
    options: MysqlOptions,
}

impl MysqlDatabase {
    /// Builds the pool. It connects lazily, so the gateway starts while the
    /// HIS is down and heals when it comes back.
    pub fn open(options: &MysqlOptions) -> MysqlDatabase {
        let settings = PoolSettings {
            max_size: options.max_size,
            min_idle: options.min_idle,
            checkout_timeout: options.checkout_timeout,
            idle_timeout: options.idle_timeout,
            max_lifetime: options.max_lifetime,
            health_check: options.health_check,
        };
        let pool = ServerPool::build(settings, |last_error| MyManager {
            options: options.clone(),
            last_error,
        });
        MysqlDatabase {
            pool,
            options: options.clone(),
        }
    }

    pub fn pool_stats(&self) -> PoolStats {
        self.pool.stats()
    }

    async fn checkout(&self) -> Result<bb8::PooledConnection<'_, MyManager>, ExecError> {
        self.pool.checkout().await
    }

    /// Runs a driver on a checked-out connection. Until the driver has
    /// ended cleanly the connection counts as broken: a caller that gives
    /// up mid-call drops it with a transaction open, and it must never be
    /// lent out again.
    async fn on_connection<V>(
        &self,
        drive: impl AsyncFnOnce(&mut MySession<'_>) -> Result<V, Failure>,
    ) -> Result<V, Failure> {
        let mut conn = self.checkout().await.map_err(Failure::Failed)?;
        conn.broken = true;
        let mut session = MySession::new(&mut conn, &self.options, None);
        let result = drive(&mut session).await;
        let lost = session.lost;
        conn.broken = lost;
        result
    }

    /// Runs `drive` on a checked-out connection (for tests that step in
    /// between the statements of a transaction).
    #[cfg(test)]
    pub(crate) async fn with_session<V>(
        &self,
        drive: impl AsyncFnOnce(&mut MySession<'_>) -> Result<V, Failure>,
    ) -> Result<V, Failure> {
        self.on_connection(drive).await
    }

    /// Runs `drive` on the rehearsal's own connection to this database, as
    /// a transaction nested in the rehearsal's one transaction.
    async fn rehearsed<V>(
        &self,
        rehearsal: &Rehearsal,
        drive: impl AsyncFnOnce(&mut Nested<'_, MySession<'_>>) -> Result<V, Failure>,
    ) -> Result<V, ExecError> {
        let timeout = self.options.query_timeout;
        let open = async {
            let mut conn = self.pool.checkout_owned().await?;
            conn.broken = true;
            tokio::time::timeout(
                timeout,
                conn.conn.query_drop(
                    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION",
                ),
            )
            .await
            .map_err(|_| ExecError::Timeout(timeout))?
            .map_err(|e| ExecError::Unavailable(e.to_string()))?;
            Ok(Pinned::Mysql(Arc::new(tokio::sync::Mutex::new(PinnedMy {
                conn,
                options: self.options.clone(),
                lost: false,
            }))))
        };
        let Pinned::Mysql(pinned) = rehearsal.pinned(self as *const Self as usize, open).await?
        else {
            return Err(ExecError::Unavailable(
                "a rehearsal mixed up its connections".into(),
            ));
        };
        let mut pinned = pinned.lock().await;
        if pinned.lost {
            return Err(ExecError::Unavailable(
                "the rehearsal's connection was lost: its transaction has ended".into(),
            ));
        }
        let PinnedMy { conn, options, .. } = &mut *pinned;
        let mut session = MySession::new(conn, options, Some(rehearsal));
        let mut nested = Nested::new(&mut session);
        let result = drive(&mut nested).await;
        let lost = session.lost;
        pinned.lost |= lost;
        result.map_err(Failure::into_error)
    }

    pub async fn query(
        &self,
        statements: Vec<Statement>,
    ) -> Result<Vec<Vec<ResultSet>>, ExecError> {
        if let Some(rehearsal) = rehearsal::current() {
            return Box::pin(self.rehearsed(&rehearsal, async |session| {
                driver::read(session, &statements, Some(&rehearsal)).await
            }))
            .await;
        }
        read_once_more!(Box::pin(self.on_connection(async |session| {
            driver::read(session, &statements, None).await
        })))
    }

    pub async fn write<R, T>(&self, tx: WriteTx<R, T>) -> Result<Result<Written<R>, T>, ExecError>
    where
        R: Send + 'static,
        T: Send + 'static,
    {
        if let Some(rehearsal) = rehearsal::current() {
            return Box::pin(self.rehearsed(&rehearsal, async |session| {
                driver::write(session, tx, Some(&rehearsal)).await
            }))
            .await;
        }
        Box::pin(self.on_connection(async |session| driver::write(session, tx, None).await))
            .await
            .map_err(Failure::into_error)
    }

    /// Runs a script (schema, seed, migrations, start scripts) as one
    /// multi-statement batch. MySQL commits each DDL statement by itself:
    /// scripts are written to be run again.
    pub async fn run_script(&self, script: String) -> Result<(), ExecError> {
        let mut conn = self.checkout().await?;
        let script = self.options.charset.encode_cow(&script);
        match conn.conn.query_drop(script.as_ref()).await {
            Ok(()) => Ok(()),
            Err(e) => {
                conn.broken = true;
                Err(ExecError::Sql {
                    statement: 0,
                    message: session::describe_error(&e),
                })
            }
        }
    }
}

/// Creates the configured database on the server if it does not exist yet
/// (utf8mb4), so a demo or test database can be set up with the gateway
/// alone.
pub async fn create_database(options: &MysqlOptions) -> Result<String, ExecError> {
    let name = options
        .database
        .clone()
        .ok_or_else(|| ExecError::Unavailable("no database named in the configuration".into()))?;
    let mut conn = connect(&options.on_database(None)).await?;
    // A quoted identifier: the name cannot end the statement.
    let quoted = format!("`{}`", name.replace('`', "``"));
    conn.query_drop(format!(
        "CREATE DATABASE IF NOT EXISTS {quoted} CHARACTER SET utf8mb4"
    ))
    .await
    .map_err(|e| ExecError::Sql {
        statement: 0,
        message: format!("CREATE DATABASE {name}: {}", session::describe_error(&e)),
    })?;
    let _ = conn.disconnect().await;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::scratch::ScratchDatabase;
    use super::*;
    use crate::execute::compile::{CompileError, Position};
    use crate::execute::{Param, Value};
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    fn statement(sql: &str, params: &[&str]) -> Statement {
        Statement::new(
            sql,
            params.iter().map(|p| Param::Text(p.to_string())).collect(),
        )
    }

    #[tokio::test]
    async fn values_cross_exactly_and_a_procedure_returns_its_result_sets() {
        let Some(scratch) = ScratchDatabase::create().await else {
            return;
        };
        let db = MysqlDatabase::open(&scratch.options());
        db.run_script(
            "CREATE TABLE card (card_no VARCHAR(20) PRIMARY KEY, name VARCHAR(20), balance DECIMAL(12, 2), born DATE, seen DATETIME);\
             INSERT INTO card VALUES ('0012', '张三', 203.67, '1990-01-02', '2026-01-02 03:04:05');\
             CREATE PROCEDURE two_sets(IN c VARCHAR(20)) BEGIN SELECT name FROM card WHERE card_no = c; SELECT balance FROM card WHERE card_no = c; END"
                .into(),
        )
        .await
        .unwrap();
        let sets = db
            .query(vec![statement(
                "SELECT name, balance, born, seen, CAST(?2 AS DECIMAL(10, 2)) + 0.1, ?1 = card_no, NULL FROM card WHERE card_no = ?1",
                &["0012", "0.2"],
            )])
            .await
            .unwrap();
        let row = &sets[0][0].rows[0];
        assert_eq!(row[0], Value::Text("张三".into()));
        assert_eq!(row[1], Value::Decimal("203.67".parse::<Decimal>().unwrap()));
        assert_eq!(
            row[2],
            Value::Date(NaiveDate::from_ymd_opt(1990, 1, 2).unwrap())
        );
        assert_eq!(row[3].text(), "2026-01-02 03:04:05.000");
        assert_eq!(row[4], Value::Decimal("0.30".parse::<Decimal>().unwrap()));
        assert_eq!(row[5], Value::Int(1), "?1 bound at both uses");
        assert_eq!(row[6], Value::Null);
        let sets = db
            .query(vec![statement("CALL two_sets(?1)", &["0012"])])
            .await
            .unwrap();
        assert_eq!(sets[0].len(), 2, "{sets:?}");
        assert_eq!(
            sets[0][1].rows[0][0],
            Value::Decimal("203.67".parse::<Decimal>().unwrap())
        );
        // Compiled without running; a fault placed in the section.
        let compiled = db
            .compile(Arc::from(
                "CREATE TEMPORARY TABLE t (n INT);\nSELECT n FROM t",
            ))
            .await
            .unwrap();
        assert_eq!(compiled.result_sets, Some(vec![vec!["n".to_string()]]));
        let sql = "SELECT name FROM card;\nSELECT nosuch FROM card WHERE card_no = ?1";
        let CompileError::Refused {
            statement, name, ..
        } = db.compile(Arc::from(sql)).await.unwrap_err()
        else {
            panic!("refused")
        };
        assert_eq!(statement, Some(2));
        assert_eq!(name.as_deref(), Some("nosuch"));
        let sql = "SELECT name FROM card;\nSELECT name FROMM card";
        let CompileError::Refused { at, .. } = db.compile(Arc::from(sql)).await.unwrap_err() else {
            panic!("refused")
        };
        // MySQL names the line and the text it stopped at: `card`, after
        // FROMM was taken as an alias.
        assert_eq!(at, Position::Offset(sql.rfind("card").unwrap()));
    }

    #[tokio::test]
    async fn a_gbk_connection_sends_and_reads_chinese() {
        let Some(scratch) = ScratchDatabase::create().await else {
            return;
        };
        let mut options = scratch.options();
        options.charset = Charset::Gbk;
        let options = MysqlOptions {
            plain: mysql_async::OptsBuilder::from_opts(options.plain.clone())
                .setup(vec!["SET NAMES gbk"])
                .into(),
            ..options
        };
        // Literals in the SQL text travel in GBK as well.
        let db = MysqlDatabase::open(&options);
        db.run_script(
            "CREATE TABLE patient (name VARCHAR(20)) DEFAULT CHARSET = gbk; INSERT INTO patient VALUES ('张三');".into(),
        )
        .await
        .unwrap();
        let sets = db
            .query(vec![statement(
                "SELECT name, @@character_set_client FROM patient WHERE name = ?1",
                &["张三"],
            )])
            .await
            .unwrap();
        assert_eq!(
            sets[0][0].rows[0],
            [Value::Text("张三".into()), Value::Text("gbk".into())]
        );
    }
}
