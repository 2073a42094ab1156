//! Mapping tests: `tests/*.toml` of a hospital — requests (or a sequence of
//! them, a later one using what an earlier one answered) with the result
//! and field values expected — run against the hospital's own database in
//! one rolled-back transaction per file (`hisgw test`; `cargo test` runs
//! the demo's). This is how a hospital proves its mapping again after a HIS
//! upgrade.
//!
//! This module owns the test-file format and the runner. It must never keep
//! a change: every file runs inside one rehearsal that is rolled back.
//!
//! ```toml
//! description = "a registration, then its payment"
//!
//! [[step]]
//! method = "insertRegister"
//! request = { scheduleId = "r001", clinicDate = "{today}", … }
//! expect = { result = "success", fields = { amount = "18.00", registerId = "*" } }
//! save = { reg = "registerId" }     # later steps write {reg}
//!
//! [[step]]
//! method = "payRegister"
//! request = { registerId = "{reg}", payedTime = "{now}", … }
//! ```
//!
//! Values are text. `{today}`, `{today+N}`, `{today-N}` (yyyy-MM-dd), `{now}`
//! (yyyy-MM-dd HH:mm:ss) and saved names are filled in. `expect.result`
//! defaults to `success`; `message` must be contained in the answer's;
//! a field's expected value `*` means any non-empty value; `rows` /
//! `min_rows` count the list's rows; fields are looked for at the top of
//! the response, then in the list's first row. A request to a signed method
//! (§17) without `sign` is signed with the hospital's key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::Duration;
use serde::Deserialize;

use crate::catalogue::{self, SignRule};
use crate::decode::RawRequest;
use crate::execute::rehearsal::{rehearse, Rehearsal};
use crate::mapping::{HospitalMapping, MappingError};
use crate::pipeline::Gateway;
use crate::shape::Reply;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "step")]
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub method: String,
    #[serde(default)]
    pub request: BTreeMap<String, String>,
    #[serde(default)]
    pub expect: Expect,
    /// Names to remember from the answer: name = field.
    #[serde(default)]
    pub save: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub result: Option<String>,
    pub message: Option<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    pub rows: Option<usize>,
    pub min_rows: Option<usize>,
}

/// One test file, loaded.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub file: PathBuf,
    pub test: TestFile,
}

/// How one test file went.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub file: PathBuf,
    pub description: Option<String>,
    pub steps: usize,
    /// Each failed expectation, `step N method: what`.
    pub failures: Vec<String>,
    pub millis: u128,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The test files of a hospital (`tests/*.toml`), in name order, and every
/// problem reading them.
pub fn load(mapping: &HospitalMapping) -> (Vec<TestCase>, Vec<MappingError>) {
    let dir = mapping.tests_dir();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect(),
        Err(_) => return (Vec::new(), Vec::new()),
    };
    files.sort();
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match read(&file) {
            Ok(test) => {
                errors.extend(problems(&file, &test));
                cases.push(TestCase { file, test });
            }
            Err(e) => errors.push(e),
        }
    }
    (cases, errors)
}

fn read(file: &Path) -> Result<TestFile, MappingError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| MappingError::new(file, None, format!("cannot read: {e}")))?;
    toml::from_str::<TestFile>(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        MappingError::new(file, line, e.message().to_string())
    })
}

/// Steps that name no method of the spec, or fields it does not have.
fn problems(file: &Path, test: &TestFile) -> Vec<MappingError> {
    let mut errors = Vec::new();
    for (i, step) in test.steps.iter().enumerate() {
        let at =
            |message: String| MappingError::new(file, None, format!("step {}: {message}", i + 1));
        let Some(method) = catalogue::find_inbound(&step.method) else {
            errors.push(at(format!("{} is no method of the spec", step.method)));
            continue;
        };
        for name in step.request.keys() {
            if method.request_field(name).is_none() && name != "sign" {
                errors.push(at(format!("{name} is no request field of {}", method.name)));
            }
        }
        for name in step.expect.fields.keys().chain(step.save.values()) {
            if !method.response.all_fields().any(|f| f.name == name) {
                errors.push(at(format!(
                    "{name} is no response field of {}",
                    method.name
                )));
            }
        }
    }
    errors
}

/// Runs every test file of `hospital`, each in its own rolled-back
/// rehearsal; the second list holds files that could not be read.
pub async fn run(gateway: &Gateway, hospital: &str) -> (Vec<Outcome>, Vec<MappingError>) {
    let Some(h) = gateway.hospital(hospital) else {
        let error = MappingError::new(Path::new(hospital), None, "hospital not served");
        return (Vec::new(), vec![error]);
    };
    let (cases, errors) = load(&h.mapping);
    let mut outcomes = Vec::with_capacity(cases.len());
    for case in cases {
        outcomes.push(run_case(gateway, &h.mapping, &case).await);
    }
    (outcomes, errors)
}

async fn run_case(gateway: &Gateway, mapping: &HospitalMapping, case: &TestCase) -> Outcome {
    let started = Instant::now();
    let rehearsal = Rehearsal::new(false);
    let steps = Box::pin(run_steps(gateway, mapping, &case.test));
    let mut failures = rehearse(rehearsal.clone(), steps).await;
    if let Err(e) = rehearsal.finish().await {
        failures.push(format!(
            "the test's transaction could not be rolled back: {e}"
        ));
    }
    Outcome {
        file: case.file.clone(),
        description: case.test.description.clone(),
        steps: case.test.steps.len(),
        failures,
        millis: started.elapsed().as_millis(),
    }
}

/// The steps in order; a failed step ends the file (later steps depend on it).
async fn run_steps(gateway: &Gateway, mapping: &HospitalMapping, test: &TestFile) -> Vec<String> {
    let mut saved: BTreeMap<String, String> = BTreeMap::new();
    for (i, step) in test.steps.iter().enumerate() {
        let fail = |what: String| vec![format!("step {} {}: {what}", i + 1, step.method)];
        let request = match fill(&step.request, &saved) {
            Ok(fields) => signed(mapping, &step.method, fields),
            Err(e) => return fail(e),
        };
        let reply = match gateway
            .call_fresh(&mapping.id, &step.method, &RawRequest::new(request))
            .await
        {
            Ok(reply) => reply,
            Err(e) => e.to_reply().1.into(),
        };
        let failures = compare(&step.expect, &reply);
        if !failures.is_empty() {
            return fail(failures.join("; "));
        }
        for (name, field) in &step.save {
            match value(&reply, field).filter(|v| !v.is_empty()) {
                Some(v) => {
                    saved.insert(name.clone(), v.to_string());
                }
                None => return fail(format!("no {field} in the answer to save as {{{name}}}")),
            }
        }
    }
    Vec::new()
}

/// The first request of `method` in the hospital's tests that needs no
/// earlier answer, filled in and signed: the hospital's own identities, for
/// `hisgw check --live`.
pub fn own_request(
    mapping: &HospitalMapping,
    cases: &[TestCase],
    method: &str,
) -> Option<RawRequest> {
    let none = BTreeMap::new();
    cases
        .iter()
        .flat_map(|c| &c.test.steps)
        .filter(|s| s.method.eq_ignore_ascii_case(method))
        .find_map(|s| fill(&s.request, &none).ok())
        .map(|fields| RawRequest::new(signed(mapping, method, fields)))
}

/// A request to a method the platform signs gets the §17 sign of the
/// hospital's key, unless the request gives one (a test's, the console's
/// Try form left empty).
pub fn signed(
    mapping: &HospitalMapping,
    method: &str,
    mut fields: Vec<(String, String)>,
) -> Vec<(String, String)> {
    let verify = catalogue::find_inbound(method).is_some_and(|m| m.sign == Some(SignRule::Verify));
    let has_sign = fields.iter().any(|(k, _)| k == catalogue::field::SIGN);
    if let (true, false, Some(key)) = (verify, has_sign, &mapping.sign_key) {
        let sign = crate::sign::sign(
            fields.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            key,
            &[],
        );
        fields.push((catalogue::field::SIGN.to_string(), sign));
    }
    fields
}

/// The request with its `{…}` placeholders filled in.
fn fill(
    request: &BTreeMap<String, String>,
    saved: &BTreeMap<String, String>,
) -> Result<Vec<(String, String)>, String> {
    request
        .iter()
        .map(|(k, v)| Ok((k.clone(), fill_one(v, saved)?)))
        .collect()
}

fn fill_one(text: &str, saved: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .ok_or_else(|| format!("unclosed {{ in {text:?}"))?;
        let name = &rest[start + 1..start + end];
        out.push_str(&placeholder(name, saved)?);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn placeholder(name: &str, saved: &BTreeMap<String, String>) -> Result<String, String> {
    let today = crate::clock::today();
    if name == "now" {
        return Ok(crate::clock::now().format("%Y-%m-%d %H:%M:%S").to_string());
    }
    if let Some(offset) = name.strip_prefix("today") {
        let days: i64 = match offset {
            "" => 0,
            _ => offset.trim_start_matches('+').parse().map_err(|_| {
                format!("{{{name}}}: expected {{today}}, {{today+N}} or {{today-N}}")
            })?,
        };
        return Ok((today + Duration::days(days))
            .format("%Y-%m-%d")
            .to_string());
    }
    saved.get(name).cloned().ok_or_else(|| {
        format!("{{{name}}} is neither today, now nor a name saved by an earlier step")
    })
}

/// What differs from the expectation.
fn compare(expect: &Expect, reply: &Reply) -> Vec<String> {
    let mut failures = Vec::new();
    let result = expect.result.as_deref().unwrap_or("success");
    if reply.result != result {
        failures.push(format!(
            "expected result {result}, got {} ({})",
            reply.result, reply.message
        ));
        return failures;
    }
    if let Some(message) = &expect.message {
        if !reply.message.contains(message.as_str()) {
            failures.push(format!(
                "expected a message containing {message:?}, got {:?}",
                reply.message
            ));
        }
    }
    for (field, expected) in &expect.fields {
        match value(reply, field) {
            None => failures.push(format!("no {field} in the answer")),
            Some(v) if expected == "*" && v.is_empty() => {
                failures.push(format!("{field} is empty"))
            }
            Some(v) if expected != "*" && v != expected => {
                failures.push(format!("expected {field} = {expected:?}, got {v:?}"))
            }
            Some(_) => {}
        }
    }
    let rows = reply
        .body
        .as_ref()
        .and_then(|b| b.list.as_ref())
        .map_or(0, |l| l.rows.len());
    if let Some(n) = expect.rows.filter(|n| *n != rows) {
        failures.push(format!("expected {n} row(s), got {rows}"));
    }
    if let Some(n) = expect.min_rows.filter(|n| rows < *n) {
        failures.push(format!("expected at least {n} row(s), got {rows}"));
    }
    failures
}

/// A field of the answer: at its top level, else in the list's first row.
fn value<'r>(reply: &'r Reply, field: &str) -> Option<&'r str> {
    let body = reply.body.as_ref()?;
    let find = |fields: &'r [(&'static str, String)]| {
        fields
            .iter()
            .find(|(n, _)| *n == field)
            .map(|(_, v)| v.as_str())
    };
    find(&body.fields).or_else(|| {
        body.list
            .as_ref()
            .and_then(|l| l.rows.first())
            .and_then(|r| find(&r.fields))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_from_the_day_and_earlier_answers() {
        let saved = BTreeMap::from([("reg".to_string(), "GH1".to_string())]);
        let today = crate::clock::today();
        assert_eq!(
            fill_one("{today+1}", &saved).unwrap(),
            (today + Duration::days(1)).format("%Y-%m-%d").to_string()
        );
        assert_eq!(fill_one("x-{reg}-y", &saved).unwrap(), "x-GH1-y");
        assert!(fill_one("{nobody}", &saved)
            .unwrap_err()
            .contains("{nobody}"));
        assert!(fill_one("{today+x}", &saved).is_err());
    }
}
