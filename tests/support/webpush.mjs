// The receiving side of Web Push, written independently of the Worker with Node's `crypto` only:
// a device's subscription keys and the decryption of what the Worker sends (RFC 8291 message
// encryption over RFC 8188 aes128gcm), the check of the Worker's VAPID credentials (RFC 8292:
// an ES256 JWT and the key that signed it), and a local push service that records every request
// and answers each path with a status a test chooses.
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHmac,
  createPublicKey,
  randomBytes,
  verify as verifySignature,
} from "node:crypto";
import { createServer } from "node:http";

/** The length of an uncompressed P-256 point (0x04 || x || y). */
export const POINT_BYTES = 65;
/** The length of a subscription's authentication secret. */
export const AUTH_BYTES = 16;
/** The RFC 8188 header before the key id: salt(16) | rs(4) | idlen(1). */
const HEADER_FIXED = 16 + 4 + 1;
const TAG_BYTES = 16;
/** A record must hold at least the tag and the padding delimiter (RFC 8188 §2). */
const MIN_RECORD_SIZE = TAG_BYTES + 2;

/** Bytes as base64url without padding. */
export function b64url(bytes) {
  return Buffer.from(bytes).toString("base64url");
}

/** base64url text (no padding, `-` and `_`) as bytes; anything else throws, unlike Buffer's
 *  lenient decoder, which skips characters it does not know. */
export function fromB64url(text, what = "value") {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new Error(`${what} is not base64url without padding: ${JSON.stringify(text)}`);
  }
  return Buffer.from(text, "base64url");
}

function hmac(key, ...data) {
  const mac = createHmac("sha256", key);
  for (const part of data) mac.update(part);
  return mac.digest();
}

/** RFC 8291 §3.4 and RFC 8188 §2.2: every key the message's encryption goes through, from the
 *  ECDH secret, the auth secret, both public keys and the record's salt. HKDF's expand steps are
 *  one HMAC each (all outputs are at most 32 octets), written out so each intermediate can be
 *  compared with RFC 8291 Appendix A. */
export function deriveKeys({ ecdhSecret, auth, uaPublic, asPublic, salt }) {
  // HKDF-Extract(salt=auth_secret, IKM=ecdh_secret)
  const prkKey = hmac(auth, ecdhSecret);
  // key_info = "WebPush: info" || 0x00 || ua_public || as_public
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0", "latin1"), uaPublic, asPublic]);
  // HKDF-Expand(PRK_key, key_info, L_key=32)
  const ikm = hmac(prkKey, keyInfo, Buffer.from([1]));
  // HKDF-Extract(salt, IKM)
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0", "latin1"), Buffer.from([1])).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0", "latin1"), Buffer.from([1])).subarray(0, 12);
  return { ecdhSecret, prkKey, keyInfo, ikm, prk, cek, nonce };
}

/** The public point of a P-256 private key (32 bytes), checked against `publicKey` if given. */
function keyPair(privateKey, publicKey) {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(privateKey);
  const derived = ecdh.getPublicKey();
  if (publicKey && !derived.equals(publicKey)) {
    throw new Error("the public key given does not belong to the private key given");
  }
  return { ecdh, publicKey: derived };
}

/** Reads an RFC 8188 aes128gcm header: `{ salt, rs, keyId, records }` (`records`: the rest). */
export function parseHeader(body) {
  const bytes = Buffer.from(body);
  if (bytes.length < HEADER_FIXED) throw new Error(`body of ${bytes.length} octets is shorter than the aes128gcm header`);
  const salt = bytes.subarray(0, 16);
  const rs = bytes.readUInt32BE(16);
  const idlen = bytes[20];
  if (bytes.length < HEADER_FIXED + idlen) throw new Error(`body ends inside the key id (idlen ${idlen})`);
  const keyId = bytes.subarray(HEADER_FIXED, HEADER_FIXED + idlen);
  return { salt, rs, idlen, keyId, records: bytes.subarray(HEADER_FIXED + idlen) };
}

/**
 * Undoes RFC 8291 message encryption: `body` is what the push service received (RFC 8188
 * header, then one record). `privateKey` (32 bytes) and `auth` (16 bytes) are the device's;
 * `publicKey` (its 65-byte point) is derived from the private key when left out.
 * Returns `{ plaintext, salt, rs, asPublic, keys }`; throws with the reason when the body is not
 * one well-formed record for this device (wrong key id length, more than one record, a failed
 * authentication tag, a missing or wrong padding delimiter).
 */
export function decryptRecord(body, { privateKey, publicKey, auth }) {
  const device = keyPair(Buffer.from(privateKey), publicKey && Buffer.from(publicKey));
  const authSecret = Buffer.from(auth);
  if (authSecret.length !== AUTH_BYTES) throw new Error(`auth secret must be ${AUTH_BYTES} octets, not ${authSecret.length}`);
  const { salt, rs, idlen, keyId, records } = parseHeader(body);
  // RFC 8291 §4: the key id is the application server's public key, an uncompressed point.
  if (idlen !== POINT_BYTES) throw new Error(`idlen must be ${POINT_BYTES} (the sender's uncompressed point), not ${idlen}`);
  if (keyId[0] !== 0x04) throw new Error("the key id is not an uncompressed point (first octet not 0x04)");
  if (rs < MIN_RECORD_SIZE) throw new Error(`record size ${rs} is below the minimum ${MIN_RECORD_SIZE}`);
  // RFC 8291 §4: a push message is a single record, so everything after the header fits in rs.
  if (records.length > rs) throw new Error(`${records.length} octets after the header exceed rs ${rs}: more than one record`);
  if (records.length < TAG_BYTES + 1) throw new Error(`a record of ${records.length} octets cannot hold the tag and the delimiter`);
  let ecdhSecret;
  try {
    ecdhSecret = device.ecdh.computeSecret(keyId);
  } catch (error) {
    throw new Error(`the sender's key is not a P-256 point: ${error.message}`);
  }
  const keys = deriveKeys({ ecdhSecret, auth: authSecret, uaPublic: device.publicKey, asPublic: keyId, salt });
  const decipher = createDecipheriv("aes-128-gcm", keys.cek, keys.nonce);
  decipher.setAuthTag(records.subarray(records.length - TAG_BYTES));
  let padded;
  try {
    padded = Buffer.concat([decipher.update(records.subarray(0, records.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new Error("the record does not authenticate (wrong keys, or the body was changed)");
  }
  // RFC 8188 §2: data || delimiter || 0x00*; the last (here: only) record's delimiter is 0x02.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (end < 0) throw new Error("the record holds no padding delimiter (all zeros)");
  if (padded[end] === 0x01) throw new Error("padding delimiter 0x01 says another record follows, but this is the only one");
  if (padded[end] !== 0x02) throw new Error(`padding delimiter must be 0x02 (last record), not 0x${padded[end].toString(16).padStart(2, "0")}`);
  return { plaintext: padded.subarray(0, end), salt, rs, asPublic: keyId, keys };
}

/** The plaintext of `body` for the device with `privateKey` and `auth` (see `decryptRecord`). */
export function decrypt(body, device) {
  return decryptRecord(body, device).plaintext;
}

/**
 * RFC 8291 encryption (the sending side), for tests of the decryption: with `asPrivateKey` and
 * `salt` given it is deterministic (RFC 8291 Appendix A). `delimiter` and `padding` let a test
 * build a malformed record on purpose.
 */
export function encrypt(plaintext, { p256dh, auth, asPrivateKey, salt = randomBytes(16), rs = 4096, delimiter = 0x02, padding = 0 }) {
  const sender = createECDH("prime256v1");
  if (asPrivateKey) sender.setPrivateKey(Buffer.from(asPrivateKey));
  else sender.generateKeys();
  const asPublic = sender.getPublicKey();
  const uaPublic = Buffer.from(p256dh);
  const keys = deriveKeys({ ecdhSecret: sender.computeSecret(uaPublic), auth: Buffer.from(auth), uaPublic, asPublic, salt: Buffer.from(salt) });
  const cipher = createCipheriv("aes-128-gcm", keys.cek, keys.nonce);
  const record = Buffer.concat([
    cipher.update(Buffer.concat([Buffer.from(plaintext), Buffer.from([delimiter]), Buffer.alloc(padding)])),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  const header = Buffer.alloc(HEADER_FIXED);
  Buffer.from(salt).copy(header, 0);
  header.writeUInt32BE(rs, 16);
  header[20] = asPublic.length;
  return Buffer.concat([header, asPublic, record]);
}

/**
 * A new device: a P-256 key pair and 16 random auth bytes. `p256dh` and `auth` are what a
 * browser's `PushSubscription.toJSON().keys` holds; `decrypt(body)` opens what was sent to it and
 * `decryptJson(body)` parses the plaintext as JSON.
 */
export function newSubscriptionKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const device = { privateKey: ecdh.getPrivateKey(), publicKey: ecdh.getPublicKey(), auth: randomBytes(AUTH_BYTES) };
  return {
    p256dh: b64url(device.publicKey),
    auth: b64url(device.auth),
    device,
    decrypt: (body) => decrypt(body, device),
    decryptJson: (body) => JSON.parse(decrypt(body, device).toString("utf8")),
  };
}

/** Seconds since the epoch of `now` (a Date, milliseconds, or a date string). */
function epochSeconds(now) {
  const ms = now instanceof Date ? now.getTime() : typeof now === "string" ? Date.parse(now) : now;
  if (!Number.isFinite(ms)) throw new Error(`not an instant: ${now}`);
  return Math.floor(ms / 1000);
}

/** The parameters of an `Authorization: vapid t=…, k=…` header (RFC 8292 §3). */
export function parseVapidHeader(header) {
  if (typeof header !== "string") throw new Error("no Authorization header");
  const match = /^vapid\s+(.+)$/is.exec(header.trim());
  if (!match) throw new Error(`Authorization is not of the vapid scheme: ${header.slice(0, 40)}`);
  const params = {};
  for (const part of match[1].split(",")) {
    const pair = /^\s*([A-Za-z]+)\s*=\s*"?([^"\s]*)"?\s*$/.exec(part);
    if (!pair) throw new Error(`malformed vapid parameter: ${JSON.stringify(part)}`);
    const name = pair[1].toLowerCase();
    if (name in params) throw new Error(`vapid parameter ${name} given twice`);
    params[name] = pair[2];
  }
  if (!params.t) throw new Error("vapid header has no t (the JWT)");
  if (!params.k) throw new Error("vapid header has no k (the public key)");
  return { t: params.t, k: params.k };
}

/** A P-256 public key object from an uncompressed point (base64url), through a JWK. */
export function publicKeyFromPoint(pointB64) {
  const point = fromB64url(pointB64, "the public key");
  if (point.length !== POINT_BYTES || point[0] !== 0x04) {
    throw new Error(`the public key must be an uncompressed P-256 point of ${POINT_BYTES} octets, got ${point.length}`);
  }
  return createPublicKey({
    key: { kty: "EC", crv: "P-256", x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) },
    format: "jwk",
  });
}

/**
 * Checks the Worker's VAPID credentials for a push to `endpoint` at the instant `now`: the
 * header's form, the JWT's header (`typ` JWT, `alg` ES256), its ES256 signature by the key in
 * `k` (raw r || s, 64 octets), `aud` = the endpoint's origin, `exp` after `now` and at most 24 h
 * after it, and `sub` a `mailto:` address. Returns `{ header, claims, k }`; throws with what is
 * wrong.
 */
export function verifyVapid(authorization, endpoint, now) {
  const { t, k } = parseVapidHeader(authorization);
  const parts = t.split(".");
  if (parts.length !== 3) throw new Error(`the JWT has ${parts.length} parts, not 3`);
  const [headerB64, claimsB64, signatureB64] = parts;
  let header;
  let claims;
  try {
    header = JSON.parse(fromB64url(headerB64, "the JWT header").toString("utf8"));
    claims = JSON.parse(fromB64url(claimsB64, "the JWT claims").toString("utf8"));
  } catch (error) {
    throw new Error(`the JWT is not base64url JSON: ${error.message}`);
  }
  if (header.alg !== "ES256") throw new Error(`JWT alg must be ES256, not ${JSON.stringify(header.alg)}`);
  if (header.typ !== "JWT") throw new Error(`JWT typ must be JWT, not ${JSON.stringify(header.typ)}`);
  const signature = fromB64url(signatureB64, "the JWT signature");
  if (signature.length !== 64) throw new Error(`an ES256 JWT signature is r || s, 64 octets, not ${signature.length}`);
  const key = publicKeyFromPoint(k);
  const signed = verifySignature("sha256", Buffer.from(`${headerB64}.${claimsB64}`, "latin1"), { key, dsaEncoding: "ieee-p1363" }, signature);
  if (!signed) throw new Error("the JWT's signature does not verify under the key in k");
  const audience = new URL(endpoint).origin;
  if (claims.aud !== audience) throw new Error(`JWT aud must be the endpoint's origin ${audience}, not ${JSON.stringify(claims.aud)}`);
  const at = epochSeconds(now);
  if (!Number.isInteger(claims.exp)) throw new Error(`JWT exp must be an integer (seconds), not ${JSON.stringify(claims.exp)}`);
  if (claims.exp <= at) throw new Error(`JWT exp ${claims.exp} is not after now ${at}: expired`);
  if (claims.exp > at + 24 * 3600) throw new Error(`JWT exp ${claims.exp} is more than 24 h after now ${at}`);
  if (typeof claims.sub !== "string" || !/^mailto:[^\s@]+@[^\s@]+$/.test(claims.sub)) {
    throw new Error(`JWT sub must be a mailto: address, not ${JSON.stringify(claims.sub)}`);
  }
  return { header, claims, k };
}

/**
 * A push service on 127.0.0.1 at a free port. It records every request (`method`, `path`,
 * `headers`, `body` as a Buffer) and answers each path with the status set by
 * `answer(path, status)` (201 Created, as push services answer, unless set).
 */
export async function startPushService() {
  const received = [];
  const statuses = new Map();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const path = new URL(request.url, "http://127.0.0.1").pathname;
      received.push({ method: request.method, path, url: request.url, headers: request.headers, body: Buffer.concat(chunks) });
      const status = statuses.get(path) ?? 201;
      response.writeHead(status, { "content-length": "0" });
      response.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    /** The absolute URL of `path` (an endpoint for a subscription). */
    url: (path) => `${origin}${path}`,
    /** From now on, requests to `path` are answered with `status`. */
    answer: (path, status) => { statuses.set(path, status); },
    /** The requests received so far, to `path` or to any path. */
    requests: (path) => received.filter((request) => path === undefined || request.path === path),
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
