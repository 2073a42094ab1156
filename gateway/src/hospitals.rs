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
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, RwLock};

use crate::execute::{self, Database, Dialect, ExecError, StartScripts};
use crate::ledger;
use crate::limits::Limits;
use crate::mapping::{self, HospitalMapping, MappingError, MethodPlan};
use crate::proof;

/// One hospital as served: its mapping, its pool, its run-time state.
pub struct Hospital {
    pub mapping: HospitalMapping,
    pub db: Arc<Database>,
    /// Each mapped method's limits and cache, by the catalogue's name.
    limits: HashMap<&'static str, Arc<Limits>>,
    /// How far its start got. A hospital first loaded while its database
    /// did not answer (or answered only now and then) is served anyway —
    /// its calls answer "unavailable" meanwhile — and finishes its start
    /// (start scripts, proof, ledger check) once the database answers.
    stage: AtomicU8,
}

/// How far a hospital's start against its database got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Stage {
    /// Started, proved, ledger checked.
    Ready = 0,
    /// Start scripts run; proof or ledger check still to do.
    Unproven = 1,
    /// Start scripts not run yet: calls are refused as unavailable.
    NotStarted = 2,
}

impl Stage {
    fn of(n: u8) -> Stage {
        match n {
            0 => Stage::Ready,
            1 => Stage::Unproven,
            _ => Stage::NotStarted,
        }
    }
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
            stage: AtomicU8::new(Stage::Ready as u8),
        }
    }

    fn stage(&self) -> Stage {
        Stage::of(self.stage.load(Ordering::Relaxed))
    }

    fn set_stage(&self, stage: Stage) {
        self.stage.store(stage as u8, Ordering::Relaxed);
    }

    /// Whether its mapping has been proved on its database.
    pub fn proven(&self) -> bool {
        self.stage() == Stage::Ready
    }

    /// Whether its start scripts have run: until then its calls are
    /// answered "unavailable", never run on a database not yet prepared.
    pub fn started(&self) -> bool {
        self.stage() != Stage::NotStarted
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

/// Why one hospital is not served (at start) or keeps its working set (on
/// a reload).
#[derive(Debug, thiserror::Error)]
pub enum HospitalError {
    #[error("{}", join_errors(.0))]
    Mapping(Vec<MappingError>),
    // Not a `source`: the message already carries it, and `{:#}` would
    // print it twice.
    #[error("{0}")]
    Database(ExecError),
    #[error("the payment ledger in its database is at version {found}, this gateway needs {needed}: run `hisgw migrate --hospital {hospital}`")]
    Ledger {
        hospital: String,
        found: u32,
        needed: u32,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The mappings folder itself cannot be read or holds no hospital.
    #[error("{}", join_errors(.0))]
    Mappings(Vec<MappingError>),
    #[error("no hospital can be served:\n{}", join_refused(.0))]
    NoneServed(Vec<(String, HospitalError)>),
}

fn join_errors(errors: &[MappingError]) -> String {
    let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    format!(
        "{} mapping error(s):\n  {}",
        errors.len(),
        lines.join("\n  ")
    )
}

fn join_refused(refused: &[(String, HospitalError)]) -> String {
    let lines: Vec<String> = refused
        .iter()
        .map(|(id, e)| format!("hospital {id}: {e}"))
        .collect();
    lines.join("\n")
}

type Set = Arc<HashMap<String, Arc<Hospital>>>;

/// The hospitals whose last load failed, and why.
pub type Refused = Vec<(String, Arc<HospitalError>)>;

/// What a reload did.
#[derive(Debug)]
pub struct Reloaded {
    /// Hospitals served now.
    pub served: usize,
    /// Hospitals whose new mapping was refused: each keeps its working set
    /// (or stays unserved).
    pub refused: Refused,
}

/// When the served set was last loaded (at start or by a reload), and
/// whether the whole load failed (the mappings folder could not be read):
/// what each hospital's load refused is in `Hospitals::refused`.
#[derive(Debug, Clone)]
pub struct LastLoad {
    pub at: chrono::NaiveDateTime,
    pub reload: bool,
    /// Why the whole load failed (the working set kept serving); `None`
    /// when it ran.
    pub failed: Option<String>,
}

/// The served set of hospitals.
pub struct Hospitals {
    set: RwLock<Set>,
    refused: RwLock<Arc<Refused>>,
    last_load: RwLock<LastLoad>,
    source: Source,
}

impl Hospitals {
    /// Loads the mappings, opens every hospital's database and proves each
    /// mapping on it. A hospital with any fault is not served (every fault
    /// is logged); the others are. Fails when none can be served.
    pub async fn load(source: Source) -> Result<Hospitals, StartError> {
        let (set, refused) = load_set(&source, &HashMap::new()).await?;
        if set.is_empty() {
            let refused = refused
                .into_iter()
                .map(|(id, e)| {
                    (
                        id,
                        Arc::try_unwrap(e).unwrap_or_else(|e| {
                            HospitalError::Database(ExecError::Unavailable(e.to_string()))
                        }),
                    )
                })
                .collect();
            return Err(StartError::NoneServed(refused));
        }
        for (id, error) in &refused {
            tracing::error!(hospital = %id, error = %error, "hospital NOT served: fix its mapping (a reload retries it)");
        }
        Ok(Hospitals {
            set: RwLock::new(Arc::new(set)),
            refused: RwLock::new(Arc::new(refused)),
            last_load: RwLock::new(LastLoad {
                at: crate::clock::now(),
                reload: false,
                failed: None,
            }),
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

    /// The hospitals whose last load was refused, and why.
    pub fn refused(&self) -> Arc<Refused> {
        self.refused
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// When the set was last loaded, and whether that load failed whole.
    pub fn last_load(&self) -> LastLoad {
        self.last_load
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Loads the mappings again. A hospital whose new mapping loads and
    /// proves replaces its working set; one with any fault keeps it (or,
    /// never loaded, stays unserved). A hospital whose folder is gone is
    /// no longer served.
    pub async fn reload(&self) -> Result<Reloaded, StartError> {
        let current = self.set();
        let loaded = load_set(&self.source, &current).await;
        *self.last_load.write().unwrap_or_else(|e| e.into_inner()) = LastLoad {
            at: crate::clock::now(),
            reload: true,
            failed: loaded.as_ref().err().map(|e| e.to_string()),
        };
        let (mut fresh, refused) = loaded?;
        for (id, _) in &refused {
            if let Some(working) = current.get(id) {
                fresh.insert(id.clone(), working.clone());
            }
        }
        let served = fresh.len();
        *self.set.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(fresh);
        *self.refused.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(refused.clone());
        Ok(Reloaded { served, refused })
    }

    /// Finishes the start of the hospitals served before their database
    /// answered: start scripts, proof, ledger check, each once the database
    /// answers. One whose mapping, scripts or ledger turn out wrong is no
    /// longer served (logged, and kept among the refused). Returns whether
    /// any is still waiting for its database.
    pub async fn prove_pending(&self) -> bool {
        let mut pending = false;
        for hospital in self.all().into_iter().filter(|h| !h.proven()) {
            match finish_start(&hospital).await {
                Ok(()) => {
                    hospital.set_stage(Stage::Ready);
                    tracing::info!(hospital = %hospital.id(), "database answers: start finished, mapping proved");
                }
                Err(Pending::Waiting) => pending = true,
                Err(Pending::Refused(error)) => {
                    tracing::error!(hospital = %hospital.id(), error = %error, "hospital NOT served any more");
                    self.refuse(hospital.id(), error);
                }
            }
        }
        pending
    }

    /// Stops serving `id` and lists it among the refused with `error`.
    fn refuse(&self, id: &str, error: HospitalError) {
        let mut set = (*self.set()).clone();
        set.remove(id);
        *self.set.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(set);
        let mut refused = (*self.refused()).clone();
        refused.push((id.to_string(), Arc::new(error)));
        *self.refused.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(refused);
    }

    /// Where the set is loaded from (a reload watches these files).
    pub fn source(&self) -> &Source {
        &self.source
    }
}

/// Loads every hospital on its own; reuses the pool of a hospital in
/// `current` whose database settings are the same. Returns the hospitals
/// that loaded and proved, and why each other one did not.
async fn load_set(
    source: &Source,
    current: &HashMap<String, Arc<Hospital>>,
) -> Result<(HashMap<String, Arc<Hospital>>, Refused), StartError> {
    let (loaded, errors) = mapping::load_each(&source.mappings_dir, source.only.as_deref());
    if !errors.is_empty() {
        return Err(StartError::Mappings(errors));
    }
    let mut hospitals = HashMap::new();
    let mut refused = Vec::new();
    for loaded in loaded {
        let id = loaded.id;
        let outcome = match loaded.mapping {
            Some(mapping) => load_one(mapping, loaded.errors, source, current.get(&id)).await,
            None => Err(HospitalError::Mapping(loaded.errors)),
        };
        match outcome {
            Ok(hospital) => {
                hospitals.insert(id, Arc::new(hospital));
            }
            Err(e) => refused.push((id, Arc::new(e))),
        }
    }
    Ok((hospitals, refused))
}

/// Opens (or keeps) one hospital's database, proves its mapping there and
/// checks its ledger. A mapping that loaded with `errors` is still proved,
/// so that every fault is reported at once, and then refused.
async fn load_one(
    mapping: HospitalMapping,
    mut errors: Vec<MappingError>,
    source: &Source,
    working: Option<&Arc<Hospital>>,
) -> Result<Hospital, HospitalError> {
    let same = working.filter(|old| old.mapping.database == mapping.database);
    // Only a hospital never served before waits for its database; a
    // reload keeps the working set until the new one proves.
    let may_wait = working.is_none() && errors.is_empty();
    let wait = |what: &str, e: &ExecError| {
        tracing::warn!(hospital = %mapping.id, error = %e, "database not reached ({what}): the hospital is served, its calls answer \"unavailable\" until its start finishes once the database answers");
    };
    let mut stage = Stage::Ready;
    let db = match same {
        Some(old) => old.db.clone(),
        None => {
            // Server start scripts are run apart from opening, so a server
            // that does not answer yet delays the hospital instead of
            // refusing it.
            // (SQLite runs its own while opening: the file is local.)
            let scripts = match mapping.dialect() {
                Dialect::Sqlite => StartScripts::Run,
                _ => StartScripts::Skip,
            };
            let db = Arc::new(
                open(&mapping, &source.data_dir, scripts)
                    .await
                    .map_err(HospitalError::Database)?,
            );
            match execute::run_start_scripts(&mapping.database, &db, &mapping.dir).await {
                Ok(()) => {}
                Err(e) if may_wait && e.is_transient() => {
                    wait("start scripts", &e);
                    stage = Stage::NotStarted;
                }
                Err(e) => return Err(HospitalError::Database(e)),
            }
            db
        }
    };
    if stage == Stage::Ready {
        match proof::prove(&mapping, &db).await {
            Ok(proof) => {
                log_unproven(&mapping.id, &proof);
                errors.extend(proof.errors);
            }
            Err(e) if may_wait && e.is_transient() => {
                wait("proof", &e);
                stage = Stage::Unproven;
            }
            Err(e) => return Err(HospitalError::Database(e)),
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        return Err(HospitalError::Mapping(errors));
    }
    if stage == Stage::Ready {
        match check_ledger(&mapping, &db).await {
            Ok(()) => {}
            Err(HospitalError::Database(e)) if may_wait && e.is_transient() => {
                wait("ledger check", &e);
                stage = Stage::Unproven;
            }
            Err(e) => return Err(e),
        }
    }
    let hospital = Hospital::new(mapping, db);
    hospital.set_stage(stage);
    Ok(hospital)
}

/// Why a hospital's start did not finish yet.
enum Pending {
    /// Its database still does not answer.
    Waiting,
    /// It answers, and the start failed for good.
    Refused(HospitalError),
}

/// The rest of a start that waited for the database: start scripts (if
/// not run yet), proof, ledger check.
async fn finish_start(hospital: &Hospital) -> Result<(), Pending> {
    let mapping = &hospital.mapping;
    let db = &hospital.db;
    let failed = |e: ExecError| {
        if e.is_transient() {
            Pending::Waiting
        } else {
            Pending::Refused(HospitalError::Database(e))
        }
    };
    if hospital.stage() == Stage::NotStarted {
        execute::run_start_scripts(&mapping.database, db, &mapping.dir)
            .await
            .map_err(failed)?;
        hospital.set_stage(Stage::Unproven);
        tracing::info!(hospital = %hospital.id(), "database answers: start scripts run");
    }
    let proof = proof::prove(mapping, db).await.map_err(failed)?;
    log_unproven(hospital.id(), &proof);
    if !proof.errors.is_empty() {
        return Err(Pending::Refused(HospitalError::Mapping(proof.errors)));
    }
    match check_ledger(mapping, db).await {
        Ok(()) => Ok(()),
        Err(HospitalError::Database(e)) => Err(failed(e)),
        Err(e) => Err(Pending::Refused(e)),
    }
}

fn log_unproven(id: &str, proof: &proof::Proof) {
    for unproven in &proof.unproven {
        tracing::warn!(hospital = %id, "not compiled: {unproven}");
    }
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
async fn check_ledger(mapping: &HospitalMapping, db: &Database) -> Result<(), HospitalError> {
    if !mapping.keeps_ledger() {
        return Ok(());
    }
    let db_error = HospitalError::Database;
    let dialect = mapping.dialect();
    if dialect == Dialect::Sqlite {
        ledger::migrate(db, dialect).await.map_err(db_error)?;
    }
    let found = ledger::version(db, dialect).await.map_err(db_error)?;
    if found < ledger::LATEST {
        return Err(HospitalError::Ledger {
            hospital: mapping.id.clone(),
            found,
            needed: ledger::LATEST,
        });
    }
    Ok(())
}
