//! Client sync: the HTTP transport, the engine (outbox, push, pull, rebasing, triggers, one tab at
//! a time), and the hooks the UI reads through.

pub mod engine;
pub mod hooks;
pub mod live;
pub mod lock;
pub mod transport;
