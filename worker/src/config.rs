//! What a deployment's vars decide: whether the test hooks are on, and the numbers they may
//! change (how long a checked session is trusted, how many pushes a minute a user may send).

use worker::Env;

use imp_shared::cache::SESSION_CACHE_SECONDS;

use crate::directory;

/// Whether the test hooks (fault injection, short sessions) are switched on for this deployment.
pub(crate) fn test_hooks(env: &Env) -> bool {
    env.var("IMP_TEST_HOOKS")
        .map(|value| value.to_string() == "on")
        .unwrap_or(false)
}

/// How long a checked session is trusted without D1: [`SESSION_CACHE_SECONDS`], or with the
/// test hooks on the `IMP_TEST_SESSION_CACHE_SECONDS` var (the test of the bound shortens it).
pub(crate) fn session_cache_seconds(env: &Env) -> i64 {
    test_number(env, "IMP_TEST_SESSION_CACHE_SECONDS").unwrap_or(SESSION_CACHE_SECONDS)
}

/// Pushes a user may send into one space per minute (counted by the space's object):
/// [`directory::PUSHES_PER_MINUTE`], or with the test hooks on the `IMP_TEST_PUSH_LIMIT` var (the
/// push-limit test lowers it, the benchmark raises it).
pub(crate) fn push_limit(env: &Env) -> i64 {
    test_number(env, "IMP_TEST_PUSH_LIMIT").unwrap_or(directory::PUSHES_PER_MINUTE)
}

/// A whole-number var the test hooks may set (`None` with the hooks off, or when it is unset).
fn test_number(env: &Env, name: &str) -> Option<i64> {
    if !test_hooks(env) {
        return None;
    }
    env.var(name)
        .ok()
        .and_then(|value| value.to_string().parse::<i64>().ok())
}
