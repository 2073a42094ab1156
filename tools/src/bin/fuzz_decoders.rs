//! A mutational fuzzer for the request decoders (REST XML in every charset,
//! JSON, SOAP 1.1/1.2 with escaped, CDATA and inline payloads), on stable
//! Rust. The same target for `cargo fuzz` (nightly, libFuzzer) is in
//! `fuzz/`; this driver needs nothing but this repository.
//!
//! ```text
//! cargo run --release -p hisgw-tools --bin fuzz_decoders -- [SECONDS] [SEED]
//! ```
//!
//! The seed corpus is every inbound method's spec example in each transport
//! form. Each round mutates a corpus entry (bit flips, byte inserts and
//! deletions, chunk copies, splices of two entries, markup tokens), feeds
//! it to every decoder and keeps inputs that reach a new (decoder, outcome)
//! pair. A panic is a finding: the input is written to
//! `fuzz-finding-<n>.bin` and the run exits with status 1.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use hisgw::decode::{self, charset, DispatcherNames, SoapNames, SoapVersion};

const TOKENS: &[&[u8]] = &[
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"&#x10FFFF;",
    b"&#0;",
    b"&unknown;",
    b"<![CDATA[",
    b"]]>",
    b"<!DOCTYPE x [<!ENTITY e 'e'>]>",
    b"<?xml version=\"1.0\" encoding=\"GBK\"?>",
    b"</request>",
    b"<request>",
    b"<arg0>",
    b"</arg0>",
    b"<s:Body>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x81\x30",
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"\\u0000",
    b"1e400",
    b"-0.0",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn corpus() -> Vec<Vec<u8>> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let mut out = Vec::new();
    for m in hisgw::catalogue::inbound() {
        let request = hisgw::check::sample_request(m, today);
        let mut xml = String::from("<request>");
        let mut json = serde_json::Map::new();
        for (k, v) in request.fields() {
            let mut e = String::new();
            hisgw::encode::escape_into(&mut e, v);
            xml.push_str(&format!("<{k}>{e}</{k}>"));
            json.insert(k.clone(), serde_json::Value::String(v.clone()));
        }
        xml.push_str("</request>");
        let mut escaped = String::new();
        hisgw::encode::escape_into(&mut escaped, &xml);
        let env = |ns: &str, body: &str| {
            format!("<s:Envelope xmlns:s=\"{ns}\"><s:Body>{body}</s:Body></s:Envelope>")
        };
        out.push(xml.clone().into_bytes());
        out.push(
            encoding_rs::GBK
                .encode(&format!("<?xml version=\"1.0\" encoding=\"GBK\"?>{xml}"))
                .0
                .into_owned(),
        );
        out.push(serde_json::Value::Object(json).to_string().into_bytes());
        out.push(
            env(
                decode::soap::SOAP11_NS,
                &format!(
                    "<m:{0} xmlns:m=\"urn:h\"><arg0>{escaped}</arg0></m:{0}>",
                    m.name
                ),
            )
            .into_bytes(),
        );
        out.push(
            env(
                decode::soap::SOAP12_NS,
                &format!("<{0}><arg0><![CDATA[{xml}]]></arg0></{0}>", m.name),
            )
            .into_bytes(),
        );
        out.push(
            env(
                decode::soap::SOAP11_NS,
                &format!(
                    "<CallServer><FUNC>{}</FUNC><IN_XML>{xml}</IN_XML></CallServer>",
                    m.name
                ),
            )
            .into_bytes(),
        );
    }
    out
}

fn mutate(rng: &mut Rng, corpus: &[Vec<u8>], input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => out.insert(at, rng.next() as u8),
            2 if at < out.len() => {
                let n = rng.below(16).min(out.len() - at);
                out.drain(at..at + n);
            }
            3 if !out.is_empty() => {
                let from = rng.below(out.len());
                let n = rng.below(64).min(out.len() - from);
                let chunk = out[from..from + n].to_vec();
                out.splice(at..at, chunk);
            }
            4 => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len());
                out.truncate(at);
                out.extend_from_slice(&other[from..]);
            }
            5 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, t.iter().copied());
            }
            _ => {
                let depth = rng.below(40);
                let open = "<a>".repeat(depth);
                out.splice(at..at, open.bytes());
            }
        }
    }
    out.truncate(1 << 16);
    out
}

/// Every decoder on `input`; returns (decoder, outcome) signatures.
fn run(input: &[u8]) -> Vec<(u8, String)> {
    let mut sigs = Vec::new();
    for (i, cs) in [
        None,
        Some("utf-8"),
        Some("GBK"),
        Some("gb18030"),
        Some("utf-16le"),
    ]
    .iter()
    .enumerate()
    {
        let r = decode::decode_xml_as(input, *cs);
        sigs.push((
            i as u8,
            format!(
                "{:?}",
                r.map(|r| r.fields().len())
                    .map_err(|e| std::mem::discriminant(&e))
            ),
        ));
    }
    if let Ok(text) = charset::text(input, None) {
        let r = decode::decode_json(&text);
        sigs.push((
            10,
            format!(
                "{:?}",
                r.map(|r| r.fields().len())
                    .map_err(|e| std::mem::discriminant(&e))
            ),
        ));
        let names = SoapNames {
            param: "arg0",
            dispatcher: Some(DispatcherNames {
                operation: "CallServer",
                method_param: "FUNC",
                request_param: "IN_XML",
            }),
        };
        for (j, v) in [SoapVersion::V11, SoapVersion::V12].into_iter().enumerate() {
            let r = decode::decode_soap(&text, &names, v);
            let sig = match r {
                Ok(call) => format!("ok {} {}", call.dispatched, call.request.is_ok()),
                Err(f) => format!("fault {}", f.message.split(':').next().unwrap_or_default()),
            };
            sigs.push((20 + j as u8, sig));
        }
    }
    sigs
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let seed: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut rng = Rng(seed | 1);
    let mut corpus = corpus();
    let mut seen: HashSet<(u8, String)> = HashSet::new();
    for c in &corpus {
        seen.extend(run(c));
    }
    let started = Instant::now();
    let mut execs: u64 = 0;
    std::panic::set_hook(Box::new(|_| {}));
    while started.elapsed() < Duration::from_secs(seconds) {
        let base = corpus[rng.below(corpus.len())].clone();
        let input = mutate(&mut rng, &corpus, &base);
        execs += 1;
        match std::panic::catch_unwind(|| run(&input)) {
            Ok(sigs) => {
                let new = sigs.into_iter().filter(|s| seen.insert(s.clone())).count();
                if new > 0 && corpus.len() < 20_000 {
                    corpus.push(input);
                }
            }
            Err(_) => {
                let path = format!("fuzz-finding-{execs}.bin");
                let _ = std::fs::write(&path, &input);
                eprintln!("PANIC on input saved as {path} after {execs} executions");
                std::process::exit(1);
            }
        }
    }
    println!(
        "{execs} executions in {:.0} s ({:.0}/s), corpus {} entries, {} distinct outcomes, no panic",
        started.elapsed().as_secs_f64(),
        execs as f64 / started.elapsed().as_secs_f64(),
        corpus.len(),
        seen.len()
    );
}
