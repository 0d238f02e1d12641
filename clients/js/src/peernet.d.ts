// Type declarations of the browser client (peernet.js and the modules it re-exports).

export type Bytes = Uint8Array;
export type BytesLike = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** An Ed25519 identity: the node id is the first 16 bytes of SHA-256(publicKey). */
export interface Identity {
  publicKey: Bytes;
  nodeId: Bytes;
  sign(bytes: Bytes): Promise<Bytes>;
}

/** A candidate as `minimiseSdp` and the `webrtc.candidate` filter see it. */
export interface Candidate {
  foundation: string;
  component: number;
  protocol: string;
  priority: number;
  address: string;
  port: number;
  type: string;
  line: string;
}

export interface WebRtcOptions {
  /** STUN/TURN servers; default none (host candidates only). */
  iceServers?: RTCIceServer[];
  /** Answer other browsers' signal.webrtc offers (default true). */
  answer?: boolean;
  /** Offers answered and dials open at once (default 4). */
  maxPending?: number;
  /** A dial or answer not connected by then is closed (default 30000 ms). */
  timeoutMs?: number;
  /** The longest wait for ICE candidates before signalling (default 5000 ms). */
  gatherMs?: number;
  /** The offer announce's hop limit (default none: the network's). */
  limit?: number;
  /** Which local candidates to signal (default: UDP ones). */
  candidate?: (candidate: Candidate) => boolean;
}

export interface PeerNetOptions {
  /** ws:// or wss:// addresses of hosts' /peer to connect to at start. */
  bootstrap?: string[];
  /** A 32-byte Ed25519 seed to keep the node id across page loads; default a fresh key. */
  seed?: BytesLike;
  /** An identity made with createIdentity (instead of seed). */
  identity?: Identity;
  /** The highest hop count accepted and forwarded (default 15). */
  maxHops?: number;
  /** WebRTC data channels to other browsers. */
  webrtc?: WebRtcOptions;
  /** Log to console.debug (the 'debug' event fires either way). */
  debug?: boolean;
}

export interface AnnounceMessage {
  /** At most 64 bytes; default 8 random bytes. */
  id?: BytesLike;
  /** At most 64 bytes. */
  type?: BytesLike;
  /** At most 1024 bytes. */
  data?: BytesLike;
  /** Maximum hop count. */
  limit?: number;
  /** Starting hop count (default 0). */
  hops?: number;
}

/** A response to an announce, or an announce itself as a request. */
export interface Row {
  id: Bytes;
  type?: string;
  data: Bytes;
  /** data as UTF-8 text. */
  readonly text: string;
  hops: number;
  limit?: number;
  /** The origin's Ed25519 public key when the message was signed (and verified). */
  signer?: Bytes;
}

export interface Request extends Row {
  /** The node id (hex) of the peer it came from. */
  from: string;
  /** Answers toward the announcer; a string or bytes is the data. Rejects when the peer it came from has gone. */
  reply(msg?: AnnounceMessage | BytesLike): Promise<void>;
}

export interface PeerInfo {
  address: string;
  kind: 'ws' | 'webrtc';
  nodeId: string;
  verified: boolean;
}

export declare class Emitter {
  on(name: string, listener: (...args: any[]) => void): this;
  once(name: string, listener: (...args: any[]) => void): this;
  off(name: string, listener: (...args: any[]) => void): this;
  emit(name: string, ...args: any[]): boolean;
}

/** The responses to one announce. */
export declare class Responses extends Emitter implements AsyncIterable<Row> {
  readonly closed: boolean;
  /** Rows an iterator did not take in time (past 1024 unread). */
  readonly dropped: number;
  on(name: 'data', listener: (row: Row) => void): this;
  on(name: 'end', listener: () => void): this;
  close(): void;
  [Symbol.asyncIterator](): AsyncIterator<Row>;
}

export declare class PeerNet extends Emitter {
  /** This client's node id (hex). */
  readonly id: string;
  readonly identity: Identity;
  readonly counters: { discarded: number; forged: number; unroutable: number };
  connect(address: string, opts?: { timeoutMs?: number }): Promise<string>;
  peer(protocol?: 'webrtc' | 'wrtc', opts?: WebRtcOptions): Promise<string>;
  connections(): string[];
  peers(): PeerInfo[];
  disconnect(address: string): void;
  announce(msg?: AnnounceMessage): Responses;
  close(): void;
  on(name: 'request', listener: (req: Request) => void): this;
  on(name: `request:${string}`, listener: (req: Request) => void): this;
  on(name: 'peer', listener: (peer: { address: string; nodeId: string; verified: boolean }) => void): this;
  on(name: 'disconnect', listener: (peer: { address: string; nodeId: string; reason: string }) => void): this;
  on(name: 'connections', listener: (connections: string[]) => void): this;
  on(name: 'debug', listener: (message: string) => void): this;
  on(name: string, listener: (...args: any[]) => void): this;
}

/** Creates a client (making its key first) and connects to opts.bootstrap. */
export declare function peernet(opts?: PeerNetOptions): Promise<PeerNet>;
/** An Ed25519 identity from a 32-byte seed, or a fresh one. */
export declare function createIdentity(seed?: BytesLike): Promise<Identity>;
