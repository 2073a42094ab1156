//! Outbound: the calls the HIS side makes to the platform (§4.5, §13.3,
//! §14, §15.1, §16), made by the gateway on the HIS's behalf.
//!
//! - `outbox`: the durable queue in the hospital's database. Events from the
//!   hospital's event sources (`push/{dataType}.sql`, polled with a
//!   watermark) and refunds are enqueued once per (dataType, key) and
//!   delivered by whichever gateway process claims them: retries with
//!   exponential backoff, each event on its own, dead-lettered after the
//!   configured attempts; refunds answered UNKNOWN are asked again with the
//!   same request every 5 seconds.
//! - `reconcile`: the platform's ledger for a day (13.3) against the
//!   hospital's (13.2), every difference reported.
//!
//! Each call itself is `platform`'s client. This module must never change
//! the HIS's own tables: it reads them through the hospital's event sources
//! and writes only hisgw's.

pub mod outbox;
pub mod reconcile;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use crate::catalogue::{self, field, Method, QUERY_REFUND_STATUS};
use crate::execute::{ExecError, ResultSet};
use crate::hospitals::Hospital;
use crate::mapping::SourcePlan;
use crate::pipeline::Gateway;
use crate::platform::{client, CallFailed, Outcome, PlatformClient, PushConfig};
use outbox::{later, now, stamp, Attempt, Item, Outbox, RowKind, State};

/// UNKNOWN refunds are asked again every 5 seconds (§14.1), this many times.
pub const REFUND_RETRY_S: i64 = 5;
pub const REFUND_MAX_ATTEMPTS: i64 = 120;
/// Rows a source or a delivery round takes at once.
const BATCH: usize = 20;
const SOURCE_ROWS: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("hospital {0} has no [platform] in its hospital.toml")]
    NoPlatform(String),
    #[error(transparent)]
    Database(#[from] ExecError),
    #[error(transparent)]
    Call(#[from] CallFailed),
    #[error("{0}")]
    Refused(String),
}

/// How failed deliveries are retried.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_attempts: i64,
    pub backoff_initial_s: i64,
    pub backoff_max_s: i64,
}

impl Policy {
    pub fn of(push: Option<&PushConfig>) -> Policy {
        let defaults = PushConfig::default();
        let p = push.unwrap_or(&defaults);
        Policy {
            max_attempts: i64::from(p.max_attempts.max(1)),
            backoff_initial_s: p.backoff_initial_s.max(1) as i64,
            backoff_max_s: p.backoff_max_s.max(1) as i64,
        }
    }

    /// The wait before attempt `attempts + 1` of a push.
    fn backoff(&self, attempts: i64) -> i64 {
        let factor = 1_i64
            .checked_shl(attempts.clamp(0, 30) as u32)
            .unwrap_or(i64::MAX);
        self.backoff_initial_s
            .saturating_mul(factor)
            .min(self.backoff_max_s)
    }
}

/// The platform side of one hospital.
pub struct Platform<'a> {
    pub hospital: &'a Hospital,
    pub client: PlatformClient,
    pub policy: Policy,
    /// Where calls to the platform are recorded, if anywhere.
    pub audit: Option<Arc<crate::audit::Audit>>,
}

impl<'a> Platform<'a> {
    pub fn of(hospital: &'a Hospital) -> Result<Platform<'a>, OutboundError> {
        let config = hospital
            .mapping
            .platform
            .as_ref()
            .ok_or_else(|| OutboundError::NoPlatform(hospital.mapping.id.clone()))?;
        Ok(Platform {
            hospital,
            client: PlatformClient::new(config, hospital.mapping.sign_key.clone()),
            policy: Policy::of(hospital.mapping.push.as_ref()),
            audit: None,
        })
    }

    fn outbox(&self) -> Outbox<'_> {
        Outbox::of(&self.hospital.db)
    }

    /// Claims due rows (or row `only`) and delivers each; returns how many
    /// were attempted.
    pub async fn deliver_due(&self, only: Option<i64>) -> Result<usize, OutboundError> {
        let token = claim_token();
        // The batch is sent at once, so one call's timeout bounds it; a
        // process that dies holding it delays these rows by the lease only.
        let lease = self.client_timeout_s() * 2 + 30;
        let items = self
            .outbox()
            .claim(&token, later(now(), lease), BATCH, only)
            .await?;
        let sent =
            futures_util::future::join_all(items.iter().map(|item| self.deliver(item, &token)))
                .await;
        for result in sent {
            result?;
        }
        Ok(items.len())
    }

    fn client_timeout_s(&self) -> i64 {
        self.hospital
            .mapping
            .platform
            .as_ref()
            .map_or(10, |p| (p.timeout_ms / 1000) as i64 + 1)
    }

    async fn deliver(&self, item: &Item, token: &str) -> Result<(), OutboundError> {
        let attempt = item.attempts + 1;
        let Some(method) = catalogue::find_outbound(&item.data_type) else {
            let at = now();
            let dead = Attempt {
                state: State::Dead,
                next: at,
                result: "ERROR",
                message: "unknown dataType",
                at,
            };
            self.outbox().settle(item.id, token, &dead).await?;
            return Ok(());
        };
        let started = std::time::Instant::now();
        let result = self.client.call(method, &item.payload).await;
        let at = now();
        let refund = item.kind == RowKind::Refund;
        let (state, next, last, message) = match &result {
            Ok(a) if a.outcome == Outcome::Success => {
                (State::Sent, at, "SUCCESS", a.message.clone())
            }
            // A refund refused is a definite answer; asking again changes nothing.
            Ok(a) if refund && a.outcome == Outcome::Error => {
                (State::Failed, at, "ERROR", a.message.clone())
            }
            Ok(a) => {
                let last = if a.outcome == Outcome::Unknown {
                    "UNKNOWN"
                } else {
                    "ERROR"
                };
                self.retry_or_dead(refund, attempt, at, last, a.message.clone())
            }
            Err(e) => self.retry_or_dead(refund, attempt, at, "transport", e.to_string()),
        };
        tracing::info!(hospital = %self.hospital.mapping.id, id = item.id, data_type = %item.data_type, attempt, state = %state, result = last, message = %message, "outbox delivery");
        if let Some(audit) = &self.audit {
            let trade_no = item
                .payload
                .iter()
                .find(|(k, _)| k == field::TRADE_NO || k == field::TRADE_NO_SNAKE)
                .map(|(_, v)| v.clone());
            audit.record(crate::audit::Record {
                request_id: format!("outbox-{}-{attempt}", item.id),
                hospital: self.hospital.mapping.id.clone(),
                direction: "out",
                transport: "soap",
                method: item.data_type.clone(),
                trade_no,
                outcome: last.to_string(),
                status: 0,
                duration_ms: started.elapsed().as_secs_f64() * 1e3,
                request: crate::audit::masked_fields(
                    item.payload.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                ),
                response: message.clone(),
                source: String::new(),
            });
        }
        let attempt = Attempt {
            state,
            next,
            result: last,
            message: &message,
            at,
        };
        let ledger = match (refund, state) {
            (true, State::Sent) => self.confirmed_refund(&item.payload),
            _ => Vec::new(),
        };
        self.outbox()
            .settle_with(item.id, token, &attempt, ledger)
            .await?;
        Ok(())
    }

    /// The ledger record of a refund the platform confirmed: on the day it
    /// succeeded, against its booked payment — a reversal (冲正) is left out
    /// of reconciliation (14.1 is_reverse), so it is not recorded.
    fn confirmed_refund(&self, payload: &[(String, String)]) -> Vec<crate::execute::Statement> {
        let get = |name: &str| {
            payload
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        if get(field::IS_REVERSE) == Some("1") {
            return Vec::new();
        }
        let amount = get(field::REFUND_AMOUNT).and_then(crate::money::parse_decimal);
        match (get(field::HIS_ID), get(field::TRADE_NO), amount) {
            (Some(his_id), Some(trade_no), Some(amount)) => vec![crate::ledger::confirmed_refund(
                self.hospital.db.dialect(),
                his_id,
                trade_no,
                amount,
            )],
            _ => Vec::new(),
        }
    }

    fn retry_or_dead(
        &self,
        refund: bool,
        attempt: i64,
        at: NaiveDateTime,
        last: &'static str,
        message: String,
    ) -> (State, NaiveDateTime, &'static str, String) {
        let (max, wait) = if refund {
            (REFUND_MAX_ATTEMPTS, REFUND_RETRY_S)
        } else {
            (self.policy.max_attempts, self.policy.backoff(attempt - 1))
        };
        if attempt >= max {
            (State::Dead, at, last, message)
        } else {
            (State::Pending, later(at, wait), last, message)
        }
    }

    /// Polls one event source and enqueues what it returns past the
    /// watermark; returns how many events were enqueued.
    pub async fn poll(&self, source: &SourcePlan, backfill: bool) -> Result<usize, OutboundError> {
        let key = source.method.key();
        let stored = self.outbox().watermark(key).await?;
        let mut watermark = stored.clone();
        let mut enqueued = 0;
        loop {
            let sets = self
                .hospital
                .db
                .query(vec![source.statement(watermark.as_deref())])
                .await?;
            let Some(set) = sets.into_iter().flatten().last() else {
                break;
            };
            let (events, last) = self.events(source.method, &set);
            let Some(last) = last else {
                break;
            };
            // The first poll of a source only marks where pushing starts,
            // unless the hospital asks for what the source already holds.
            let events: Vec<(String, String)> = if stored.is_some() || backfill {
                events
                    .iter()
                    .map(|(event_key, fields)| (event_key.clone(), outbox::payload_json(fields)))
                    .collect()
            } else {
                Vec::new()
            };
            enqueued += events.len();
            self.outbox().record_events(key, &events, &last).await?;
            watermark = Some(last);
            if set.rows.len() < SOURCE_ROWS {
                break;
            }
        }
        if stored.is_none() {
            // Even an empty source is marked: its next events are new ones.
            let mark = watermark.unwrap_or_default();
            self.outbox().record_events(key, &[], &mark).await?;
        }
        Ok(enqueued)
    }

    /// A source's rows as (event_key, fields in the spec's order) and the
    /// last watermark.
    fn events(&self, method: &'static Method, set: &ResultSet) -> (Vec<Event>, Option<String>) {
        let key_col = set.column("event_key");
        let mark_col = set.column("watermark");
        let mut events = Vec::new();
        let mut last = None;
        for row in &set.rows {
            let (Some(k), Some(m)) = (key_col, mark_col) else {
                break;
            };
            let event_key = row[k].text();
            last = Some(row[m].text());
            let mut fields = Vec::new();
            for field in method.request.fields {
                let value = match set.column(field.name).and_then(|i| row.get(i)) {
                    Some(v) => crate::shape::format_value(field, v).unwrap_or_else(|_| v.text()),
                    None => match field.name {
                        field::HOSPITAL_ID | field::HOSPITAL_ID_SNAKE => {
                            self.client.hospital_id().to_string()
                        }
                        field::HOSPITAL_AREA_ID => self.client.hospital_area_id().to_string(),
                        _ if field.required => String::new(),
                        _ => continue,
                    },
                };
                fields.push((field.name.to_string(), value));
            }
            events.push((event_key, fields));
        }
        (events, last)
    }

    /// Asks the platform to refund (14.1) once per HIS refund id: the same
    /// request again reports the first one's state; another request under
    /// the same hisId is refused. Waits up to `wait` for a definite answer
    /// (UNKNOWN is asked again every 5 seconds; serve keeps asking after).
    pub async fn refund(
        &self,
        r: &RefundRequest,
        wait: Duration,
    ) -> Result<outbox::Row, OutboundError> {
        let fields = r.fields(self.client.hospital_id());
        let payload = outbox::payload_json(&fields);
        if self.outbox().refund(&r.his_id).await?.is_none() && !r.reverse {
            self.check_refundable(r).await?;
        }
        self.outbox().enqueue_refund(&r.his_id, &payload).await?;
        let row = self.refund_row(&r.his_id).await?;
        if row.payload != payload {
            return Err(OutboundError::Refused(format!(
                "HIS refund id {} was already used for another refund ({}); a refund id names one refund",
                r.his_id,
                describe(&outbox::payload_fields(&row.payload))
            )));
        }
        let deadline = std::time::Instant::now() + wait;
        let mut row = row;
        while row.state == State::Pending && std::time::Instant::now() < deadline {
            if self.deliver_due(Some(row.id)).await? == 0 {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            row = self.refund_row(&r.his_id).await?;
        }
        Ok(row)
    }

    /// A new refund of a payment in the ledger may not exceed what was
    /// booked less what was refunded already. A payment the ledger does
    /// not know (paid before hisgw served it) is the platform's to judge.
    async fn check_refundable(&self, r: &RefundRequest) -> Result<(), OutboundError> {
        let db = &self.hospital.db;
        let sets = db
            .query(vec![crate::ledger::refundable(db.dialect(), &r.trade_no)])
            .await?;
        match crate::ledger::refundable_amounts(&sets) {
            Some((booked, refunded)) if r.amount > booked - refunded => {
                Err(OutboundError::Refused(format!(
                    "refund of {} for tradeNo {} is more than is left to refund: booked {}, refunded {}",
                    crate::money::format_money(r.amount),
                    r.trade_no,
                    crate::money::format_money(booked),
                    crate::money::format_money(refunded),
                )))
            }
            Some(_) => Ok(()),
            None => {
                tracing::warn!(hospital = %self.hospital.mapping.id, trade_no = %crate::mask::text(&r.trade_no), "refund of a payment that is not in hisgw's ledger: the platform judges it, and the ledger's reconciliation will not list it");
                Ok(())
            }
        }
    }

    async fn refund_row(&self, his_id: &str) -> Result<outbox::Row, OutboundError> {
        self.outbox()
            .refund(his_id)
            .await?
            .ok_or_else(|| OutboundError::Refused(format!("refund {his_id} was not recorded")))
    }

    /// 15.1 queryRefundStatus for a HIS refund id.
    pub async fn refund_status(&self, his_id: &str) -> Result<client::Answer, OutboundError> {
        let fields = vec![
            (field::HIS_ID.to_string(), his_id.to_string()),
            (
                field::HOSPITAL_ID.to_string(),
                self.client.hospital_id().to_string(),
            ),
        ];
        Ok(self.client.call(&QUERY_REFUND_STATUS, &fields).await?)
    }
}

/// An event of a source: its key and its fields in the spec's order.
type Event = (String, Vec<(String, String)>);

/// A refund the HIS asks the platform for (14.1 refundApply).
#[derive(Debug, Clone)]
pub struct RefundRequest {
    pub trade_no: String,
    pub amount: Decimal,
    pub his_id: String,
    pub patient_card: String,
    pub real_name: String,
    pub operator: Option<String>,
    /// 冲正 (a reversal, left out of reconciliation) rather than a refund.
    pub reverse: bool,
}

impl RefundRequest {
    /// A refund's amount as written by an operator (`12.50`): an exact
    /// amount above zero, or `None`.
    pub fn amount_of(text: &str) -> Option<Decimal> {
        crate::money::parse_plain(text.trim(), false)
            .filter(|a| a.is_sign_positive() && !a.is_zero())
    }

    /// refundApply's fields in the spec's order (`sign` is added when sent).
    fn fields(&self, hospital_id: &str) -> Vec<(String, String)> {
        let mut f = vec![
            (field::TRADE_NO, self.trade_no.clone()),
            (
                field::REFUND_AMOUNT,
                crate::money::format_money(self.amount),
            ),
            (field::HIS_ID, self.his_id.clone()),
            (field::REAL_NAME, self.real_name.clone()),
            (field::PATIENT_CARD, self.patient_card.clone()),
            (field::HOSPITAL_ID, hospital_id.to_string()),
            (
                field::IS_REVERSE,
                if self.reverse { "1" } else { "0" }.to_string(),
            ),
        ];
        if let Some(op) = &self.operator {
            f.push((field::CASHIER_ID, op.clone()));
        }
        f.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
}

fn describe(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .filter(|(k, _)| {
            [field::TRADE_NO, field::REFUND_AMOUNT, field::PATIENT_CARD].contains(&k.as_str())
        })
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn claim_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}-{}",
        std::process::id(),
        stamp(now()),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// One round of a hospital's outbound work: poll the event sources when
/// their interval has passed, then deliver everything due.
async fn round(platform: &Platform<'_>, id: &str, last_poll: &mut Option<std::time::Instant>) {
    let hospital = platform.hospital;
    if let Some(push) = &hospital.mapping.push {
        let interval = Duration::from_secs(push.poll_interval_s.max(1));
        if last_poll.is_none_or(|t| t.elapsed() >= interval) {
            *last_poll = Some(std::time::Instant::now());
            for source in &hospital.mapping.sources {
                if let Err(e) = platform.poll(source, push.backfill).await {
                    tracing::warn!(hospital = %id, source = source.method.key(), error = %e, "event source failed");
                }
            }
        }
    }
    loop {
        match platform.deliver_due(None).await {
            Ok(n) if n == BATCH => continue,
            Ok(_) => break,
            Err(e) => {
                tracing::warn!(hospital = %id, error = %e, "outbox delivery failed");
                break;
            }
        }
    }
}

/// The background tasks of `serve`; dropping this stops them (the outbox
/// keeps whatever they had not finished: a claim simply expires).
#[derive(Default)]
pub struct Workers(Vec<tokio::task::JoinHandle<()>>);

impl Drop for Workers {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// `serve`'s background work for every hospital with a platform: poll the
/// event sources, deliver what is due, and run the daily reconciliation.
pub fn spawn_workers(gateway: Arc<Gateway>, data_dir: std::path::PathBuf) -> Workers {
    let mut workers = Workers::default();
    let ids: Vec<String> = gateway
        .hospitals()
        .all()
        .into_iter()
        .filter(|h| h.mapping.platform.is_some())
        .map(|h| h.mapping.id.clone())
        .collect();
    for id in ids {
        let gateway = gateway.clone();
        let data_dir = data_dir.clone();
        workers.0.push(tokio::spawn(async move {
            let mut last_poll: Option<std::time::Instant> = None;
            let mut last_reconciled: Option<chrono::NaiveDate> = None;
            let mut client: Option<(Arc<Hospital>, PlatformClient)> = None;
            loop {
                // Each round takes the hospital as served now: a reload's
                // new sources and settings apply from the next round.
                let Some(hospital) = gateway.hospital(&id) else {
                    return;
                };
                // The HTTP client is built once per loaded set, not per round.
                if !client
                    .as_ref()
                    .is_some_and(|(h, _)| Arc::ptr_eq(h, &hospital))
                {
                    let Ok(fresh) = Platform::of(&hospital) else {
                        return;
                    };
                    client = Some((hospital.clone(), fresh.client));
                }
                let Some((_, shared)) = &client else {
                    return;
                };
                let platform = Platform {
                    hospital: &hospital,
                    client: shared.clone(),
                    policy: Policy::of(hospital.mapping.push.as_ref()),
                    audit: gateway.audit().cloned(),
                };
                round(&platform, &id, &mut last_poll).await;
                reconcile::maybe_daily(&gateway, &hospital, &data_dir, &mut last_reconciled).await;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }));
    }
    workers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = Policy {
            max_attempts: 10,
            backoff_initial_s: 5,
            backoff_max_s: 60,
        };
        let waits: Vec<i64> = (0..6).map(|a| p.backoff(a)).collect();
        assert_eq!(waits, [5, 10, 20, 40, 60, 60]);
        assert_eq!(p.backoff(1000), 60);
    }
}
