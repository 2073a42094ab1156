//! What the server backends' pools share (SQL Server, PostgreSQL, MySQL):
//! a bb8 pool built from the same settings, a checkout that says why no
//! connection came, the pool's state for `/metrics`, and the one retry of a
//! read whose connection the server ended. Each backend keeps its own
//! connection manager and session; this module never runs SQL.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{ExecError, PoolStats};

/// The pool settings every server backend reads from its `[database]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PoolSettings {
    pub max_size: u32,
    pub min_idle: u32,
    pub checkout_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_lifetime: Duration,
    pub health_check: bool,
}

/// A bb8 pool of one backend's connections.
pub(crate) struct ServerPool<M: bb8::ManageConnection<Error = ExecError>> {
    pub pool: bb8::Pool<M>,
    pub checkout_timeout: Duration,
    waiting: AtomicUsize,
    last_error: LastError,
}

impl<M: bb8::ManageConnection<Error = ExecError>> ServerPool<M> {
    /// Builds the pool; `manager` is given the error record it clears on
    /// every connection made. It connects lazily, so the gateway starts
    /// while the HIS is down and heals when it comes back.
    pub fn build(settings: PoolSettings, manager: impl FnOnce(LastError) -> M) -> Self {
        let last_error = LastError::default();
        let pool = bb8::Pool::builder()
            .max_size(settings.max_size)
            .min_idle(Some(settings.min_idle).filter(|n| *n > 0))
            .connection_timeout(settings.checkout_timeout)
            .idle_timeout(Some(settings.idle_timeout))
            .max_lifetime(Some(settings.max_lifetime))
            .test_on_check_out(settings.health_check)
            .retry_connection(false)
            .error_sink(Box::new(last_error.clone()))
            .build_unchecked(manager(last_error.clone()));
        ServerPool {
            pool,
            checkout_timeout: settings.checkout_timeout,
            waiting: AtomicUsize::new(0),
            last_error,
        }
    }

    pub fn stats(&self) -> PoolStats {
        let s = self.pool.state();
        PoolStats {
            size: u64::from(s.connections),
            in_use: u64::from(s.connections.saturating_sub(s.idle_connections)),
            waiting: self.waiting.load(Ordering::Relaxed) as u64,
        }
    }

    /// A connection within the checkout timeout: `Busy` when none came, or
    /// why connecting failed when that is what happened.
    pub async fn checkout(&self) -> Result<bb8::PooledConnection<'_, M>, ExecError> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let got = self.pool.get().await;
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        got.map_err(|e| self.why(e))
    }

    /// A connection a rehearsal holds past this call.
    pub async fn checkout_owned(&self) -> Result<bb8::PooledConnection<'static, M>, ExecError> {
        self.pool.get_owned().await.map_err(|e| self.why(e))
    }

    fn why(&self, e: bb8::RunError<ExecError>) -> ExecError {
        match e {
            bb8::RunError::TimedOut => match self.last_error.recent(self.checkout_timeout * 2) {
                Some(why) => ExecError::Unavailable(why),
                None => ExecError::Busy(self.checkout_timeout),
            },
            bb8::RunError::User(e) => e,
        }
    }
}

/// Runs a read (`$read` makes its future), and once more on a fresh
/// connection when the server had ended the first one (a restart, a KILL):
/// a read is safe to repeat. A macro, as the future is made twice.
macro_rules! read_once_more {
    ($read:expr) => {
        match $read.await {
            Ok(v) => Ok(v),
            Err($crate::execute::session::Failure::Lost(
                $crate::execute::ExecError::Unavailable(_),
            )) => $read
                .await
                .map_err($crate::execute::session::Failure::into_error),
            Err(e) => Err(e.into_error()),
        }
    };
}
pub(crate) use read_once_more;

/// The pool's last connection error (bb8 hands these to an error sink, not
/// to the caller that was waiting).
#[derive(Debug, Clone, Default)]
pub(crate) struct LastError(Arc<std::sync::Mutex<Option<(Instant, String)>>>);

impl bb8::ErrorSink<ExecError> for LastError {
    fn sink(&self, error: ExecError) {
        tracing::warn!(error = %error, "cannot connect to the HIS database");
        let why = match error {
            ExecError::Unavailable(why) => why,
            other => other.to_string(),
        };
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), why));
    }

    fn boxed_clone(&self) -> Box<dyn bb8::ErrorSink<ExecError>> {
        Box::new(self.clone())
    }
}

impl LastError {
    /// The error of a connection attempt made within `within`, if any.
    fn recent(&self, within: Duration) -> Option<String> {
        let last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        last.as_ref()
            .filter(|(at, _)| at.elapsed() <= within)
            .map(|(_, e)| e.clone())
    }

    /// Connected: an older failure no longer explains a wait.
    pub fn clear(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}
