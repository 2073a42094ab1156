//! Call metrics for `/metrics` (Prometheus text format): calls by hospital,
//! method, transport and result, and their latency as a histogram. Database
//! pools, the outbox and the payment ledger are read when scraped.
//!
//! This module owns the counters and their text. It must never hold a
//! patient's data: labels are hospital ids, method names and outcomes only.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Latency bucket bounds, seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct CallKey {
    hospital: String,
    method: String,
    transport: &'static str,
    result: String,
}

#[derive(Debug, Default, Clone)]
struct Latency {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Debug, Default)]
struct Inner {
    calls: BTreeMap<CallKey, u64>,
    latency: BTreeMap<(String, String), Latency>,
}

/// The label of every hospital the gateway does not serve and every
/// method the spec does not have.
pub const UNKNOWN: &str = "unknown";

#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    /// Records one answered call. `result` is the reply's result code
    /// (success, error, full, …) or the HTTP refusal.
    pub fn record(
        &self,
        hospital: &str,
        method: &str,
        transport: &'static str,
        result: &str,
        took: Duration,
    ) {
        // Names from the outside are bounded: a method in the catalogue's
        // spelling (any letter case is one series), unknown ones folded.
        let method = crate::catalogue::find_inbound(method).map_or(UNKNOWN, |m| m.name);
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let key = CallKey {
            hospital: hospital.chars().take(40).collect(),
            method: method.to_string(),
            transport,
            result: result.chars().take(20).collect(),
        };
        *inner.calls.entry(key).or_default() += 1;
        let latency = inner
            .latency
            .entry((hospital.chars().take(40).collect(), method.to_string()))
            .or_default();
        let seconds = took.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                latency.buckets[i] += 1;
            }
        }
        latency.count += 1;
        latency.sum += seconds;
    }

    /// The counters and histograms as Prometheus text.
    pub fn render(&self, out: &mut String) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str(
            "# HELP hisgw_calls_total Calls answered, by hospital, method, transport and result.\n",
        );
        out.push_str("# TYPE hisgw_calls_total counter\n");
        for (k, n) in &inner.calls {
            let _ = writeln!(
                out,
                "hisgw_calls_total{{hospital=\"{}\",method=\"{}\",transport=\"{}\",result=\"{}\"}} {n}",
                label(&k.hospital),
                label(&k.method),
                k.transport,
                label(&k.result)
            );
        }
        out.push_str("# HELP hisgw_call_duration_seconds Time from request to answer.\n");
        out.push_str("# TYPE hisgw_call_duration_seconds histogram\n");
        for ((hospital, method), l) in &inner.latency {
            let labels = format!(
                "hospital=\"{}\",method=\"{}\"",
                label(hospital),
                label(method)
            );
            for (bound, n) in BUCKETS.iter().zip(l.buckets) {
                let _ = writeln!(
                    out,
                    "hisgw_call_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "hisgw_call_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                l.count
            );
            let _ = writeln!(out, "hisgw_call_duration_seconds_sum{{{labels}}} {}", l.sum);
            let _ = writeln!(
                out,
                "hisgw_call_duration_seconds_count{{{labels}}} {}",
                l.count
            );
        }
    }
}

/// A label value with `\`, `"` and newlines escaped.
pub fn label(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_buckets() {
        let m = Metrics::default();
        m.record(
            "demo",
            "queryPatientInfo",
            "rest",
            "success",
            Duration::from_millis(3),
        );
        m.record(
            "demo",
            "queryPatientInfo",
            "soap",
            "success",
            Duration::from_millis(300),
        );
        m.record(
            "demo",
            "<script>",
            "rest",
            "error",
            Duration::from_millis(1),
        );
        let mut text = String::new();
        m.render(&mut text);
        assert!(text.contains("hisgw_calls_total{hospital=\"demo\",method=\"queryPatientInfo\",transport=\"rest\",result=\"success\"} 1"), "{text}");
        assert!(
            text.contains("method=\"unknown\""),
            "unknown names are folded: {text}"
        );
        assert!(text.contains("hisgw_call_duration_seconds_bucket{hospital=\"demo\",method=\"queryPatientInfo\",le=\"0.005\"} 1"), "{text}");
        assert!(text.contains("hisgw_call_duration_seconds_count{hospital=\"demo\",method=\"queryPatientInfo\"} 2"), "{text}");
    }
}
