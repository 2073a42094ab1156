//! The hospitals the gateway serves: each one's mapping, its database pool
//! and its run-time state (per-method limits and read caches), loaded
//! together and swapped whole on a reload.
//!
//! This module owns the served set: loading it (mappings checked, each
//! database opened by `execute`, the payment ledger brought up to date or
//! checked), and replacing it only when a reload loads completely; a
//! hospital whose `[database]` did not change keeps its pool. Calls under
//! way keep the set they started with. It must never answer a call.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::execute::{self, Database, Dialect, ExecError, StartScripts};
use crate::ledger;
use crate::limits::Limits;
use crate::mapping::{self, HospitalMapping, MappingError, MethodPlan};

/// One hospital as served: its mapping, its pool, its run-time state.
pub struct Hospital {
    pub mapping: HospitalMapping,
    pub db: Arc<Database>,
    /// Each mapped method's limits and cache, by the catalogue's name.
    limits: HashMap<&'static str, Arc<Limits>>,
}

impl Hospital {
    /// A hospital of `mapping` on `db`, with fresh limits and caches.
    pub fn new(mapping: HospitalMapping, db: Arc<Database>) -> Hospital {
        let limits = mapping
            .methods
            .iter()
            .map(|(name, plan)| (*name, Arc::new(Limits::new(plan.limits))))
            .collect();
        Hospital {
            mapping,
            db,
            limits,
        }
    }

    pub fn id(&self) -> &str {
        &self.mapping.id
    }

    /// The run-time limits of a mapped method.
    pub fn limits(&self, plan: &MethodPlan) -> Arc<Limits> {
        self.limits
            .get(plan.method.name)
            .cloned()
            .unwrap_or_default()
    }
}

/// Where the served set comes from.
#[derive(Debug, Clone)]
pub struct Source {
    pub mappings_dir: PathBuf,
    /// Serve only these hospitals (default: every hospital folder).
    pub only: Option<Vec<String>>,
    /// Where embedded databases live.
    pub data_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{}", join_errors(.0))]
    Mapping(Vec<MappingError>),
    // Not a `source`: the message already carries it, and `{:#}` would
    // print it twice.
    #[error("hospital {hospital}: {error}")]
    Database { hospital: String, error: ExecError },
    #[error("hospital {hospital}: the payment ledger in its database is at version {found}, this gateway needs {needed}: run `hisgw migrate --hospital {hospital}`")]
    Ledger {
        hospital: String,
        found: u32,
        needed: u32,
    },
}

fn join_errors(errors: &[MappingError]) -> String {
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    format!(
        "{} mapping error(s):\n  {}",
        errors.len(),
        lines.join("\n  ")
    )
}

type Set = Arc<HashMap<String, Arc<Hospital>>>;

/// The served set of hospitals.
pub struct Hospitals {
    set: RwLock<Set>,
    source: Source,
}

impl Hospitals {
    /// Loads the mappings and opens every hospital's database.
    pub async fn load(source: Source) -> Result<Hospitals, StartError> {
        let set = load_set(&source, &HashMap::new()).await?;
        Ok(Hospitals {
            set: RwLock::new(Arc::new(set)),
            source,
        })
    }

    fn set(&self) -> Set {
        self.set.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn get(&self, id: &str) -> Option<Arc<Hospital>> {
        self.set().get(id).cloned()
    }

    /// Every hospital, by id.
    pub fn all(&self) -> Vec<Arc<Hospital>> {
        let mut all: Vec<_> = self.set().values().cloned().collect();
        all.sort_by(|a, b| a.mapping.id.cmp(&b.mapping.id));
        all
    }

    /// Loads the mappings again and, if every file is good, serves the new
    /// set; otherwise keeps the working one and returns the errors.
    pub async fn reload(&self) -> Result<usize, StartError> {
        let current = self.set();
        let fresh = load_set(&self.source, &current).await?;
        let n = fresh.len();
        *self.set.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(fresh);
        Ok(n)
    }

    /// Where the set is loaded from (a reload watches these files).
    pub fn source(&self) -> &Source {
        &self.source
    }
}

/// Loads every hospital; reuses the pool of a hospital in `current` whose
/// database settings are the same.
async fn load_set(
    source: &Source,
    current: &HashMap<String, Arc<Hospital>>,
) -> Result<HashMap<String, Arc<Hospital>>, StartError> {
    let (mappings, errors) = mapping::load_all(&source.mappings_dir, source.only.as_deref());
    if !errors.is_empty() {
        return Err(StartError::Mapping(errors));
    }
    let mut hospitals = HashMap::new();
    for mapping in mappings {
        let same = current
            .get(&mapping.id)
            .filter(|old| old.mapping.database == mapping.database);
        let db = match same {
            Some(old) => old.db.clone(),
            None => Arc::new(
                open(&mapping, &source.data_dir, StartScripts::Run)
                    .await
                    .map_err(|error| StartError::Database {
                        hospital: mapping.id.clone(),
                        error,
                    })?,
            ),
        };
        check_ledger(&mapping, &db).await?;
        hospitals.insert(mapping.id.clone(), Arc::new(Hospital::new(mapping, db)));
    }
    Ok(hospitals)
}

/// Opens a hospital's database as its `[database]` says.
pub async fn open(
    mapping: &HospitalMapping,
    data_dir: &Path,
    scripts: StartScripts,
) -> Result<Database, ExecError> {
    execute::open(&mapping.database, data_dir, &mapping.dir, scripts).await
}

/// Brings a hospital's ledger up to date (SQLite: the gateway owns the
/// file) or checks that `hisgw migrate` has (SQL Server: hospital IT
/// decides when the HIS database changes).
async fn check_ledger(mapping: &HospitalMapping, db: &Database) -> Result<(), StartError> {
    if !mapping.keeps_ledger() {
        return Ok(());
    }
    let db_error = |error| StartError::Database {
        hospital: mapping.id.clone(),
        error,
    };
    let dialect = mapping.dialect();
    if dialect == Dialect::Sqlite {
        ledger::migrate(db, dialect).await.map_err(db_error)?;
    }
    let found = ledger::version(db, dialect).await.map_err(db_error)?;
    if found < ledger::LATEST {
        return Err(StartError::Ledger {
            hospital: mapping.id.clone(),
            found,
            needed: ledger::LATEST,
        });
    }
    Ok(())
}
