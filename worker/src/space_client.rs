//! The typed client of the space Durable Objects: one method per route of [`SpaceObject`], and
//! the server's own writes through it (`push_trusted`, `write_summary`).
//!
//! Every call is a JSON message posted to `https://space/<route>` on the object named by the
//! space's id (the `SPACES` binding); an answer other than 200 comes back as the object's
//! [`ApiError`] (with its `Retry-After` on 429).
//!
//! [`SpaceObject`]: crate::space::SpaceObject

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;
use worker::{Env, Method, Request, RequestInit, Response, Stub};

use imp_shared::apply::RecordKey;
use imp_shared::domain::{Entity, RecordKind};
use imp_shared::ids::{ClientId, MutationSeq, RecordId, SpaceId};
use imp_shared::mutation::{Mutation, PendingMutation};
use imp_shared::permissions::Actor;
use imp_shared::protocol::{ApiErrorBody, PushItem};
use imp_shared::server::RelatedRecords;

use crate::error::ApiError;
use crate::space::{
    SpaceDerive, SpaceGoing, SpaceLive, SpacePull, SpacePush, SpacePushReply, SpaceRead,
};

/// One space's Durable Object, as the front Worker (or another space's object) calls it.
pub(crate) struct SpaceClient<'a> {
    env: &'a Env,
    space: SpaceId,
}

impl<'a> SpaceClient<'a> {
    /// The object of `space`.
    pub(crate) fn new(env: &'a Env, space: SpaceId) -> Self {
        Self { env, space }
    }

    /// The program space's object.
    pub(crate) fn program(env: &'a Env) -> Self {
        Self::new(env, SpaceId::Program)
    }

    /// The staff space's object.
    pub(crate) fn staff(env: &'a Env) -> Self {
        Self::new(env, SpaceId::Staff)
    }

    /// `/push`: applies a push and answers the client's reply (and what changed besides).
    pub(crate) async fn push(&self, message: &SpacePush) -> Result<SpacePushReply, ApiError> {
        self.call("/push", message).await
    }

    /// `/pull`: the object's `PullResponse` as JSON text, to pass on as it is (not read and
    /// written again).
    pub(crate) async fn pull(&self, message: &SpacePull) -> Result<String, ApiError> {
        self.call_text("/pull", message).await
    }

    /// `/read`: the space's live records of these keys.
    pub(crate) async fn read(
        &self,
        keys: Vec<RecordKey>,
    ) -> Result<Vec<(RecordKey, Entity)>, ApiError> {
        self.call("/read", &SpaceRead { keys }).await
    }

    /// `/read` with the answer as JSON text (the test hooks' trip to an object and back).
    pub(crate) async fn read_text(&self, keys: Vec<RecordKey>) -> Result<String, ApiError> {
        self.call_text("/read", &SpaceRead { keys }).await
    }

    /// `/derive`: writes a record the server derives (in the staff space: a student's summary);
    /// whether it changed anything.
    pub(crate) async fn derive(&self, message: &SpaceDerive) -> Result<bool, ApiError> {
        self.call("/derive", message).await
    }

    /// `/summary`: the summary of this (student) space as it is now, if it has one.
    pub(crate) async fn summary(&self) -> Result<Option<Entity>, ApiError> {
        self.call("/summary", &self.space).await
    }

    /// `/going`: workshops' going-counts for the program space; whether it changed anything.
    pub(crate) async fn going(&self, message: &SpaceGoing) -> Result<bool, ApiError> {
        self.call("/going", message).await
    }

    /// `/recount-going` (staff space): counts every workshop again and sends the counts on.
    pub(crate) async fn recount_going(&self) -> Result<bool, ApiError> {
        self.call("/recount-going", &()).await
    }

    /// `/cut-live` (test hooks): closes the live sockets and refuses new ones for a minute; the
    /// object's answer as JSON text.
    pub(crate) async fn cut_live(&self) -> Result<String, ApiError> {
        self.call_text("/cut-live", &()).await
    }

    /// `/live`: hands a WebSocket upgrade for `actor` to the object (who listens travels in the
    /// `x-imp-live` header); its answer, the socket's `101`, goes back to the browser as it is.
    pub(crate) async fn live(&self, actor: Actor) -> Result<Response, ApiError> {
        let stub = self.stub()?;
        let listener = serde_json::to_string(&SpaceLive {
            actor,
            space: self.space.clone(),
        })
        .map_err(|error| ApiError::Internal(format!("could not encode: {error}")))?;
        let headers = worker::Headers::new();
        headers.set("upgrade", "websocket")?;
        headers.set("x-imp-live", &listener)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Get).with_headers(headers);
        let inner = Request::new_with_init("https://space/live", &init)?;
        stub.fetch_with_request(inner)
            .await
            .map_err(|error| ApiError::Storage(format!("the space did not answer: {error}")))
    }

    /// The stub of this space's object.
    fn stub(&self) -> Result<Stub, ApiError> {
        let namespace = self.env.durable_object("SPACES").map_err(|error| {
            ApiError::Internal(format!("the SPACES binding is missing: {error}"))
        })?;
        Ok(namespace
            .id_from_name(&self.space.to_string())?
            .get_stub()?)
    }

    /// Sends a JSON message to the object and reads its JSON answer.
    async fn call<T: Serialize, R: DeserializeOwned>(
        &self,
        route: &str,
        message: &T,
    ) -> Result<R, ApiError> {
        let text = self.call_text(route, message).await?;
        serde_json::from_str(&text)
            .map_err(|error| ApiError::Internal(format!("bad answer from the space: {error}")))
    }

    /// Sends a JSON message to the object; its successful answer as JSON text.
    async fn call_text<T: Serialize>(&self, route: &str, message: &T) -> Result<String, ApiError> {
        let stub = self.stub()?;
        let body = serde_json::to_string(message)
            .map_err(|error| ApiError::Internal(format!("could not encode: {error}")))?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_body(Some(JsValue::from_str(&body)));
        let inner = Request::new_with_init(&format!("https://space{route}"), &init)?;
        let mut response = stub
            .fetch_with_request(inner)
            .await
            .map_err(|error| ApiError::Storage(format!("the space did not answer: {error}")))?;
        let status = response.status_code();
        let retry_after = response
            .headers()
            .get("retry-after")
            .ok()
            .flatten()
            .and_then(|value| value.parse::<u64>().ok());
        let text = response.text().await?;
        if status == 200 {
            Ok(text)
        } else {
            let body: ApiErrorBody = serde_json::from_str(&text).unwrap_or(ApiErrorBody {
                error: "internal".to_owned(),
                message: text,
            });
            Err(match (ApiError::from_parts(status, body), retry_after) {
                (ApiError::RateLimited { message, .. }, Some(retry_after)) => {
                    ApiError::RateLimited {
                        message,
                        retry_after,
                    }
                }
                (error, _) => error,
            })
        }
    }
}

/// Pushes mutations the server itself makes on someone's behalf (the demo seed, an invite's
/// records) through the normal push path, numbered from seq 1 for `client_id` so a retry is
/// skipped by `last_seq`; writes the student's summary when a student space changed.
pub(crate) async fn push_trusted(
    env: &Env,
    actor: &Actor,
    space: &SpaceId,
    client_id: ClientId,
    mutations: Vec<Mutation>,
) -> Result<SpacePushReply, ApiError> {
    let message = SpacePush {
        actor: actor.clone(),
        space: space.clone(),
        client_id,
        items: mutations
            .into_iter()
            .zip(1u64..)
            .map(|(mutation, seq)| {
                PushItem::Ready(PendingMutation {
                    seq: MutationSeq(seq),
                    mutation,
                })
            })
            .collect(),
        fault: None,
        related: RelatedRecords::default(),
        summary_inline: true,
    };
    let reply = SpaceClient::new(env, space.clone()).push(&message).await?;
    if let Some(summary) = reply.summary.clone() {
        write_summary(env, space, summary).await?;
    }
    Ok(reply)
}

/// Writes a student's summary into the staff space (nothing for any other space).
pub(crate) async fn write_summary(
    env: &Env,
    space: &SpaceId,
    summary: Entity,
) -> Result<(), ApiError> {
    let SpaceId::Student(student) = space else {
        return Ok(());
    };
    let message = SpaceDerive {
        key: RecordKey {
            kind: RecordKind::StudentSummary,
            id: RecordId(student.to_string()),
        },
        record: summary,
    };
    let _wrote = SpaceClient::staff(env).derive(&message).await?;
    Ok(())
}
