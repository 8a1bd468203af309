//! Password hashing (PBKDF2-SHA256, salted, constant-time comparison) and random tokens.
//!
//! PBKDF2 runs in the runtime's WebCrypto (`crypto.subtle.deriveBits`), natively, instead of in
//! WASM; the stored format `pbkdf2-sha256$rounds$salt$hash` is unchanged, so hashes made before
//! verify as they did. WebCrypto in Workers takes at most 100,000 rounds; a stored hash with more
//! (none is made) is checked by the Rust implementation.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::error::ApiError;

/// PBKDF2 rounds for new password hashes.
pub const PBKDF2_ROUNDS: u32 = 100_000;
/// The most rounds the runtime's WebCrypto PBKDF2 accepts.
const WEBCRYPTO_MAX_ROUNDS: u32 = 100_000;
/// What a sign-in for an account without a password is checked against, so that it costs as much
/// as a wrong password (no password hashes to this).
pub const DUMMY_HASH: &str = "pbkdf2-sha256$100000$00000000000000000000000000000000$7926f84abf4e8f7978033766e8c75f6df9abb1fc7195eb7352cf031f8da2d674";
/// Shortest password accepted (`check_new_password`; `GET /api/v1/auth/invite` tells it).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (`check_new_password`; `GET /api/v1/auth/invite` tells it).
pub const MAX_PASSWORD_CHARS: usize = 200;

/// `n` random bytes from the platform's CSPRNG, as hex.
pub fn random_hex(n_bytes: usize) -> Result<String, ApiError> {
    let mut bytes = vec![0u8; n_bytes];
    getrandom::getrandom(&mut bytes)
        .map_err(|error| ApiError::Internal(format!("no randomness: {error}")))?;
    Ok(hex::encode(bytes))
}

/// A new session token: 256 random bits.
pub fn new_token() -> Result<String, ApiError> {
    random_hex(32)
}

/// What the database keeps of a token or code: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Hashes a password as `pbkdf2-sha256$rounds$salt$hash`.
pub async fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = random_hex(16)?;
    hash_with(password, &salt, PBKDF2_ROUNDS).await
}

async fn hash_with(password: &str, salt: &str, rounds: u32) -> Result<String, ApiError> {
    let derived = if rounds <= WEBCRYPTO_MAX_ROUNDS {
        webcrypto_pbkdf2(password, salt, rounds)
            .await
            .map_err(|error| ApiError::Internal(format!("WebCrypto PBKDF2 failed: {error:?}")))?
    } else {
        let mut out = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt.as_bytes(), rounds, &mut out);
        out.to_vec()
    };
    Ok(format!(
        "pbkdf2-sha256${rounds}${salt}${}",
        hex::encode(derived)
    ))
}

/// Calls `object[name](...args)` and awaits the promise it returns.
async fn call_async(object: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(object, &JsValue::from_str(name))?.dyn_into()?;
    let promise: Promise = function
        .apply(object, &args.iter().collect::<Array>())?
        .dyn_into()?;
    JsFuture::from(promise).await
}

/// PBKDF2-HMAC-SHA256 of the password with the salt's UTF-8 bytes, 32 bytes, by WebCrypto.
async fn webcrypto_pbkdf2(password: &str, salt: &str, rounds: u32) -> Result<Vec<u8>, JsValue> {
    let subtle = Reflect::get(
        &Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))?,
        &JsValue::from_str("subtle"),
    )?;
    let usages: Array = [JsValue::from_str("deriveBits")].into_iter().collect();
    let key = call_async(
        &subtle,
        "importKey",
        &[
            JsValue::from_str("raw"),
            Uint8Array::from(password.as_bytes()).into(),
            JsValue::from_str("PBKDF2"),
            JsValue::FALSE,
            usages.into(),
        ],
    )
    .await?;
    let params = Object::new();
    Reflect::set(&params, &"name".into(), &"PBKDF2".into())?;
    Reflect::set(&params, &"hash".into(), &"SHA-256".into())?;
    Reflect::set(&params, &"salt".into(), &Uint8Array::from(salt.as_bytes()))?;
    Reflect::set(&params, &"iterations".into(), &JsValue::from(rounds))?;
    let bits = call_async(
        &subtle,
        "deriveBits",
        &[params.into(), key, JsValue::from(256u32)],
    )
    .await?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// Checks a password against a stored hash, in constant time over the hash bytes.
pub async fn verify_password(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("pbkdf2-sha256"), Some(rounds), Some(salt), Some(_), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let Ok(rounds) = rounds.parse::<u32>() else {
        return false;
    };
    if !(1..=1_000_000).contains(&rounds) {
        return false;
    }
    match hash_with(password, salt, rounds).await {
        Ok(candidate) => candidate.as_bytes().ct_eq(stored.as_bytes()).into(),
        Err(error) => {
            worker::console_error!("{error}");
            false
        }
    }
}

/// Checks a new password's shape.
pub fn check_new_password(password: &str) -> Result<(), ApiError> {
    let n_chars = password.chars().count();
    if n_chars < MIN_PASSWORD_CHARS {
        return Err(ApiError::BadRequest(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if n_chars > MAX_PASSWORD_CHARS {
        return Err(ApiError::BadRequest(format!(
            "the password must have at most {MAX_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}
