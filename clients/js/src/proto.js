// The peernet wire format: frames of a LEB128 length and a protobuf `Message { Announce request = 1; Announce
// response = 2; }`, `Announce { bytes id = 1; uint32 hops = 2; bytes reply = 3; bytes type = 4; bytes data = 5;
// uint32 limit = 6; bytes signer = 8; bytes signature = 9; }` (see the repository's wire-protocol notes).
// Hand-encoded on purpose: eight scalar fields do not justify a protobuf runtime and a code generator, and the
// client stays free of runtime dependencies (the host serves these files as they are, no bundler).

/** The maximum frame length (as PeerNet nodes): a longer prefix closes the connection, nothing is allocated for it. */
export const MAX_FRAME = 64 * 1024;

/** Field limits every node checks on every received message (wire-protocol "Limits"). */
export const LIMITS = Object.freeze({ id: 64, type: 64, data: 1024, maxHops: 15 });

const encoder = new TextEncoder();

/** Bytes of a string (UTF-8), a Uint8Array, an ArrayBuffer or a view; undefined stays undefined. */
export function toBytes(value) {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError('expected a string or bytes');
}

function varintLength(n) {
  let length = 1;
  while (n >= 0x80) { n = Math.floor(n / 128); length++; }
  return length;
}

function writeVarint(out, at, n) {
  while (n >= 0x80) { out[at++] = (n & 0x7f) | 0x80; n = Math.floor(n / 128); }
  out[at++] = n;
  return at;
}

/** Reads a varint at `at` of `bytes`: [value, next offset], or null when the bytes end first. Throws past 32 bits' worth (uint32 fields and lengths). */
export function readVarint(bytes, at, end = bytes.length) {
  let value = 0, scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at >= end) return null;
    const b = bytes[at++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (value > 0xffffffff) throw new Error('varint past 32 bits');
      return [value, at];
    }
    scale *= 128;
  }
  throw new Error('varint too long');
}

const BYTE_FIELDS = [[1, 'id'], [3, 'reply'], [4, 'type'], [5, 'data'], [8, 'signer'], [9, 'signature']];

function announceFields(a) {
  // Field-number order, as the original writes them.
  const fields = [];
  const bytesField = (number, value) => { if (value !== undefined) fields.push([number, 2, value]); };
  bytesField(1, a.id);
  fields.push([2, 0, a.hops ?? 0]);
  bytesField(3, a.reply);
  bytesField(4, a.type);
  bytesField(5, a.data);
  if (a.limit !== undefined) fields.push([6, 0, a.limit]);
  bytesField(8, a.signer);
  bytesField(9, a.signature);
  return fields;
}

function fieldsLength(fields) {
  let n = 0;
  for (const [number, wire, value] of fields)
    n += varintLength(number << 3 | wire) + (wire === 0 ? varintLength(value) : varintLength(value.length) + value.length);
  return n;
}

function writeFields(out, at, fields) {
  for (const [number, wire, value] of fields) {
    at = writeVarint(out, at, number << 3 | wire);
    if (wire === 0) at = writeVarint(out, at, value);
    else { at = writeVarint(out, at, value.length); out.set(value, at); at += value.length; }
  }
  return at;
}

/**
 * One frame (length prefix and Message) for `{ request }` or `{ response }`, an Announce of byte fields
 * (id, reply, type, data, signer, signature: Uint8Array) and numbers (hops, limit).
 */
export function encodeFrame(message) {
  const kind = message.request ? 1 : 2;
  const fields = announceFields(message.request ?? message.response);
  const inner = fieldsLength(fields);
  const body = varintLength(kind << 3 | 2) + varintLength(inner) + inner;
  const out = new Uint8Array(varintLength(body) + body);
  let at = writeVarint(out, 0, body);
  at = writeVarint(out, at, kind << 3 | 2);
  at = writeVarint(out, at, inner);
  writeFields(out, at, fields);
  return out;
}

function skip(bytes, at, end, wire) {
  switch (wire) {
    case 0: { const r = readVarint(bytes, at, end); if (!r) throw new Error('truncated'); return r[1]; }
    case 1: return at + 8;
    case 2: { const r = readVarint(bytes, at, end); if (!r) throw new Error('truncated'); return r[1] + r[0]; }
    case 5: return at + 4;
    default: throw new Error(`unsupported wire type ${wire}`);
  }
}

function decodeAnnounce(bytes, at, end) {
  const a = {};
  while (at < end) {
    const key = readVarint(bytes, at, end);
    if (!key) throw new Error('truncated');
    const [tag, next] = key;
    at = next;
    const number = Math.floor(tag / 8), wire = tag & 7;
    const name = BYTE_FIELDS.find(([n]) => n === number)?.[1];
    if (name && wire === 2) {
      const len = readVarint(bytes, at, end);
      if (!len || len[1] + len[0] > end) throw new Error('truncated');
      a[name] = bytes.slice(len[1], len[1] + len[0]);
      at = len[1] + len[0];
    } else if ((number === 2 || number === 6) && wire === 0) {
      const v = readVarint(bytes, at, end);
      if (!v) throw new Error('truncated');
      a[number === 2 ? 'hops' : 'limit'] = v[0];
      at = v[1];
    } else {
      at = skip(bytes, at, end, wire); // unknown fields are skipped, so the protocol can grow
    }
    if (at > end) throw new Error('truncated');
  }
  if (a.id === undefined || a.hops === undefined) throw new Error('announce without id or hops');
  return a;
}

/** Decodes one Message body: `{ request }`, `{ response }`, or null for a Message with neither (ignored). Throws on malformed protobuf. */
export function decodeMessage(bytes) {
  let at = 0, message = null;
  while (at < bytes.length) {
    const key = readVarint(bytes, at);
    if (!key) throw new Error('truncated');
    const [tag, next] = key;
    at = next;
    const number = Math.floor(tag / 8), wire = tag & 7;
    if ((number === 1 || number === 2) && wire === 2) {
      const len = readVarint(bytes, at);
      if (!len || len[1] + len[0] > bytes.length) throw new Error('truncated');
      const announce = decodeAnnounce(bytes, len[1], len[1] + len[0]);
      message = number === 1 ? { request: announce } : { response: announce };
      at = len[1] + len[0];
    } else {
      at = skip(bytes, at, bytes.length, wire);
      if (at > bytes.length) throw new Error('truncated');
    }
  }
  return message;
}

/**
 * Splits a byte stream into frames: a WebSocket (or data channel) message may hold part of a frame or several.
 * `push` returns the complete frame bodies; a length past `maxFrame` throws (the caller closes the connection).
 */
export class FrameDecoder {
  #buffer = new Uint8Array(0);
  constructor(maxFrame = MAX_FRAME) { this.maxFrame = maxFrame; }

  push(chunk) {
    const incoming = toBytes(chunk);
    let buffer = this.#buffer;
    if (buffer.length === 0) buffer = incoming;
    else { const joined = new Uint8Array(buffer.length + incoming.length); joined.set(buffer); joined.set(incoming, buffer.length); buffer = joined; }
    const frames = [];
    let at = 0;
    while (at < buffer.length) {
      const prefix = readVarint(buffer, at);
      if (!prefix) break;
      const [length, start] = prefix;
      if (length > this.maxFrame) throw new Error(`frame of ${length} bytes is past the ${this.maxFrame}-byte maximum`);
      if (start + length > buffer.length) break;
      frames.push(buffer.slice(start, start + length));
      at = start + length;
    }
    this.#buffer = buffer.slice(at);
    return frames;
  }
}

/** Why a received announce breaks a field limit (wire-protocol "Limits"), or null when it keeps them. */
export function limitViolation(announce, isRequest, maxHops = LIMITS.maxHops) {
  if (announce.id.length > LIMITS.id) return 'id past 64 bytes';
  if (announce.type && announce.type.length > LIMITS.type) return 'type past 64 bytes';
  if (announce.data && announce.data.length > LIMITS.data) return 'data past 1024 bytes';
  if (isRequest && announce.hops > maxHops) return `hops past ${maxHops}`;
  if (isRequest && announce.limit && announce.hops > announce.limit) return 'hops past the limit';
  return null;
}

/** Lower-case hex of bytes. */
export function hex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Bytes of a hex string. */
export function fromHex(text) {
  if (text.length % 2 || /[^0-9a-f]/i.test(text)) throw new Error('not hex');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
  return out;
}

/** `count` random bytes. */
export function randomBytes(count) {
  return crypto.getRandomValues(new Uint8Array(count));
}

/** Byte-wise equality. */
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
