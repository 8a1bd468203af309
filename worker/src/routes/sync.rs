//! A space's sync endpoints: push (with the program and staff records its mutations are judged
//! by), pull, and the live socket, each handed to the space's object through [`SpaceClient`].

use chrono::Utc;
use worker::{Env, Request, Response};

use imp_shared::ids::{ClientId, MutationSeq, ServerVersion, SpaceId, MAX_SAFE_INTEGER};
use imp_shared::mutation::Mutation;
use imp_shared::protocol::{read_push, MAX_PULL_LIMIT};
use imp_shared::server::{related_keys_of, RelatedRecords};

use super::{check_request_versions, directory, signed_in};
use crate::config::{session_cache_seconds, test_hooks};
use crate::directory::{Account, Directory};
use crate::error::ApiError;
use crate::http::{
    bearer_token, json_response, json_text_response, query_param, query_u64, read_text,
};
use crate::space::{Fault, SpacePull, SpacePush, LIVE_PROTOCOL};
use crate::space_client::SpaceClient;

/// `POST /api/v1/spaces/{space}/push`: a client's mutations, judged and applied by the space's
/// object.
pub(super) async fn push(
    mut request: Request,
    env: &Env,
    space: SpaceId,
) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    // Each mutation is read on its own: one the server cannot read gets its own rejected verdict
    // in the space instead of failing the push (only the envelope and the seqs must read).
    let text = read_text(&mut request).await?;
    let body = read_push(&text).map_err(|error| ApiError::InvalidJson(error.to_string()))?;
    drop(text);
    check_request_versions(body.protocol, body.schema)?;
    body.check_shape()
        .map_err(|error| ApiError::BadRequest(error.to_string()))?;
    check_space_exists(&directory, &account, &space).await?;
    let fault = if test_hooks(env) {
        match request
            .headers()
            .get("x-imp-fault")
            .ok()
            .flatten()
            .as_deref()
        {
            Some("after_records") => Some(Fault::AfterRecords),
            Some("summary_write") => Some(Fault::SummaryWrite),
            _ => None,
        }
    } else {
        None
    };
    let related = related_records(env, body.mutations()).await?;
    let message = SpacePush {
        actor: account.actor()?,
        space: space.clone(),
        client_id: body.client_id,
        items: body.items,
        fault,
        related,
        summary_inline: false,
    };
    let reply = SpaceClient::new(env, space.clone()).push(&message).await?;
    if let (Some(mentors), SpaceId::Student(_)) = (&reply.mentors_changed, &space) {
        directory.set_space_mentors(&space, mentors).await?;
    }
    // The student's summary, when this push changed what it holds, is written by the space's
    // object after this reply (and retried until it is written): see `SpaceObject::alarm`.
    Ok(json_response(&reply.response, 200))
}

/// Reads the program and staff records a push's mutations are judged by (a cohort's deadline, a
/// workshop's check-in code); most pushes need none and cost nothing extra.
async fn related_records<'a>(
    env: &Env,
    mutations: impl IntoIterator<Item = &'a Mutation>,
) -> Result<RelatedRecords, ApiError> {
    let (program_keys, staff_keys) = related_keys_of(mutations);
    let mut related = RelatedRecords::default();
    if !program_keys.is_empty() {
        related.program = Some(SpaceClient::program(env).read(program_keys).await?);
    }
    if !staff_keys.is_empty() {
        related.staff = Some(SpaceClient::staff(env).read(staff_keys).await?);
    }
    Ok(related)
}

/// `GET /api/v1/spaces/{space}/pull`: the changes since the client's cursor (paged from protocol
/// 2 on), from the space's object.
pub(super) async fn pull(
    request: Request,
    env: &Env,
    space: SpaceId,
) -> Result<Response, ApiError> {
    let (directory, account) = signed_in(&request, env).await?;
    let protocol = query_u64(&request, "protocol", None)?;
    let schema = query_u64(&request, "schema", None)?;
    check_request_versions(
        u32::try_from(protocol).unwrap_or(u32::MAX),
        u32::try_from(schema).unwrap_or(u32::MAX),
    )?;
    let cursor = query_u64(&request, "cursor", Some(0))?;
    let since_seq = query_u64(&request, "since_seq", Some(0))?;
    if cursor > MAX_SAFE_INTEGER || since_seq > MAX_SAFE_INTEGER {
        return Err(ApiError::BadRequest(
            "cursor and since_seq must be below 2^53".to_owned(),
        ));
    }
    let client_id = ClientId(query_param(&request, "client_id")?.ok_or_else(|| {
        ApiError::BadRequest("query parameter `client_id` is required".to_owned())
    })?);
    if !client_id.is_valid() {
        return Err(ApiError::BadRequest(
            "client_id is not a valid id".to_owned(),
        ));
    }
    // Protocol 2 pages pulls: `limit` (capped, by default the cap) and `snapshot=true` to go on
    // with a reset. Protocol 1 pulls get every change at once, as before.
    let limit = if protocol >= 2 {
        let asked = query_u64(&request, "limit", Some(MAX_PULL_LIMIT))?;
        Some(asked.clamp(1, MAX_PULL_LIMIT))
    } else {
        None
    };
    let snapshot = match query_param(&request, "snapshot")?.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::BadRequest(
                "snapshot must be true or false".to_owned(),
            ))
        }
    };
    check_space_exists(&directory, &account, &space).await?;
    let message = SpacePull {
        actor: account.actor()?,
        space: space.clone(),
        cursor: ServerVersion(cursor),
        client_id,
        since_seq: MutationSeq(since_seq),
        limit,
        snapshot,
        by_app: true,
    };
    // The object's `PullResponse` JSON, passed on as it is.
    let reply = SpaceClient::new(env, space).pull(&message).await?;
    Ok(json_text_response(reply, 200))
}

/// Refuses student spaces that belong to nobody, so no empty object is ever created for them.
/// A student's own space exists (they are signed in), so their syncs skip the question; others'
/// answers are cached (see [`Directory::student_exists`]).
async fn check_space_exists(
    directory: &Directory,
    account: &Account,
    space: &SpaceId,
) -> Result<(), ApiError> {
    if let SpaceId::Student(student) = space {
        if student.as_str() == account.id && account.role == "student" {
            return Ok(());
        }
        if !directory.student_exists(student).await? {
            return Err(ApiError::NotFound(format!("no space {space}")));
        }
    }
    Ok(())
}

/// `GET /api/v1/spaces/{space}/live` (a WebSocket upgrade): the space's object sends
/// `{"type":"poke","version":N}` whenever the space's version rises, so the app pulls at once
/// (docs/sync-protocol.md §8.2). The token comes as the subprotocol `imp-token.<token>` (or the
/// usual bearer header); access is the pull's.
pub(super) async fn live(
    request: Request,
    env: &Env,
    space: SpaceId,
) -> Result<Response, ApiError> {
    let upgrade = request.headers().get("upgrade").ok().flatten();
    if !upgrade.is_some_and(|value| value.eq_ignore_ascii_case("websocket")) {
        return Err(ApiError::BadRequest(
            "this endpoint is a WebSocket (send Upgrade: websocket)".to_owned(),
        ));
    }
    let offered = request
        .headers()
        .get("sec-websocket-protocol")
        .ok()
        .flatten()
        .unwrap_or_default();
    let offered: Vec<&str> = offered.split(',').map(str::trim).collect();
    if !offered.contains(&LIVE_PROTOCOL) {
        return Err(ApiError::BadRequest(format!(
            "offer the subprotocol {LIVE_PROTOCOL}"
        )));
    }
    let token = offered
        .iter()
        .find_map(|protocol| protocol.strip_prefix("imp-token."))
        .map(str::to_owned)
        .or_else(|| bearer_token(&request))
        .ok_or_else(|| ApiError::Unauthorized("sign in first (no token)".to_owned()))?;
    let directory = directory(env)?;
    let account = directory
        .session_account(&token, Utc::now(), session_cache_seconds(env))
        .await?;
    check_space_exists(&directory, &account, &space).await?;
    SpaceClient::new(env, space).live(account.actor()?).await
}
