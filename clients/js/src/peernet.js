// PeerNet's browser client: a peernet node in a page. It joins the gossip network over WebSockets to hosts' /peer
// (and over RTCDataChannels to other browsers, see webrtc.js), announces with a response stream, hands requests to
// the page with reply(), and forwards others' announces and replies as every node does.
import { Emitter, BoundedCache } from './emitter.js';
import { Session } from './session.js';
import { createIdentity, signAnnounce } from './identity.js';
import { LIMITS, toBytes, randomBytes, hex } from './proto.js';
import { WebRtc } from './webrtc.js';

const decoder = new TextDecoder();
const RECENT = { capacity: 8192, ttlMs: 2 * 60 * 1000 }; // request ids, response keys and origins: bounded, expiring
const RESPONSE_BUFFER = 1024; // rows an async iterator holds unread; past it the newest are dropped (counted)

/** Creates a client (its Ed25519 key is made first) and connects to `opts.bootstrap`'s addresses. */
export async function peernet(opts = {}) {
  const identity = opts.identity ?? await createIdentity(opts.seed);
  const client = new PeerNet(identity, opts);
  await Promise.all((opts.bootstrap ?? []).map((address) => client.connect(address).catch((err) => client._debug(`bootstrap ${address}: ${err.message}`))));
  return client;
}

/** The responses to one announce: `on('data', row)`, `for await (const row of stream)`, `close()`. */
export class Responses extends Emitter {
  #queue = [];
  #waiting = null;
  closed = false;
  dropped = 0;

  /** @internal */
  _push(row) {
    if (this.closed) return;
    this.emit('data', row);
    if (this.#waiting) { const resolve = this.#waiting; this.#waiting = null; resolve({ value: row, done: false }); }
    else if (this.#iterating) { if (this.#queue.length < RESPONSE_BUFFER) this.#queue.push(row); else this.dropped++; }
  }

  #iterating = false;

  /** Stops taking responses (further ones are dropped) and ends the stream. */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.emit('end');
    if (this.#waiting) { const resolve = this.#waiting; this.#waiting = null; resolve({ value: undefined, done: true }); }
  }

  [Symbol.asyncIterator]() {
    this.#iterating = true;
    return {
      next: () => {
        if (this.#queue.length) return Promise.resolve({ value: this.#queue.shift(), done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => { this.#waiting = resolve; });
      },
      return: () => { this.close(); return Promise.resolve({ value: undefined, done: true }); },
    };
  }
}

function row(a) {
  return {
    id: a.id, type: a.type ? decoder.decode(a.type) : undefined, data: a.data ?? new Uint8Array(0),
    get text() { return decoder.decode(this.data); }, hops: a.hops, limit: a.limit, signer: a.signer,
  };
}

export class PeerNet extends Emitter {
  /** Counters of what this client dropped: { discarded, forged, unroutable }. */
  counters = { discarded: 0, forged: 0, unroutable: 0 };
  #sessions = new Set();
  #open = new Map(); // node id (hex) -> Session
  #seenRequests = new BoundedCache(RECENT.capacity, RECENT.ttlMs);
  #seenResponses = new BoundedCache(RECENT.capacity, RECENT.ttlMs);
  #origins = new BoundedCache(RECENT.capacity, RECENT.ttlMs); // request id (hex) -> Session it came from
  #own = new BoundedCache(1024, RECENT.ttlMs); // own request id (hex) -> Responses
  #addresses = new Set();
  #closed = false;

  constructor(identity, opts = {}) {
    super();
    this.identity = identity;
    this.id = hex(identity.nodeId);
    this.maxHops = opts.maxHops ?? LIMITS.maxHops;
    this.options = opts;
    this.webrtc = new WebRtc(this, opts.webrtc ?? {});
  }

  /**
   * Opens a WebSocket to a host's `/peer` (`ws://` or `wss://`): resolves with the address once the handshake is
   * complete, rejects when the socket closes first or `timeoutMs` passes.
   */
  connect(address, { timeoutMs = 15000 } = {}) {
    if (this.#closed) return Promise.reject(new Error('closed'));
    if (!/^wss?:\/\//.test(address)) return Promise.reject(new Error(`not a ws:// or wss:// address: ${address}`));
    const socket = new WebSocket(address);
    socket.binaryType = 'arraybuffer';
    const link = {
      kind: 'ws', address, dialled: true, onBytes: null, onClose: null,
      send: (bytes) => socket.send(bytes),
      close: () => socket.close(),
    };
    socket.onmessage = (event) => link.onBytes?.(new Uint8Array(event.data));
    socket.onclose = (event) => link.onClose?.(`socket closed (${event.code})`);
    const session = new Session(this, link);
    socket.onopen = () => session.start();
    return this._track(session, timeoutMs).then(() => { this.#addresses.add(address); return address; });
  }

  /**
   * Waits for `session`'s handshake: resolves once it is open, rejects when it closes first or after `timeoutMs`.
   * @internal
   */
  _track(session, timeoutMs) {
    this.#sessions.add(session);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { session.close('handshake timed out'); }, timeoutMs);
      session.settle = (err) => { clearTimeout(timer); session.settle = null; if (err) reject(err); else resolve(session); };
    });
  }

  /** Opens a WebRTC data channel to another browser peer, signalled through the network (see webrtc.js). */
  peer(protocol = 'webrtc', opts) {
    if (protocol !== 'webrtc' && protocol !== 'wrtc') return Promise.reject(new Error('unrecognized protocol'));
    return this.webrtc.connect(opts);
  }

  /** The open connections: WebSocket addresses, and `webrtc:<node id>` for data channels. */
  connections() {
    return [...this.#open.values()].map((s) => s.link.kind === 'ws' ? s.address : `webrtc:${s.nodeId}`);
  }

  /** The open connections with their peers: `{ address, kind, nodeId, verified }`. */
  peers() {
    return [...this.#open.values()].map((s) => ({ address: s.link.kind === 'ws' ? s.address : `webrtc:${s.nodeId}`, kind: s.link.kind, nodeId: s.nodeId, verified: s.verified }));
  }

  /** Closes the connection named as `connections()` names it. */
  disconnect(address) {
    for (const s of this.#sessions)
      if (s.address === address || `webrtc:${s.nodeId}` === address) s.close('disconnected');
  }

  /**
   * Announces `msg` ({ id?, type?, data?, limit?, hops? }: strings or bytes) to every open peer, signed with this
   * client's key; returns the stream of its responses. Throws when a field is past its limit.
   */
  announce(msg = {}) {
    const request = {
      id: toBytes(msg.id) ?? randomBytes(8), hops: msg.hops ?? 0, type: toBytes(msg.type), data: toBytes(msg.data), limit: msg.limit,
    };
    checkOutgoing(request);
    const key = hex(request.id);
    const responses = new Responses();
    this.#seenRequests.set(key);
    this.#own.set(key, responses);
    signAnnounce(this.identity, request, true).then(() => {
      for (const session of this.#open.values()) session.send({ request });
    });
    return responses;
  }

  /** Closes every connection and pending WebRTC attempt, and ends every response stream. */
  close() {
    this.#closed = true;
    this.webrtc.close();
    for (const s of [...this.#sessions]) s.close('client closed');
    for (const responses of this.#own.values()) responses.close();
  }

  _debug(message) {
    if (this.options.debug) console.debug(`[peernet] ${message}`);
    this.emit('debug', message);
  }

  /** @internal a session ready to open: a refusal reason, or null. */
  _admit(session) {
    if (session.nodeId === this.id) return 'connected to itself';
    const holder = this.#open.get(session.nodeId);
    if (!holder || holder === session) return null;
    if (session.verified !== holder.verified) {
      if (!session.verified) return 'an unverified session claims a verified peer\'s node id';
      holder.close('replaced by a verified session');
      return null;
    }
    // Crossed dials (each side dialled the other at once): both keep the one dialled by the lower node id.
    const dialler = (s) => s.link.dialled ? this.id : s.nodeId;
    if (dialler(session) !== dialler(holder) && dialler(session) < dialler(holder)) {
      holder.close('crossed dial: the other connection is kept');
      return null;
    }
    return 'already connected to that node id';
  }

  /** @internal */
  _opened(session) {
    this.#open.set(session.nodeId, session);
    this._debug(`connected: ${session.link.kind} ${session.nodeId}${session.verified ? ' (verified)' : ''}`);
    session.settle?.();
    this.emit('peer', { address: session.link.kind === 'ws' ? session.address : `webrtc:${session.nodeId}`, nodeId: session.nodeId, verified: session.verified });
    this.emit('connections', this.connections());
  }

  /** @internal */
  _sessionClosed(session, reason, wasOpen) {
    this.#sessions.delete(session);
    if (this.#open.get(session.nodeId) === session) this.#open.delete(session.nodeId);
    this._debug(`disconnected: ${session.link.kind} ${session.nodeId ?? session.address ?? ''}: ${reason}`);
    session.settle?.(new Error(reason));
    if (wasOpen) {
      this.emit('disconnect', { address: session.link.kind === 'ws' ? session.address : `webrtc:${session.nodeId}`, nodeId: session.nodeId, reason });
      this.emit('connections', this.connections());
    }
  }

  /** @internal */
  _discard(session, why, counter = 'discarded') {
    this.counters[counter]++;
    this._debug(`discarded from ${session.nodeId ?? session.address}: ${why}`);
  }

  /** @internal the addresses this client answers a node-exchange request with: the hosts it reached, at most `size`. */
  _addressesFor(session, size) {
    return [...this.#addresses].filter((a) => a !== session.address).slice(0, size);
  }

  /** @internal an announce request from an open session. */
  _request(session, a) {
    const key = hex(a.id);
    if (this.#seenRequests.has(key)) return;
    this.#seenRequests.set(key);
    this.#origins.set(key, session);
    const request = {
      ...row(a),
      from: session.nodeId,
      reply: (msg) => this.#reply(session, a, msg),
    };
    this.emit('request', request);
    if (request.type) this.emit(`request:${request.type}`, request);
    const hops = a.hops + 1;
    if (hops > this.maxHops || (a.limit && hops > a.limit)) return;
    const forwarded = { ...a, hops };
    for (const other of this.#open.values()) if (other !== session) other.send({ request: forwarded });
  }

  #reply(origin, request, msg) {
    const m = typeof msg === 'string' || msg instanceof Uint8Array ? { data: msg } : (msg ?? {});
    const response = {
      id: toBytes(m.id) ?? randomBytes(8), hops: 0, reply: request.id,
      type: m.type !== undefined ? toBytes(m.type) : request.type,
      data: toBytes(m.data), limit: m.limit ?? request.limit,
    };
    checkOutgoing(response);
    this.#seenResponses.set(responseKey(response));
    return signAnnounce(this.identity, response, false).then(() => {
      if (origin.state !== 'open') throw new Error('the peer the request came from has gone');
      origin.send({ response });
    });
  }

  /** @internal a response from an open session: to an own announce's stream, or on toward the request's origin. */
  _response(session, a) {
    if (!a.reply) return this._discard(session, 'a response without reply', 'unroutable');
    const key = responseKey(a);
    if (this.#seenResponses.has(key)) return;
    this.#seenResponses.set(key);
    const replyKey = hex(a.reply);
    const own = this.#own.get(replyKey);
    if (own) return own._push(row(a));
    const origin = this.#origins.get(replyKey);
    if (!origin || origin.state !== 'open' || origin === session) return this._discard(session, 'a response nobody here asked for', 'unroutable');
    origin.send({ response: { ...a, hops: a.hops + 1 } });
  }

  /** @internal attaches a data channel (or any other link) as a peer connection. */
  _attach(link, timeoutMs) {
    const session = new Session(this, link);
    const handshake = this._track(session, timeoutMs);
    session.start();
    return handshake;
  }
}

// Responses are deduplicated on (id, reply, data): the original reuses the request's id for every answer.
function responseKey(a) {
  return `${hex(a.id)}/${hex(a.reply)}/${a.data ? hex(a.data) : ''}`;
}

function checkOutgoing(a) {
  if (a.id.length > LIMITS.id) throw new RangeError('id is past 64 bytes');
  if (a.type && a.type.length > LIMITS.type) throw new RangeError('type is past 64 bytes');
  if (a.data && a.data.length > LIMITS.data) throw new RangeError('data is past 1024 bytes');
}

export { createIdentity } from './identity.js';
