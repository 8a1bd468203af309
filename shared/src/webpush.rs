//! Web Push's cryptography, pure so it is tested natively on the RFCs' own examples: message
//! encryption (RFC 8291, `aes128gcm` content coding of RFC 8188) and the VAPID token (RFC 8292,
//! an ES256 JWT). The randomness (the sender's one-time key, the salt) comes in as arguments;
//! the Worker draws it from the runtime's CSPRNG. Built with the `webpush` feature (the Worker
//! turns it on; the app does not carry it).

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hkdf::Hkdf;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::Sha256;

/// The record size written in the header (one record holds the whole message).
pub const RECORD_SIZE: u32 = 4096;
/// The most plaintext one message may carry: 4096 bytes of body minus the header (86), the
/// authentication tag (16) and the padding delimiter (1).
pub const MAX_PLAINTEXT: usize = 3993;

/// Why a message could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushCryptoError {
    /// The device's key is not a P-256 point.
    #[error("the subscription's p256dh is not a P-256 public key")]
    DeviceKey,
    /// The device's auth secret is not 16 bytes.
    #[error("the subscription's auth secret is not 16 bytes")]
    AuthSecret,
    /// A private key (ours) is not a valid P-256 scalar.
    #[error("not a P-256 private key")]
    PrivateKey,
    /// The payload is over [`MAX_PLAINTEXT`].
    #[error("payload too long for one push message")]
    TooLong,
    /// The cipher refused (cannot happen with valid lengths).
    #[error("encryption failed")]
    Cipher,
}

/// base64url without padding, as Web Push writes keys and tokens.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Reads base64url, with or without padding.
pub fn from_b64url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

/// The uncompressed public point (65 bytes) of a private key.
pub fn public_key(private: &[u8]) -> Result<Vec<u8>, PushCryptoError> {
    let secret = SecretKey::from_slice(private).map_err(|_| PushCryptoError::PrivateKey)?;
    Ok(secret
        .public_key()
        .to_encoded_point(false)
        .as_bytes()
        .to_vec())
}

/// Whether 32 bytes make a usable private key (a random draw almost always does).
pub fn is_private_key(bytes: &[u8]) -> bool {
    bytes.len() == 32 && SecretKey::from_slice(bytes).is_ok()
}

fn hkdf(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) -> Result<(), PushCryptoError> {
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, out)
        .map_err(|_| PushCryptoError::Cipher)
}

/// Encrypts `payload` for a device (RFC 8291 §3.4): `device_key` its `p256dh` (65 bytes),
/// `auth` its secret (16 bytes), `sender_private` a one-time key of ours (32 bytes), `salt` 16
/// random bytes. The answer is the whole HTTP body: `salt | rs | idlen | keyid | ciphertext`.
pub fn encrypt(
    payload: &[u8],
    device_key: &[u8],
    auth: &[u8],
    sender_private: &[u8],
    salt: &[u8; 16],
) -> Result<Vec<u8>, PushCryptoError> {
    if payload.len() > MAX_PLAINTEXT {
        return Err(PushCryptoError::TooLong);
    }
    if auth.len() != 16 {
        return Err(PushCryptoError::AuthSecret);
    }
    let device = PublicKey::from_sec1_bytes(device_key).map_err(|_| PushCryptoError::DeviceKey)?;
    let device_bytes = device.to_encoded_point(false);
    let sender = SecretKey::from_slice(sender_private).map_err(|_| PushCryptoError::PrivateKey)?;
    let sender_public = sender.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(sender.to_nonzero_scalar(), device.as_affine());

    // IKM = HKDF(auth, ecdh, "WebPush: info" 0x00 ua_public as_public, 32)
    let mut key_info = Vec::with_capacity(14 + 130);
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(device_bytes.as_bytes());
    key_info.extend_from_slice(sender_public.as_bytes());
    let mut ikm = [0u8; 32];
    hkdf(auth, shared.raw_secret_bytes(), &key_info, &mut ikm)?;

    let mut cek = [0u8; 16];
    hkdf(salt, &ikm, b"Content-Encoding: aes128gcm\0", &mut cek)?;
    let mut nonce = [0u8; 12];
    hkdf(salt, &ikm, b"Content-Encoding: nonce\0", &mut nonce)?;

    // One record, the last: the payload then the delimiter 0x02 (no padding).
    let mut plaintext = Vec::with_capacity(payload.len() + 1);
    plaintext.extend_from_slice(payload);
    plaintext.push(2);
    let cipher = Aes128Gcm::new_from_slice(&cek).map_err(|_| PushCryptoError::Cipher)?;
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), plaintext.as_slice())
        .map_err(|_| PushCryptoError::Cipher)?;

    let mut body = Vec::with_capacity(86 + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(65);
    body.extend_from_slice(sender_public.as_bytes());
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// A VAPID token (RFC 8292 §2): an ES256 JWT for `audience` (the push service's origin),
/// expiring at `expires` (seconds since 1970, at most a day ahead), naming who sends
/// (`subject`, a `mailto:` or `https:` URL).
pub fn vapid_token(
    private: &[u8],
    audience: &str,
    expires: i64,
    subject: &str,
) -> Result<String, PushCryptoError> {
    let secret = SecretKey::from_slice(private).map_err(|_| PushCryptoError::PrivateKey)?;
    let header = b64url(br#"{"typ":"JWT","alg":"ES256"}"#);
    let claims = serde_json::json!({ "aud": audience, "exp": expires, "sub": subject });
    let claims = b64url(claims.to_string().as_bytes());
    let signing_input = format!("{header}.{claims}");
    let signature: Signature = SigningKey::from(&secret).sign(signing_input.as_bytes());
    Ok(format!("{signing_input}.{}", b64url(&signature.to_bytes())))
}

/// The `Authorization` header of a push request: `vapid t=<token>, k=<public key>`.
pub fn vapid_authorization(token: &str, public_key: &[u8]) -> String {
    format!("vapid t={token}, k={}", b64url(public_key))
}
