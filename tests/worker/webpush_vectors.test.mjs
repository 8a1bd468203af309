// The tests' own Web Push receiver (tests/support/webpush.mjs) against the published examples,
// so that when push.test.mjs decrypts and verifies what the Worker sent, a failure is the
// Worker's: RFC 8291 Appendix A (message encryption: keys, salt, every intermediate and the
// body, to "When I grow up, I want to be a watermelon") and RFC 8292 §2.4 (a VAPID header).
// No Worker is started.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createECDH, generateKeyPairSync, sign } from "node:crypto";

import {
  b64url,
  decrypt,
  decryptRecord,
  deriveKeys,
  encrypt,
  fromB64url,
  newSubscriptionKeys,
  parseHeader,
  startPushService,
  verifyVapid,
} from "../support/webpush.mjs";

/** RFC 8291 Appendix A, verbatim (base64url). */
const RFC8291 = {
  plaintext: "When I grow up, I want to be a watermelon",
  asPublic: "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
  asPrivate: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
  uaPublic: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  salt: "DGv6ra1nlYgDCS1FRnbzlw",
  auth: "BTBZMqHH6r4Tts7J_aSIgg",
  ecdhSecret: "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs",
  prkKey: "Snr3JMxaHVDXHWJn5wdC52WjpCtd2EIEGBykDcZW32k",
  keyInfo: "V2ViUHVzaDogaW5mbwAEJXGyvs3942BVGq8e0PTNNmwRzr5VX4m8t7GGpTM5FzFo7OLr4BhZe9MEebhuPI-OztV3"
    + "ylkYfpJGmQ22ggCLDgT-M_SrDepxkU21WCP3O1SUj0EwbZIHMtu5pZpTKGSCIA5Zent7wmC6HCJ5mFgJkuk5cwAv"
    + "MBKiiujwa7t45ewP",
  ikm: "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg",
  prk: "09_eUZGrsvxChDCGRCdkLiDXrReGOEVeSCdCcPBSJSc",
  cek: "oIhVW04MRdy2XN9CiKLxTg",
  nonce: "4h_95klXJ5E_qnoN",
  header: "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
  ciphertext: "8pfeW0KbunFT06SuDKoJH9Ql87S1QUrdirN6GcG7sFz1y1sqLgVi1VhjVkHsUoEsbI_0LpXMuGvnzQ",
  body: "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmY"
    + "WAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexS"
    + "gSxsj_Qulcy4a-fN",
};

/** RFC 8292 §2.4, verbatim: the example request's Authorization header (line wrapping removed). */
const RFC8292 = {
  endpoint: "https://push.example.net/p/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV",
  authorization: "vapid t=eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhhbXBsZS5uZXQiLCJleHAiOjE0NTM1MjM3NjgsInN1YiI6Im1haWx0bzpwdXNoQGV4YW1wbGUuY29tIn0.i3CYb7t4xfxCDquptFOepC9GAu_HLGkMlMuCGSK2rpiUfnK9ojFwDXb1JrErtmysazNjjvW2L9OkSSHzvoD1oA, k=BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs",
  exp: 1453523768,
};

const bytes = (text) => fromB64url(text);
const device = { privateKey: bytes(RFC8291.uaPrivate), auth: bytes(RFC8291.auth) };

describe("RFC 8291 Appendix A", () => {
  test("the example's keys are pairs, and the body is the header followed by the ciphertext", () => {
    const as = createECDH("prime256v1");
    as.setPrivateKey(bytes(RFC8291.asPrivate));
    assert.equal(b64url(as.getPublicKey()), RFC8291.asPublic);
    const ua = createECDH("prime256v1");
    ua.setPrivateKey(bytes(RFC8291.uaPrivate));
    assert.equal(b64url(ua.getPublicKey()), RFC8291.uaPublic);
    const body = bytes(RFC8291.body);
    assert.equal(body.length, 144);
    assert.deepEqual(body, Buffer.concat([bytes(RFC8291.header), bytes(RFC8291.ciphertext)]));
    const header = parseHeader(body);
    assert.equal(b64url(header.salt), RFC8291.salt);
    assert.equal(header.rs, 4096);
    assert.equal(header.idlen, 65);
    assert.equal(b64url(header.keyId), RFC8291.asPublic);
  });

  test("every intermediate value matches the appendix", () => {
    const ua = createECDH("prime256v1");
    ua.setPrivateKey(bytes(RFC8291.uaPrivate));
    const ecdhSecret = ua.computeSecret(bytes(RFC8291.asPublic));
    assert.equal(b64url(ecdhSecret), RFC8291.ecdhSecret);
    const keys = deriveKeys({
      ecdhSecret,
      auth: bytes(RFC8291.auth),
      uaPublic: bytes(RFC8291.uaPublic),
      asPublic: bytes(RFC8291.asPublic),
      salt: bytes(RFC8291.salt),
    });
    assert.equal(b64url(keys.prkKey), RFC8291.prkKey);
    assert.equal(b64url(keys.keyInfo), RFC8291.keyInfo);
    assert.equal(b64url(keys.ikm), RFC8291.ikm);
    assert.equal(b64url(keys.prk), RFC8291.prk);
    assert.equal(b64url(keys.cek), RFC8291.cek);
    assert.equal(b64url(keys.nonce), RFC8291.nonce);
  });

  test("the example's body decrypts to the watermelon, with the device's private key and auth", () => {
    const opened = decryptRecord(bytes(RFC8291.body), device);
    assert.equal(opened.plaintext.toString("utf8"), RFC8291.plaintext);
    assert.equal(b64url(opened.asPublic), RFC8291.asPublic);
    assert.equal(b64url(opened.keys.cek), RFC8291.cek);
    assert.equal(b64url(opened.keys.nonce), RFC8291.nonce);
    // The public key may be given too; a wrong one is refused.
    assert.equal(decrypt(bytes(RFC8291.body), { ...device, publicKey: bytes(RFC8291.uaPublic) }).toString(), RFC8291.plaintext);
    assert.throws(() => decrypt(bytes(RFC8291.body), { ...device, publicKey: bytes(RFC8291.asPublic) }), /does not belong/);
    process.stdout.write(`# RFC 8291 Appendix A decrypts to: ${JSON.stringify(opened.plaintext.toString("utf8"))}\n`);
  });

  test("encrypting with the example's sender key and salt gives the example's body, byte for byte", () => {
    const body = encrypt(Buffer.from(RFC8291.plaintext), {
      p256dh: bytes(RFC8291.uaPublic),
      auth: bytes(RFC8291.auth),
      asPrivateKey: bytes(RFC8291.asPrivate),
      salt: bytes(RFC8291.salt),
    });
    assert.equal(b64url(body), RFC8291.body);
  });

  test("a changed body, a wrong auth secret or another device's key do not decrypt", () => {
    const body = bytes(RFC8291.body);
    for (const index of [0, 20, 50, 100, body.length - 1]) {
      const changed = Buffer.from(body);
      changed[index] ^= 0x01;
      assert.throws(() => decrypt(changed, device), Error, `octet ${index} changed`);
    }
    const otherAuth = Buffer.from(device.auth);
    otherAuth[0] ^= 0x80;
    assert.throws(() => decrypt(body, { ...device, auth: otherAuth }), /does not authenticate/);
    assert.throws(() => decrypt(body, { ...device, auth: device.auth.subarray(0, 15) }), /16 octets/);
    assert.throws(() => newSubscriptionKeys().decrypt(body), /does not authenticate/);
    assert.throws(() => decrypt(body.subarray(0, 100), device), /cannot hold|authenticate/);
  });

  test("the record's padding delimiter is checked: 0x02 and zeros after it", () => {
    const keys = newSubscriptionKeys();
    const to = { p256dh: keys.device.publicKey, auth: keys.device.auth };
    assert.equal(keys.decrypt(encrypt(Buffer.from("hi"), to)).toString(), "hi");
    assert.equal(keys.decrypt(encrypt(Buffer.from("padded"), { ...to, padding: 40 })).toString(), "padded");
    assert.equal(keys.decrypt(encrypt(Buffer.alloc(0), to)).length, 0);
    // Trailing zeros of the data itself are kept: only the zeros after the delimiter are padding.
    assert.deepEqual(keys.decrypt(encrypt(Buffer.from([7, 0, 0]), { ...to, padding: 3 })), Buffer.from([7, 0, 0]));
    assert.throws(() => keys.decrypt(encrypt(Buffer.from("hi"), { ...to, delimiter: 0x01 })), /another record follows/);
    assert.throws(() => keys.decrypt(encrypt(Buffer.from("hi"), { ...to, delimiter: 0x03 })), /must be 0x02/);
    assert.throws(() => keys.decrypt(encrypt(Buffer.from("hi"), { ...to, delimiter: 0x00 })), /must be 0x02/);
    assert.throws(() => keys.decrypt(encrypt(Buffer.alloc(0), { ...to, delimiter: 0x00, padding: 4 })), /no padding delimiter/);
    // One record only: a body longer than rs after the header would be a second record.
    assert.throws(() => keys.decrypt(encrypt(Buffer.alloc(64, 1), { ...to, rs: 32 })), /more than one record/);
  });

  test("new subscription keys are a 65-octet point and 16 octets of auth, base64url", () => {
    const keys = newSubscriptionKeys();
    assert.match(keys.p256dh, /^[A-Za-z0-9_-]+$/);
    assert.equal(fromB64url(keys.p256dh).length, 65);
    assert.equal(fromB64url(keys.p256dh)[0], 0x04);
    assert.equal(fromB64url(keys.auth).length, 16);
    assert.notEqual(newSubscriptionKeys().p256dh, keys.p256dh);
    const payload = { web_push: 8030, notification: { title: "t", body: "咖啡 ☕" } };
    const body = encrypt(Buffer.from(JSON.stringify(payload)), { p256dh: fromB64url(keys.p256dh), auth: fromB64url(keys.auth) });
    assert.deepEqual(keys.decryptJson(body), payload);
  });
});

describe("VAPID (RFC 8292)", () => {
  /** A VAPID header signed now by a fresh key, with `claims` and `header` overriding the defaults. */
  function vapid({ claims = {}, header = {}, der = false, keyPair = generateKeyPairSync("ec", { namedCurve: "P-256" }) } = {}) {
    const jwk = keyPair.publicKey.export({ format: "jwk" });
    const k = b64url(Buffer.concat([Buffer.from([4]), fromB64url(jwk.x), fromB64url(jwk.y)]));
    const encode = (value) => b64url(Buffer.from(JSON.stringify(value)));
    const input = `${encode({ typ: "JWT", alg: "ES256", ...header })}.${encode({ aud: "http://127.0.0.1:4000", exp: 1_900_000_000 + 12 * 3600, sub: "mailto:ops@example.com", ...claims })}`;
    const signature = sign("sha256", Buffer.from(input), { key: keyPair.privateKey, dsaEncoding: der ? "der" : "ieee-p1363" });
    return { authorization: `vapid t=${input}.${b64url(signature)}, k=${k}`, k };
  }
  const endpoint = "http://127.0.0.1:4000/push/abc";
  const now = new Date(1_900_000_000 * 1000);

  test("the RFC's example header verifies with the RFC's key", () => {
    const checked = verifyVapid(RFC8292.authorization, RFC8292.endpoint, new Date((RFC8292.exp - 3600) * 1000));
    assert.deepEqual(checked.header, { typ: "JWT", alg: "ES256" });
    assert.deepEqual(checked.claims, { aud: "https://push.example.net", exp: RFC8292.exp, sub: "mailto:push@example.com" });
    // The same token is expired an hour after its exp, and is not for another push service.
    assert.throws(() => verifyVapid(RFC8292.authorization, RFC8292.endpoint, new Date((RFC8292.exp + 3600) * 1000)), /expired/);
    assert.throws(() => verifyVapid(RFC8292.authorization, "https://push.example.org/p/x", new Date((RFC8292.exp - 3600) * 1000)), /aud/);
  });

  test("a header signed by a fresh key verifies; each thing wrong with it is named", () => {
    const good = vapid();
    const checked = verifyVapid(good.authorization, endpoint, now);
    assert.equal(checked.claims.aud, "http://127.0.0.1:4000");
    assert.equal(checked.k, good.k);
    // Parameters in either order, with extra spaces, and the scheme in capitals, are still read.
    const [t, k] = good.authorization.slice("vapid ".length).split(", ");
    verifyVapid(`Vapid  ${k} ,${t}`, endpoint, now);

    assert.throws(() => verifyVapid(undefined, endpoint, now), /no Authorization/);
    assert.throws(() => verifyVapid(good.authorization.replace("vapid", "WebPush"), endpoint, now), /vapid scheme/);
    assert.throws(() => verifyVapid(`vapid ${t}`, endpoint, now), /no k/);
    assert.throws(() => verifyVapid(`vapid ${k}`, endpoint, now), /no t/);
    assert.throws(() => verifyVapid(vapid({ claims: { aud: "http://127.0.0.1:4001" } }).authorization, endpoint, now), /aud/);
    assert.throws(() => verifyVapid(vapid({ claims: { aud: "http://127.0.0.1:4000/" } }).authorization, endpoint, now), /aud/);
    assert.throws(() => verifyVapid(vapid({ claims: { exp: 1_900_000_000 } }).authorization, endpoint, now), /expired/);
    assert.throws(() => verifyVapid(vapid({ claims: { exp: 1_900_000_000 + 24 * 3600 + 1 } }).authorization, endpoint, now), /24 h/);
    assert.throws(() => verifyVapid(vapid({ claims: { exp: "1900043200" } }).authorization, endpoint, now), /integer/);
    assert.throws(() => verifyVapid(vapid({ claims: { sub: "https://example.com" } }).authorization, endpoint, now), /mailto/);
    assert.throws(() => verifyVapid(vapid({ claims: { sub: undefined } }).authorization, endpoint, now), /mailto/);
    assert.throws(() => verifyVapid(vapid({ header: { alg: "ES384" } }).authorization, endpoint, now), /ES256/);
    assert.throws(() => verifyVapid(vapid({ header: { typ: "JOSE" } }).authorization, endpoint, now), /typ/);
    assert.throws(() => verifyVapid(vapid({ der: true }).authorization, endpoint, now), /64 octets|does not verify/);
    // Signed by one key, presented with another: the signature does not verify.
    const other = vapid();
    assert.throws(() => verifyVapid(`vapid ${t}, k=${other.k}`, endpoint, now), /does not verify/);
    // A changed claim under the old signature does not verify either.
    const [h, c, s] = t.slice(2).split(".");
    const claims = JSON.parse(fromB64url(c));
    const forged = b64url(Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 60 })));
    assert.throws(() => verifyVapid(`vapid t=${h}.${forged}.${s}, ${k}`, endpoint, now), /does not verify/);
    // A k that is not an uncompressed point is refused before any signature is checked.
    const compressed = b64url(fromB64url(good.k).subarray(0, 33));
    assert.throws(() => verifyVapid(`vapid ${t}, k=${compressed}`, endpoint, now), /uncompressed/);
  });
});

describe("the local push service", () => {
  test("records each request and answers with the status set for its path", async () => {
    const service = await startPushService();
    try {
      assert.match(service.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
      service.answer("/gone", 410);
      const body = Buffer.from([0, 1, 2, 255]);
      const first = await fetch(service.url("/push/a"), { method: "POST", body, headers: { ttl: "60", "content-encoding": "aes128gcm" } });
      const second = await fetch(service.url("/gone"), { method: "POST", body: "x" });
      assert.equal(first.status, 201);
      assert.equal(second.status, 410);
      assert.equal(service.requests().length, 2);
      const [recorded] = service.requests("/push/a");
      assert.equal(recorded.method, "POST");
      assert.equal(recorded.headers.ttl, "60");
      assert.equal(recorded.headers["content-encoding"], "aes128gcm");
      assert.deepEqual(recorded.body, body);
      assert.equal(service.requests("/gone").length, 1);
      assert.deepEqual(service.requests("/never"), []);
    } finally {
      await service.close();
    }
  });
});
