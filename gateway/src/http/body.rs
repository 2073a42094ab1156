//! Request bodies: read by the handler itself after access was decided
//! from the headers, decompressed as their Content-Encoding says, at most
//! `MAX_BODY` bytes, within `BODY_WAIT`, and in memory only as the
//! listener's room for bodies allows.
//!
//! This module owns what a body may cost the process. It must never parse
//! a body or answer a call.

use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};

/// Platform requests are a few kilobytes; anything far larger is refused.
pub const MAX_BODY: usize = 1 << 20;

/// How long a caller may take to send its body once its headers are in: a
/// body that stalls is dropped with its memory instead of held forever.
const BODY_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Why a request body was not read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("请求体超过 1 MiB (request body larger than 1 MiB)")]
    TooLarge,
    #[error("请求体未在 10 秒内发送完毕 (request body not received within 10 s)")]
    TooSlow,
    #[error("请求体读取失败 (request body could not be read: {0})")]
    Broken(String),
    #[error("大请求体过多，请稍后重试 (too many large request bodies being received: try again shortly)")]
    NoRoom,
}

impl BodyError {
    pub fn status(&self) -> u16 {
        match self {
            BodyError::TooLarge => 413,
            BodyError::TooSlow => 408,
            BodyError::Broken(_) => 400,
            BodyError::NoRoom => 503,
        }
    }
}

/// What the request bodies over `SMALL_BODY` being read at once by one
/// listener may hold, in KiB: many slow callers cannot grow the process past
/// it (a body that finds no room is refused with 503 before any more of it
/// is read).
const BODIES_IN_FLIGHT_KIB: usize = 16 * 1024;

/// Bodies up to this size need no room: platform requests are a few KiB,
/// so a caller filling the room with large stalled bodies cannot get the
/// platform's own calls refused.
const SMALL_BODY: usize = 16 * 1024;

/// The room all bodies being received by one listener share, in KiB
/// (shared by its workers as `web::Data`).
pub struct BodyBudget(Arc<tokio::sync::Semaphore>);

impl BodyBudget {
    pub fn new() -> BodyBudget {
        BodyBudget(Arc::new(tokio::sync::Semaphore::new(BODIES_IN_FLIGHT_KIB)))
    }
}

/// One body's share of its listener's `BodyBudget`: room is taken before
/// memory is.
struct BodyShare {
    budget: Arc<tokio::sync::Semaphore>,
    held: Option<tokio::sync::OwnedSemaphorePermit>,
    kib: usize,
}

impl BodyShare {
    fn of(budget: &BodyBudget) -> BodyShare {
        BodyShare {
            budget: budget.0.clone(),
            held: None,
            kib: 0,
        }
    }

    /// Holds room for `bytes` in all (nothing up to `SMALL_BODY`).
    fn cover(&mut self, bytes: usize) -> Result<(), BodyError> {
        let kib = bytes.div_ceil(1024);
        if bytes <= SMALL_BODY || kib <= self.kib {
            return Ok(());
        }
        let more = u32::try_from(kib - self.kib).map_err(|_| BodyError::TooLarge)?;
        // No waiting: a connection left waiting still holds actix's read
        // buffers, so a large body finding no room is refused at once and
        // its connection's memory freed; the platform's small calls need
        // no room and are never refused here.
        let permit = self
            .budget
            .clone()
            .try_acquire_many_owned(more)
            .map_err(|_| BodyError::NoRoom)?;
        match &mut self.held {
            Some(h) => h.merge(permit),
            None => self.held = Some(permit),
        }
        self.kib = kib;
        Ok(())
    }
}

/// Reads a request body (decompressed as its Content-Encoding says), at
/// most `MAX_BODY` bytes and within `BODY_WAIT`. Memory follows the
/// budget: a body whose length is announced gets its room (and exactly its
/// buffer) before any of it is read; one of unknown length (chunked, or
/// compressed) grows in steps, each covered first.
pub async fn read_body(
    payload: web::Payload,
    request: &HttpRequest,
    budget: &BodyBudget,
) -> Result<web::Bytes, BodyError> {
    use futures_util::StreamExt;
    let identity = request
        .headers()
        .get(actix_web::http::header::CONTENT_ENCODING)
        .is_none_or(|v| v.as_bytes().eq_ignore_ascii_case(b"identity"));
    let announced = identity
        .then(|| {
            request
                .headers()
                .get(actix_web::http::header::CONTENT_LENGTH)
        })
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    if announced.is_some_and(|n| n > MAX_BODY) {
        return Err(BodyError::TooLarge);
    }
    let mut payload =
        actix_web::dev::Decompress::from_headers(payload.into_inner(), request.headers());
    let read = async {
        let mut share = BodyShare::of(budget);
        let mut body = web::BytesMut::new();
        if let Some(n) = announced {
            share.cover(n)?;
            body.reserve(n);
        }
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| match e {
                actix_web::error::PayloadError::Overflow => BodyError::TooLarge,
                other => BodyError::Broken(other.to_string()),
            })?;
            let needed = body.len() + chunk.len();
            if needed > MAX_BODY {
                return Err(BodyError::TooLarge);
            }
            if needed > body.capacity() {
                let grown = needed.max(body.capacity() * 2).clamp(SMALL_BODY, MAX_BODY);
                share.cover(grown)?;
                // Already at least double: the buffer grows to `grown`, no more.
                body.reserve(grown - body.len());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    };
    tokio::time::timeout(BODY_WAIT, read)
        .await
        .map_err(|_| BodyError::TooSlow)?
}

/// A response to a body that was not read to its end: the connection is
/// closed after it, instead of actix reading (and discarding) the rest.
pub fn closing(mut response: HttpResponse) -> HttpResponse {
    response
        .head_mut()
        .set_connection_type(actix_web::http::ConnectionType::Close);
    response
}
