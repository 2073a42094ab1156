//! `Application`: the gateway assembled from its settings, bound to its
//! port and ready to run. `main` and the integration tests start it the
//! same way.

use std::net::TcpListener;
use std::sync::Arc;

use crate::gateway::{Gateway, StartError};
use crate::http;
use crate::settings::Settings;

pub struct Application {
    port: u16,
    gateway: Arc<Gateway>,
    server: actix_web::dev::Server,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Start(#[from] StartError),
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
        let gateway = Gateway::start(
            &settings.mappings_dir,
            settings.hospitals.as_deref(),
            &settings.data_dir,
        )
        .await?;
        let gateway = Arc::new(gateway);
        let bind_err = |source| BuildError::Bind {
            address: settings.listen.clone(),
            source,
        };
        let listener = TcpListener::bind(&settings.listen).map_err(bind_err)?;
        let port = listener.local_addr().map_err(bind_err)?.port();
        let server = http::serve(listener, gateway.clone(), settings.workers).map_err(bind_err)?;
        Ok(Application {
            port,
            gateway,
            server,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn gateway(&self) -> Arc<Gateway> {
        self.gateway.clone()
    }

    /// Serves until the process is told to stop (Ctrl-C / SIGTERM).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
