// Browser-to-browser peer connections over an RTCDataChannel, signalled through the gossip network as the original
// peernet does: the dialler announces `signal.webrtc` with its SDP offer in `data` (JSON `{ type, sdp }`, what
// simple-peer signals), and a browser that takes it replies with its answer. Non-trickle ICE: each side waits for
// its candidates, so one announce and one reply carry everything. Every node enforces a 1024-byte data limit, so
// the SDP is minimised (sdp.js) to fit. The channel is one more peer connection: the same frames, _hello included.
import { minimiseSdp } from './sdp.js';
import { nodeIdOf } from './identity.js';
import { hex } from './proto.js';

export const SIGNAL_TYPE = 'signal.webrtc';
const decoder = new TextDecoder();

const DEFAULTS = {
  iceServers: [], // no STUN or TURN unless the page names them: host candidates only
  answer: true, // take other browsers' offers
  maxPending: 4, // offers answered and dials open at once
  timeoutMs: 30000, // as the original: a dial or an answer not connected by then is closed
  gatherMs: 5000, // the longest wait for ICE candidates before signalling what there is
  limit: undefined, // the hop limit of the offer announce (undefined: the network's)
  candidate: undefined, // (candidate) => boolean, which local candidates to signal (default: UDP ones)
};

export class WebRtc {
  #pending = new Set();
  #closed = false;

  constructor(client, opts) {
    this.client = client;
    this.opts = { ...DEFAULTS, ...opts };
    client.on(`request:${SIGNAL_TYPE}`, (req) => this.#answer(req));
  }

  /** Dials: announces an offer, takes the first usable answer, resolves with the connection's address once the channel's handshake completes. */
  async connect(opts = {}) {
    const o = { ...this.opts, ...opts };
    if (typeof RTCPeerConnection === 'undefined') throw new Error('this environment has no WebRTC');
    if (this.#pending.size >= o.maxPending) throw new Error('too many WebRTC attempts open');
    const pc = new RTCPeerConnection({ iceServers: o.iceServers });
    const attempt = this.#begin(pc, o.timeoutMs);
    try {
      const channel = pc.createDataChannel('peernet', { ordered: true });
      await pc.setLocalDescription(await pc.createOffer());
      const offer = await this.#signal(pc, o);
      const responses = this.client.announce({ type: SIGNAL_TYPE, data: offer, limit: o.limit });
      attempt.onEnd(() => responses.close());
      let answered = false;
      responses.on('data', (row) => {
        if (answered) return; // one answer per offer; the others' connections time out on their side
        const answer = parseSignal(row.data, 'answer');
        if (!answer) return;
        answered = true;
        responses.close();
        pc.setRemoteDescription(answer).catch((err) => attempt.fail(err));
      });
      return await this.#channel(pc, channel, attempt, o, true);
    } catch (err) {
      attempt.fail(err);
      throw err;
    }
  }

  async #answer(req) {
    if (!this.opts.answer || this.#closed || typeof RTCPeerConnection === 'undefined') return;
    const offer = parseSignal(req.data, 'offer');
    if (!offer || this.#pending.size >= this.opts.maxPending) return;
    // A signed offer names its dialler (node id = SHA-256 of the signer): none for a peer already connected.
    const dialler = req.signer ? hex(await nodeIdOf(req.signer)) : null;
    if (dialler && this.client.peers().some((p) => p.nodeId === dialler)) return;
    const pc = new RTCPeerConnection({ iceServers: this.opts.iceServers });
    const attempt = this.#begin(pc, this.opts.timeoutMs);
    try {
      const channel = Promise.race([new Promise((resolve) => { pc.ondatachannel = (event) => resolve(event.channel); }), attempt.ended]);
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      await req.reply({ data: await this.#signal(pc, this.opts) });
      await this.#channel(pc, await channel, attempt, this.opts, false);
    } catch (err) {
      attempt.fail(err);
      this.client._debug(`webrtc answer: ${err.message}`);
    }
  }

  /** Closes every attempt still open. */
  close() {
    this.#closed = true;
    for (const attempt of [...this.#pending]) attempt.fail(new Error('client closed'));
  }

  #begin(pc, timeoutMs) {
    const ends = [];
    let rejectEnded;
    const ended = new Promise((_, reject) => { rejectEnded = reject; });
    ended.catch(() => {}); // observed by the waits that race it
    const attempt = {
      ended,
      done: false,
      onEnd: (f) => ends.push(f),
      fail: (err) => {
        if (attempt.done) return;
        attempt.done = true;
        clearTimeout(timer);
        this.#pending.delete(attempt);
        pc.close();
        rejectEnded(err);
        for (const f of ends) f(err);
      },
      succeed: () => { attempt.done = true; clearTimeout(timer); this.#pending.delete(attempt); },
    };
    const timer = setTimeout(() => attempt.fail(new Error('webrtc timed out')), timeoutMs);
    this.#pending.add(attempt);
    return attempt;
  }

  /** Waits for ICE gathering (bounded), then the minimised description as signal data. */
  async #signal(pc, o) {
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, o.gatherMs);
        pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') { clearTimeout(timer); resolve(); } });
      });
    }
    const { type, sdp } = pc.localDescription;
    return JSON.stringify({ type, sdp: minimiseSdp(sdp, { filter: o.candidate }) });
  }

  /** The data channel open as a peer connection: resolves with its address once its handshake completes. */
  async #channel(pc, channel, attempt, o, dialled) {
    channel.binaryType = 'arraybuffer';
    if (channel.readyState !== 'open')
      await Promise.race([new Promise((resolve) => { channel.onopen = () => resolve(); }), attempt.ended]);
    const link = {
      kind: 'webrtc', address: null, dialled, onBytes: null, onClose: null,
      send: (bytes) => channel.send(bytes),
      close: () => { channel.close(); pc.close(); },
    };
    channel.onmessage = (event) => link.onBytes?.(new Uint8Array(event.data));
    channel.onclose = () => { pc.close(); link.onClose?.('data channel closed'); };
    // A peer that vanishes without closing the channel: ICE notices, and the connection goes.
    pc.onconnectionstatechange = () => { if (pc.connectionState === 'failed' || pc.connectionState === 'closed') link.onClose?.(`webrtc ${pc.connectionState}`); };
    attempt.succeed();
    const session = await this.client._attach(link, o.timeoutMs);
    return `webrtc:${session.nodeId}`;
  }
}

/** The `{ type, sdp }` in signal data when it is JSON of the expected type, else null. */
export function parseSignal(data, expected) {
  try {
    const signal = JSON.parse(decoder.decode(data));
    if (signal && signal.type === expected && typeof signal.sdp === 'string') return { type: signal.type, sdp: signal.sdp };
  } catch { /* not a signal */ }
  return null;
}
