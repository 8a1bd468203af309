//! IMP Companion's Worker: the HTTP API under `/api/v1`, the directory in D1, one Durable Object
//! per space, and the built app served as static assets from the same origin.

mod auth;
mod config;
mod directory;
mod error;
mod http;
mod reminders;
mod routes;
mod seed;
mod space;
mod space_client;

use worker::{event, Context, Env, Request, Response, ScheduleContext, ScheduledEvent};

pub use crate::space::SpaceObject;

#[event(fetch)]
async fn fetch(request: Request, env: Env, _context: Context) -> worker::Result<Response> {
    Ok(match routes::route(request, &env).await {
        Ok(response) => response,
        Err(error) => error.to_response(),
    })
}

/// The Cron Trigger (`[triggers]` in wrangler.toml): sends the push reminders that are due.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _context: ScheduleContext) {
    match reminders::run(&env, chrono::Utc::now()).await {
        Ok(report) => worker::console_log!(
            "reminders: {} sent, {} held, {} removed, {} failed",
            report.sent,
            report.held,
            report.removed,
            report.failed
        ),
        Err(error) => worker::console_error!("reminders: the run failed: {error:?}"),
    }
}
