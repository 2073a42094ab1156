//! Protecting the HIS from the platform's rushes: per method, a time limit
//! for reads, a cap on calls running at once, and a short-lived cache of
//! read answers in which identical calls at once share one query
//! (single-flight) — so a slot-release rush is one query, not a thousand.
//!
//! This module owns those limits. It must never cache or cut short a write:
//! a write cut short might still commit, and its answer is not reusable.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OnceCell, Semaphore};

use crate::shape::Answer;

/// One method's limits as a hospital's `[methods.X]` sets them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settings {
    pub timeout_ms: Option<u64>,
    pub max_concurrent: Option<usize>,
    pub cache_ttl_s: Option<u64>,
}

/// One method's limits at run time: its turns and its cache.
#[derive(Debug, Default)]
pub struct Limits {
    pub timeout: Option<Duration>,
    running: Option<Semaphore>,
    cache: Option<Cache>,
}

#[derive(Debug)]
struct Cache {
    ttl: Duration,
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

#[derive(Debug)]
struct Slot {
    born: Instant,
    reply: OnceCell<Answer>,
}

/// Why a call was not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limited {
    /// No turn within the wait: too many calls of the method at once.
    Busy(Duration),
    /// A read past its time limit.
    Timeout(Duration),
}

impl Limits {
    pub fn new(settings: Settings) -> Limits {
        Limits {
            timeout: settings.timeout_ms.map(Duration::from_millis),
            running: settings.max_concurrent.map(|n| Semaphore::new(n.max(1))),
            cache: settings.cache_ttl_s.filter(|s| *s > 0).map(|s| Cache {
                ttl: Duration::from_secs(s),
                slots: Mutex::default(),
            }),
        }
    }

    /// Runs a call within the method's cap (waiting at most `wait` for a
    /// turn), and for a read within its time limit.
    pub async fn run<T, E>(
        &self,
        read: bool,
        wait: Duration,
        call: impl Future<Output = Result<T, E>>,
    ) -> Result<Result<T, E>, Limited> {
        let _turn = match &self.running {
            Some(s) => Some(
                tokio::time::timeout(wait, s.acquire())
                    .await
                    .map_err(|_| Limited::Busy(wait))?
                    .map_err(|_| Limited::Busy(wait))?,
            ),
            None => None,
        };
        match self.timeout.filter(|_| read) {
            Some(limit) => tokio::time::timeout(limit, call)
                .await
                .map_err(|_| Limited::Timeout(limit)),
            None => Ok(call.await),
        }
    }

    /// A read through the cache, when the method has one: a fresh answer
    /// for `key` is returned as is; otherwise one caller runs `call` and
    /// the others with the same key wait for its answer. Only successful
    /// answers are kept.
    pub async fn cached<E>(
        &self,
        key: impl FnOnce() -> String,
        call: impl Future<Output = Result<Answer, E>>,
    ) -> Result<Answer, E> {
        let Some(cache) = &self.cache else {
            return call.await;
        };
        let key = key();
        let slot = {
            let mut slots = cache.slots.lock().unwrap_or_else(|e| e.into_inner());
            if slots.len() > 10_000 {
                slots.retain(|_, s| s.born.elapsed() < cache.ttl);
            }
            let fresh = slots
                .get(&key)
                .filter(|s| s.born.elapsed() < cache.ttl)
                .cloned();
            fresh.unwrap_or_else(|| {
                let slot = Arc::new(Slot {
                    born: Instant::now(),
                    reply: OnceCell::new(),
                });
                slots.insert(key.clone(), slot.clone());
                slot
            })
        };
        // An answer that is not kept comes back as the init's "error".
        let kept = slot
            .reply
            .get_or_try_init(|| async {
                match call.await {
                    Ok(r) if r.is_success() => Ok(r),
                    other => Err(other),
                }
            })
            .await;
        match kept {
            Ok(r) => Ok(r.clone()),
            Err(not_kept) => not_kept,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::Reply;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn identical_reads_at_once_share_one_query_and_errors_are_not_kept() {
        let limits = Arc::new(Limits::new(Settings {
            cache_ttl_s: Some(60),
            ..Settings::default()
        }));
        let queries = Arc::new(AtomicUsize::new(0));
        let mut calls = Vec::new();
        for _ in 0..50 {
            let (limits, queries) = (limits.clone(), queries.clone());
            calls.push(tokio::spawn(async move {
                limits
                    .cached(|| "k".into(), async {
                        queries.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, ()>(Answer::new(Reply {
                            result: "success".into(),
                            message: String::new(),
                            body: None,
                        }))
                    })
                    .await
            }));
        }
        for c in calls {
            assert!(c.await.unwrap().unwrap().is_success());
        }
        assert_eq!(queries.load(Ordering::SeqCst), 1);
        let refused = limits
            .cached(|| "e".into(), async {
                Ok::<_, ()>(Answer::new(Reply::error("x")))
            })
            .await;
        assert_eq!(refused.unwrap().result, "error");
        let again = limits
            .cached(|| "e".into(), async {
                Ok::<_, ()>(Answer::new(Reply {
                    result: "success".into(),
                    message: String::new(),
                    body: None,
                }))
            })
            .await;
        assert!(again.unwrap().is_success(), "an error answer is not kept");
    }

    #[tokio::test]
    async fn the_cap_and_the_time_limit() {
        let limits = Limits::new(Settings {
            timeout_ms: Some(20),
            max_concurrent: Some(1),
            ..Settings::default()
        });
        let slow = limits.run(true, Duration::from_millis(10), async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            Ok::<_, ()>(())
        });
        assert_eq!(slow.await, Err(Limited::Timeout(Duration::from_millis(20))));
        let limits = Arc::new(Limits::new(Settings {
            max_concurrent: Some(1),
            ..Settings::default()
        }));
        let l2 = limits.clone();
        let holder = tokio::spawn(async move {
            l2.run(false, Duration::from_secs(1), async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                Ok::<_, ()>(())
            })
            .await
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let second = limits
            .run(false, Duration::from_millis(50), async { Ok::<_, ()>(()) })
            .await;
        assert_eq!(second, Err(Limited::Busy(Duration::from_millis(50))));
        assert!(holder.await.unwrap().is_ok());
    }
}
