//! Measures what stalled request bodies cost a running gateway: opens
//! CONNECTIONS connections that each announce a body of SIZE bytes, send
//! SENT bytes of it and then stop, and samples the server's resident memory
//! (VmRSS of PID, from /proc) while they hang, once the server has dropped
//! them, and after they are closed.
//!
//! ```text
//! cargo run --release -p hisgw-tools --bin slow_bodies -- ADDR PID [CONNECTIONS] [SIZE] [SENT]
//! ```
//!
//! ADDR is `127.0.0.1:PORT` of the platform listener; defaults: 200
//! connections, SIZE 1048576, SENT 921600 (900 KiB). Linux only (/proc).
//! `deploy/bench/attack.sh` starts a gateway and runs this.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: slow_bodies ADDR PID [CONNECTIONS] [SIZE] [SENT]");
        std::process::exit(2);
    }
    let addr = args[1].clone();
    let pid: u32 = args[2].parse().expect("PID");
    let connections: usize = args.get(3).map_or(200, |a| a.parse().expect("CONNECTIONS"));
    let size: usize = args.get(4).map_or(1 << 20, |a| a.parse().expect("SIZE"));
    let sent: usize = args.get(5).map_or(900 * 1024, |a| a.parse().expect("SENT"));

    let before = rss_kib(pid);
    println!("rss before: {} MiB", before / 1024);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let addr = addr.clone();
        tasks.spawn(async move {
            let mut stream = TcpStream::connect(&addr).await?;
            let head = format!(
                "POST /api/demo/findAllDepartments HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/xml\r\nContent-Length: {size}\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).await?;
            let chunk = vec![b'x'; 16 * 1024];
            let mut left = sent;
            while left > 0 {
                let n = left.min(chunk.len());
                // A server that stops reading stops this writer too: give up
                // on the rest after a while, the connection still stalls.
                match tokio::time::timeout(Duration::from_secs(5), stream.write_all(&chunk[..n]))
                    .await
                {
                    Ok(r) => r?,
                    Err(_) => break,
                }
                left -= n;
            }
            // Stall: wait for the server's answer (or its close), at most 60 s.
            let mut answer = vec![0u8; 512];
            let got = tokio::time::timeout(Duration::from_secs(60), stream.read(&mut answer)).await;
            let first_line = match got {
                Ok(Ok(n)) if n > 0 => String::from_utf8_lossy(&answer[..n])
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                Ok(_) => "closed".to_string(),
                Err(_) => "no answer in 60 s".to_string(),
            };
            Ok::<_, std::io::Error>((first_line, stream))
        });
    }
    // Sample while they hang.
    let mut peak = before;
    let sampler = async {
        loop {
            peak = peak.max(rss_kib(pid));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let mut answers = std::collections::BTreeMap::<String, usize>::new();
    let mut streams = Vec::new();
    let collect = async {
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(Ok((line, stream))) => {
                    *answers.entry(line).or_default() += 1;
                    streams.push(stream);
                }
                Ok(Err(e)) => *answers.entry(format!("error: {e}")).or_default() += 1,
                Err(e) => *answers.entry(format!("task: {e}")).or_default() += 1,
            }
        }
    };
    tokio::select! {
        _ = sampler => {}
        _ = collect => {}
    }
    let answered = rss_kib(pid);
    println!(
        "{connections} connections announcing {size} bytes, sending {sent}: every one answered after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for (line, n) in &answers {
        println!("  {n} x {line}");
    }
    println!("rss peak while stalled: {} MiB", peak / 1024);
    println!("rss once answered: {} MiB", answered / 1024);
    drop(streams);
    tokio::time::sleep(Duration::from_secs(30)).await;
    println!("rss 30 s after closing: {} MiB", rss_kib(pid) / 1024);
}
