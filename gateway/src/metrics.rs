//! Call metrics for `/metrics` (Prometheus text format): calls by hospital,
//! method, transport and result, and their latency as a histogram. Database
//! pools, the outbox and the payment ledger are read when scraped.
//!
//! This module owns the counters and their text. It must never hold a
//! patient's data: labels are hospital ids, method names and outcomes only.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Latency bucket bounds, seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Latency {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// One hospital's method: its calls by transport and result, their
/// latency, and how many of them ran on the HIS database.
#[derive(Debug, Default)]
struct Series {
    /// (transport, result, count): a handful per method.
    calls: Vec<(&'static str, String, u64)>,
    latency: Latency,
    his: u64,
}

/// Looked up by borrowed names: a call allocates nothing once its series
/// exists (a call's accounting is on every call's path).
#[derive(Debug, Default)]
struct Inner {
    hospitals: HashMap<String, HashMap<&'static str, Series>>,
}

impl Inner {
    fn series(&mut self, hospital: &str, method: &'static str) -> &mut Series {
        let hospital = cut(hospital, 40);
        if !self.hospitals.contains_key(hospital) {
            self.hospitals.insert(hospital.to_string(), HashMap::new());
        }
        self.hospitals
            .get_mut(hospital)
            .expect("inserted above")
            .entry(method)
            .or_default()
    }

    /// Every series, hospitals and methods in order (stable output).
    fn sorted(&self) -> Vec<(&str, &'static str, &Series)> {
        let mut all: Vec<_> = self
            .hospitals
            .iter()
            .flat_map(|(h, methods)| methods.iter().map(move |(m, s)| (h.as_str(), *m, s)))
            .collect();
        all.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        all
    }
}

/// At most `chars` characters of `text` (a label from the outside is bounded).
fn cut(text: &str, chars: usize) -> &str {
    text.char_indices()
        .nth(chars)
        .map_or(text, |(at, _)| &text[..at])
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
        let result = cut(result, 20);
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let series = inner.series(hospital, method);
        match series
            .calls
            .iter_mut()
            .find(|(t, r, _)| *t == transport && r == result)
        {
            Some((_, _, n)) => *n += 1,
            None => series.calls.push((transport, result.to_string(), 1)),
        }
        let seconds = took.as_secs_f64();
        let latency = &mut series.latency;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                latency.buckets[i] += 1;
            }
        }
        latency.count += 1;
        latency.sum += seconds;
    }

    /// Counts one call sent to the hospital's HIS database (a read
    /// answered from the cache, or shared with an identical call at once,
    /// is not one).
    pub fn his_call(&self, hospital: &str, method: &'static str) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.series(hospital, method).his += 1;
    }

    /// The counters and histograms as Prometheus text.
    pub fn render(&self, out: &mut String) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let all = inner.sorted();
        out.push_str(
            "# HELP hisgw_calls_total Calls answered, by hospital, method, transport and result.\n",
        );
        out.push_str("# TYPE hisgw_calls_total counter\n");
        for (hospital, method, series) in &all {
            let mut calls: Vec<_> = series.calls.iter().collect();
            calls.sort();
            for (transport, result, n) in calls {
                let _ = writeln!(
                    out,
                    "hisgw_calls_total{{hospital=\"{}\",method=\"{}\",transport=\"{transport}\",result=\"{}\"}} {n}",
                    label(hospital),
                    label(method),
                    label(result)
                );
            }
        }
        out.push_str("# HELP hisgw_his_calls_total Calls sent to the HIS database; answers from a read cache, or shared with an identical call at once, are not counted.\n");
        out.push_str("# TYPE hisgw_his_calls_total counter\n");
        for (hospital, method, series) in all.iter().filter(|(_, _, s)| s.his > 0) {
            let _ = writeln!(
                out,
                "hisgw_his_calls_total{{hospital=\"{}\",method=\"{}\"}} {}",
                label(hospital),
                label(method),
                series.his
            );
        }
        out.push_str("# HELP hisgw_call_duration_seconds Time from request to answer.\n");
        out.push_str("# TYPE hisgw_call_duration_seconds histogram\n");
        for (hospital, method, series) in all.iter().filter(|(_, _, s)| s.latency.count > 0) {
            let l = &series.latency;
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
        assert!(
            !text.contains("hisgw_his_calls_total{"),
            "no call ran on the HIS yet: {text}"
        );
        m.his_call("demo", "queryPatientInfo");
        m.his_call("demo", "queryPatientInfo");
        let mut text = String::new();
        m.render(&mut text);
        assert!(
            text.contains("hisgw_his_calls_total{hospital=\"demo\",method=\"queryPatientInfo\"} 2"),
            "{text}"
        );
        assert!(text.contains("hisgw_calls_total{hospital=\"demo\",method=\"queryPatientInfo\",transport=\"rest\",result=\"success\"} 1"), "{text}");
    }
}
