// mixdown preview page. Vanilla JS, no dependencies, loaded under a strict
// Content-Security-Policy (no inline script, no eval, same origin only).
//
// The server pushes its whole state over Server-Sent Events (/events). For
// the chosen output the page decodes the current and the previous render
// into AudioBuffers and plays both at once, from the same sample, each
// through its own gain: A/B is a switch of those gains, so the two sides
// stay sample-aligned. A new render replaces the pair and restarts at the
// same position, scheduled on the audio clock so there is no gap.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);

  const LOOKAHEAD = 0.05; // s: restarts are scheduled this far ahead on the audio clock
  const XFADE = 0.005;    // s: the A/B switch ramps this long, to avoid a click

  let state = null;       // latest State from the server
  let selected = '';      // output name being played
  // Decoded renders and their analyses, by URL and SHA-256: render numbers
  // start again at 1 when watch is restarted, so a URL alone may name other
  // bytes after the page reconnects.
  const buffers = new Map();  // key -> Promise<AudioBuffer>
  const analyses = new Map(); // key -> Promise<analysis JSON>
  const key = (url, v) => url + '@' + v.sha256;
  const same = (a, b) => (a ? key(a.audio, a) : '') === (b ? key(b.audio, b) : '');

  // The player. cur/prev: {seq, audio, analysis, lufs, buf}.
  const P = {
    ctx: null,
    cur: null,
    prev: null,
    side: 'B',          // 'B' = current render, 'A' = previous
    match: false,
    playing: false,
    t0: 0,              // audio-clock time playback (re)started
    off0: 0,            // buffer position at t0, s
    paused: 0,          // position while stopped, s
    loop: null,         // {start, end} in s
    nodes: [],          // [{src, ab, lm, which}]
    loadToken: 0,
    loading: null,      // the promise of the latest loadPair
    curAnalysis: null,
    prevAnalysis: null,
  };

  // ---------- formatting

  const finite = (v) => typeof v === 'number' && Number.isFinite(v);
  const fmt = (v, digits = 1) => (finite(v) ? v.toFixed(digits) : '–');
  function signed(v, digits = 1) {
    if (!finite(v)) return '';
    const s = Math.abs(v).toFixed(digits);
    return (Number(s) === 0 ? '±' : v > 0 ? '+' : '−') + s;
  }
  const minus = (s) => s.replace(/^-/, '−');
  function clock(t) {
    if (!finite(t) || t < 0) t = 0;
    const m = Math.floor(t / 60);
    const s = t - m * 60;
    return m + ':' + (s < 10 ? '0' : '') + s.toFixed(3);
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---------- audio

  function audioContext(rate) {
    if (!P.ctx) {
      try {
        P.ctx = rate ? new AudioContext({ sampleRate: rate }) : new AudioContext();
      } catch (e) {
        P.ctx = new AudioContext(); // rate not supported: the browser resamples
      }
    }
    return P.ctx;
  }

  function getBuffer(v) {
    const url = v.audio;
    let p = buffers.get(key(url, v));
    if (!p) {
      p = fetch(url)
        .then((r) => {
          if (!r.ok) throw new Error(url + ': ' + r.status);
          return r.arrayBuffer();
        })
        .then((b) => P.ctx.decodeAudioData(b));
      p.catch(() => buffers.delete(key(url, v)));
      buffers.set(key(url, v), p);
    }
    return p;
  }

  function getAnalysis(v) {
    const url = v.analysis;
    let p = analyses.get(key(url, v));
    if (!p) {
      p = fetch(url).then((r) => {
        if (!r.ok) throw new Error(url + ': ' + r.status);
        return r.json();
      });
      p.catch(() => analyses.delete(key(url, v)));
      analyses.set(key(url, v), p);
    }
    return p;
  }

  function duration() {
    return P.cur && P.cur.buf ? P.cur.buf.duration : 0;
  }

  // positionAt is the buffer position heard at audio-clock time t, with
  // AudioBufferSourceNode's loop rule: play on from the offset, and wrap
  // from loop end to loop start.
  function positionAt(t) {
    if (!P.playing) return P.paused;
    let p = P.off0 + Math.max(0, t - P.t0);
    const L = P.loop;
    if (L && P.off0 < L.end && p >= L.end) p = L.start + ((p - L.start) % (L.end - L.start));
    return p;
  }
  const position = () => positionAt(P.ctx ? P.ctx.currentTime : 0);

  function sideGain(which) {
    return (which === 'cur') === (P.side === 'B') ? 1 : 0;
  }

  // matchGains lowers the louder side by the difference of integrated
  // loudness: gain = 10^(-|LUFS_cur - LUFS_prev| / 20) on the louder one, 1
  // on the other. Lowering (never raising) cannot clip.
  function matchGains() {
    const none = { cur: 1, prev: 1, db: 0, side: '' };
    if (!P.match || !P.cur || !P.prev || !finite(P.cur.lufs) || !finite(P.prev.lufs)) return none;
    const d = P.cur.lufs - P.prev.lufs;
    if (d === 0) return none;
    const g = Math.pow(10, -Math.abs(d) / 20);
    return d > 0 ? { cur: g, prev: 1, db: -Math.abs(d), side: 'B' } : { cur: 1, prev: g, db: -Math.abs(d), side: 'A' };
  }

  function stopSources(when) {
    for (const n of P.nodes) {
      try {
        n.src.stop(when);
      } catch (e) {
        /* never started: nothing to stop */
      }
      n.src.onended = null;
    }
    P.nodes = [];
  }

  // startAt plays both renders from offset (s), at the same sample,
  // LOOKAHEAD from now; the sources it replaces stop at that same instant.
  function startAt(offset) {
    const ctx = P.ctx;
    if (!ctx || !P.cur || !P.cur.buf) return;
    const rate = P.cur.buf.sampleRate;
    if (P.loop && (offset < P.loop.start || offset >= P.loop.end)) offset = P.loop.start;
    if (offset >= duration()) offset = 0;
    offset = Math.round(offset * rate) / rate; // a whole sample
    const when = ctx.currentTime + LOOKAHEAD;
    stopSources(when);
    const mg = matchGains();
    for (const which of ['cur', 'prev']) {
      const v = P[which];
      if (!v || !v.buf) continue;
      const src = ctx.createBufferSource();
      src.buffer = v.buf;
      if (P.loop) {
        src.loop = true;
        src.loopStart = P.loop.start;
        src.loopEnd = P.loop.end;
      }
      const ab = ctx.createGain();
      const lm = ctx.createGain();
      ab.gain.value = sideGain(which);
      lm.gain.value = mg[which];
      src.connect(ab).connect(lm).connect(ctx.destination);
      if (offset < v.buf.duration) src.start(when, offset);
      P.nodes.push({ src, ab, lm, which });
    }
    P.t0 = when;
    P.off0 = offset;
    P.playing = true;
    updatePlayer();
  }

  function play() {
    if (!P.cur || !P.cur.buf) return;
    P.ctx.resume();
    startAt(P.paused);
  }

  function pause() {
    P.paused = position();
    P.playing = false;
    stopSources(0);
    updatePlayer();
  }

  function seek(t) {
    t = Math.max(0, Math.min(t, duration()));
    if (P.playing) startAt(t);
    else P.paused = t;
    updatePlayer();
  }

  function setSide(side) {
    if (side === 'A' && !(P.prev && P.prev.buf)) side = 'B';
    P.side = side;
    if (P.ctx) {
      const t = P.ctx.currentTime;
      for (const n of P.nodes) {
        const g = n.ab.gain;
        g.cancelScheduledValues(t);
        g.setValueAtTime(g.value, t);
        g.linearRampToValueAtTime(sideGain(n.which), t + XFADE);
      }
    }
    updatePlayer();
    drawLoudness();
  }

  function applyMatch() {
    const mg = matchGains();
    if (P.ctx) {
      const t = P.ctx.currentTime;
      for (const n of P.nodes) {
        n.lm.gain.setTargetAtTime(mg[n.which], t, 0.01);
      }
    }
    updatePlayer();
  }

  function setLoop(a, b) {
    const pos = position();
    P.loop = b - a >= 0.05 ? { start: a, end: b } : null;
    if (P.playing) startAt(P.loop && (pos < a || pos >= b) ? a : pos);
    else if (P.loop) P.paused = a;
    updatePlayer();
  }

  // loadPair decodes the chosen output's current and previous renders and
  // swaps them in, keeping the position (and playback) where it was.
  async function loadPair(pair) {
    const token = ++P.loadToken;
    const rate = outputOf(pair.output)?.sampleRate;
    audioContext(rate);
    let cb, pb;
    try {
      [cb, pb] = await Promise.all([
        getBuffer(pair.current),
        pair.previous ? getBuffer(pair.previous).catch(() => null) : null,
      ]);
    } catch (e) {
      $('status').textContent = 'could not load ' + pair.current.audio;
      return;
    }
    if (token !== P.loadToken) return; // a newer render won
    const isNew = !same(P.cur, pair.current);
    P.cur = Object.assign({}, pair.current, { buf: cb });
    P.prev = pair.previous && pb ? Object.assign({}, pair.previous, { buf: pb }) : null;
    if (isNew) P.side = 'B'; // a new render is what the user wants to hear
    if (P.side === 'A' && !P.prev) P.side = 'B';
    if (P.loop && P.loop.end > duration()) P.loop = null;
    if (P.playing) startAt(positionAt(P.ctx.currentTime + LOOKAHEAD));
    else P.paused = Math.min(P.paused, duration());
    $('play').disabled = false;
    updatePlayer();
    Promise.all([
      getAnalysis(pair.current),
      pair.previous ? getAnalysis(pair.previous).catch(() => null) : null,
    ]).then(([ca, pa]) => {
      if (token !== P.loadToken) return;
      P.curAnalysis = ca;
      P.prevAnalysis = pa;
      waveCache = null;
      drawLoudness();
    }, () => {});
  }

  // ---------- state

  function outputOf(name) {
    const g = state && state.good;
    return g ? g.outputs.find((o) => o.name === name) : undefined;
  }

  function onState(s) {
    state = s;
    $('title').textContent = s.title || '';
    const pairs = s.snapshots || [];
    if (!pairs.some((p) => p.output === selected)) selected = pairs.length ? pairs[0].output : '';
    // Keep decoded audio of the chosen output's pair only (a 3-minute
    // stereo render is 60 MB decoded), analyses of every offered render.
    const live = new Set();
    for (const p of pairs) {
      for (const v of [p.current, p.previous]) {
        if (!v) continue;
        live.add(key(v.analysis, v));
        if (p.output === selected) live.add(key(v.audio, v));
      }
    }
    for (const m of [buffers, analyses]) {
      for (const k of [...m.keys()]) if (!live.has(k)) m.delete(k);
    }
    renderOutputs(pairs);
    renderStatus();
    renderDiagnostics();
    renderChanges();
    renderMeters();
    const pair = pairs.find((p) => p.output === selected);
    if (pair && (!same(P.cur, pair.current) || !same(P.prev, pair.previous))) {
      P.loading = loadPair(pair);
    }
  }

  function renderOutputs(pairs) {
    const sel = $('output');
    const names = pairs.map((p) => p.output);
    if ([...sel.options].map((o) => o.value).join('\n') !== names.join('\n')) {
      sel.replaceChildren(...pairs.map((p) => {
        const o = el('option', '', p.output + ' (' + (outputOf(p.output)?.file || '') + ')');
        o.value = p.output;
        return o;
      }));
    }
    sel.value = selected;
  }

  function renderStatus() {
    const st = $('status');
    const last = state.last;
    if (!last) {
      st.textContent = 'waiting for the first render';
      st.className = 'badge';
    } else if (last.ok) {
      st.textContent = 'render #' + last.seq;
      st.className = 'badge ok';
    } else {
      st.textContent = 'broken edit #' + last.seq;
      st.className = 'badge bad';
    }
  }

  function renderDiagnostics() {
    const last = state.last;
    const box = $('diag');
    if (!last || last.ok) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    $('diag-keep').textContent = state.good ? '— still playing render #' + state.good.seq : '— nothing rendered yet';
    $('diag-list').replaceChildren(...last.diagnostics.map((d) => {
      const li = el('li', d.severity === 'error' ? 'error' : 'warning');
      let where = d.file || '';
      if (d.line > 0) where += ':' + d.line + (d.column > 0 ? ':' + d.column : '');
      if (where) li.append(el('span', 'where', where), ' ');
      li.append(el('strong', '', (d.severity === 'warning' ? 'Warning: ' : 'Error: ') + d.summary));
      if (d.detail) li.append(document.createTextNode(' — ' + d.detail));
      return li;
    }));
    $('diag-text').textContent = last.diagnosticsText || '';
  }

  function renderChanges() {
    const g = state.good;
    if (!g) return;
    const cached = finite(g.cached) ? Math.round(g.cached * 100) + ' % from the cache' : '';
    $('render-info').textContent = 'Render #' + g.seq + ' took ' + (g.durationMs / 1000).toFixed(2) + ' s' +
      (cached ? ', ' + cached : '') + '.' +
      (g.changes.length ? '' : ' No parameter changed (the first render, or a source file changed).');
    $('change-list').replaceChildren(...g.changes.map((c) => el('li', '', c)));
    $('changed-nodes').replaceChildren(...g.changed.map((a) => el('span', 'chip', a)));
  }

  function renderMeters() {
    const g = state.good;
    if (!g) return;
    $('meter-rows').replaceChildren(...g.outputs.map((o) => {
      const tr = el('tr', o.name === selected ? 'selected' : '');
      tr.dataset.output = o.name;
      tr.append(el('td', 'name', o.name + ' '), cell('lufs', minus(fmt(o.lufs)) + ' LUFS', o.deltaLufs));
      tr.firstChild.append(el('span', 'muted', o.file));
      const hasT = finite(o.targetLufs);
      const tc = el('td', 'target', hasT ? minus(fmt(o.targetLufs)) + ' LUFS' : 'none');
      if (hasT && finite(o.lufs)) tc.classList.add(Math.abs(o.lufs - o.targetLufs) <= 0.5 ? 'on' : 'off');
      const tp = cell('truepeak', minus(fmt(o.truePeak)) + ' dBTP', o.deltaPeak);
      const hasC = finite(o.targetPeak);
      const cc = el('td', 'ceiling', hasC ? minus(fmt(o.targetPeak)) + ' dBTP' : 'none');
      if (hasC && finite(o.truePeak)) {
        const cls = o.truePeak <= o.targetPeak + 0.05 ? 'on' : 'over';
        cc.classList.add(cls);
        tp.classList.add(cls);
      }
      tr.append(tc, tp, cc, el('td', 'lra', fmt(o.lra) + ' LU'),
        el('td', 'samplepeak', minus(fmt(o.samplePeak, 2)) + ' dBFS'), el('td', 'length', clock(o.seconds)));
      return tr;
    }));
  }

  function cell(cls, text, delta) {
    const td = el('td', cls, text);
    if (finite(delta)) td.append(el('span', 'delta', '(' + signed(delta) + ')'));
    return td;
  }

  function updatePlayer() {
    const ab = $('ab');
    const hasPrev = !!(P.prev && P.prev.buf);
    ab.disabled = !hasPrev;
    const v = P.side === 'A' ? P.prev : P.cur;
    ab.dataset.side = P.side;
    ab.dataset.source = v ? v.audio : '';
    ab.dataset.sha256 = v ? v.sha256 : '';
    ab.textContent = !v ? 'A/B' : P.side === 'A'
      ? 'Hearing A: previous (#' + v.seq + ')'
      : 'Hearing B: current (#' + v.seq + ')' + (hasPrev ? '' : ', no previous yet');
    $('player').dataset.source = ab.dataset.source;
    $('play').textContent = P.playing ? 'Pause' : 'Play';
    const mg = matchGains();
    $('match-info').textContent = !P.match ? '' : !hasPrev ? 'needs a previous render'
      : mg.side === '' ? 'same loudness: no change'
      : 'lowering ' + (mg.side === 'B' ? 'B (current)' : 'A (previous)') + ' by ' + Math.abs(mg.db).toFixed(2) +
        ' dB (' + minus(fmt(P.cur.lufs)) + ' vs ' + minus(fmt(P.prev.lufs)) + ' LUFS)';
    $('loop-clear').hidden = !P.loop;
  }

  // ---------- drawing

  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  let waveCache = null; // offscreen canvas of the waveform at the current size

  function fit(canvas) {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      return true;
    }
    return false;
  }

  function drawWaveBase(w, h) {
    const off = document.createElement('canvas');
    off.width = w;
    off.height = h;
    const g = off.getContext('2d');
    const a = P.curAnalysis;
    if (!a || !a.min.length) return off;
    g.fillStyle = css('--accent');
    const n = a.min.length;
    const mid = h / 2;
    for (let x = 0; x < w; x++) {
      const i0 = Math.floor((x * n) / w);
      const i1 = Math.max(i0 + 1, Math.floor(((x + 1) * n) / w));
      let lo = 0, hi = 0;
      for (let i = i0; i < i1 && i < n; i++) {
        lo = Math.min(lo, a.min[i] ?? 0);
        hi = Math.max(hi, a.max[i] ?? 0);
      }
      const y0 = mid - hi * mid;
      const y1 = mid - lo * mid;
      g.fillRect(x, y0, 1, Math.max(1, y1 - y0));
    }
    return off;
  }

  let drag = null; // {x0, x1} in CSS px while selecting

  function drawWave() {
    const c = $('wave');
    if (fit(c) || !waveCache || waveCache.width !== c.width) waveCache = drawWaveBase(c.width, c.height);
    const g = c.getContext('2d');
    const w = c.width, h = c.height;
    g.clearRect(0, 0, w, h);
    g.drawImage(waveCache, 0, 0);
    const d = duration();
    if (!d) return;
    const dpr = window.devicePixelRatio || 1;
    const sel = drag ? { start: Math.min(drag.x0, drag.x1) * dpr, end: Math.max(drag.x0, drag.x1) * dpr }
      : P.loop ? { start: (P.loop.start / d) * w, end: (P.loop.end / d) * w } : null;
    if (sel) {
      g.fillStyle = 'rgba(240, 181, 74, 0.18)';
      g.fillRect(sel.start, 0, sel.end - sel.start, h);
      g.fillStyle = css('--warn');
      g.fillRect(sel.start, 0, dpr, h);
      g.fillRect(sel.end - dpr, 0, dpr, h);
    }
    const x = (position() / d) * w;
    g.fillStyle = P.side === 'A' ? css('--prev') : '#ffffff';
    g.fillRect(Math.round(x), 0, Math.max(1, dpr), h);
  }

  function drawLoudness() {
    const c = $('loud');
    fit(c);
    const g = c.getContext('2d');
    const w = c.width, h = c.height;
    const dpr = window.devicePixelRatio || 1;
    g.clearRect(0, 0, w, h);
    const ca = P.curAnalysis, pa = P.prevAnalysis;
    if (!ca) return;
    const target = outputOf(selected)?.targetLufs;
    const vals = [];
    for (const a of [ca, pa]) if (a) for (const v of a.shortTerm) if (finite(v) && v > -70) vals.push(v);
    if (finite(target)) vals.push(target);
    if (!vals.length) return;
    const top = Math.ceil((Math.max(...vals) + 2) / 6) * 6;
    const bottom = Math.max(top - 60, Math.floor((Math.min(...vals) - 2) / 6) * 6);
    const span = Math.max(...[ca, pa].filter(Boolean).map((a) => a.seconds), 0.1);
    const left = 44 * dpr;
    const X = (t) => left + (t / span) * (w - left);
    const Y = (v) => ((top - v) / (top - bottom)) * h;
    g.font = 11 * dpr + 'px system-ui, sans-serif';
    g.fillStyle = css('--muted');
    g.strokeStyle = css('--line');
    g.lineWidth = 1;
    for (let v = top; v >= bottom; v -= 6) {
      const y = Math.round(Y(v)) + 0.5;
      g.beginPath();
      g.moveTo(left, y);
      g.lineTo(w, y);
      g.stroke();
      g.fillText(String(v).replace('-', '−'), 4 * dpr, Math.min(h - 3 * dpr, Math.max(11 * dpr, y + 4 * dpr)));
    }
    if (finite(target)) {
      g.strokeStyle = css('--warn');
      g.setLineDash([6 * dpr, 4 * dpr]);
      g.beginPath();
      g.moveTo(left, Y(target));
      g.lineTo(w, Y(target));
      g.stroke();
      g.setLineDash([]);
    }
    const curve = (a, color, width) => {
      g.strokeStyle = color;
      g.lineWidth = width * dpr;
      g.beginPath();
      let pen = false;
      a.shortTerm.forEach((v, i) => {
        if (!finite(v) || v < bottom) {
          pen = false;
          return;
        }
        const x = X((i + 1) * a.shortTermStep), y = Y(v);
        pen ? g.lineTo(x, y) : g.moveTo(x, y);
        pen = true;
      });
      g.stroke();
    };
    if (pa) curve(pa, css('--prev'), P.side === 'A' ? 2 : 1.2);
    curve(ca, css('--accent'), P.side === 'B' ? 2 : 1.2);
    g.lineWidth = 1;
  }

  function frame() {
    drawWave();
    if (P.playing && !P.loop && P.ctx && position() >= duration()) {
      P.playing = false;
      P.paused = 0;
      stopSources(0);
      updatePlayer();
    }
    $('time').textContent = clock(position()) + ' / ' + clock(duration());
    requestAnimationFrame(frame);
  }

  // ---------- input

  function waveTime(ev) {
    const r = $('wave').getBoundingClientRect();
    return (Math.max(0, Math.min(ev.clientX - r.left, r.width)) / r.width) * duration();
  }

  function bind() {
    const wave = $('wave');
    wave.addEventListener('pointerdown', (ev) => {
      if (!duration()) return;
      const r = wave.getBoundingClientRect();
      drag = { x0: ev.clientX - r.left, x1: ev.clientX - r.left, t0: waveTime(ev) };
      wave.setPointerCapture(ev.pointerId);
    });
    wave.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      const r = wave.getBoundingClientRect();
      drag.x1 = Math.max(0, Math.min(ev.clientX - r.left, r.width));
    });
    wave.addEventListener('pointerup', (ev) => {
      if (!drag) return;
      const t1 = waveTime(ev);
      const moved = Math.abs(drag.x1 - drag.x0) >= 4;
      const t0 = drag.t0;
      drag = null;
      if (moved) setLoop(Math.min(t0, t1), Math.max(t0, t1));
      else seek(t1);
    });
    wave.addEventListener('dblclick', () => setLoop(0, 0));
    $('loop-clear').addEventListener('click', () => setLoop(0, 0));
    $('play').addEventListener('click', () => (P.playing ? pause() : play()));
    $('ab').addEventListener('click', () => setSide(P.side === 'A' ? 'B' : 'A'));
    $('match').addEventListener('change', (ev) => {
      P.match = ev.target.checked;
      applyMatch();
    });
    $('output').addEventListener('change', (ev) => {
      selected = ev.target.value;
      const wasPlaying = P.playing;
      if (wasPlaying) pause();
      P.cur = P.prev = null;
      P.curAnalysis = P.prevAnalysis = null;
      P.loop = null;
      waveCache = null;
      if (state) onState(state);
      if (wasPlaying && P.loading) {
        const token = P.loadToken;
        P.loading.then(() => token === P.loadToken && play()); // once the other output is decoded
      }
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement) return;
      if (ev.key === ' ') {
        ev.preventDefault();
        P.playing ? pause() : play();
      } else if (ev.key === 'a' || ev.key === 'A') {
        setSide(P.side === 'A' ? 'B' : 'A');
      } else if (ev.key === 'Escape') {
        setLoop(0, 0);
      }
    });
    window.addEventListener('resize', () => {
      waveCache = null;
      drawLoudness();
    });
  }

  function connect() {
    const es = new EventSource('/events');
    const conn = $('conn');
    es.onopen = () => {
      conn.textContent = 'live';
      conn.className = 'badge conn live';
    };
    es.onerror = () => {
      conn.textContent = 'reconnecting';
      conn.className = 'badge conn';
    };
    es.addEventListener('state', (ev) => onState(JSON.parse(ev.data)));
  }

  bind();
  connect();
  requestAnimationFrame(frame);
})();
