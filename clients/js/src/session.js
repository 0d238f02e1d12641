// One peer connection of the client, over any link that carries bytes both ways (a WebSocket or an RTCDataChannel):
// framing, the _hello handshake with the identity extension, node-exchange answers, and handing announces and
// responses to the client.
import { FrameDecoder, decodeMessage, encodeFrame, limitViolation, randomBytes, equalBytes, hex, toBytes } from './proto.js';
import { helloRequestData, helloResponseData, helloResponseSignature, parseHelloRequest, verifyHello, checkSignature } from './identity.js';

const text = new TextDecoder();
const HELLO = toBytes('_hello');
const ADDRS = toBytes('_addrs');
// Frames waiting for their turn (signature checks are asynchronous, order is kept): past this the peer floods.
const MAX_PENDING_FRAMES = 4096;

/**
 * A link: `{ kind, address, send(bytes), close(reason), onBytes, onClose }` — the session sets `onBytes(bytes)` and
 * `onClose(reason)` and calls `send` and `close`.
 */
export class Session {
  /** 'handshaking', 'open' or 'closed'. */
  state = 'handshaking';
  /** The peer's node id (hex) once its _hello arrived. */
  nodeId = null;
  /** Whether the peer proved its node id with the identity extension. */
  verified = false;
  #decoder = new FrameDecoder();
  #chain = Promise.resolve();
  #pending = 0;
  #helloId = randomBytes(8);
  #challenge = randomBytes(32);
  #peerHello = null;
  #confirm = null;
  #heldAddrs = null;

  constructor(client, link) {
    this.client = client;
    this.link = link;
    link.onBytes = (bytes) => this.#receive(bytes);
    link.onClose = (reason) => this.#closed(reason);
  }

  get address() { return this.link.address; }

  /** Sends this side's _hello (as soon as the link is open). */
  start() {
    this.#send({ request: { id: this.#helloId, hops: 0, type: HELLO, data: helloRequestData(this.client.identity, this.#challenge), limit: 1 } });
  }

  /** Sends one message if the link is still open. */
  send(message) { if (this.state !== 'closed') this.#send(message); }

  close(reason = 'closed') {
    if (this.state === 'closed') return;
    this.link.close(reason);
    this.#closed(reason);
  }

  #send(message) {
    try { this.link.send(encodeFrame(message)); }
    catch (err) { this.close(`send failed: ${err.message}`); }
  }

  #closed(reason) {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.client._sessionClosed(this, reason, wasOpen);
  }

  #receive(chunk) {
    if (this.state === 'closed') return;
    let frames;
    try { frames = this.#decoder.push(chunk); }
    catch (err) { return this.close(`protocol violation: ${err.message}`); }
    for (const frame of frames) {
      if (++this.#pending > MAX_PENDING_FRAMES) return this.close('too many frames waiting');
      this.#chain = this.#chain.then(() => this.#frame(frame)).catch((err) => this.close(`protocol violation: ${err.message}`))
        .finally(() => { this.#pending--; });
    }
  }

  async #frame(frame) {
    if (this.state === 'closed' || frame.length === 0) return; // a zero-length frame is an empty message (keep-alive)
    const message = decodeMessage(frame);
    if (!message) return;
    const isRequest = !!message.request;
    const a = message.request ?? message.response;
    const violation = limitViolation(a, isRequest, this.client.maxHops);
    if (violation) return this.client._discard(this, violation);
    const type = a.type ?? new Uint8Array(0);
    if (equalBytes(type, HELLO)) return isRequest ? this.#helloRequest(a) : this.#helloResponse(a);
    if (equalBytes(type, ADDRS)) return isRequest ? this.#addrsRequest(a) : undefined; // this client asks for no addresses
    if (this.state !== 'open') return this.client._discard(this, 'announce before the handshake');
    const signed = await checkSignature(a, isRequest);
    if (signed === 'forged') return this.client._discard(this, `forged ${isRequest ? 'request' : 'response'}`, 'forged');
    if (isRequest) this.client._request(this, a);
    else this.client._response(this, a);
  }

  async #helloRequest(a) {
    if (a.hops !== 0) return; // an original node relays others' _hello one hop: not this peer's
    if (this.#peerHello) return; // the first one names the peer
    const hello = parseHelloRequest(a.data);
    if (!hello) return this.close('a _hello without a node id');
    this.#peerHello = hello;
    this.nodeId = hex(hello.nodeId);
    const data = await helloResponseData(this.client.identity, hello.challenge, this.#challenge);
    this.#send({ response: { id: randomBytes(8), hops: 0, reply: a.id, type: HELLO, data } });
    await this.#complete();
  }

  async #helloResponse(a) {
    if (this.#confirm || !a.reply || !equalBytes(a.reply, this.#helloId)) return; // others' answers relayed by an original node
    this.#confirm = a;
    await this.#complete();
  }

  async #complete() {
    if (this.state !== 'handshaking' || !this.#peerHello || !this.#confirm) return;
    const hello = this.#peerHello;
    if (hello.publicKey) {
      const ok = await verifyHello(hello, helloResponseSignature(this.#confirm.data), this.#challenge);
      if (!ok) return this.close('cannot prove its node id');
      this.verified = true;
    }
    if (this.state !== 'handshaking') return;
    const refusal = this.client._admit(this);
    if (refusal) return this.close(refusal);
    this.state = 'open';
    this.client._opened(this);
    if (this.#heldAddrs) { const held = this.#heldAddrs; this.#heldAddrs = null; this.#addrsRequest(held); }
  }

  #addrsRequest(a) {
    if (a.hops !== 0) return;
    if (this.state !== 'open') { this.#heldAddrs = a; return; } // answered once the handshake completes (one held at most)
    let size = 10;
    try { const asked = JSON.parse(text.decode(a.data ?? new Uint8Array(0))).size; if (Number.isInteger(asked) && asked >= 0) size = asked; }
    catch { /* not JSON: 10, as the original */ }
    for (const address of this.client._addressesFor(this, size))
      this.#send({ response: { id: randomBytes(8), hops: 0, reply: a.id, type: ADDRS, limit: a.limit, data: toBytes(address) } });
  }
}
