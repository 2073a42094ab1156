//! The path of one call, from a decoded request to a reply: route it to
//! its hospital and catalogue method, validate it, run it within the
//! method's limits (reads through its cache), as a read, a write or a
//! payment — and turn whatever went wrong into the reply the platform sees
//! (`CallError::to_reply`, the one place errors become replies).
//!
//! Transports (`http`, the `call` command) hand it a decoded request and
//! encode what it returns. It must never parse transports, write wire
//! formats, or open databases itself.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use crate::audit::{Audit, Record};
use crate::catalogue::{self, field, Kind, Method};
use crate::decode::{DecodeError, RawRequest};
use crate::execute::rehearsal::{rehearse, Rehearsal, Step, TableChanges};
use crate::execute::ExecError;
use crate::hospitals::{Hospital, Hospitals, Source, StartError};
use crate::limits::Limited;
use crate::mapping::MethodPlan;
use crate::metrics::Metrics;
use crate::payments::{Booking, PaymentError, Payments};
use crate::shape::{Answer, Body, Reply, ShapeError};
use crate::validate::{self, Params, ValidationError};
use crate::writes::{self, WriteError};

/// The gateway: the hospitals it serves, the calls' path through them, and
/// what every call leaves behind (metrics, the audit trail).
pub struct Gateway {
    hospitals: Hospitals,
    payments: Payments,
    metrics: Metrics,
    audit: Option<Arc<Audit>>,
}

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("unknown hospital {0:?}")]
    UnknownHospital(String),
    #[error("unknown method {0:?}: not an inbound method of the Ruibo HIS interface")]
    UnknownMethod(String),
    #[error("hospital {hospital:?} does not provide {method} (no mapping file)")]
    NotMapped {
        hospital: String,
        method: &'static str,
    },
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(transparent)]
    Validate(#[from] ValidationError),
    #[error("{method}: {source}")]
    Execute {
        method: &'static str,
        #[source]
        source: ExecError,
    },
    #[error("{method}: {source}")]
    Shape {
        method: &'static str,
        #[source]
        source: ShapeError,
    },
    /// A payment notification that was not booked (and whose answer must
    /// not ask the platform to refund: nothing about it is final).
    #[error("{method}: {source}")]
    Payment {
        method: &'static str,
        #[source]
        source: PaymentError,
    },
}

impl CallError {
    /// The HTTP status and `<response>` for an error: the one place where
    /// errors become what the platform sees.
    pub fn to_reply(&self) -> (u16, Reply) {
        match self {
            CallError::UnknownHospital(_)
            | CallError::UnknownMethod(_)
            | CallError::NotMapped { .. } => (404, Reply::error(self.to_string())),
            CallError::Decode(e) => (400, Reply::error(e.to_string())),
            CallError::Validate(e) => (200, Reply::error(e.to_string())),
            CallError::Execute { method, source } => {
                (200, Reply::error(database_message(method, source)))
            }
            CallError::Shape { method, source } => {
                (200, Reply::error(shape_message(method, source)))
            }
            CallError::Payment { method, source } => {
                let message = match source {
                    PaymentError::Execute(e) => database_message(method, e),
                    PaymentError::Shape(e) => shape_message(method, e),
                    other => other.to_string(),
                };
                // isRefund=0: the platform keeps the money and retries or asks
                // 15.2; only the hospital's mapping may ask for a refund.
                let mut reply = Reply::error(message);
                reply.body = Some(Body {
                    wrap: None,
                    fields: vec![(field::IS_REFUND, "0".into())],
                    list: None,
                });
                (200, reply)
            }
        }
    }

    fn of_write(method: &'static Method, e: WriteError) -> CallError {
        match e {
            WriteError::Execute(source) => CallError::Execute {
                method: method.name,
                source,
            },
            WriteError::Shape(source) => CallError::Shape {
                method: method.name,
                source,
            },
        }
    }
}

fn database_message(method: &str, source: &ExecError) -> String {
    match source {
        ExecError::Busy(_) => "HIS数据库繁忙，请稍后重试 (HIS database busy)".to_string(),
        ExecError::Timeout(_) => "HIS数据库响应超时 (HIS database timeout)".to_string(),
        ExecError::Unavailable(_) | ExecError::Open { .. } => {
            "HIS数据库无法连接，请稍后重试 (HIS database unavailable)".to_string()
        }
        _ => format!("HIS数据库查询失败 (HIS database error in {method})"),
    }
}

fn shape_message(method: &str, source: &ShapeError) -> String {
    match source {
        ShapeError::Value {
            field, expected, ..
        } => {
            format!("HIS返回数据格式错误 ({method}: field {field} is not {expected})")
        }
        ShapeError::Missing { field } => {
            format!("HIS映射缺少必填字段 ({method}: the mapping returns no column {field})")
        }
    }
}

/// What a rehearsed call answered, and what it did on the database.
#[derive(Debug)]
pub struct Rehearsed {
    pub reply: Reply,
    /// Each statement as it ran, in order.
    pub steps: Vec<Step>,
    /// Per table, the rows inserted, updated and deleted (`None` where the
    /// backend cannot tell: SQL Server).
    pub tables: Option<BTreeMap<String, TableChanges>>,
    /// Whether its transactions committed.
    pub committed: bool,
}

/// How long a call waits for its turn under a method's cap on calls at once.
const TURN_WAIT: Duration = Duration::from_secs(5);

impl Gateway {
    /// Loads the hospitals of `source` and opens their databases.
    pub async fn start(source: Source) -> Result<Gateway, StartError> {
        Ok(Gateway {
            hospitals: Hospitals::load(source).await?,
            payments: Payments::default(),
            metrics: Metrics::default(),
            audit: None,
        })
    }

    /// Keeps an audit trail of the calls from now on.
    pub fn with_audit(mut self, audit: Audit) -> Gateway {
        self.audit = Some(Arc::new(audit));
        self
    }

    pub fn hospitals(&self) -> &Hospitals {
        &self.hospitals
    }

    pub fn hospital(&self, id: &str) -> Option<Arc<Hospital>> {
        self.hospitals.get(id)
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    pub fn audit(&self) -> Option<&Arc<Audit>> {
        self.audit.as_ref()
    }

    /// Records a call in the audit trail, if one is kept.
    pub fn audit_record(&self, record: Record) {
        if let Some(a) = &self.audit {
            a.record(record);
        }
    }

    /// Answers one call already decoded.
    pub async fn call(
        &self,
        hospital: &str,
        method: &str,
        request: &RawRequest,
    ) -> Result<Answer, CallError> {
        self.call_using_cache(hospital, method, request, true).await
    }

    /// Answers one call as `call` does, but never from a read cache (a
    /// rehearsal must see what the database says now).
    pub async fn call_fresh(
        &self,
        hospital: &str,
        method: &str,
        request: &RawRequest,
    ) -> Result<Answer, CallError> {
        self.call_using_cache(hospital, method, request, false)
            .await
    }

    async fn call_using_cache(
        &self,
        hospital: &str,
        method: &str,
        request: &RawRequest,
        cached: bool,
    ) -> Result<Answer, CallError> {
        let (hospital, method) = self.route(hospital, method)?;
        let plan = hospital
            .mapping
            .plan(method)
            .ok_or_else(|| CallError::NotMapped {
                hospital: hospital.mapping.id.clone(),
                method: method.name,
            })?;
        self.answer(&hospital, plan, request, crate::clock::today(), cached)
            .await
    }

    /// Answers one call as `call` does — reads, writes, payments through the
    /// ledger, never from a read cache — in one transaction on one
    /// connection that is rolled back unless `commit`; says what each
    /// statement did (`hisgw try`, the admin listener).
    pub async fn rehearse(
        &self,
        hospital: &str,
        method: &str,
        request: &RawRequest,
        commit: bool,
    ) -> Rehearsed {
        let rehearsal = Rehearsal::new(commit);
        let call = self.call_fresh(hospital, method, request);
        // Boxed: a payment's future is large, and a caller may hold this one
        // on a small stack (a test thread).
        let answered = rehearse(rehearsal.clone(), Box::pin(call)).await;
        let ended = rehearsal.finish().await;
        let reply = match (answered, ended) {
            (_, Err(e)) => Reply::error(format!(
                "the rehearsal's transaction could not be ended ({e}); nothing was kept"
            )),
            (Ok(answer), Ok(())) => answer.reply().clone(),
            (Err(e), Ok(())) => e.to_reply().1,
        };
        Rehearsed {
            reply,
            steps: rehearsal.steps(),
            tables: rehearsal.tables(),
            committed: commit,
        }
    }

    fn route(
        &self,
        hospital: &str,
        method: &str,
    ) -> Result<(Arc<Hospital>, &'static Method), CallError> {
        let h = self
            .hospital(hospital)
            .ok_or_else(|| CallError::UnknownHospital(hospital.chars().take(64).collect()))?;
        let m = catalogue::find_inbound(method)
            .ok_or_else(|| CallError::UnknownMethod(method.chars().take(64).collect()))?;
        Ok((h, m))
    }

    async fn answer(
        &self,
        hospital: &Hospital,
        plan: &MethodPlan,
        request: &RawRequest,
        today: NaiveDate,
        cached: bool,
    ) -> Result<Answer, CallError> {
        let method = plan.method;
        if !hospital.started() {
            return Err(CallError::Execute {
                method: method.name,
                source: ExecError::Unavailable(
                    "the hospital's start scripts have not run yet: its database did not answer at start".into(),
                ),
            });
        }
        if let Some(maximum) = plan.max_amount {
            validate::check_maximum(method, request, maximum)?;
        }
        let limits = hospital.limits(plan);
        match method.kind {
            Kind::Payment => limits
                .run(false, TURN_WAIT, self.pay(hospital, plan, request, today))
                .await
                .map_err(|l| limited(method, l))?
                .map(Answer::new),
            Kind::Write => {
                let params = validate::validate(method, request, today)?;
                limits
                    .run(false, TURN_WAIT, self.write(hospital, plan, &params))
                    .await
                    .map_err(|l| limited(method, l))?
                    .map(Answer::new)
            }
            Kind::Read | Kind::Reconciliation | Kind::Outbound => {
                let params = validate::validate(method, request, today)?;
                let read = async {
                    limits
                        .run(true, TURN_WAIT, self.read(hospital, plan, &params))
                        .await
                        .map_err(|l| limited(method, l))?
                        .map(Answer::new)
                };
                if cached {
                    limits.cached(|| cache_key(method, &params), read).await
                } else {
                    read.await
                }
            }
        }
    }

    /// A read mapping: its statements in one read, shaped.
    async fn read(
        &self,
        hospital: &Hospital,
        plan: &MethodPlan,
        params: &Params,
    ) -> Result<Reply, CallError> {
        self.metrics
            .his_call(&hospital.mapping.id, plan.method.name);
        let sets = hospital
            .db
            .query(plan.statements(params))
            .await
            .map_err(|e| failed(hospital, plan, WriteError::Execute(e)))?;
        let rows = crate::shape::assemble(&plan.parts, sets);
        writes::Shaper::of(plan)
            .shape(rows)
            .map_err(|e| failed(hospital, plan, WriteError::Shape(e)))
    }

    /// A write mapping, committed only on success (see `writes`).
    async fn write(
        &self,
        hospital: &Hospital,
        plan: &MethodPlan,
        params: &Params,
    ) -> Result<Reply, CallError> {
        let ledger = hospital
            .mapping
            .keeps_ledger()
            .then(|| hospital.mapping.dialect());
        self.metrics
            .his_call(&hospital.mapping.id, plan.method.name);
        writes::plain(&hospital.db, plan, params, ledger)
            .await
            .map_err(|e| failed(hospital, plan, e))
    }

    /// A payment notification: booked exactly once (see `payments`).
    async fn pay(
        &self,
        hospital: &Hospital,
        plan: &MethodPlan,
        request: &RawRequest,
        today: NaiveDate,
    ) -> Result<Reply, CallError> {
        let method = plan.method;
        let not_booked = |source: PaymentError| {
            tracing::error!(hospital = %hospital.mapping.id, method = method.name, file = %plan.file.display(), error = %source, "payment not booked");
            CallError::Payment {
                method: method.name,
                source,
            }
        };
        let params = validate::validate(method, request, today)
            .map_err(|e| not_booked(PaymentError::Invalid(e)))?;
        self.metrics.his_call(&hospital.mapping.id, method.name);
        let booking = Booking {
            hospital: &hospital.mapping.id,
            db: &hospital.db,
            dialect: hospital.mapping.dialect(),
            sign_key: hospital.mapping.sign_key.as_deref(),
            plan,
        };
        self.payments
            .book(&booking, request, &params)
            .await
            .map_err(not_booked)
    }
}

/// A mapping that failed (in the database, or with a value its response
/// cannot carry), logged with its file, as the error it answers.
fn failed(hospital: &Hospital, plan: &MethodPlan, e: WriteError) -> CallError {
    match &e {
        WriteError::Execute(source) => {
            tracing::error!(hospital = %hospital.mapping.id, file = %plan.file.display(), error = %source, "mapping failed")
        }
        WriteError::Shape(source) => {
            tracing::error!(hospital = %hospital.mapping.id, file = %plan.file.display(), error = %source, "mapping returned a bad value")
        }
    }
    CallError::of_write(plan.method, e)
}

/// A call the method's limits turned away, as the database error it stands for.
fn limited(method: &'static Method, l: Limited) -> CallError {
    let source = match l {
        Limited::Busy(d) => ExecError::Busy(d),
        Limited::Timeout(d) => ExecError::Timeout(d),
    };
    CallError::Execute {
        method: method.name,
        source,
    }
}

/// The cache key of a read: the method and its normalised parameters.
fn cache_key(method: &Method, params: &Params) -> String {
    let mut key = String::from(method.name);
    for i in 0..method.request.fields.len() {
        key.push('\u{1f}');
        key.push_str(params.value(i).unwrap_or("\u{0}"));
    }
    key
}
