// The identity wire format's test vectors (shared with the .NET implementation) and the hello round trip.
import './webcrypto.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentity, helloRequestData, helloResponseData, helloResponseSignature, parseHelloRequest, verifyHello,
  announceSigned, replySigned, checkSignature, signAnnounce } from '../src/identity.js';
import { hex, fromHex } from '../src/proto.js';

const seed = new Uint8Array(32).fill(1);
const text = (s) => new TextEncoder().encode(s);

test('the seed 32 x 0x01 gives the spec public key and node id', async () => {
  const identity = await createIdentity(seed);
  assert.equal(hex(identity.publicKey), '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c');
  assert.equal(hex(identity.nodeId), '34750f98bd59fcfc946da45aaabe933b');
});

test('the hello signature over 32 x 0xAA (asker) and 32 x 0xBB (own) is the spec vector', async () => {
  const identity = await createIdentity(seed);
  const data = await helloResponseData(identity, new Uint8Array(32).fill(0xaa), new Uint8Array(32).fill(0xbb));
  assert.equal(data.length, 84);
  assert.equal(hex(helloResponseSignature(data)),
    'f792db2fba5777d393970a80d0047ceec8dfde42da697dfa5f65c0d129b13b4b6d0a5896e6f8e251ccf59db46c8d8a06e2f24442540345193ccc7a748b6e0209');
});

test('the announce and reply signatures are the spec vectors, and verify', async () => {
  const identity = await createIdentity(seed);
  const request = { id: fromHex('0102030405060708'), hops: 3, type: text('chat'), data: text('hello world'), limit: 7 };
  assert.equal(hex(await identity.sign(announceSigned(request))),
    '576939add6aa7dedf31dc139288a56f88d9940fa31ce1aa340a0357c009fa0d82a3046d298aceedcd1f956fc234f711e863af4031c52f09840fc88668f6da103');
  const response = { reply: fromHex('0102030405060708'), id: fromHex('a1a2a3a4'), hops: 0, type: text('chat'), data: text('hello world') };
  assert.equal(hex(await identity.sign(replySigned(response))),
    '3fa333c0868ed9961e9cb73f96f3eb209e33b31363c5188374e3d4143c78dd7e7361cb06734c37958330a0e08d4c83dbcd211f520b1b315d6c2a018846da450e');

  await signAnnounce(identity, request, true);
  assert.equal(await checkSignature(request, true), 'signed');
  assert.equal(await checkSignature({ ...request, hops: 9 }, true), 'signed', 'hops is not signed');
  assert.equal(await checkSignature({ ...request, data: text('hello worle') }, true), 'forged');
  assert.equal(await checkSignature({ ...request, signature: undefined }, true), 'forged');
  assert.equal(await checkSignature({ id: request.id, hops: 0 }, true), 'unsigned');
});

test('a hello exchange verifies both ways; a wrong challenge or a borrowed node id does not', async () => {
  const a = await createIdentity(), b = await createIdentity();
  const ca = new Uint8Array(32).fill(3), cb = new Uint8Array(32).fill(4);
  const helloA = parseHelloRequest(helloRequestData(a, ca));
  const helloB = parseHelloRequest(helloRequestData(b, cb));
  assert.equal(hex(helloA.nodeId), hex(a.nodeId));
  // b answers a's hello: signs a's challenge then its own; a verifies with its own challenge.
  const fromB = helloResponseSignature(await helloResponseData(b, helloA.challenge, cb));
  assert.equal(await verifyHello(helloB, fromB, ca), true);
  assert.equal(await verifyHello(helloB, fromB, new Uint8Array(32)), false);
  assert.equal(await verifyHello({ ...helloB, nodeId: a.nodeId }, fromB, ca), false);
  // An original node's 16 bytes: no extension.
  const original = parseHelloRequest(a.nodeId);
  assert.equal(original.version, 0);
  assert.equal(original.publicKey, undefined);
});
