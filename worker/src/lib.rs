//! IMP Companion's Worker: the HTTP API under `/api/v1`, the directory in D1, one Durable Object
//! per space, and the built app served as static assets from the same origin.

mod auth;
mod config;
mod directory;
mod error;
mod http;
mod routes;
mod seed;
mod space;
mod space_client;

use worker::{event, Context, Env, Request, Response};

pub use crate::space::SpaceObject;

#[event(fetch)]
async fn fetch(request: Request, env: Env, _context: Context) -> worker::Result<Response> {
    Ok(match routes::route(request, &env).await {
        Ok(response) => response,
        Err(error) => error.to_response(),
    })
}
