//! Opening a hospital's database from its `[database]` settings: the one
//! place that knows which backend a configuration names and how to start it.

use std::path::Path;
use std::time::Duration;

use super::mssql::{MssqlDatabase, MssqlOptions};
use super::mysql::{MysqlDatabase, MysqlOptions};
use super::postgres::{PostgresDatabase, PostgresOptions};
use super::sqlite::{SqliteDatabase, SqliteOptions};
use super::{Database, DatabaseConfig, ExecError};

/// Whether opening runs the scripts the configuration lists for every
/// start (`start_scripts`). Commands that prepare a database (`hisgw sql`,
/// `hisgw migrate`) skip them: they may need what is about to be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartScripts {
    Run,
    Skip,
}

/// Opens a hospital's database pool. SQLite paths are relative to
/// `data_dir`, scripts to the hospital's folder `hospital_dir`.
pub async fn open(
    config: &DatabaseConfig,
    data_dir: &Path,
    hospital_dir: &Path,
    scripts: StartScripts,
) -> Result<Database, ExecError> {
    let run = scripts == StartScripts::Run;
    match config {
        DatabaseConfig::Sqlite(c) => {
            let options = SqliteOptions {
                path: data_dir.join(&c.path),
                pool_size: c.pool_size,
                init_scripts: c
                    .init_scripts
                    .iter()
                    .map(|s| hospital_dir.join(s))
                    .collect(),
                start_scripts: c
                    .start_scripts
                    .iter()
                    .filter(|_| run)
                    .map(|s| hospital_dir.join(s))
                    .collect(),
                checkout_timeout: Duration::from_millis(c.checkout_timeout_ms),
                query_timeout: Duration::from_millis(c.query_timeout_ms),
            };
            // Opening may create and seed the file: off the async threads.
            let db = tokio::task::spawn_blocking(move || SqliteDatabase::open(&options))
                .await
                .map_err(|e| ExecError::Unavailable(format!("opening was interrupted: {e}")))??;
            Ok(Database::Sqlite(db))
        }
        DatabaseConfig::Mssql(c) => {
            let db = Database::Mssql(MssqlDatabase::open(&MssqlOptions::from_config(c)?));
            if run {
                run_start_scripts(config, &db, hospital_dir).await?;
            }
            Ok(db)
        }
        DatabaseConfig::Postgres(c) => {
            let db = Database::Postgres(PostgresDatabase::open(&PostgresOptions::from_config(c)?));
            if run {
                run_start_scripts(config, &db, hospital_dir).await?;
            }
            Ok(db)
        }
        DatabaseConfig::Mysql(c) => {
            let db = Database::Mysql(MysqlDatabase::open(&MysqlOptions::from_config(c)?));
            if run {
                run_start_scripts(config, &db, hospital_dir).await?;
            }
            Ok(db)
        }
    }
}

/// Runs a server database's `start_scripts` on `db` (opened with
/// `StartScripts::Skip`), so a caller can tell a server that does not
/// answer yet from a script that is wrong. SQLite's run inside `open`:
/// the file is local, and its lock is waited for there.
pub async fn run_start_scripts(
    config: &DatabaseConfig,
    db: &Database,
    hospital_dir: &Path,
) -> Result<(), ExecError> {
    let scripts = match config {
        DatabaseConfig::Mssql(c) => &c.start_scripts,
        DatabaseConfig::Postgres(c) => &c.start_scripts,
        DatabaseConfig::Mysql(c) => &c.start_scripts,
        DatabaseConfig::Sqlite(_) => return Ok(()),
    };
    for script in scripts {
        run_start_script(db, &hospital_dir.join(script)).await?;
    }
    Ok(())
}

/// Runs one start script. A script is one transaction: a transient failure
/// (a dropped connection, a server-side hiccup) is retried on a fresh
/// connection, twice at most.
async fn run_start_script(db: &Database, path: &Path) -> Result<(), ExecError> {
    let script_error = |message: String| ExecError::Script {
        script: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| script_error(e.to_string()))?;
    let mut attempt = 0;
    loop {
        match db.run_script(text.clone()).await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < 2 => {
                attempt += 1;
                tracing::warn!(script = %path.display(), error = %e, attempt, "start script failed; retrying");
                tokio::time::sleep(Duration::from_secs(attempt)).await;
            }
            // A server that does not answer stays transient, so the hospital
            // waits for it instead of being refused.
            Err(e) if e.is_transient() => {
                return Err(ExecError::Unavailable(format!(
                    "start script {}: {e}",
                    path.display()
                )))
            }
            Err(e) => return Err(script_error(e.to_string())),
        }
    }
}

/// Creates a server hospital's database if it does not exist yet
/// (`hisgw sql --create-database`); returns its name. SQLite files are
/// created on open anyway.
pub async fn create_database(config: &DatabaseConfig) -> Result<Option<String>, ExecError> {
    match config {
        DatabaseConfig::Mssql(c) => super::mssql::create_database(&MssqlOptions::from_config(c)?)
            .await
            .map(Some),
        DatabaseConfig::Postgres(c) => {
            super::postgres::create_database(&PostgresOptions::from_config(c)?)
                .await
                .map(Some)
        }
        DatabaseConfig::Mysql(c) => super::mysql::create_database(&MysqlOptions::from_config(c)?)
            .await
            .map(Some),
        DatabaseConfig::Sqlite(_) => Ok(None),
    }
}
