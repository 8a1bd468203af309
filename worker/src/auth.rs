//! Password hashing (PBKDF2-SHA256, salted, constant-time comparison) and random tokens.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::ApiError;

/// PBKDF2 rounds for new password hashes.
pub const PBKDF2_ROUNDS: u32 = 100_000;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

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
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = random_hex(16)?;
    Ok(hash_with(password, &salt, PBKDF2_ROUNDS))
}

fn hash_with(password: &str, salt: &str, rounds: u32) -> String {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt.as_bytes(), rounds, &mut out);
    format!("pbkdf2-sha256${rounds}${salt}${}", hex::encode(out))
}

/// Checks a password against a stored hash, in constant time over the hash bytes.
pub fn verify_password(password: &str, stored: &str) -> bool {
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
    let candidate = hash_with(password, salt, rounds);
    candidate.as_bytes().ct_eq(stored.as_bytes()).into()
}

/// Checks a new password's shape.
pub fn check_new_password(password: &str) -> Result<(), ApiError> {
    let n_chars = password.chars().count();
    if n_chars < MIN_PASSWORD_CHARS {
        return Err(ApiError::BadRequest(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if n_chars > 200 {
        return Err(ApiError::BadRequest(
            "the password must have at most 200 characters".to_owned(),
        ));
    }
    Ok(())
}
