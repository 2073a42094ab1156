//! The payment-path load test: many distinct payment notifications at once,
//! then a reconciliation of the gateway's ledger against what was answered.
//!
//! ```text
//! cargo run --release -p hisgw -- serve --data-dir /tmp/hisgw-pay &   # the demo
//! cargo run --release -p hisgw-tools --bin pay_load -- [URL] [COUNT] [CONCURRENCY]
//! ```
//!
//! URL defaults to `http://127.0.0.1:8080/api/demo`, COUNT to 10000 and
//! CONCURRENCY to 64. Each notification is a 10.1 prePayExpense for the demo
//! inpatient 李明 with its own tradeNo (prefixed by the run's start time)
//! and an amount between 1.01 and 99.99. Every tenth one is sent twice at
//! once, as the platform's retry would be. After the run it reads 13.2
//! GetChecLedgerDetail for today and checks, for this run's tradeNos: every
//! answered success is in the ledger once with its amount, nothing else is
//! there, and the retries got the same final answer (a transient "database
//! busy" to one copy is a retry request, not an answer). It prints
//! throughput and latency, and exits non-zero on any duplicate, loss or
//! difference.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

fn amount(i: usize) -> String {
    format!("{}.{:02}", 1 + i % 99, 1 + i % 98)
}

fn prepay(trade_no: &str, amount: &str, today: &str) -> String {
    format!(
        "<request><realName>李明</realName><patientCard>12345678</patientCard><prepayaAmt>{amount}</prepayaAmt>\
         <payType>weChat</payType><tradeNo>{trade_no}</tradeNo><payedTime>{today} 12:00:00</payedTime></request>"
    )
}

fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(&xml[start..end])
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080/api/demo".into());
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let concurrency: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(64);
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let run = chrono::Local::now().format("LT%H%M%S").to_string();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");
    let gate = Arc::new(Semaphore::new(concurrency));
    let url = format!("{base}/prePayExpense");

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..count {
        let copies = if i % 10 == 0 { 2 } else { 1 };
        for _ in 0..copies {
            let (client, gate, url) = (client.clone(), gate.clone(), url.clone());
            let trade_no = format!("{run}-{i:06}");
            let body = prepay(&trade_no, &amount(i), &today);
            tasks.spawn(async move {
                let _slot = gate.acquire_owned().await.expect("semaphore");
                let sent = Instant::now();
                let text = match client.post(url).body(body).send().await {
                    Ok(r) => r.text().await.unwrap_or_default(),
                    Err(e) => format!("transport error: {e}"),
                };
                (i, trade_no, text, sent.elapsed())
            });
        }
    }
    let mut answers: HashMap<String, (usize, Vec<String>)> = HashMap::new();
    let mut latencies = Vec::with_capacity(count + count / 10);
    while let Some(done) = tasks.join_next().await {
        let (i, trade_no, text, took) = done.expect("task");
        latencies.push(took);
        answers
            .entry(trade_no)
            .or_insert((i, Vec::new()))
            .1
            .push(text);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];

    // A transient refusal (database busy, timeout, unreachable) books
    // nothing and tells the platform to retry: the copy that booked counts.
    let transient = |t: &str| {
        t.contains("<isRefund>0</isRefund>")
            && ["繁忙", "超时", "无法连接", "transport error"]
                .iter()
                .any(|w| t.contains(w))
    };
    let mut booked: HashMap<String, String> = HashMap::new();
    let mut failed = 0;
    let mut transient_answers = 0;
    let mut retry_differs = 0;
    for (trade_no, (i, texts)) in &answers {
        transient_answers += texts.iter().filter(|t| transient(t)).count();
        let mut finals: Vec<&String> = texts.iter().filter(|t| !transient(t)).collect();
        finals.dedup();
        if finals.len() > 1 {
            retry_differs += 1;
        }
        match finals.first() {
            Some(t) if element(t, "result") == Some("success") => {
                booked.insert(trade_no.clone(), amount(*i));
            }
            Some(t) => {
                failed += 1;
                eprintln!("{trade_no}: {t}");
            }
            None => failed += 1,
        }
    }
    let sent = latencies.len();
    println!(
        "sent {sent} notifications ({count} distinct tradeNos) in {:.2} s: {:.0} notifications/s, {:.0} distinct payments/s",
        elapsed.as_secs_f64(),
        sent as f64 / elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} booked, {failed} not booked, {transient_answers} transient refusals (busy/timeout, isRefund 0), {retry_differs} tradeNos answered two different final answers",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or(Duration::ZERO).as_secs_f64() * 1e3,
        booked.len()
    );

    // Reconcile: the ledger's view of today's prepayments of this run.
    let detail = client
        .post(format!("{base}/GetChecLedgerDetail"))
        .body(format!(
            "<request><checkDate>{today}</checkDate><transactionType>3</transactionType></request>"
        ))
        .send()
        .await
        .expect("13.2")
        .text()
        .await
        .expect("13.2 body");
    let mut in_ledger: HashMap<String, (usize, String)> = HashMap::new();
    for row in detail.split("<data>").skip(1) {
        let (Some(trade_no), Some(amount), Some("0")) = (
            element(row, "tradeNo"),
            element(row, "amount"),
            element(row, "channel"),
        ) else {
            continue;
        };
        if trade_no.starts_with(&run) {
            let entry = in_ledger
                .entry(trade_no.to_string())
                .or_insert((0, amount.to_string()));
            entry.0 += 1;
        }
    }
    let duplicates = in_ledger.values().filter(|(n, _)| *n > 1).count();
    let lost = booked
        .keys()
        .filter(|t| !in_ledger.contains_key(*t))
        .count();
    let unanswered = in_ledger
        .keys()
        .filter(|t| !booked.contains_key(*t))
        .count();
    let wrong_amount = booked
        .iter()
        .filter(|(t, a)| {
            in_ledger.get(*t).is_some_and(|(_, l)| {
                l.parse::<rust_decimal::Decimal>().ok() != a.parse::<rust_decimal::Decimal>().ok()
            })
        })
        .count();
    println!(
        "reconciled with 13.2: {} in the ledger; {duplicates} duplicate, {lost} lost, {unanswered} booked but not answered success, {wrong_amount} amount differences",
        in_ledger.len()
    );
    // A tradeNo whose every copy met a busy database is not booked, and
    // must not be in the ledger either (`unanswered` says so if it is).
    if duplicates + lost + unanswered + wrong_amount + retry_differs > 0 {
        std::process::exit(1);
    }
}
