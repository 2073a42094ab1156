//! The SQL Server backend: tiberius connections in a bb8 pool.
//!
//! Legacy HIS servers are busy and old: the pool never opens more than its
//! maximum, a caller waits at most the checkout timeout for a connection
//! ("HIS database busy"), every statement has a query timeout, and a
//! connection that failed at the connection level is discarded so the next
//! call heals on a fresh one. Values cross as `Param`/`Value`; money and
//! decimals are exact; text in GBK (Chinese_PRC) collations is decoded by
//! tiberius from the column's collation. Transactions follow the one
//! sequence of `execute::session`, carried out by `session::TdsSession`.

mod compile;
mod options;
mod scripts;
mod session;
mod values;

#[cfg(any(test, feature = "testing"))]
pub mod scratch;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use tiberius::{Client, Config, SqlBrowser};
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

/// The TDS client library, for callers that set up test databases.
pub use tiberius;

pub use options::MssqlOptions;
pub use scripts::{ado_database, create_database, run_batches, split_batches};

use self::session::TdsSession;
use super::pool::{read_once_more, LastError, PoolSettings, ServerPool};
use super::rehearsal::{self, Pinned, Rehearsal};
use super::session::{self as driver, Failure, Nested};
use super::{Description, ExecError, PoolStats, ResultSet, Statement, WriteTx, Written};

pub type TdsClient = Client<Compat<TcpStream>>;

/// The connection a rehearsal holds, with its one transaction open.
pub struct PinnedTds {
    conn: bb8::PooledConnection<'static, TdsManager>,
    told: Arc<AtomicBool>,
    query_timeout: Duration,
    /// A step failed at the connection level: the transaction is gone.
    lost: bool,
}

/// Ends a rehearsal's transaction; the connection goes back to the pool
/// only when that succeeded.
pub(crate) async fn end_pinned(
    pinned: Arc<tokio::sync::Mutex<PinnedTds>>,
    commit: bool,
) -> Result<(), ExecError> {
    let mut pinned = pinned.lock().await;
    if pinned.lost {
        return Ok(());
    }
    let timeout = pinned.query_timeout;
    let sql = if commit {
        "COMMIT TRANSACTION;"
    } else {
        "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;"
    };
    let end = async {
        pinned
            .conn
            .client
            .simple_query(sql)
            .await?
            .into_results()
            .await
    };
    tokio::time::timeout(timeout, end)
        .await
        .map_err(|_| ExecError::Timeout(timeout))?
        .map_err(|e| ExecError::Sql {
            statement: 0,
            message: e.to_string(),
        })?;
    pinned.conn.broken = false;
    Ok(())
}

/// A pooled connection; `broken` makes the pool discard it on return.
pub struct TdsConnection {
    client: TdsClient,
    broken: bool,
    /// Whether its database allows snapshot isolation (multi-statement
    /// reads see one state), once a read of several statements has asked.
    snapshot: Option<bool>,
}

/// The bb8 manager: connects with a timeout and checks health with `SELECT 1`.
pub struct TdsManager {
    config: Config,
    connect_timeout: Duration,
    last_error: LastError,
}

impl bb8::ManageConnection for TdsManager {
    type Connection = TdsConnection;
    type Error = ExecError;

    async fn connect(&self) -> Result<TdsConnection, ExecError> {
        let client = tokio::time::timeout(self.connect_timeout, connect(self.config.clone()))
            .await
            .map_err(|_| {
                ExecError::Unavailable(format!(
                    "connect timed out after {:?}",
                    self.connect_timeout
                ))
            })??;
        self.last_error.clear();
        Ok(TdsConnection {
            client,
            broken: false,
            snapshot: None,
        })
    }

    async fn is_valid(&self, conn: &mut TdsConnection) -> Result<(), ExecError> {
        let check = async {
            conn.client
                .simple_query("SELECT 1")
                .await?
                .into_row()
                .await?;
            Ok::<_, tiberius::error::Error>(())
        };
        match tokio::time::timeout(self.connect_timeout, check).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ExecError::Unavailable(e.to_string())),
            Err(_) => Err(ExecError::Unavailable("health check timed out".into())),
        }
    }

    fn has_broken(&self, conn: &mut TdsConnection) -> bool {
        conn.broken
    }
}

/// Opens one connection, following a named instance through the SQL Browser
/// and an Azure-style routing redirect.
pub async fn connect(mut config: Config) -> Result<TdsClient, ExecError> {
    for _ in 0..2 {
        let tcp = TcpStream::connect_named(&config).await.map_err(|e| {
            ExecError::Unavailable(format!("cannot reach {}: {e}", config.get_addr()))
        })?;
        tcp.set_nodelay(true).ok();
        match Client::connect(config.clone(), tcp.compat_write()).await {
            Ok(client) => return Ok(client),
            Err(tiberius::error::Error::Routing { host, port }) => {
                config.host(host);
                config.port(port);
            }
            Err(e) => return Err(ExecError::Unavailable(e.to_string())),
        }
    }
    Err(ExecError::Unavailable("too many routing redirects".into()))
}

pub struct MssqlDatabase {
    pool: ServerPool<TdsManager>,
    query_timeout: Duration,
    /// Said once per pool: how a read of several statements is isolated.
    told_isolation: Arc<AtomicBool>,
}

impl MssqlDatabase {
    /// Builds the pool. It connects lazily, so the gateway starts while the
    /// HIS is down and heals when it comes back.
    pub fn open(options: &MssqlOptions) -> MssqlDatabase {
        let settings = PoolSettings {
            max_size: options.max_size,
            min_idle: options.min_idle,
            checkout_timeout: options.checkout_timeout,
            idle_timeout: options.idle_timeout,
            max_lifetime: options.max_lifetime,
            health_check: options.health_check,
        };
        let pool = ServerPool::build(settings, |last_error| TdsManager {
            config: options.config.clone(),
            connect_timeout: options.connect_timeout,
            last_error,
        });
        MssqlDatabase {
            pool,
            query_timeout: options.query_timeout,
            told_isolation: Arc::default(),
        }
    }

    /// Connections the pool holds now and how many of them are idle.
    pub fn pool_state(&self) -> (u32, u32) {
        let s = self.pool.pool.state();
        (s.connections, s.idle_connections)
    }

    pub fn pool_stats(&self) -> PoolStats {
        self.pool.stats()
    }

    async fn checkout(&self) -> Result<bb8::PooledConnection<'_, TdsManager>, ExecError> {
        self.pool.checkout().await
    }

    /// Runs a driver on a checked-out connection. Until the driver has
    /// ended cleanly the connection counts as broken: a caller that gives
    /// up mid-call (a time limit, a client gone) drops it with results
    /// unread or a transaction open, and it must never be lent out again.
    async fn on_connection<V>(
        &self,
        drive: impl AsyncFnOnce(&mut TdsSession<'_>) -> Result<V, Failure>,
    ) -> Result<V, Failure> {
        let mut conn = self.checkout().await.map_err(Failure::Failed)?;
        conn.broken = true;
        let TdsConnection {
            client, snapshot, ..
        } = &mut *conn;
        let mut session = TdsSession::new(
            client,
            snapshot,
            self.told_isolation.clone(),
            self.query_timeout,
        );
        let result = drive(&mut session).await;
        let lost = session.lost;
        conn.broken = lost;
        result
    }

    /// Runs `drive` on the rehearsal's own connection to this database, as a
    /// transaction nested in the rehearsal's one transaction (begun with the
    /// connection at its first use). A connection lost there ends the
    /// rehearsal's transaction: every later call of it fails.
    async fn rehearsed<V>(
        &self,
        rehearsal: &Rehearsal,
        drive: impl AsyncFnOnce(&mut Nested<'_, TdsSession<'_>>) -> Result<V, Failure>,
    ) -> Result<V, ExecError> {
        let open = async {
            let mut conn = self.pool.checkout_owned().await?;
            // Never lent out again unless the rehearsal ends it cleanly.
            conn.broken = true;
            let begin = async {
                conn.client
                    .simple_query("SET XACT_ABORT ON; BEGIN TRANSACTION;")
                    .await?
                    .into_results()
                    .await
            };
            tokio::time::timeout(self.query_timeout, begin)
                .await
                .map_err(|_| ExecError::Timeout(self.query_timeout))?
                .map_err(|e| ExecError::Unavailable(e.to_string()))?;
            Ok(Pinned::Mssql(Arc::new(tokio::sync::Mutex::new(
                PinnedTds {
                    conn,
                    told: self.told_isolation.clone(),
                    query_timeout: self.query_timeout,
                    lost: false,
                },
            ))))
        };
        let Pinned::Mssql(pinned) = rehearsal.pinned(self as *const Self as usize, open).await?
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
        let PinnedTds {
            conn,
            told,
            query_timeout,
            ..
        } = &mut *pinned;
        let TdsConnection {
            client, snapshot, ..
        } = &mut **conn;
        let mut session = TdsSession::new(client, snapshot, told.clone(), *query_timeout);
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
        drive: impl AsyncFnOnce(&mut TdsSession<'_>) -> Result<V, Failure>,
    ) -> Result<V, Failure> {
        self.on_connection(drive).await
    }

    pub async fn query(
        &self,
        statements: Vec<Statement>,
    ) -> Result<Vec<Vec<ResultSet>>, ExecError> {
        if let Some(rehearsal) = rehearsal::current() {
            // Boxed, as the other branch: these futures are large.
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
            // Boxed, as the other branch: these futures are large.
            return Box::pin(self.rehearsed(&rehearsal, async |session| {
                driver::write(session, tx, Some(&rehearsal)).await
            }))
            .await;
        }
        Box::pin(self.on_connection(async |session| driver::write(session, tx, None).await))
            .await
            .map_err(Failure::into_error)
    }

    pub async fn run_script(&self, script: String) -> Result<(), ExecError> {
        let mut conn = self.checkout().await?;
        let result = run_batches(&mut conn.client, &script).await;
        if result.is_err() {
            // A failed batch may leave an open transaction or temp state behind.
            conn.broken = true;
        }
        result
    }

    pub async fn describe(&self, sql: Arc<str>, params: usize) -> Result<Description, ExecError> {
        let declared: Vec<String> = (1..=params)
            .map(|n| format!("@P{n} nvarchar(4000)"))
            .collect();
        let declared = declared.join(", ");
        let mut conn = self.checkout().await?;
        let describe = async {
            let rows = conn
                .client
                .query(
                    "EXEC sp_describe_first_result_set @tsql = @P1, @params = @P2",
                    &[&&*sql, &declared.as_str()],
                )
                .await?
                .into_first_result()
                .await?;
            let mut columns = Vec::new();
            for row in rows {
                let hidden: Option<bool> = row.try_get("is_hidden").unwrap_or(None);
                if hidden != Some(true) {
                    if let Ok(Some(name)) = row.try_get::<&str, _>("name") {
                        columns.push(name.to_string());
                    }
                }
            }
            Ok::<_, tiberius::error::Error>(columns)
        };
        let columns = tokio::time::timeout(self.query_timeout, describe)
            .await
            .map_err(|_| ExecError::Timeout(self.query_timeout))?
            .map_err(|e| ExecError::Sql {
                statement: 0,
                message: e.to_string(),
            })?;
        // What type the server infers for each placeholder from its use; a
        // server that cannot tell (or does not have the procedure) leaves it open.
        let mut parameter_types = vec![None; params];
        let undeclared = async {
            let rows = conn
                .client
                .query(
                    "EXEC sp_describe_undeclared_parameters @tsql = @P1",
                    &[&&*sql],
                )
                .await?
                .into_first_result()
                .await?;
            Ok::<_, tiberius::error::Error>(rows)
        };
        if let Ok(Ok(rows)) = tokio::time::timeout(self.query_timeout, undeclared).await {
            for row in rows {
                let name: Option<&str> = row.try_get("name").unwrap_or(None);
                let ty: Option<&str> = row.try_get("suggested_system_type_name").unwrap_or(None);
                if let (Some(name), Some(ty)) = (name, ty) {
                    if let Some(n) = name
                        .strip_prefix("@P")
                        .and_then(|n| n.parse::<usize>().ok())
                    {
                        if (1..=params).contains(&n) {
                            parameter_types[n - 1] = Some(ty.to_string());
                        }
                    }
                }
            }
        }
        Ok(Description {
            columns,
            parameter_types,
        })
    }
}
