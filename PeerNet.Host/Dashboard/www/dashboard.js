// PeerNet's live dashboard: one snapshot a second from /api/dashboard/events (Server-Sent Events), a rates chart and a
// network map drawn as SVG. No dependency: plain modern JavaScript, served by the node itself.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const WINDOW_MS = 5 * 60 * 1000; // the chart's span: what the node keeps (5 minutes at 1 s)
  const CENSUS_TIMEOUT_MS = 2000;
  const TRACE_TIMEOUT_MS = 2000;
  const SERIES = [
    { key: 'framesIn', label: 'frames in' },
    { key: 'framesOut', label: 'frames out' },
    { key: 'announces', label: 'announces' },
    { key: 'drops', label: 'drops' },
  ];

  const $ = (id) => document.getElementById(id);
  const state = { node: null, history: [], connections: [], census: null, mapKey: '' };

  // ---- formatting -------------------------------------------------------------------------------------------------

  const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const fmtInt = (n) => intFormat.format(n);
  const fmtRate = (n) => (n >= 100 ? fmtInt(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
  const fmtBytes = (n) => {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return `${i === 0 ? fmtInt(n) : n.toFixed(n >= 100 ? 0 : 1)} ${units[i]}`;
  };
  const fmtDuration = (seconds) => {
    const s = Math.floor(seconds);
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    if (d > 0) return `${d} d ${h} h ${m} min`;
    if (h > 0) return `${h} h ${m} min`;
    if (m > 0) return `${m} min ${s % 60} s`;
    return `${s} s`;
  };
  const fmtTime = (iso) => new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
  const shortId = (id) => id.slice(0, 8);

  const svg = (name, attrs = {}) => {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const cell = (text, className, title) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    if (title) td.title = title;
    return td;
  };

  // ---- the live stream --------------------------------------------------------------------------------------------

  function setLive(stateName, text) {
    const live = $('live');
    live.dataset.state = stateName;
    live.textContent = text;
  }

  function connect() {
    // EventSource reconnects by itself after an error; each new stream starts with the history again.
    const source = new EventSource('/api/dashboard/events');
    source.onopen = () => setLive('live', 'live');
    source.onerror = () => setLive('reconnecting', 'reconnecting…');
    source.onmessage = (event) => {
      let snapshot;
      try { snapshot = JSON.parse(event.data); } catch { return; }
      apply(snapshot);
    };
  }

  function apply(s) {
    const first = state.node === null;
    state.node = s.node;
    state.connections = s.connections || [];
    if (Array.isArray(s.history)) {
      state.history = s.history.slice();
    } else if (s.rates) {
      const last = state.history[state.history.length - 1];
      if (!last || last.time !== s.rates.time) state.history.push(s.rates);
    }
    if (state.history.length > 0) {
      const end = Date.parse(state.history[state.history.length - 1].time);
      while (state.history.length > 0 && Date.parse(state.history[0].time) < end - WINDOW_MS) state.history.shift();
    }

    renderNode(s);
    renderChart(s.rates);
    renderConnections(state.connections);
    renderMeter(s.meter || []);
    if (first) refreshCensus(); // the census once the node's id is known; meanwhile its direct connections
    redrawMap(false);
  }

  // ---- this node --------------------------------------------------------------------------------------------------

  function renderNode(s) {
    $('node-id').textContent = s.node.id;
    document.title = `PeerNet node ${shortId(s.node.id)}`;
    $('node-version').textContent = s.node.version;
    $('node-uptime').textContent = fmtDuration(s.node.uptimeSeconds);
    $('node-addresses').textContent = s.node.addresses.length ? s.node.addresses.join(', ') : 'none advertised';
    $('count-connections').textContent = fmtInt(state.connections.length);
    $('count-known').textContent = fmtInt(s.known);
    $('count-removed').textContent = fmtInt(s.removed);
    const r = s.rates;
    $('rate-frames').textContent = r ? `${fmtRate(r.framesIn)} / ${fmtRate(r.framesOut)}` : '–';
    $('rate-bytes').textContent = r ? `${fmtBytes(r.bytesIn)} / ${fmtBytes(r.bytesOut)}` : '–';
    $('rate-announces').textContent = r ? fmtRate(r.announces) : '–';
    $('rate-drops').textContent = r ? fmtRate(r.drops) : '–';
  }

  // ---- the rates chart --------------------------------------------------------------------------------------------

  const niceCeil = (v) => {
    if (!(v > 0)) return 1;
    const p = 10 ** Math.floor(Math.log10(v));
    for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
    return 10 * p;
  };

  function renderChart(latest) {
    const chart = $('chart');
    const W = 800, H = 220, left = 52, right = 10, top = 10, bottom = 24;
    const points = state.history;
    const end = points.length ? Date.parse(points[points.length - 1].time) : Date.now();
    const start = end - WINDOW_MS;
    let max = 0;
    for (const p of points) for (const s of SERIES) max = Math.max(max, p[s.key]);
    const yMax = niceCeil(max);
    const x = (t) => left + ((t - start) / WINDOW_MS) * (W - left - right);
    const y = (v) => H - bottom - (v / yMax) * (H - top - bottom);

    const grid = chart.querySelector('.grid');
    grid.replaceChildren();
    for (const f of [0, 0.5, 1]) {
      const v = yMax * f;
      grid.append(svg('line', { x1: left, x2: W - right, y1: y(v), y2: y(v) }));
      const label = svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end' });
      label.textContent = fmtRate(v);
      grid.append(label);
    }
    for (let minute = 0; minute <= 5; minute++) {
      const label = svg('text', { x: x(start + minute * 60000), y: H - 6, 'text-anchor': 'middle' });
      label.textContent = minute === 5 ? 'now' : `-${5 - minute} min`;
      grid.append(label);
    }

    const series = chart.querySelector('.series');
    for (const s of SERIES) {
      let line = series.querySelector(`polyline[data-series="${s.key}"]`);
      if (!line) {
        line = svg('polyline', { 'data-series': s.key });
        line.append(svg('title'));
        series.append(line);
      }
      line.setAttribute('points', points.map((p) => `${x(Date.parse(p.time)).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(' '));
      line.firstChild.textContent = `${s.label} per second`;
    }

    const legend = $('chart-legend');
    legend.replaceChildren(...SERIES.map((s) => {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = `swatch ${s.key}`;
      li.append(swatch, `${s.label} ${latest ? fmtRate(latest[s.key]) : '–'}/s`);
      return li;
    }));
  }

  // ---- connections ------------------------------------------------------------------------------------------------

  function renderConnections(connections) {
    const rows = connections.map((c) => {
      const tr = document.createElement('tr');
      tr.dataset.peerId = c.peerId;
      tr.append(
        cell(shortId(c.peerId), 'mono', c.peerId),
        cell(c.address ?? '(inbound)'),
        cell(c.direction),
        cell(c.transport),
        cell(!c.peerNet ? 'original' : c.verified ? 'PeerNet, verified' : 'PeerNet'),
        cell(fmtTime(c.since), null, c.since),
        cell(fmtInt(c.framesIn), 'num'),
        cell(fmtInt(c.framesOut), 'num'),
        cell(fmtBytes(c.bytesIn), 'num'),
        cell(fmtBytes(c.bytesOut), 'num'),
        cell(`${fmtInt(c.discarded)} / ${fmtInt(c.dropped)}`, 'num'));
      return tr;
    });
    document.querySelector('#connections tbody').replaceChildren(...rows);
    $('connections-empty').hidden = connections.length > 0;
    const inbound = connections.filter((c) => c.direction === 'inbound').length;
    $('connections-summary').textContent = connections.length
      ? `${connections.length} (${connections.length - inbound} outbound, ${inbound} inbound)` : '';
  }

  // ---- the meter --------------------------------------------------------------------------------------------------

  function renderMeter(items) {
    const rows = items.map((m) => {
      const tr = document.createElement('tr');
      tr.dataset.instrument = m.name;
      const value = m.unit === 'By' ? fmtBytes(m.value) : fmtInt(m.value);
      const rate = m.rate == null ? '' : m.unit === 'By' ? `${fmtBytes(m.rate)}` : fmtRate(m.rate);
      tr.append(cell(m.name, 'mono', m.description ?? ''), cell(m.kind), cell(value, 'num'), cell(rate, 'num'));
      return tr;
    });
    document.querySelector('#meter tbody').replaceChildren(...rows);
  }

  // ---- the network map --------------------------------------------------------------------------------------------

  const map = { nodes: new Map(), edges: [], alpha: 0, frame: 0 };

  async function refreshCensus() {
    if (state.asking) return;
    const button = $('map-refresh');
    button.disabled = true;
    state.asking = true;
    $('map-source').textContent = 'asking the network for a census…';
    let note = 'census unavailable';
    try {
      // A census makes every node answer, so it is a write: with an API key set it needs the key (typed into the page,
      // kept in memory only); from loopback without one it needs nothing.
      const headers = { accept: 'application/json' };
      const key = $('map-key').value.trim();
      if (key) headers['x-api-key'] = key;
      const response = await fetch(`/api/census?timeoutMs=${CENSUS_TIMEOUT_MS}`, { cache: 'no-store', headers });
      if (response.status === 200) {
        const body = await response.json();
        if (body && Array.isArray(body.nodes)) {
          state.census = { nodes: body.nodes, at: new Date().toISOString() };
          redrawMap(true);
          return;
        }
        note = 'census answered something unexpected';
      } else if (response.status === 401) {
        $('map-key').hidden = false;
        note = key ? 'the census refused that API key' : 'the census needs the API key';
      } else if (response.status !== 404) {
        note = `census answered ${response.status}`;
      }
    } catch {
      note = 'census failed';
    } finally {
      button.disabled = false;
      state.asking = false;
    }
    state.census = null;
    state.mapNote = note;
    redrawMap(true);
  }

  // A trace: an announce that asks for a delivery report; each PeerNet node that got it says from which peer, and those
  // links are drawn as the tree it travelled. It is an ordinary announce (type peernet.trace, no data), so a write.
  async function trace() {
    const button = $('map-trace');
    const note = $('map-trace-note');
    button.disabled = true;
    note.textContent = 'tracing…';
    try {
      const id = [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('');
      const headers = { 'content-type': 'application/json' };
      const key = $('map-key').value.trim();
      if (key) headers['x-api-key'] = key;
      const sent = await fetch(`/api/announce?timeoutMs=${TRACE_TIMEOUT_MS}`,
        { method: 'POST', headers, body: JSON.stringify({ id, type: 'peernet.trace', report: true }) });
      if (sent.status === 401) { $('map-key').hidden = false; note.textContent = 'a trace needs the API key'; return; }
      if (!sent.ok) { note.textContent = `the announce answered ${sent.status}`; return; }
      await sent.text(); // the stream ends after the timeout, the report complete
      const answer = await fetch(`/api/announces/${id}`, { cache: 'no-store', headers: { accept: 'application/json' } });
      if (!answer.ok) { note.textContent = `the report answered ${answer.status}`; return; }
      const report = await answer.json();
      state.tree = new Set(report.nodes.map((n) => edgeKey(n.from, n.node)));
      applyTree();
      const hops = Object.entries(report.byHop).map(([h, n]) => `${n} at hop ${h}`).join(', ');
      note.textContent = `trace ${id}: reached ${report.reached}${hops ? ` (${hops})` : ''}` +
        `${report.timeToLastMs != null ? `, last after ${report.timeToLastMs} ms` : ''}, ${report.droppedForwards} copies dropped`;
    } catch {
      note.textContent = 'the trace failed';
    } finally {
      button.disabled = false;
    }
  }

  const edgeKey = (a, b) => (a < b ? `${a}|${b}` : `${b}|${a}`);

  // Marks the links the last trace travelled (kept across redraws of the map).
  function applyTree() {
    for (const edge of map.edges)
      edge.line.classList.toggle('tree', !!state.tree && state.tree.has(edgeKey(edge[0].id, edge[1].id)));
  }

  // This node's links come from the live stream either way: the census is as old as its button press.
  const directKey = () => state.connections.map((c) => `${c.peerId}:${c.peerNet}`).sort().join(',');

  function redrawMap(force) {
    if (!state.node) return;
    const key = `${state.census ? `census@${state.census.at}` : 'direct'}|${state.node.id}|${directKey()}`;
    if (!force && key === state.mapKey) return;
    state.mapKey = key;
    if (state.census) drawCensus(); else drawDirect();
  }

  // The census's nodes and links, with this node's own links replaced by its live connections.
  function drawCensus() {
    const self = state.node.id;
    const byId = new Map([[self, { id: self, kind: 'self', version: state.node.version }]]);
    for (const n of state.census.nodes) {
      if (typeof n.id !== 'string' || n.id === self) continue;
      // A node with no version did not answer: an original node (not PeerNet), or a PeerNet node with census off.
      const kind = n.peerNet === false ? 'original' : n.version == null ? 'silent' : 'peernet';
      byId.set(n.id, { id: n.id, kind, version: n.version ?? null });
    }
    const edges = new Map();
    const link = (a, b) => {
      if (a === b) return;
      edges.set(a < b ? `${a}|${b}` : `${b}|${a}`, [a, b]);
    };
    for (const n of state.census.nodes) {
      if (typeof n.id !== 'string' || n.id === self) continue;
      for (const peer of n.peers || []) {
        if (typeof peer !== 'string' || peer === self) continue;
        if (!byId.has(peer)) byId.set(peer, { id: peer, kind: 'silent' });
        link(n.id, peer);
      }
    }
    for (const c of state.connections) {
      if (!byId.has(c.peerId)) byId.set(c.peerId, { id: c.peerId, kind: c.peerNet ? 'peernet' : 'original' });
      link(self, c.peerId);
    }
    setGraph([...byId.values()], [...edges.values()]);
    const answered = state.census.nodes.filter((n) => n.version != null).length;
    $('map-source').textContent =
      `census at ${fmtTime(state.census.at)}: ${answered} nodes answered, ${byId.size} shown, ${edges.size} links (this node's live)`;
  }

  // Until the census answers, or where the node has none: this node and its direct connections, following the stream.
  function drawDirect() {
    const self = state.node.id;
    const nodes = new Map([[self, { id: self, kind: 'self', version: state.node.version }]]);
    for (const c of state.connections) {
      if (!nodes.has(c.peerId)) nodes.set(c.peerId, { id: c.peerId, kind: c.peerNet ? 'peernet' : 'original' });
    }
    setGraph([...nodes.values()], [...nodes.keys()].filter((id) => id !== self).map((id) => [self, id]));
    const note = state.asking ? 'asking for a census…' : state.mapNote ?? 'census unavailable';
    $('map-source').textContent = `this node and its ${state.connections.length} direct connections (${note})`;
  }

  function setGraph(nodes, edges) {
    const next = new Map();
    for (const n of nodes) {
      const old = map.nodes.get(n.id);
      next.set(n.id, old ? Object.assign(old, n) : { ...n, x: NaN, y: NaN, vx: 0, vy: 0 });
    }
    map.edges = edges.filter(([a, b]) => next.has(a) && next.has(b)).map(([a, b]) => [next.get(a), next.get(b)]);
    // New nodes start beside a placed neighbour (or at random), this node at the centre.
    for (const n of next.values()) {
      if (!Number.isNaN(n.x)) continue;
      if (n.kind === 'self') { n.x = 0; n.y = 0; continue; }
      const link = map.edges.find(([a, b]) => (a === n && !Number.isNaN(b.x)) || (b === n && !Number.isNaN(a.x)));
      const anchor = link ? (link[0] === n ? link[1] : link[0]) : { x: 0, y: 0 };
      const angle = Math.random() * 2 * Math.PI;
      n.x = anchor.x + 40 * Math.cos(angle);
      n.y = anchor.y + 40 * Math.sin(angle);
    }
    map.nodes = next;

    const big = next.size > 60;
    const edgeLayer = document.querySelector('#map .edges');
    const nodeLayer = document.querySelector('#map .nodes');
    edgeLayer.replaceChildren(...map.edges.map((edge) => (edge.line = svg('line'))));
    applyTree();
    nodeLayer.replaceChildren();
    for (const n of next.values()) {
      const g = svg('g');
      n.circle = svg('circle', { r: n.kind === 'self' ? 9 : big ? 4 : 7, class: n.kind, 'data-node-id': n.id });
      const title = svg('title');
      title.textContent = `${n.id}${n.version ? ` (${n.version})` : ''}${n.kind === 'self' ? ': this node' : n.kind === 'silent' ? ': did not answer' : n.kind === 'original' ? ': original peernet' : ''}`;
      n.circle.append(title);
      g.append(n.circle);
      n.label = null;
      if (!big || n.kind === 'self') {
        n.label = svg('text');
        n.label.textContent = shortId(n.id);
        g.append(n.label);
      }
      nodeLayer.append(g);
    }
    map.alpha = 1;
    if (!map.frame) map.frame = requestAnimationFrame(step);
    draw();
  }

  // A small force layout: nodes repel each other, links pull to a set length, a weak pull keeps everything centred.
  function step() {
    map.frame = 0;
    const nodes = [...map.nodes.values()];
    const length = 70, alpha = map.alpha;
    for (let i = 0; i < nodes.length; i++) {
      const a = nodes[i];
      for (let j = i + 1; j < nodes.length; j++) {
        const b = nodes[j];
        let dx = a.x - b.x, dy = a.y - b.y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 0.01) { dx = Math.random() - 0.5; dy = Math.random() - 0.5; d2 = 0.01; }
        if (d2 > 250000) continue; // 500 px apart: no push
        const f = (length * length * alpha) / d2 * 0.6;
        a.vx += dx * f / Math.sqrt(d2); a.vy += dy * f / Math.sqrt(d2);
        b.vx -= dx * f / Math.sqrt(d2); b.vy -= dy * f / Math.sqrt(d2);
      }
    }
    for (const [a, b] of map.edges) {
      const dx = b.x - a.x, dy = b.y - a.y;
      const d = Math.max(Math.sqrt(dx * dx + dy * dy), 0.1);
      const f = ((d - length) / d) * 0.08 * alpha;
      a.vx += dx * f; a.vy += dy * f;
      b.vx -= dx * f; b.vy -= dy * f;
    }
    for (const n of nodes) {
      if (n.kind === 'self') { n.x = 0; n.y = 0; n.vx = 0; n.vy = 0; continue; }
      n.vx = (n.vx - n.x * 0.004 * alpha) * 0.6;
      n.vy = (n.vy - n.y * 0.004 * alpha) * 0.6;
      n.x += Math.max(-30, Math.min(30, n.vx));
      n.y += Math.max(-30, Math.min(30, n.vy));
    }
    map.alpha *= 0.975;
    draw();
    if (map.alpha > 0.02) map.frame = requestAnimationFrame(step);
  }

  function draw() {
    // At least this much is shown, so that a few nodes are drawn at their size rather than blown up.
    let minX = -180, maxX = 180, minY = -110, maxY = 110;
    for (const n of map.nodes.values()) {
      n.circle.setAttribute('cx', n.x.toFixed(1));
      n.circle.setAttribute('cy', n.y.toFixed(1));
      if (n.label) { n.label.setAttribute('x', n.x.toFixed(1)); n.label.setAttribute('y', (n.y + 20).toFixed(1)); }
      minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x); minY = Math.min(minY, n.y); maxY = Math.max(maxY, n.y);
    }
    for (const edge of map.edges) {
      const [a, b] = edge;
      edge.line.setAttribute('x1', a.x.toFixed(1)); edge.line.setAttribute('y1', a.y.toFixed(1));
      edge.line.setAttribute('x2', b.x.toFixed(1)); edge.line.setAttribute('y2', b.y.toFixed(1));
    }
    // Fit the drawing to the panel's shape.
    const pad = 30;
    const box = $('map').getBoundingClientRect();
    const shape = box.width > 0 && box.height > 0 ? box.width / box.height : 2;
    let w = maxX - minX + 2 * pad, h = maxY - minY + 2 * pad;
    const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
    if (w / h > shape) h = w / shape; else w = h * shape;
    $('map').setAttribute('viewBox', `${(cx - w / 2).toFixed(1)} ${(cy - h / 2).toFixed(1)} ${w.toFixed(1)} ${h.toFixed(1)}`);
  }

  $('map-refresh').addEventListener('click', () => refreshCensus());
  $('map-trace').addEventListener('click', () => trace());
  $('map-key').addEventListener('keydown', (event) => { if (event.key === 'Enter') refreshCensus(); });
  connect();
})();
