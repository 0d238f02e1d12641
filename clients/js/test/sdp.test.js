// SDP minimisation: a Chromium data-channel offer (captured here with loopback enumeration on) fits one announce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimiseSdp, parseCandidate, MAX_SIGNAL } from '../src/sdp.js';

const chromiumOffer = [
  'v=0', 'o=- 289635103313223503 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=extmap-allow-mixed', 'a=msid-semantic: WMS',
  'm=application 48103 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 127.0.0.1',
  'a=candidate:3227005883 1 udp 2122194687 127.0.0.1 48103 typ host generation 0 network-id 3 network-cost 50',
  'a=candidate:1852156983 1 udp 2122063615 192.0.2.2 44168 typ host generation 0 network-id 1',
  'a=candidate:3980519264 1 udp 2122267903 ::1 60996 typ host generation 0 network-id 4 network-cost 50',
  'a=candidate:1763164295 1 udp 2122134271 fd00::2 43047 typ host generation 0 network-id 2',
  'a=candidate:3197620515 1 tcp 1518214911 127.0.0.1 9 typ host tcptype active generation 0 network-id 3 network-cost 50',
  ...Array.from({ length: 12 }, (_, i) => `a=candidate:${1000 + i} 1 udp ${2000000000 - i} 10.9.8.${i} ${50000 + i} typ host generation 0 network-id 9 network-cost 50`),
  'a=ice-ufrag:eORX', 'a=ice-pwd:r8hla5RoSmkqlevue0wZBr3J', 'a=ice-options:trickle',
  'a=fingerprint:sha-256 60:F1:D4:7D:93:8A:71:EB:09:E3:A0:9D:44:97:40:5F:3B:6D:82:51:55:F3:B8:06:8A:44:2D:22:8E:A4:30:E9',
  'a=setup:actpass', 'a=mid:0', 'a=sctp-port:5000', 'a=max-message-size:262144', '',
].join('\r\n');

const size = (sdp) => new TextEncoder().encode(JSON.stringify({ type: 'answer', sdp })).length;

test('a long offer is cut to the signal limit: needed lines kept, extensions and TCP candidates gone, best candidates first', () => {
  assert.ok(size(chromiumOffer) > MAX_SIGNAL);
  const sdp = minimiseSdp(chromiumOffer);
  assert.ok(size(sdp) <= MAX_SIGNAL, `${size(sdp)} bytes`);
  for (const line of ['a=ice-ufrag:eORX', 'a=ice-pwd:r8hla5RoSmkqlevue0wZBr3J', 'a=setup:actpass', 'a=mid:0', 'a=sctp-port:5000', 'm=application'])
    assert.ok(sdp.includes(line), line);
  assert.ok(!sdp.includes('network-cost') && !sdp.includes('tcptype') && !sdp.includes('extmap'));
  const candidates = sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:')).map(parseCandidate);
  assert.equal(candidates[0].address, '::1'); // the highest priority
  assert.ok(candidates.length >= 4 && candidates.length < 16);
  assert.deepEqual(candidates.map((c) => c.priority), [...candidates.map((c) => c.priority)].sort((a, b) => b - a));
});

test('a filter chooses the candidates signalled', () => {
  const sdp = minimiseSdp(chromiumOffer, { filter: (c) => c.address === '127.0.0.1' && c.protocol === 'udp' });
  const candidates = sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
  assert.deepEqual(candidates, ['a=candidate:3227005883 1 udp 2122194687 127.0.0.1 48103 typ host']);
});
