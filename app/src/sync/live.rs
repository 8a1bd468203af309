//! Live updates: one WebSocket per synced space to the space's Durable Object, held by the leader
//! tab only (one per browser profile). The object sends `{"type":"poke","version":N}` when the
//! space's version rises; a version newer than what this device holds starts a sync at once.
//! Polling stays as the fallback: while every socket is open it slows to
//! [`imp_shared::client::LIVE_PERIOD_MS`]; when one closes it is back to the normal period, and
//! the socket is opened again with backoff (docs/sync-protocol.md §8.2).

use std::collections::BTreeMap;

use serde::Deserialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use imp_shared::ids::SpaceId;

/// The subprotocol the Worker answers with; the token travels as a second one.
const PROTOCOL: &str = "imp-live";
/// The longest wait before opening a closed socket again.
const MAX_REOPEN_MS: u32 = 60_000;

/// What a socket says.
#[derive(Debug, Deserialize)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    version: u64,
}

/// One open (or opening) socket, with the handlers that must live as long as it.
struct Socket {
    ws: web_sys::WebSocket,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_close: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close();
    }
}

/// The sockets of this tab, and the versions this device holds per space.
#[derive(Default)]
pub struct Live {
    sockets: BTreeMap<SpaceId, Socket>,
    /// The cursor of each space after the last sync (a poke at or below it is old news).
    known: BTreeMap<SpaceId, u64>,
    /// Sockets closed in a row without a message in between (for the reopen backoff).
    failures: u32,
}

/// What a socket event asks the engine to do.
pub enum Event {
    /// A newer version exists: sync now.
    Newer,
    /// The socket closed: poll on the normal period and open it again after `reopen_ms`.
    Closed { reopen_ms: u32 },
}

impl Live {
    /// Whether every space in `spaces` has an open socket (polling may slow down).
    pub fn healthy(&self, spaces: &[SpaceId]) -> bool {
        !spaces.is_empty()
            && spaces.iter().all(|space| {
                self.sockets
                    .get(space)
                    .is_some_and(|socket| socket.ws.ready_state() == web_sys::WebSocket::OPEN)
            })
    }

    /// Notes the version a sync left a space at.
    pub fn synced(&mut self, space: &SpaceId, version: u64) {
        self.known.insert(space.clone(), version);
    }

    /// Closes every socket (sign-out, or this tab is not the one that syncs).
    pub fn close_all(&mut self) {
        self.sockets.clear();
        self.known.clear();
    }

    /// The spaces in `spaces` without a socket; sockets of other spaces are closed.
    pub fn missing(&mut self, spaces: &[SpaceId]) -> Vec<SpaceId> {
        self.sockets.retain(|space, _| spaces.contains(space));
        spaces
            .iter()
            .filter(|space| !self.sockets.contains_key(space))
            .cloned()
            .collect()
    }

    /// Opens a socket for `space`; `on_event` hears what it says.
    pub fn open(
        &mut self,
        space: &SpaceId,
        token: &str,
        on_event: impl Fn(Event) + Clone + 'static,
        live: impl Fn() -> std::rc::Rc<std::cell::RefCell<Live>> + Clone + 'static,
    ) {
        let Some(url) = live_url(space) else {
            return;
        };
        let protocols = js_sys::Array::of2(
            &JsValue::from_str(PROTOCOL),
            &JsValue::from_str(&format!("imp-token.{token}")),
        );
        let Ok(ws) = web_sys::WebSocket::new_with_str_sequence(&url, &protocols) else {
            return;
        };
        let on_message = {
            let space = space.clone();
            let on_event = on_event.clone();
            let live = live.clone();
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let Some(message) = event
                    .data()
                    .as_string()
                    .and_then(|text| serde_json::from_str::<Message>(&text).ok())
                else {
                    return;
                };
                if message.kind != "poke" {
                    return;
                }
                let newer = {
                    let cell = live();
                    let mut live = cell.borrow_mut();
                    live.failures = 0;
                    live.known
                        .get(&space)
                        .is_none_or(|known| message.version > *known)
                };
                if newer {
                    on_event(Event::Newer);
                }
            })
        };
        let on_close = {
            let space = space.clone();
            let ws = ws.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_event: web_sys::Event| {
                let reopen_ms = {
                    let cell = live();
                    let mut live = cell.borrow_mut();
                    // Only this socket's own entry goes (a newer one may have replaced it).
                    if live
                        .sockets
                        .get(&space)
                        .is_some_and(|socket| socket.ws == ws)
                    {
                        if let Some(socket) = live.sockets.remove(&space) {
                            // This handler is running: the socket (and it) go once it returns.
                            wasm_bindgen_futures::spawn_local(async move { drop(socket) });
                        }
                    }
                    live.failures = live.failures.saturating_add(1);
                    reopen_delay(live.failures)
                };
                on_event(Event::Closed { reopen_ms });
            })
        };
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.sockets.insert(
            space.clone(),
            Socket {
                ws,
                _on_message: on_message,
                _on_close: on_close,
            },
        );
    }
}

/// 1 s after the first close, doubling, at most a minute.
fn reopen_delay(failures: u32) -> u32 {
    let doublings = failures.saturating_sub(1).min(6);
    (1000u32 << doublings).min(MAX_REOPEN_MS)
}

/// `ws(s)://<this origin>/api/v1/spaces/<space>/live`.
fn live_url(space: &SpaceId) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = match location.protocol().ok()?.as_str() {
        "https:" => "wss:",
        _ => "ws:",
    };
    let host = location.host().ok()?;
    Some(format!(
        "{scheme}//{host}/api/v1/spaces/{}/live",
        space.to_string().replace(':', "%3A")
    ))
}
