//! The PostgreSQL backend (and the databases of its family: Kingbase,
//! openGauss / GaussDB, Highgo, Vastbase, PolarDB for PostgreSQL):
//! tokio-postgres connections in a bb8 pool.
//!
//! As for SQL Server, the pool never opens more than its maximum, a caller
//! waits at most the checkout timeout for a connection ("HIS database
//! busy"), every statement has a query timeout, and a connection that
//! failed at the connection level is discarded. A section's statements are
//! split and each is prepared once per connection (`statements`);
//! parameters go as text and the server reads them by the types it infers
//! (`values`). Text stored in another encoding (GBK, GB18030, EUC_CN)
//! arrives as UTF-8: the client always asks for UTF-8 and the server
//! converts. Transactions follow the one sequence of `execute::session`,
//! carried out by `session::PgSession`.

mod compile;
mod options;
mod session;
mod statements;
mod values;

#[cfg(any(test, feature = "testing"))]
pub mod scratch;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The PostgreSQL client library, for callers that set up test databases.
pub use tokio_postgres;

pub use options::{PostgresOptions, Tls};

use self::session::PgSession;
use self::statements::Piece;
use super::pool::{read_once_more, LastError, PoolSettings, ServerPool};
use super::rehearsal::{self, Pinned, Rehearsal};
use super::session::{self as driver, Failure, Nested};
use super::{ExecError, PoolStats, ResultSet, Statement, WriteTx, Written};

/// A pooled connection; `broken` makes the pool discard it on return.
pub struct PgConnection {
    client: tokio_postgres::Client,
    broken: bool,
    /// Statements prepared on this connection, by their text.
    prepared: HashMap<String, tokio_postgres::Statement>,
    /// Sections split into statements, by their text.
    split: HashMap<Arc<str>, Arc<[Piece]>>,
    /// Rows changed on this connection (for a rehearsal's trace).
    changes: u64,
}

impl PgConnection {
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

/// Opens one connection; its connection task runs on the runtime.
pub async fn connect(options: &PostgresOptions) -> Result<tokio_postgres::Client, ExecError> {
    let unavailable = |e: tokio_postgres::Error| {
        ExecError::Unavailable(format!(
            "cannot connect to {}: {}",
            where_to(options),
            session::describe_error(&e)
        ))
    };
    let connecting = async {
        match &options.tls {
            Tls::Off => {
                let (client, connection) = options
                    .config
                    .connect(tokio_postgres::NoTls)
                    .await
                    .map_err(unavailable)?;
                tokio::spawn(connection);
                Ok(client)
            }
            Tls::Rustls(tls) => {
                let (client, connection) = options
                    .config
                    .connect(tls.clone())
                    .await
                    .map_err(unavailable)?;
                tokio::spawn(connection);
                Ok(client)
            }
        }
    };
    tokio::time::timeout(options.connect_timeout, connecting)
        .await
        .map_err(|_| {
            ExecError::Unavailable(format!(
                "connect to {} timed out after {:?}",
                where_to(options),
                options.connect_timeout
            ))
        })?
}

/// Host and port, for messages.
fn where_to(options: &PostgresOptions) -> String {
    let host = match options.config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = options.config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}")
}

/// The bb8 manager: connects with a timeout and checks health with `SELECT 1`.
pub struct PgManager {
    options: PostgresOptions,
    last_error: LastError,
}

impl bb8::ManageConnection for PgManager {
    type Connection = PgConnection;
    type Error = ExecError;

    async fn connect(&self) -> Result<PgConnection, ExecError> {
        let client = connect(&self.options).await?;
        self.last_error.clear();
        Ok(PgConnection {
            client,
            broken: false,
            prepared: HashMap::new(),
            split: HashMap::new(),
            changes: 0,
        })
    }

    async fn is_valid(&self, conn: &mut PgConnection) -> Result<(), ExecError> {
        if conn.client.is_closed() {
            return Err(ExecError::Unavailable("connection closed".into()));
        }
        match tokio::time::timeout(
            self.options.connect_timeout,
            conn.client.simple_query("SELECT 1"),
        )
        .await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(ExecError::Unavailable(e.to_string())),
            Err(_) => Err(ExecError::Unavailable("health check timed out".into())),
        }
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        conn.broken || conn.client.is_closed()
    }
}

/// The connection a rehearsal holds, with its one transaction open.
pub struct PinnedPg {
    conn: bb8::PooledConnection<'static, PgManager>,
    tls: Tls,
    query_timeout: Duration,
    /// A step failed at the connection level: the transaction is gone.
    lost: bool,
}

/// Ends a rehearsal's transaction; the connection goes back to the pool
/// only when that succeeded.
pub(crate) async fn end_pinned(
    pinned: Arc<tokio::sync::Mutex<PinnedPg>>,
    commit: bool,
) -> Result<(), ExecError> {
    let mut pinned = pinned.lock().await;
    if pinned.lost {
        return Ok(());
    }
    let timeout = pinned.query_timeout;
    let sql = if commit { "COMMIT" } else { "ROLLBACK" };
    tokio::time::timeout(timeout, pinned.conn.client.batch_execute(sql))
        .await
        .map_err(|_| ExecError::Timeout(timeout))?
        .map_err(|e| ExecError::Sql {
            statement: 0,
            message: session::describe_error(&e),
        })?;
    pinned.conn.broken = false;
    Ok(())
}

pub struct PostgresDatabase {
    pool: ServerPool<PgManager>,
    tls: Tls,
    query_timeout: Duration,
}

impl PostgresDatabase {
    /// Builds the pool. It connects lazily, so the gateway starts while the
    /// HIS is down and heals when it comes back.
    pub fn open(options: &PostgresOptions) -> PostgresDatabase {
        let settings = PoolSettings {
            max_size: options.max_size,
            min_idle: options.min_idle,
            checkout_timeout: options.checkout_timeout,
            idle_timeout: options.idle_timeout,
            max_lifetime: options.max_lifetime,
            health_check: options.health_check,
        };
        let pool = ServerPool::build(settings, |last_error| PgManager {
            options: options.clone(),
            last_error,
        });
        PostgresDatabase {
            pool,
            tls: options.tls.clone(),
            query_timeout: options.query_timeout,
        }
    }

    pub fn pool_stats(&self) -> PoolStats {
        self.pool.stats()
    }

    async fn checkout(&self) -> Result<bb8::PooledConnection<'_, PgManager>, ExecError> {
        self.pool.checkout().await
    }

    /// Runs a driver on a checked-out connection. Until the driver has
    /// ended cleanly the connection counts as broken: a caller that gives
    /// up mid-call drops it with a transaction open, and it must never be
    /// lent out again.
    async fn on_connection<V>(
        &self,
        drive: impl AsyncFnOnce(&mut PgSession<'_>) -> Result<V, Failure>,
    ) -> Result<V, Failure> {
        let mut conn = self.checkout().await.map_err(Failure::Failed)?;
        conn.broken = true;
        let mut session = PgSession::new(&mut conn, &self.tls, self.query_timeout, None);
        let result = drive(&mut session).await;
        let lost = session.lost;
        conn.broken = lost;
        result
    }

    /// Runs `drive` on the rehearsal's own connection to this database, as
    /// a transaction nested in the rehearsal's one transaction.
    async fn rehearsed<V>(
        &self,
        rehearsal: &Rehearsal,
        drive: impl AsyncFnOnce(&mut Nested<'_, PgSession<'_>>) -> Result<V, Failure>,
    ) -> Result<V, ExecError> {
        let open = async {
            let mut conn = self.pool.checkout_owned().await?;
            conn.broken = true;
            tokio::time::timeout(self.query_timeout, conn.client.batch_execute("BEGIN"))
                .await
                .map_err(|_| ExecError::Timeout(self.query_timeout))?
                .map_err(|e| ExecError::Unavailable(e.to_string()))?;
            Ok(Pinned::Postgres(Arc::new(tokio::sync::Mutex::new(
                PinnedPg {
                    conn,
                    tls: self.tls.clone(),
                    query_timeout: self.query_timeout,
                    lost: false,
                },
            ))))
        };
        let Pinned::Postgres(pinned) = rehearsal.pinned(self as *const Self as usize, open).await?
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
        let PinnedPg {
            conn,
            tls,
            query_timeout,
            ..
        } = &mut *pinned;
        let mut session = PgSession::new(conn, tls, *query_timeout, Some(rehearsal));
        let mut nested = Nested::new(&mut session);
        let result = drive(&mut nested).await;
        let lost = session.lost;
        pinned.lost |= lost;
        result.map_err(Failure::into_error)
    }

    /// Runs `drive` on a checked-out connection (for tests that step in
    /// between the statements of a transaction).
    #[cfg(test)]
    pub(crate) async fn with_session<V>(
        &self,
        drive: impl AsyncFnOnce(&mut PgSession<'_>) -> Result<V, Failure>,
    ) -> Result<V, Failure> {
        self.on_connection(drive).await
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
    /// simple-query batch: one transaction unless it says otherwise.
    pub async fn run_script(&self, script: String) -> Result<(), ExecError> {
        let mut conn = self.checkout().await?;
        match conn.client.batch_execute(&script).await {
            Ok(()) => Ok(()),
            Err(e) => {
                conn.broken = true;
                Err(ExecError::Sql {
                    statement: 0,
                    message: script_error(&script, &e),
                })
            }
        }
    }
}

/// A script's error with the line it is on, where the server said.
fn script_error(script: &str, e: &tokio_postgres::Error) -> String {
    let text = session::describe_error(e);
    let position = e.as_db_error().and_then(|db| match db.position()? {
        tokio_postgres::error::ErrorPosition::Original(p) => Some(*p as usize),
        tokio_postgres::error::ErrorPosition::Internal { .. } => None,
    });
    match position {
        Some(p) => {
            let line = script
                .chars()
                .take(p.saturating_sub(1))
                .filter(|&c| c == '\n')
                .count()
                + 1;
            format!("line {line}: {text}")
        }
        None => text,
    }
}

/// Creates the configured database on the server if it does not exist yet
/// (connecting to the `postgres` database), so a demo or test database can
/// be set up with the gateway alone.
pub async fn create_database(options: &PostgresOptions) -> Result<String, ExecError> {
    let name = options
        .database()
        .ok_or_else(|| ExecError::Unavailable("no database named in the configuration".into()))?;
    let mut admin = options.clone();
    admin.config.dbname("postgres");
    let client = connect(&admin).await?;
    let failed = |e: tokio_postgres::Error| ExecError::Sql {
        statement: 0,
        message: format!("CREATE DATABASE {name}: {}", session::describe_error(&e)),
    };
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .map_err(failed)?;
    if exists.is_none() {
        // A quoted identifier: the name cannot end the statement.
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        client
            .batch_execute(&format!("CREATE DATABASE {quoted}"))
            .await
            .map_err(failed)?;
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::scratch::ScratchDatabase;
    use super::*;
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
    async fn values_cross_exactly_and_parameters_take_the_inferred_type() {
        let Some(scratch) = ScratchDatabase::create().await else {
            return;
        };
        let db = PostgresDatabase::open(&scratch.options());
        let sets = db
            .query(vec![statement(
                "SELECT 12.3450::numeric(10, 4), 'ab'::char(5), 0.1::float8, DATE '2026-01-02', \
                 TIMESTAMP '2026-01-02 03:04:05', true, 42::int8, NULL::text, \
                 $1::numeric + 0.1, $2::date + 1, $3 || '!'",
                &["0.2", "2026-12-31", "中文"],
            )])
            .await
            .unwrap();
        let row = &sets[0][0].rows[0];
        let d = |s: &str| Value::Decimal(s.parse::<Decimal>().unwrap());
        assert_eq!(row[0], d("12.3450"));
        assert_eq!(row[1], Value::Text("ab".into()));
        assert_eq!(row[2], d("0.1"));
        assert_eq!(
            row[3],
            Value::Date(NaiveDate::from_ymd_opt(2026, 1, 2).unwrap())
        );
        assert_eq!(row[4].text(), "2026-01-02 03:04:05.000");
        assert_eq!(row[5], Value::Int(1));
        assert_eq!(row[6], Value::Int(42));
        assert_eq!(row[7], Value::Null);
        assert_eq!(row[8], d("0.3"), "exact, not 0.30000000000000004");
        assert_eq!(
            row[9],
            Value::Date(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
        );
        assert_eq!(row[10], Value::Text("中文!".into()));
        // A value that does not fit the inferred type is the server's
        // error, naming it; the pool serves on.
        db.run_script("CREATE TABLE t (n integer)".into())
            .await
            .unwrap();
        let e = db
            .query(vec![statement("SELECT n FROM t WHERE n = $1", &["12x"])])
            .await
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("invalid input syntax for type integer: \"12x\""),
            "{e}"
        );
        let sets = db
            .query(vec![statement(
                "SELECT count(*) FROM t WHERE n = $1",
                &["12"],
            )])
            .await
            .unwrap();
        assert_eq!(sets[0][0].rows[0][0], Value::Int(0));
        // A function that returns rows is read as a table.
        db.run_script(
            "CREATE FUNCTION cards(p integer) RETURNS TABLE (n integer, doubled numeric) \
             LANGUAGE sql AS $$ SELECT p, p * 2.50 $$"
                .into(),
        )
        .await
        .unwrap();
        let sets = db
            .query(vec![statement("SELECT * FROM cards($1)", &["4"])])
            .await
            .unwrap();
        assert_eq!(sets[0][0].columns, ["n", "doubled"]);
        assert_eq!(sets[0][0].rows[0], [Value::Int(4), d("10.00")]);
    }

    #[tokio::test]
    async fn text_stored_in_a_chinese_encoding_arrives_as_utf8() {
        let Some(scratch) = ScratchDatabase::create().await else {
            return;
        };
        let name = format!("{}_euc", scratch.name);
        let admin = connect(&scratch::options(&scratch.url, "postgres"))
            .await
            .unwrap();
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {name} ENCODING 'EUC_CN' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
            ))
            .await
            .unwrap();
        let db = PostgresDatabase::open(&scratch::options(&scratch.url, &name));
        db.run_script(
            "CREATE TABLE patient (name varchar(20)); INSERT INTO patient VALUES ('张三');".into(),
        )
        .await
        .unwrap();
        let sets = db
            .query(vec![statement(
                "SELECT name, current_setting('server_encoding') FROM patient WHERE name = $1",
                &["张三"],
            )])
            .await
            .unwrap();
        assert_eq!(
            sets[0][0].rows[0],
            [Value::Text("张三".into()), Value::Text("EUC_CN".into())]
        );
        drop(db);
        admin
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .await
            .unwrap();
    }
}
