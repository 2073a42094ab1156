//! The platform as the gateway reaches it: the SOAP client of its service
//! (`client`) and the hospital.toml sections that say where it is, what is
//! pushed to it and when the day is reconciled with it (`config`).
//!
//! This module owns talking to the platform, one call at a time. It must
//! never touch a database: queues, retries and schedules are `outbound`'s.

pub mod client;
pub mod config;

pub use client::{Answer, CallFailed, Outcome, PlatformClient};
pub use config::{PlatformConfig, PushConfig, ReconcileConfig, DEFAULT_REPORTS_DIR};
