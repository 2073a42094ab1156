//! The HTTP front end: `POST /api/{hospital}/{method}` with a `<request>`
//! body, answered with the spec's `<response>`.
//!
//! This module owns routes, status codes and content types. It must never
//! parse requests or build responses itself: it hands bytes to the gateway
//! and writes what `encode` produces.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, App, HttpResponse, HttpServer};

use crate::encode;
use crate::gateway::Gateway;
use crate::shape::Reply;

const XML: &str = "application/xml; charset=utf-8";
/// Platform requests are a few kilobytes; anything far larger is refused.
const MAX_BODY: usize = 1 << 20;

/// Starts serving on an already bound listener.
pub fn serve(
    listener: TcpListener,
    gateway: Arc<Gateway>,
    workers: Option<usize>,
) -> std::io::Result<actix_web::dev::Server> {
    let data = web::Data::from(gateway);
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .route("/api/{hospital}/{method}", web::post().to(api))
            .route("/api/{hospital}/{method}", web::to(method_not_allowed))
            .route(
                "/healthz",
                web::get().to(|| async { HttpResponse::Ok().body("ok") }),
            )
            .default_service(web::to(not_found))
    })
    .listen(listener)?;
    if let Some(n) = workers {
        server = server.workers(n);
    }
    Ok(server.run())
}

async fn api(
    path: web::Path<(String, String)>,
    body: web::Bytes,
    gateway: web::Data<Gateway>,
) -> HttpResponse {
    let (hospital, method) = path.into_inner();
    let started = std::time::Instant::now();
    let (status, reply) = match gateway.call_xml(&hospital, &method, &body).await {
        Ok(reply) => (200, reply),
        Err(e) => {
            tracing::info!(%hospital, %method, error = %e, "refused");
            e.to_reply()
        }
    };
    tracing::debug!(%hospital, %method, status, result = %reply.result, elapsed_us = started.elapsed().as_micros() as u64, "call");
    xml(status, &reply)
}

async fn method_not_allowed() -> HttpResponse {
    xml(405, &Reply::error("use POST with a <request> body"))
}

async fn not_found() -> HttpResponse {
    xml(
        404,
        &Reply::error("no such endpoint: use POST /api/{hospital}/{method}"),
    )
}

fn xml(status: u16, reply: &Reply) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .content_type(XML)
        .body(encode::encode_xml(reply))
}
