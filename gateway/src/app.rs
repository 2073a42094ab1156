//! `Application`: the gateway assembled from its settings, bound to its
//! port and ready to run. `main` and the integration tests start it the
//! same way.

use std::net::TcpListener;
use std::sync::Arc;

use crate::hospitals::StartError;
use crate::http;
use crate::pipeline::Gateway;
use crate::settings::Settings;

pub struct Application {
    port: u16,
    admin_port: u16,
    gateway: Arc<Gateway>,
    server: actix_web::dev::Server,
    admin: actix_web::dev::Server,
    workers: crate::outbound::Workers,
    reloader: crate::reload::Reloader,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Start(#[from] StartError),
    /// A setting that cannot be used (TLS files, a token's variable).
    #[error("{0}")]
    Setting(String),
    #[error("audit trail: {0}")]
    Audit(String),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        #[source]
        source: std::io::Error,
    },
}

impl Application {
    /// Loads the mappings, opens the databases and binds the listener
    /// (port 0 picks a free port; `port()` tells which).
    pub async fn build(settings: Settings) -> Result<Application, BuildError> {
        let mut gateway = Gateway::start(settings.source()).await?;
        if settings.audit_keep_days > 0 {
            let audit = crate::audit::Audit::open(&settings.data_dir, settings.audit_keep_days)
                .map_err(BuildError::Audit)?;
            gateway = gateway.with_audit(audit);
        }
        let gateway = Arc::new(gateway);
        let bind_err = |source| BuildError::Bind {
            address: settings.listen.clone(),
            source,
        };
        let listener = TcpListener::bind(&settings.listen).map_err(bind_err)?;
        let port = listener.local_addr().map_err(bind_err)?.port();
        let tls = match (&settings.tls_cert, &settings.tls_key) {
            (Some(cert), Some(key)) => Some(
                http::tls_config(cert, key)
                    .map_err(|e| BuildError::Setting(format!("TLS: {e}")))?,
            ),
            (None, None) => None,
            _ => {
                return Err(BuildError::Setting(
                    "TLS: give both tls_cert and tls_key".into(),
                ))
            }
        };
        let server =
            http::serve(listener, gateway.clone(), settings.workers, tls).map_err(bind_err)?;
        let admin_err = |source| BuildError::Bind {
            address: settings.admin_listen.clone(),
            source,
        };
        let admin_listener = TcpListener::bind(&settings.admin_listen).map_err(admin_err)?;
        let admin_port = admin_listener.local_addr().map_err(admin_err)?.port();
        let admin_token = match &settings.admin_token_env {
            Some(var) => Some(
                std::env::var(var)
                    .ok()
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| {
                        BuildError::Setting(format!(
                            "admin_token_env: environment variable {var} is not set"
                        ))
                    })?,
            ),
            None => None,
        };
        let beyond_localhost = admin_listener
            .local_addr()
            .is_ok_and(|a| !a.ip().is_loopback());
        if admin_token.is_none() && beyond_localhost {
            tracing::warn!(address = %settings.admin_listen, "the admin listener (console, refunds, outbox, try) listens beyond this machine without admin_token_env: anyone who reaches it can use it");
        }
        let admin =
            http::admin::serve(admin_listener, gateway.clone(), admin_token).map_err(admin_err)?;
        let workers = if settings.outbound {
            crate::outbound::spawn_workers(gateway.clone(), settings.data_dir.clone())
        } else {
            crate::outbound::Workers::default()
        };
        let reloader = crate::reload::spawn(gateway.clone());
        Ok(Application {
            port,
            admin_port,
            gateway,
            server,
            admin,
            workers,
            reloader,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The admin listener's port (refunds, outbox).
    pub fn admin_port(&self) -> u16 {
        self.admin_port
    }

    pub fn gateway(&self) -> Arc<Gateway> {
        self.gateway.clone()
    }

    /// Serves until the process is told to stop (Ctrl-C, SIGTERM): then both
    /// listeners stop taking calls, the calls under way finish, and the
    /// outbound workers and the reloader end. Dropping the returned future
    /// stops the workers too.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let workers = self.workers;
        let _reloader = self.reloader;
        let (server, admin) = (self.server.handle(), self.admin.handle());
        // One handler for the process: a server that handled signals itself
        // could miss one another server took, and keep the process running.
        let stop = tokio::spawn(async move {
            stop_signal().await;
            tracing::info!("stopping: calls under way finish first");
            futures_util::future::join(server.stop(true), admin.stop(true)).await;
        });
        let (server, admin) = futures_util::future::join(self.server, self.admin).await;
        stop.abort();
        drop(workers);
        // Every call is answered: write down what is still queued.
        if let Some(audit) = self.gateway.audit() {
            let audit = audit.clone();
            let flushed = tokio::task::spawn_blocking(move || {
                audit.flush(std::time::Duration::from_secs(30))
            })
            .await
            .unwrap_or(false);
            if !flushed {
                tracing::error!("the audit trail was not fully written within 30 s of stopping");
            }
        }
        server.and(admin)
    }
}

/// Waits for the process to be told to stop: SIGTERM (service managers) or
/// Ctrl-C / SIGINT.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the gateway");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
