// The client as a node, over in-memory links (no browser): handshakes with the identity extension, announces
// forwarded hop by hop, replies routed back, forged signatures dropped, crossed dials settled.
import './webcrypto.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerNet, createIdentity } from '../src/peernet.js';
import { encodeFrame, randomBytes } from '../src/proto.js';

/** Two linked ends: what one sends, the other receives (asynchronously, in order). */
function linkPair(dialledFirst = true) {
  const make = (dialled) => ({ kind: 'webrtc', address: null, dialled, onBytes: null, onClose: null, other: null, closed: false,
    send(bytes) { const other = this.other; queueMicrotask(() => other.onBytes?.(bytes)); },
    close(reason) { if (this.closed) return; this.closed = true; const other = this.other; other.closed = true; queueMicrotask(() => other.onClose?.(reason)); } });
  const a = make(dialledFirst), b = make(!dialledFirst);
  a.other = b; b.other = a;
  return [a, b];
}

async function client() { return new PeerNet(await createIdentity()); }

function join(x, y) {
  const [a, b] = linkPair();
  return Promise.all([x._attach(a, 5000), y._attach(b, 5000)]);
}

const until = async (condition, what) => {
  for (let i = 0; i < 200; i++) { if (condition()) return; await new Promise((r) => setTimeout(r, 10)); }
  assert.fail(`timed out waiting for ${what}`);
};

test('on a line a-b-c, a signed announce reaches c with hops 1 and c\'s reply comes back to a with hops 1', async () => {
  const [a, b, c] = [await client(), await client(), await client()];
  await join(a, b);
  await join(b, c);
  assert.deepEqual(a.peers().map((p) => [p.nodeId, p.verified]), [[b.id, true]]);
  const seen = [];
  c.on('request:search', (req) => { seen.push(req); req.reply('found'); });
  const rows = [];
  a.announce({ type: 'search', data: 'cats', limit: 3 }).on('data', (row) => rows.push(row));
  await until(() => rows.length === 1, 'the reply');
  assert.equal(seen[0].text, 'cats');
  assert.equal(seen[0].hops, 1);
  assert.equal(seen[0].from, b.id);
  assert.ok(seen[0].signer, 'the request arrived signed');
  assert.equal(rows[0].text, 'found');
  assert.equal(rows[0].hops, 1);
  assert.ok(rows[0].signer, 'the reply arrived signed');
  for (const x of [a, b, c]) x.close();
});

test('on a line a-b-c-d, an announce with limit 1 reaches b and c (hops 0 and 1), not d', async () => {
  const [a, b, c, d] = [await client(), await client(), await client(), await client()];
  await join(a, b);
  await join(b, c);
  await join(c, d);
  const at = { b: [], c: [], d: [] };
  for (const [name, x] of [['b', b], ['c', c], ['d', d]]) x.on('request', (r) => at[name].push(`${r.type}@${r.hops}`));
  a.announce({ type: 't', limit: 1 });
  a.announce({ type: 'marker' }); // sent after on the same links: once it is at d, the first would be too
  await until(() => at.d.length === 1, 'the marker at d');
  assert.deepEqual(at, { b: ['t@0', 'marker@0'], c: ['t@1', 'marker@1'], d: ['marker@2'] });
  for (const x of [a, b, c, d]) x.close();
});

test('a request with a forged signature is dropped and counted; a tampered copy of a signed one too', async () => {
  const [a, b] = [await client(), await client()];
  const [la, lb] = linkPair();
  await Promise.all([a._attach(la, 5000), b._attach(lb, 5000)]);
  const got = [];
  b.on('request', (r) => got.push(r.type));
  const liar = await createIdentity();
  const forged = { id: randomBytes(8), hops: 0, type: new TextEncoder().encode('forged'), signer: liar.publicKey, signature: new Uint8Array(64) };
  la.send(encodeFrame({ request: forged }));
  a.announce({ type: 'honest' });
  await until(() => got.length === 1, 'the honest announce');
  assert.deepEqual(got, ['honest']);
  assert.equal(b.counters.forged, 1);
  for (const x of [a, b]) x.close();
});

test('crossed dials: both sides keep the connection dialled by the lower node id', async () => {
  const [x, y] = [await client(), await client()];
  const [x1, y1] = linkPair(true); // x dialled
  const [y2, x2] = linkPair(true); // y dialled
  const results = await Promise.allSettled([x._attach(x1, 5000), y._attach(y1, 5000), y._attach(y2, 5000), x._attach(x2, 5000)]);
  await until(() => x.peers().length === 1 && y.peers().length === 1, 'one connection each');
  const lower = x.id < y.id ? 'x' : 'y';
  const kept = lower === 'x' ? x1 : y2;
  assert.equal(kept.closed, false);
  assert.equal((lower === 'x' ? y2 : x1).closed, true);
  assert.ok(results.some((r) => r.status === 'fulfilled'));
  for (const c of [x, y]) c.close();
});

test('close() ends the response streams and every connection', async () => {
  const [a, b] = [await client(), await client()];
  await join(a, b);
  const stream = a.announce({ type: 'open' });
  const rows = [];
  const iterating = (async () => { for await (const row of stream) rows.push(row); return 'ended'; })();
  a.close();
  assert.equal(await iterating, 'ended');
  assert.deepEqual(a.connections(), []);
  await until(() => b.connections().length === 0, 'b sees the link closed');
});

test('a client that dials itself is refused', async () => {
  const identity = await createIdentity();
  const [a, b] = [new PeerNet(identity), new PeerNet(identity)];
  const [la, lb] = linkPair();
  const results = await Promise.allSettled([a._attach(la, 5000), b._attach(lb, 5000)]);
  assert.ok(results.every((r) => r.status === 'rejected' && /itself/.test(r.reason.message)));
});
