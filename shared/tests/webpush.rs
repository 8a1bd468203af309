//! Web Push's cryptography on the RFCs' own examples (RFC 8291 §5 / Appendix A), and the VAPID
//! token's shape. The Worker tests also decrypt what the running Worker sends with Node's own
//! crypto (`tests/worker/push.test.mjs`).

use imp_shared::webpush::{
    b64url, encrypt, from_b64url, public_key, vapid_authorization, vapid_token, PushCryptoError,
    MAX_PLAINTEXT,
};

const PLAINTEXT: &str = "When I grow up, I want to be a watermelon";
const UA_PUBLIC: &str =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const AS_PUBLIC: &str =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
const BODY: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

fn bytes(text: &str) -> Vec<u8> {
    from_b64url(text).unwrap_or_default()
}

fn salt() -> [u8; 16] {
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&bytes(SALT));
    salt
}

#[test]
fn encrypts_the_rfc_8291_example_to_the_byte() {
    let body = encrypt(
        PLAINTEXT.as_bytes(),
        &bytes(UA_PUBLIC),
        &bytes(AUTH),
        &bytes(AS_PRIVATE),
        &salt(),
    );
    assert_eq!(body.map(|body| b64url(&body)), Ok(BODY.to_owned()));
}

#[test]
fn the_senders_public_key_is_derived_from_its_private_key() {
    assert_eq!(
        public_key(&bytes(AS_PRIVATE)).map(|key| b64url(&key)),
        Ok(AS_PUBLIC.to_owned())
    );
}

#[test]
fn bad_keys_and_long_payloads_are_refused() {
    let private = bytes(AS_PRIVATE);
    let ua = bytes(UA_PUBLIC);
    let mut off_curve = ua.clone();
    off_curve[64] ^= 1;
    assert_eq!(
        encrypt(b"x", &off_curve, &bytes(AUTH), &private, &salt()),
        Err(PushCryptoError::DeviceKey)
    );
    assert_eq!(
        encrypt(b"x", &ua, &[0u8; 15], &private, &salt()),
        Err(PushCryptoError::AuthSecret)
    );
    assert_eq!(
        encrypt(b"x", &ua, &bytes(AUTH), &[0u8; 32], &salt()),
        Err(PushCryptoError::PrivateKey)
    );
    let long = vec![b'a'; MAX_PLAINTEXT + 1];
    assert_eq!(
        encrypt(&long, &ua, &bytes(AUTH), &private, &salt()),
        Err(PushCryptoError::TooLong)
    );
    let longest = vec![b'a'; MAX_PLAINTEXT];
    let body = encrypt(&longest, &ua, &bytes(AUTH), &private, &salt()).unwrap_or_default();
    assert_eq!(
        body.len(),
        4096,
        "the longest payload fills one 4096-byte message"
    );
}

#[test]
fn a_vapid_token_names_audience_expiry_and_subject() {
    let private = bytes(AS_PRIVATE);
    let token = vapid_token(
        &private,
        "https://fcm.googleapis.com",
        1_900_000_000,
        "mailto:a@b.c",
    )
    .unwrap_or_default();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(bytes(parts[0]), br#"{"typ":"JWT","alg":"ES256"}"#.to_vec());
    let claims: serde_json::Value =
        serde_json::from_slice(&bytes(parts[1])).unwrap_or(serde_json::Value::Null);
    assert_eq!(
        claims,
        serde_json::json!({ "aud": "https://fcm.googleapis.com", "exp": 1_900_000_000, "sub": "mailto:a@b.c" })
    );
    assert_eq!(bytes(parts[2]).len(), 64, "ES256 signatures are r || s");
    assert_eq!(
        vapid_authorization(&token, &bytes(AS_PUBLIC)),
        format!("vapid t={token}, k={AS_PUBLIC}")
    );
}
