//! Hot reload: on SIGHUP, and whenever a mapping file changes (checked every
//! two seconds, which works the same on Windows), the gateway loads every
//! hospital's mappings again. The new set is used only if all of it loads;
//! a broken edit is logged (file and line, as `hisgw check` shows it) and
//! the working set keeps serving. Calls under way finish on the set they
//! started with. A hospital served unproven (its database did not answer
//! when it loaded) is proved as soon as its database answers.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::pipeline::Gateway;

/// How often a hospital served unproven (its database did not answer at
/// load) is tried again.
const PROVE_PENDING_EVERY: Duration = Duration::from_secs(15);

/// The reload task; dropping this stops it.
pub struct Reloader(Option<tokio::task::JoinHandle<()>>);

impl Drop for Reloader {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.abort();
        }
    }
}

pub fn spawn(gateway: Arc<Gateway>) -> Reloader {
    Reloader(Some(tokio::spawn(async move {
        let mut seen = fingerprint(&gateway);
        let mut hangup = hangups();
        let mut last_proof = tokio::time::Instant::now();
        loop {
            let asked = tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(2)) => false,
                _ = next_hangup(&mut hangup) => true,
            };
            if last_proof.elapsed() >= PROVE_PENDING_EVERY {
                gateway.hospitals().prove_pending().await;
                last_proof = tokio::time::Instant::now();
            }
            let now = fingerprint(&gateway);
            if !asked && now == seen {
                continue;
            }
            seen = now;
            match gateway.hospitals().reload().await {
                Ok(reloaded) => {
                    for (id, error) in &reloaded.refused {
                        tracing::error!(hospital = %id, error = %error, "mappings of this hospital NOT reloaded: its working set (if any) keeps serving");
                    }
                    tracing::info!(
                        hospitals = reloaded.served,
                        refused = reloaded.refused.len(),
                        signal = asked,
                        "mappings reloaded"
                    )
                }
                Err(e) => {
                    tracing::error!(error = %e, "mappings NOT reloaded: the working set keeps serving")
                }
            }
        }
    })))
}

#[cfg(unix)]
type Hangups = Option<tokio::signal::unix::Signal>;
#[cfg(not(unix))]
type Hangups = Option<()>;

#[cfg(unix)]
fn hangups() -> Hangups {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok()
}

#[cfg(not(unix))]
fn hangups() -> Hangups {
    None
}

#[cfg(unix)]
async fn next_hangup(h: &mut Hangups) {
    match h {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn next_hangup(_: &mut Hangups) {
    std::future::pending().await
}

/// Names, sizes and times of the files a reload reads: every file in the
/// folders of the hospitals' mapping and SQL files, their shared fragments,
/// and the hospital folders.
fn fingerprint(gateway: &Gateway) -> BTreeSet<(PathBuf, u64, Option<SystemTime>)> {
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    let source = gateway.hospitals().source();
    dirs.insert(source.mappings_dir.clone());
    if let Ok(entries) = std::fs::read_dir(&source.mappings_dir) {
        dirs.extend(
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir()),
        );
    }
    for h in gateway.hospitals().all() {
        dirs.insert(h.mapping.dir.clone());
        dirs.insert(h.mapping.sql_dir.join("shared"));
        for plan in h.mapping.methods.values() {
            if let Some(parent) = plan.file.parent().filter(|p| p.is_dir()) {
                dirs.insert(parent.to_path_buf());
            }
        }
        for s in &h.mapping.sources {
            if let Some(parent) = s.file.parent() {
                dirs.insert(parent.to_path_buf());
            }
        }
    }
    let mut files = BTreeSet::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            if let Some(meta) = entry.metadata().ok().filter(|m| m.is_file()) {
                files.insert((entry.path(), meta.len(), meta.modified().ok()));
            }
        }
    }
    files
}
