// SDP minimisation for signalling within a 1024-byte announce: a data-channel-only description keeps the lines a
// browser needs to answer and connect (session header, the one m= section, ICE credentials, DTLS fingerprint and
// role, SCTP port, candidates) and drops the rest; candidates lose their optional extensions and are kept, best
// first, while the JSON of the signal fits. The result is still a valid SDP, so original peers (simple-peer) take it.

export const MAX_SIGNAL = 1024;
const KEEP = [/^v=/, /^o=/, /^s=/, /^t=/, /^a=group:BUNDLE/, /^m=/, /^c=/, /^a=ice-ufrag:/, /^a=ice-pwd:/, /^a=fingerprint:/, /^a=setup:/, /^a=mid:/, /^a=sctp-port:/];

/** Parses `a=candidate:` (or `candidate:`) lines into `{ foundation, component, protocol, priority, address, port, type, line }`. */
export function parseCandidate(line) {
  const m = /^(?:a=)?candidate:(\S+) (\d+) (\S+) (\d+) (\S+) (\d+) typ (\S+)/.exec(line);
  if (!m) return null;
  return { foundation: m[1], component: +m[2], protocol: m[3].toLowerCase(), priority: +m[4], address: m[5], port: +m[6], type: m[7],
    line: `a=candidate:${m[1]} ${m[2]} ${m[3]} ${m[4]} ${m[5]} ${m[6]} typ ${m[7]}` };
}

/**
 * The minimised SDP of `sdp`, whose signal JSON (`{"type":"offer","sdp":...}`) is at most `max` bytes. `filter`
 * chooses candidates (default: UDP ones, since a browser's TCP host candidates are active-only). Throws when even
 * the description without candidates is too long.
 */
export function minimiseSdp(sdp, { filter, max = MAX_SIGNAL, type = 'answer' } = {}) {
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  const kept = lines.filter((l) => KEEP.some((re) => re.test(l)));
  const choose = filter ?? ((c) => c.protocol === 'udp');
  const candidates = lines.map(parseCandidate).filter((c) => c && c.component === 1 && choose(c)).sort((a, b) => b.priority - a.priority);
  const size = (body) => new TextEncoder().encode(JSON.stringify({ type, sdp: body })).length;
  const join = (extra) => [...kept, ...extra].join('\r\n') + '\r\n';
  if (size(join([])) > max) throw new Error('the description is past the signal limit even without candidates');
  const chosen = [];
  for (const c of candidates) if (size(join([...chosen, c.line])) <= max) chosen.push(c.line);
  return join(chosen);
}
