// The frame codec against frames captured from an original peernet 2.0.0 node (PeerNet.Tests' WireVectors).
import './webcrypto.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, decodeMessage, encodeFrame, fromHex, hex, limitViolation } from '../src/proto.js';

const original = {
  helloAndAddrs: '26' + '0a24' + '0a0401156dce' + '1000' + '22065f68656c6c6f' + '2a10b384aeb1b0f957ca42d6d6121beb1db7' + '3001'
    + '21' + '0a1f' + '0a043676729f' + '1000' + '22065f6164647273' + '2a0b7b2273697a65223a31307d' + '3001',
  echoReply: '21' + '121f' + '0a04aaaa0001' + '1000' + '1a04aaaa0001' + '22046563686f' + '2a076563686f3a6869' + '3003',
};
const text = (b) => new TextDecoder().decode(b);

test('one message holding two frames (the original hello and addrs) decodes to both, byte for byte re-encoded', () => {
  const frames = new FrameDecoder().push(fromHex(original.helloAndAddrs));
  assert.equal(frames.length, 2);
  const hello = decodeMessage(frames[0]).request, addrs = decodeMessage(frames[1]).request;
  assert.equal(text(hello.type), '_hello');
  assert.equal(hex(hello.data), 'b384aeb1b0f957ca42d6d6121beb1db7');
  assert.equal(hello.limit, 1);
  assert.equal(text(addrs.data), '{"size":10}');
  assert.equal(hex(encodeFrame({ request: hello })) + hex(encodeFrame({ request: addrs })), original.helloAndAddrs);
});

test('a frame split anywhere over several messages decodes once complete', () => {
  const bytes = fromHex(original.echoReply);
  for (let cut = 1; cut < bytes.length; cut++) {
    const decoder = new FrameDecoder();
    assert.deepEqual(decoder.push(bytes.slice(0, cut)), []);
    const [frame] = decoder.push(bytes.slice(cut));
    const reply = decodeMessage(frame).response;
    assert.equal(text(reply.data), 'echo:hi');
    assert.equal(hex(reply.reply), 'aaaa0001');
    assert.equal(reply.limit, 3);
  }
});

test('unknown fields are skipped, signer and signature round-trip, an empty frame is an empty message', () => {
  const signer = new Uint8Array(32).fill(7), signature = new Uint8Array(64).fill(9);
  const frame = encodeFrame({ request: { id: fromHex('01020304'), hops: 2, type: new Uint8Array([0x61]), limit: 5, signer, signature } });
  const [body] = new FrameDecoder().push(frame);
  const withUnknown = new Uint8Array([...body.slice(0, 1), body[1] + 3, ...body.slice(2), 0x38, 0x96, 0x01]); // field 7 varint 150
  const decoded = decodeMessage(withUnknown).request;
  assert.equal(decoded.hops, 2);
  assert.equal(hex(decoded.signer), hex(signer));
  assert.equal(hex(decoded.signature), hex(signature));
  assert.deepEqual(new FrameDecoder().push(new Uint8Array([0])), [new Uint8Array(0)]);
  assert.equal(decodeMessage(new Uint8Array(0)), null);
});

test('a length past the maximum throws before anything is buffered; malformed bodies throw; limits are named', () => {
  assert.throws(() => new FrameDecoder(1024).push(new Uint8Array([0x81, 0x08])), /maximum/);
  assert.throws(() => decodeMessage(fromHex('0a02' + '1000')), /id or hops/);
  assert.throws(() => decodeMessage(fromHex('0a05' + '0a04aa')), /truncated/);
  const big = { id: new Uint8Array(4), hops: 0, data: new Uint8Array(1025) };
  assert.equal(limitViolation(big, true), 'data past 1024 bytes');
  assert.equal(limitViolation({ id: new Uint8Array(4), hops: 3, limit: 2 }, true), 'hops past the limit');
  assert.equal(limitViolation({ id: new Uint8Array(4), hops: 30 }, false), null, 'responses carry no hop check');
});
