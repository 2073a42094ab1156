//! The hospital.toml sections about talking back to the platform:
//! `[platform]` (where its service is), `[push]` (which HIS events go to it
//! and how failed deliveries are retried) and `[reconcile]` (the daily
//! run), read strictly and checked together.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use serde::Deserialize;

use crate::wsdl::default_soap_param;

/// The platform's web service (Ruibo's endpoints are Apache CXF services:
/// one operation per method, one string parameter carrying the XML).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformConfig {
    /// The SOAP endpoint, e.g. `https://…/ehospitalServiceV2`.
    pub address: String,
    #[serde(default = "default_platform_namespace")]
    pub namespace: String,
    /// The string parameter of every operation.
    #[serde(default = "default_soap_param")]
    pub param: String,
    /// The hospital's id at the platform (医院 ID, 由睿博提供).
    pub hospital_id: String,
    /// 院区 ID for the pushes that carry one.
    #[serde(default)]
    pub hospital_area_id: String,
    #[serde(default = "default_platform_timeout_ms")]
    pub timeout_ms: u64,
    /// Operation names that differ from the method names, e.g.
    /// `{ pushHisData = "pushHisDataV2" }`.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
}

fn default_platform_namespace() -> String {
    "http://service.ehospital.witon.com/".into()
}

fn default_platform_timeout_ms() -> u64 {
    10_000
}

/// Event pushes: each source is `push/{dataType}.sql` in the hospital's
/// SQL folder, polled every `poll_interval_s`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushConfig {
    /// The dataTypes to push (pushStopSchedule for 16.9).
    pub sources: Vec<String>,
    #[serde(default = "default_poll_interval_s")]
    pub poll_interval_s: u64,
    /// Attempts before an event is dead-lettered.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    #[serde(default = "default_backoff_initial_s")]
    pub backoff_initial_s: u64,
    #[serde(default = "default_backoff_max_s")]
    pub backoff_max_s: u64,
    /// Push the events a source already holds on its first poll; by default
    /// the first poll only marks where pushing starts.
    #[serde(default)]
    pub backfill: bool,
}

fn default_poll_interval_s() -> u64 {
    PushConfig::default().poll_interval_s
}

fn default_max_attempts() -> u32 {
    PushConfig::default().max_attempts
}

fn default_backoff_initial_s() -> u64 {
    PushConfig::default().backoff_initial_s
}

fn default_backoff_max_s() -> u64 {
    PushConfig::default().backoff_max_s
}

/// The defaults of `[push]`, which also govern refunds and deliveries of a
/// hospital that pushes nothing.
impl Default for PushConfig {
    fn default() -> Self {
        PushConfig {
            sources: Vec::new(),
            poll_interval_s: 5,
            max_attempts: 10,
            backoff_initial_s: 5,
            backoff_max_s: 3_600,
            backfill: false,
        }
    }
}

/// `serve` reconciles the previous day at `daily_at` (local time, HH:MM)
/// and keeps the reports in `reports_dir` (under the data directory).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReconcileConfig {
    pub daily_at: Option<String>,
    #[serde(default = "default_reports_dir")]
    pub reports_dir: String,
}

/// Where reports go when `[reconcile]` does not say (under the data directory).
pub const DEFAULT_REPORTS_DIR: &str = "reports";

fn default_reports_dir() -> String {
    DEFAULT_REPORTS_DIR.into()
}

impl ReconcileConfig {
    /// The time of day of the daily run, if one is set (checked at load).
    pub fn daily_time(&self) -> Option<NaiveTime> {
        self.daily_at
            .as_deref()
            .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
    }
}

/// What is wrong with the three sections taken together, each naming its
/// section and key.
pub fn problems(
    platform: Option<&PlatformConfig>,
    push: Option<&PushConfig>,
    reconcile: Option<&ReconcileConfig>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if push.is_some() && platform.is_none() {
        problems.push("[push] needs [platform] (where to push)".to_string());
    }
    if let Some(at) = reconcile.and_then(|r| r.daily_at.as_deref()) {
        if NaiveTime::parse_from_str(at, "%H:%M").is_err() {
            problems.push(format!(
                "[reconcile] daily_at = {at:?} is not a time of day HH:MM"
            ));
        }
    }
    problems
}
