//! A TCP proxy that drops every connection until it is opened, then
//! forwards to its target: a database server that resets connections at a
//! gateway's start, then answers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};

pub struct CuttingProxy {
    pub port: u16,
    open: Arc<AtomicBool>,
    target: Arc<Mutex<String>>,
    dropped: Arc<std::sync::atomic::AtomicUsize>,
}

impl CuttingProxy {
    /// Listens on a free loopback port, dropping every connection.
    pub async fn start() -> CuttingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = Arc::new(AtomicBool::new(false));
        let target = Arc::new(Mutex::new(String::new()));
        let dropped = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (o, t, d) = (open.clone(), target.clone(), dropped.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !o.load(Ordering::SeqCst) {
                    d.fetch_add(1, Ordering::SeqCst);
                    drop(inbound); // reset at once
                    continue;
                }
                let to = t.lock().unwrap().clone();
                tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(to).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        CuttingProxy {
            port,
            open,
            target,
            dropped,
        }
    }

    /// Where it forwards once open (`host:port`).
    pub fn forward_to(&self, target: &str) {
        *self.target.lock().unwrap() = target.to_string();
    }

    /// From now on, forwards.
    pub fn open(&self) {
        self.open.store(true, Ordering::SeqCst);
    }

    /// How many connections it dropped.
    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::SeqCst)
    }
}
