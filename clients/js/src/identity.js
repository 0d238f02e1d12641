// The PeerNet identity extension (hello v2) and signed announces: Ed25519 through WebCrypto (Chromium and Node 20
// have it), SHA-256 node ids. The byte layouts are the repository's agreed identity wire format.
import { toBytes, randomBytes, equalBytes } from './proto.js';

const ascii = (text) => new TextEncoder().encode(text);
const HELLO_CONTEXT = ascii('peernet-hello-v2');
const ANNOUNCE_CONTEXT = ascii('peernet-announce-v1');
const REPLY_CONTEXT = ascii('peernet-reply-v1');
const MAGIC = [0x50, 0x4e]; // "PN"
export const EXTENSION_VERSION = 2;
export const FLAG_CONTROL_FRAMES = 1;
export const FLAG_IDENTITY = 2;
// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410): WebCrypto imports private keys only in this shape.
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** The node id of a public key: the first 16 bytes of its SHA-256. */
export async function nodeIdOf(publicKey) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', publicKey)).slice(0, 16);
}

/**
 * An Ed25519 identity: `{ publicKey (32 bytes), nodeId (16 bytes), sign(bytes) }`. From `seed` (32 bytes) when given,
 * so a page can keep its node id; otherwise a fresh key pair that never leaves WebCrypto.
 */
export async function createIdentity(seed) {
  let privateKey, publicKey;
  if (seed !== undefined) {
    const raw = toBytes(seed);
    if (raw.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
    privateKey = await crypto.subtle.importKey('pkcs8', concat(PKCS8_PREFIX, raw), { name: 'Ed25519' }, true, ['sign']);
    // WebCrypto derives no public key from a private one; its JWK export carries it (x).
    const jwk = await crypto.subtle.exportKey('jwk', privateKey);
    publicKey = fromBase64Url(jwk.x);
  } else {
    const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    privateKey = pair.privateKey;
    publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  }
  return {
    publicKey,
    nodeId: await nodeIdOf(publicKey),
    sign: async (bytes) => new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, bytes)),
  };
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - b64.length % 4) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Whether `signature` is `publicKey`'s Ed25519 signature of `bytes` (false for a malformed key or signature). */
export async function verify(publicKey, signature, bytes) {
  try {
    const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, bytes);
  } catch {
    return false;
  }
}

/** The data of this side's `_hello` request: node id, "PN", version 2, flags (Identity), public key, challenge. */
export function helloRequestData(identity, challenge) {
  return concat(identity.nodeId, MAGIC, [EXTENSION_VERSION, FLAG_IDENTITY], identity.publicKey, challenge);
}

/**
 * The data of the response to a peer's `_hello`: node id, "PN", 2, flags, and, when the peer sent a challenge, the
 * signature over "peernet-hello-v2" || the peer's challenge || our own challenge. A peer without a challenge (an
 * original node, an older PeerNet) gets the bare 20 bytes, flags without Identity: there is nothing to prove to it.
 */
export async function helloResponseData(identity, askerChallenge, ownChallenge) {
  if (!askerChallenge) return concat(identity.nodeId, MAGIC, [EXTENSION_VERSION, 0]);
  const signature = await identity.sign(helloSigned(askerChallenge, ownChallenge));
  return concat(identity.nodeId, MAGIC, [EXTENSION_VERSION, FLAG_IDENTITY], signature);
}

/** The bytes a `_hello` response signs. */
export function helloSigned(askerChallenge, ownChallenge) {
  return concat(HELLO_CONTEXT, askerChallenge, ownChallenge);
}

/**
 * What a peer's `_hello` request data says: `{ nodeId, version, flags, publicKey?, challenge? }` (publicKey and
 * challenge only with the Identity flag and all 84 bytes), or null when shorter than a node id.
 */
export function parseHelloRequest(data) {
  if (!data || data.length < 16) return null;
  const hello = { nodeId: data.slice(0, 16), version: 0, flags: 0 };
  if (data.length >= 20 && data[16] === MAGIC[0] && data[17] === MAGIC[1]) {
    hello.version = data[18];
    hello.flags = data[19];
    if (hello.version >= 2 && (hello.flags & FLAG_IDENTITY) && data.length >= 84) {
      hello.publicKey = data.slice(20, 52);
      hello.challenge = data.slice(52, 84);
    }
  }
  return hello;
}

/** The signature in a `_hello` response's data, or null. */
export function helloResponseSignature(data) {
  if (!data || data.length < 84 || data[16] !== MAGIC[0] || data[17] !== MAGIC[1] || data[18] < 2 || !(data[19] & FLAG_IDENTITY))
    return null;
  return data.slice(20, 84);
}

/**
 * Whether the peer proved its node id: its id is SHA-256(key)[0..16] and `signature` verifies over
 * "peernet-hello-v2" || our challenge || its challenge.
 */
export async function verifyHello(hello, signature, ownChallenge) {
  if (!hello.publicKey || !signature) return false;
  if (!equalBytes(await nodeIdOf(hello.publicKey), hello.nodeId)) return false;
  return verify(hello.publicKey, signature, helloSigned(ownChallenge, hello.challenge));
}

const u8 = (n) => [n];
const u16 = (n) => [n >>> 8 & 0xff, n & 0xff];
const u32 = (n) => [n >>> 24 & 0xff, n >>> 16 & 0xff, n >>> 8 & 0xff, n & 0xff];
const empty = new Uint8Array(0);

/** The bytes a signed request signs: "peernet-announce-v1" || u8 len id || id || u8 len type || type || u16 len data || data || u32 limit. */
export function announceSigned({ id, type = empty, data = empty, limit = 0 }) {
  return concat(ANNOUNCE_CONTEXT, u8(id.length), id, u8(type.length), type, u16(data.length), data, u32(limit));
}

/** The bytes a signed response signs: "peernet-reply-v1" || u8 len reply || reply || u8 len id || id || u8 len type || type || u16 len data || data. */
export function replySigned({ reply = empty, id, type = empty, data = empty }) {
  return concat(REPLY_CONTEXT, u8(reply.length), reply, u8(id.length), id, u8(type.length), type, u16(data.length), data);
}

/**
 * How a received announce is signed: 'unsigned' (neither field), 'signed' (both, right lengths, valid), or 'forged'
 * (one alone, wrong lengths, or a bad signature: drop it).
 */
export async function checkSignature(announce, isRequest) {
  const { signer, signature } = announce;
  if (signer === undefined && signature === undefined) return 'unsigned';
  if (signer?.length !== 32 || signature?.length !== 64) return 'forged';
  const bytes = isRequest ? announceSigned(announce) : replySigned(announce);
  return await verify(signer, signature, bytes) ? 'signed' : 'forged';
}

/** Adds `signer` and `signature` to an announce this side originates. */
export async function signAnnounce(identity, announce, isRequest) {
  announce.signer = identity.publicKey;
  announce.signature = await identity.sign(isRequest ? announceSigned(announce) : replySigned(announce));
  return announce;
}

export { randomBytes };
