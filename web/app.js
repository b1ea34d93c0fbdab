// salonsim — teaching demo (browser side).
//
// Talks to `salonsim serve` through its JSON API (/api/...), draws the town of each arm of
// the session ("without" and "with" the intervention) on a canvas, plots the outcomes live
// with uPlot (loaded by index.html as the global `uPlot`), and lets the class pull the levers.
// Plain JavaScript, no imports, no build step.

/* global uPlot */

// ---------------------------------------------------------------------------------------------
// Constants

const STATE_COLOURS = [
  null, // 0 not in town yet: not drawn
  '#8fa88f', // 1 independent: grey-green
  '#e69f00', // 2 isolated: orange (Okabe–Ito)
  '#0072b2', // 3 takes part: blue (Okabe–Ito)
  '#7b3294', // 4 certified: purple
  '#d9d9d9', // 5 died: very light grey
];
const DEFAULT_STATE_NAMES = ['not in town yet', 'independent', 'isolated', 'takes part', 'certified', 'died'];
const DRAW_ORDER = [5, 1, 4, 2, 3]; // died underneath, then the living; groups on top
const GROUP_COLOURS = ['#0072b2', '#cc79a7', '#009e73', '#d55e00'];
const ARM_COLOURS = ['#3a3a3a', '#0072b2']; // without: dark grey (dashed), with: blue (solid)
const DIFF_COLOUR = '#d55e00';
// Muted colours for the town's own places; the intervention's are drawn in black.
const LAYER_COLOURS = {
  venue: ['#8a7a52', '#5f8f86', '#8f7aa8', '#a07a5a', '#6f86a8', '#8a8f4f', '#a0708a'],
  store: ['#7a4a1c', '#3b6b3b', '#6b3b6b', '#3b3b6b'],
  stop: ['#505050', '#8a3a3a', '#3a5a8a', '#6a6a2a'],
};
const PICK_RADIUS_PX = 6;
const SETTINGS_DEBOUNCE_MS = 300;
const RATE_WINDOW_MS = 2000;
const MAX_WEEKS_PER_REQUEST = 52;

// ---------------------------------------------------------------------------------------------
// Shared state (exposed for the browser test as window.salonsimDemo)

const demo = {
  state: null, // the latest State, its frame/week/date kept up to date with each Frame
  frames: 0, // frames received (State responses included)
  weeksPerSecond: 0, // measured over the last ~2 s while playing
  playing: false,
  plots: {}, // uPlot instances: certified, isolated, participation
  homeToPixel, // (arm, id) -> {x, y} in viewport (client) coordinates, or null
  pickHome, // (arm, clientX, clientY) -> resident id or -1
  selected: null, // {arm, id, story}
  lastStatus: '',
};
window.salonsimDemo = demo;

const $ = (id) => document.getElementById(id);
const el = {
  lesson: $('lesson'),
  lessonPanel: $('lesson-panel'),
  lessonTitle: $('lesson-title'),
  lessonText: $('lesson-text'),
  play: $('play'),
  step: $('step'),
  reset: $('reset'),
  speed: $('speed'),
  speedValue: $('speed-value'),
  week: $('week'),
  rate: $('rate'),
  status: $('status'),
  levers: $('levers'),
  legend: $('legend'),
  story: $('story'),
  maps: [$('map-0'), $('map-1')],
  mapTitles: [$('map-title-0'), $('map-title-1')],
};

let sessionId = null;
let lessonId = null;
let leverKey = ''; // the ids of the rendered levers, to know when to rebuild the panel
let pendingValues = {}; // lever id -> value not yet sent
let settingsTimer = null;

// Decoded data of the current State / Frame.
let homesX = null; // Float64Array, metres
let homesY = null;
let armStates = [null, null]; // Uint8Array of state codes per arm
let attendance = [{}, {}]; // per arm: layer name -> array
let plotData = null;
let rateSamples = []; // {t, week}
let renderQueued = false;
let plotsDirty = false;
let lastRateShown = 0;

// Geometry of the maps (CSS pixels), shared by both canvases.
const geo = { w: 0, h: 0, dpr: 1, scale: 1, ox: 0, oy: 0, dot: 2, px: null, py: null, dx: null, dy: null, bg: null };

// ---------------------------------------------------------------------------------------------
// Status line

function setStatus(message, kind = 'info', problems = []) {
  el.status.className = kind;
  el.status.textContent = '';
  const span = document.createElement('span');
  span.className = 'message';
  span.textContent = message;
  el.status.appendChild(span);
  if (problems && problems.length) {
    const ul = document.createElement('ul');
    for (const p of problems) {
      const li = document.createElement('li');
      li.textContent = String(p);
      ul.appendChild(li);
    }
    el.status.appendChild(ul);
  }
  demo.lastStatus = message + (problems && problems.length ? ' ' + problems.join(' ') : '');
}

function showError(prefix, err) {
  if (err instanceof SessionRestarted) return; // already told the user
  if (err instanceof ApiError) {
    setStatus(`${prefix}: ${err.message}`, 'error', err.problems);
  } else {
    setStatus(`${prefix}: ${err && err.message ? err.message : String(err)}`, 'error');
  }
}

// ---------------------------------------------------------------------------------------------
// API

class ApiError extends Error {
  constructor(status, message, problems) {
    super(message);
    this.status = status;
    this.problems = problems || [];
  }
}
class SessionRestarted extends Error {}

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `cannot reach the salonsim server (is it still running?) — ${e.message}`);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      if (res.ok) throw new ApiError(res.status, `the server sent something that is not JSON (${method} ${path})`);
    }
  }
  if (!res.ok) {
    const message = data && data.error ? data.error : `${res.status} ${res.statusText || 'error'} (${method} ${path})`;
    const problems = data && Array.isArray(data.problems) ? data.problems : [];
    throw new ApiError(res.status, message, problems);
  }
  return data;
}

// All requests that change the session go one after the other, so that a reset or a change of
// settings never overtakes a step in flight (and at most one step is ever in flight).
let chain = Promise.resolve();
function serial(task) {
  const p = chain.then(task);
  chain = p.catch(() => {});
  return p;
}

// A call on the current session; when the server no longer knows it (404), make a new one
// with the same lesson and settings, tell the user, and throw SessionRestarted.
async function sessionCall(method, suffix, body) {
  try {
    return await api(method, `/api/sessions/${encodeURIComponent(sessionId)}${suffix}`, body);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      await recoverSession();
      throw new SessionRestarted('session restarted');
    }
    throw e;
  }
}

async function recoverSession() {
  const wasPlaying = demo.playing;
  pause();
  const values = {};
  if (demo.state) for (const lv of demo.state.levers) values[lv.id] = lv.value;
  let state = await api('POST', '/api/sessions', lessonId ? { lesson: lessonId } : {});
  const changed = {};
  for (const lv of state.levers) {
    if (lv.id in values && values[lv.id] !== lv.value) changed[lv.id] = values[lv.id];
  }
  if (Object.keys(changed).length) {
    try {
      state = await api('POST', `/api/sessions/${encodeURIComponent(state.session)}/settings`, { values: changed });
    } catch (e) {
      /* keep the defaults */
    }
  }
  applyState(state);
  setStatus(
    'The server restarted your session (the old one had expired): back at week 0 with the same lesson and levers.' +
      (wasPlaying ? ' Press Play to go on.' : ''),
    'warn',
  );
}

// ---------------------------------------------------------------------------------------------
// Lessons and sessions

async function start() {
  setStatus('Connecting to the salonsim server…');
  let lessons;
  try {
    lessons = await api('GET', '/api/lessons');
  } catch (e) {
    showError('Could not load the lessons', e);
    return;
  }
  el.lesson.textContent = '';
  for (const l of lessons.lessons || []) {
    const o = document.createElement('option');
    o.value = l.id;
    o.textContent = l.title;
    if (l.summary) o.title = l.summary;
    el.lesson.appendChild(o);
  }
  lessonId = lessons.default || (lessons.lessons && lessons.lessons[0] ? lessons.lessons[0].id : null);
  if (lessonId) el.lesson.value = lessonId;
  await openLesson(lessonId, false);
}

async function openLesson(id, closeOld) {
  pause();
  const old = sessionId;
  try {
    await serial(async () => {
      if (closeOld && old) {
        try {
          await api('POST', `/api/sessions/${encodeURIComponent(old)}/close`);
        } catch (e) {
          /* the old session may be gone already */
        }
      }
      setStatus('Building the town…');
      const state = await api('POST', '/api/sessions', id ? { lesson: id } : {});
      lessonId = state.lesson && state.lesson.id ? state.lesson.id : id;
      applyState(state);
      setStatus(`Ready: ${state.lesson ? state.lesson.title : 'lesson'} at week 0. Press Play.`, 'ok');
    });
  } catch (e) {
    showError('Could not start the lesson', e);
  }
}

function closeSessionOnExit() {
  if (!sessionId) return;
  const url = `/api/sessions/${encodeURIComponent(sessionId)}/close`;
  try {
    if (!navigator.sendBeacon || !navigator.sendBeacon(url)) {
      fetch(url, { method: 'POST', keepalive: true }).catch(() => {});
    }
  } catch (e) {
    /* nothing to do on the way out */
  }
  sessionId = null;
}

// ---------------------------------------------------------------------------------------------
// State and frames

function applyState(state) {
  demo.state = state;
  sessionId = state.session;
  demo.frames += 1;
  leverSync(state.levers || []);
  renderLesson(state.lesson);

  const homes = (state.map && state.map.homes) || { x: [], y: [] };
  homesX = Float64Array.from(homes.x);
  homesY = Float64Array.from(homes.y);
  armStates = [null, null];
  attendance = [{}, {}];
  demo.selected = null;
  renderStory();

  for (let k = 0; k < 2; k++) {
    const arm = state.arms && state.arms[k];
    el.mapTitles[k].querySelector('.arm-label').textContent = arm ? arm.label : '';
  }
  resetPlots();
  rateSamples = [];
  demo.weeksPerSecond = 0;
  layoutMaps();
  if (state.frame) applyFrame(state.frame, true);
}

function applyFrame(frame, fromState = false) {
  const state = demo.state;
  if (!state) return;
  if (!fromState) demo.frames += 1;
  state.frame = frame;
  state.week = frame.week;
  state.date = frame.date;
  const n = homesX ? homesX.length : 0;
  for (let k = 0; k < 2; k++) {
    const a = frame.arms && frame.arms[k];
    if (!a) continue;
    if (typeof a.state === 'string') {
      const s = a.state;
      const codes = armStates[k] && armStates[k].length === n ? armStates[k] : new Uint8Array(n);
      const m = Math.min(n, s.length);
      for (let i = 0; i < m; i++) codes[i] = s.charCodeAt(i) - 48;
      armStates[k] = codes;
    }
    attendance[k] = a.attendance || {};
  }
  addSeries(frame);
  const now = performance.now();
  rateSamples.push({ t: now, week: frame.week });
  while (rateSamples.length > 2 && now - rateSamples[0].t > RATE_WINDOW_MS) rateSamples.shift();
  if (demo.playing) demo.weeksPerSecond = measuredRate();
  queueRender();
}

function measuredRate() {
  if (rateSamples.length < 2) return 0;
  const a = rateSamples[0];
  const b = rateSamples[rateSamples.length - 1];
  const dt = (b.t - a.t) / 1000;
  if (dt <= 0.05) return 0;
  return Math.max(0, (b.week - a.week) / dt);
}

// ---------------------------------------------------------------------------------------------
// Controls: play loop, step, reset

let loopRunning = false;
let credit = 0;
let lastTick = 0;

function play() {
  if (!demo.state) return;
  if (demo.state.frame && demo.state.frame.done) {
    setStatus(`The run is over (week ${demo.state.week} of ${demo.state.weeks}). Press Reset to run it again.`, 'info');
    return;
  }
  demo.playing = true;
  rateSamples = [];
  credit = 1;
  lastTick = performance.now();
  updatePlayButton();
  if (!loopRunning) playLoop();
}

function pause() {
  demo.playing = false;
  demo.weeksPerSecond = 0;
  updatePlayButton();
  queueRender();
}

function updatePlayButton() {
  el.play.textContent = demo.playing ? 'Pause' : 'Play';
  el.play.classList.toggle('playing', demo.playing);
  el.play.setAttribute('aria-pressed', demo.playing ? 'true' : 'false');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function playLoop() {
  loopRunning = true;
  try {
    while (demo.playing) {
      const speed = Math.max(1, Number(el.speed.value) || 1);
      const now = performance.now();
      // Weeks owed at the slider's rate; capped at half a second's worth so that a slow
      // response is caught up with bigger steps but not with a burst.
      credit = Math.min(credit + (speed * (now - lastTick)) / 1000, Math.max(1, speed * 0.5));
      lastTick = now;
      if (credit < 1) {
        await sleep(Math.max(1, ((1 - credit) / speed) * 1000));
        continue;
      }
      const weeks = Math.min(MAX_WEEKS_PER_REQUEST, Math.floor(credit));
      credit -= weeks;
      try {
        const frame = await serial(() => sessionCall('POST', '/step', { weeks }));
        if (!demo.playing && frame == null) break;
        applyFrame(frame);
        if (frame.done) {
          pause();
          setStatus(`The run is over at week ${frame.week}. Press Reset to run it again.`, 'info');
        }
      } catch (e) {
        pause();
        showError('Could not advance the simulation', e);
      }
    }
  } finally {
    loopRunning = false;
  }
}

async function stepOnce() {
  if (!demo.state) return;
  pause();
  el.step.disabled = true;
  try {
    const frame = await serial(() => sessionCall('POST', '/step', { weeks: 1 }));
    applyFrame(frame);
    if (frame.done) setStatus(`The run is over at week ${frame.week}. Press Reset to run it again.`, 'info');
  } catch (e) {
    showError('Could not step', e);
  } finally {
    el.step.disabled = false;
  }
}

async function resetRun() {
  if (!demo.state) return;
  try {
    const state = await serial(() => sessionCall('POST', '/reset'));
    applyState(state);
    setStatus('Reset: back at week 0 with the same levers.', 'ok');
  } catch (e) {
    showError('Could not reset', e);
  }
}

// ---------------------------------------------------------------------------------------------
// Lesson panel

function renderLesson(lesson) {
  if (!lesson) return;
  el.lessonTitle.textContent = lesson.title || '';
  el.lessonText.textContent = '';
  for (const para of String(lesson.text || '').split(/\n\s*\n/)) {
    if (!para.trim()) continue;
    const p = document.createElement('p');
    p.textContent = para.trim();
    el.lessonText.appendChild(p);
  }
  if (lesson.id && el.lesson.value !== lesson.id) el.lesson.value = lesson.id;
}

// ---------------------------------------------------------------------------------------------
// Levers

function decimalsOf(step) {
  if (!step || Number.isInteger(step)) return 0;
  const s = String(step);
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  return (s.split('.')[1] || '').length;
}

function formatLever(lv, v) {
  if (lv.kind === 'switch') return v ? 'on' : 'off';
  if (lv.kind === 'choice') return String(v);
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v);
  if (lv.kind === 'integer') return lv.unit ? Math.round(v).toLocaleString('en') : String(Math.round(v));
  return v.toFixed(decimalsOf(lv.step));
}

function formatLeverWithUnit(lv, v) {
  const s = formatLever(lv, v);
  return lv.unit && lv.kind !== 'switch' && lv.kind !== 'choice' ? `${s} ${lv.unit}` : s;
}

function leverSync(levers) {
  const key = levers.map((l) => `${l.id}:${l.kind}`).join('|');
  if (key !== leverKey) {
    buildLevers(levers);
    leverKey = key;
  }
  for (const lv of levers) {
    if (lv.id in pendingValues) continue; // the user has moved it since; keep their value
    setControl(lv, lv.value);
  }
}

function buildLevers(levers) {
  el.levers.textContent = '';
  const sections = new Map();
  for (const lv of levers) {
    const name = lv.section || 'Settings';
    if (!sections.has(name)) sections.set(name, []);
    sections.get(name).push(lv);
  }
  for (const [name, list] of sections) {
    const fs = document.createElement('fieldset');
    const lg = document.createElement('legend');
    lg.textContent = name;
    fs.appendChild(lg);
    for (const lv of list) fs.appendChild(buildLever(lv));
    el.levers.appendChild(fs);
  }
}

// An open place is filled with a white edge; a closed one (not yet open, or closed) is an outline.
function fillOrOutline(ctx, open, colour) {
  ctx.lineWidth = 1.5;
  if (open) {
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1;
  }
  ctx.stroke();
}

function buildLever(lv) {
  const row = document.createElement('div');
  row.className = `lever lever-${lv.kind}`;
  const id = `lever-${lv.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.className = 'lever-label';
  label.textContent = lv.label;
  let input;
  let extra = null;
  const out = document.createElement('output');
  out.className = 'lever-value';
  out.htmlFor = id;
  if (lv.kind === 'switch') {
    input = document.createElement('input');
    input.type = 'checkbox';
    input.addEventListener('change', () => leverChanged(lv.id));
  } else if (lv.kind === 'choice') {
    input = document.createElement('select');
    for (const c of lv.choices || []) {
      const o = document.createElement('option');
      o.value = c;
      o.textContent = c;
      input.appendChild(o);
    }
    input.addEventListener('change', () => leverChanged(lv.id));
  } else if (lv.kind === 'integer' && lv.max - lv.min > 1000 * (lv.step || 1)) {
    // Too many values for a slider (a seed): a number box, and a button for another one.
    input = document.createElement('input');
    input.type = 'number';
    input.min = String(lv.min);
    input.max = String(lv.max);
    input.step = '1';
    input.addEventListener('change', () => leverChanged(lv.id));
    const another = document.createElement('button');
    another.type = 'button';
    another.className = 'lever-another';
    another.textContent = 'Another';
    another.title = 'a new value at random';
    another.addEventListener('click', () => {
      input.value = String(1 + Math.floor(Math.random() * Math.min(lv.max, 99999)));
      leverChanged(lv.id);
    });
    extra = another;
  } else {
    input = document.createElement('input');
    input.type = 'range';
    if (lv.min != null) input.min = String(lv.min);
    if (lv.max != null) input.max = String(lv.max);
    const step = lv.step != null ? lv.step : lv.kind === 'integer' ? 1 : 'any';
    input.step = String(step);
    input.addEventListener('input', () => leverChanged(lv.id));
    input.addEventListener('change', () => leverChanged(lv.id));
  }
  input.id = id;
  input.dataset.lever = lv.id;
  input.title = lv.help || '';
  const head = document.createElement('div');
  head.className = 'lever-head';
  if (lv.kind === 'switch') {
    label.prepend(input);
    head.appendChild(label);
  } else {
    head.appendChild(label);
    head.appendChild(out);
    if (extra) head.appendChild(extra);
  }
  row.appendChild(head);
  if (lv.kind !== 'switch') row.appendChild(input);
  if (lv.help) {
    const help = document.createElement('div');
    help.className = 'lever-help';
    help.textContent = lv.help;
    row.appendChild(help);
  }
  return row;
}

function leverById(id) {
  return demo.state ? demo.state.levers.find((l) => l.id === id) : null;
}

function controlFor(id) {
  for (const c of el.levers.querySelectorAll('[data-lever]')) if (c.dataset.lever === id) return c;
  return null;
}

function setControl(lv, v) {
  const c = controlFor(lv.id);
  if (!c) return;
  if (lv.kind === 'switch') c.checked = !!v;
  else c.value = String(v);
  showLeverValue(lv, v);
}

function showLeverValue(lv, v) {
  const c = controlFor(lv.id);
  if (!c) return;
  const out = c.closest('.lever').querySelector('.lever-value');
  if (out) out.textContent = formatLeverWithUnit(lv, v);
}

function readControl(lv) {
  const c = controlFor(lv.id);
  if (lv.kind === 'switch') return c.checked;
  if (lv.kind === 'choice') return c.value;
  if (lv.kind === 'integer') return Math.round(Number(c.value));
  return Number(c.value);
}

function leverChanged(id) {
  const lv = leverById(id);
  if (!lv) return;
  const v = readControl(lv);
  pendingValues[id] = v;
  showLeverValue(lv, v);
  setStatus('Applying...');
  clearTimeout(settingsTimer);
  settingsTimer = setTimeout(applySettings, SETTINGS_DEBOUNCE_MS);
}

function applySettings() {
  const values = pendingValues;
  pendingValues = {};
  if (!Object.keys(values).length) return;
  setStatus('Applying...');
  return serial(async () => {
    const wasPlaying = demo.playing;
    try {
      const state = await sessionCall('POST', '/settings', { values });
      applyState(state);
      const parts = [];
      for (const id of Object.keys(values)) {
        const lv = state.levers.find((l) => l.id === id);
        if (lv) parts.push(`${lv.label} = ${formatLever(lv, lv.value)}`);
      }
      setStatus(`Applied: ${parts.join(', ')} (restarted at week ${state.week})`, 'ok');
      if (wasPlaying && !demo.playing) play();
    } catch (e) {
      // Put the controls back where the server last applied them.
      for (const id of Object.keys(values)) {
        if (id in pendingValues) continue;
        const lv = leverById(id);
        if (lv) setControl(lv, lv.value);
      }
      showError('Not applied', e);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Maps

function layoutMaps() {
  const state = demo.state;
  if (!state || !state.map) return;
  const b = state.map.bounds;
  const dxm = Math.max(1, b[2] - b[0]);
  const dym = Math.max(1, b[3] - b[1]);
  const fig = el.maps[0].parentElement;
  const w = Math.max(200, Math.floor(fig.clientWidth));
  const maxH = Math.max(260, Math.min(620, Math.floor(window.innerHeight * 0.62)));
  const h = Math.max(160, Math.min(maxH, Math.round((w * dym) / dxm) + 16));
  const dpr = window.devicePixelRatio || 1;
  const pad = 8;
  geo.w = w;
  geo.h = h;
  geo.dpr = dpr;
  geo.scale = Math.min((w - 2 * pad) / dxm, (h - 2 * pad) / dym);
  geo.ox = (w - dxm * geo.scale) / 2;
  geo.oy = (h - dym * geo.scale) / 2;
  geo.b = b;
  for (const c of el.maps) {
    c.style.width = `${w}px`;
    c.style.height = `${h}px`;
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
  }
  // Dots: about a third of the spacing between homes, 1.5 to 4 CSS px.
  const n = homesX ? homesX.length : 0;
  const areaPx = dxm * dym * geo.scale * geo.scale;
  const spacing = n ? Math.sqrt(areaPx / n) : 4;
  geo.dot = Math.max(1.5, Math.min(4, spacing * 0.45));
  const s = Math.max(1, Math.round(geo.dot * dpr));
  geo.dotDev = s;
  geo.px = new Float32Array(n);
  geo.py = new Float32Array(n);
  geo.dx = new Int32Array(n);
  geo.dy = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [x, y] = toPx(homesX[i], homesY[i]);
    geo.px[i] = x;
    geo.py[i] = y;
    geo.dx[i] = Math.round(x * dpr - s / 2);
    geo.dy[i] = Math.round(y * dpr - s / 2);
  }
  geo.bg = drawBackground();
  queueRender();
}

function toPx(x, y) {
  return [geo.ox + (x - geo.b[0]) * geo.scale, geo.oy + (geo.b[3] - y) * geo.scale];
}

function drawBackground() {
  const c = document.createElement('canvas');
  c.width = Math.round(geo.w * geo.dpr);
  c.height = Math.round(geo.h * geo.dpr);
  const ctx = c.getContext('2d');
  ctx.setTransform(geo.dpr, 0, 0, geo.dpr, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, geo.w, geo.h);
  const districts = (demo.state.map && demo.state.map.districts) || [];
  for (const d of districts) {
    const [x, y] = toPx(d.x, d.y);
    ctx.beginPath();
    ctx.arc(x, y, Math.max(2, d.radius * geo.scale), 0, Math.PI * 2);
    ctx.fillStyle = 'rgba(214, 204, 170, 0.22)';
    ctx.fill();
    ctx.strokeStyle = 'rgba(150, 135, 90, 0.45)';
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  // Scale bar.
  const targetPx = 120;
  const metres = niceLength(targetPx / geo.scale);
  const len = metres * geo.scale;
  const x0 = 12;
  const y0 = geo.h - 12;
  ctx.strokeStyle = '#444';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x0, y0 - 4);
  ctx.lineTo(x0, y0);
  ctx.lineTo(x0 + len, y0);
  ctx.lineTo(x0 + len, y0 - 4);
  ctx.stroke();
  ctx.fillStyle = '#444';
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'bottom';
  ctx.fillText(metres >= 1000 ? `${metres / 1000} km` : `${metres} m`, x0 + 4, y0 - 5);
  return c;
}

function niceLength(m) {
  const p = Math.pow(10, Math.floor(Math.log10(m)));
  let best = p;
  for (const k of [1, 2, 5]) if (k * p <= m) best = k * p;
  return best;
}

function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

function render() {
  renderQueued = false;
  const state = demo.state;
  if (!state) return;
  renderWeek();
  for (let k = 0; k < 2; k++) drawMap(k);
  renderLegend();
  if (plotsDirty) {
    plotsDirty = false;
    for (const [name, p] of Object.entries(demo.plots)) if (p) p.setData(plotData[name]);
  }
}

function renderWeek() {
  const s = demo.state;
  el.week.textContent = `Week ${s.week} of ${s.weeks} · ${s.date || ''}`;
  const now = performance.now();
  if (now - lastRateShown > 200 || !demo.playing) {
    lastRateShown = now;
    const r = demo.playing ? demo.weeksPerSecond : 0;
    el.rate.textContent = `${r.toFixed(1)} weeks/s`;
    const server = s.frame && s.frame.weeks_per_second;
    el.rate.title =
      server != null ? `Measured here over the last 2 s; the server reports ${Number(server).toFixed(1)} weeks/s` : 'Measured over the last 2 s';
  }
}

function placeOpen(p, week) {
  const opens = p.opens_step == null ? 0 : p.opens_step;
  const closes = p.closes_step == null ? -1 : p.closes_step;
  return week >= opens && (closes < 0 || week < closes);
}

function drawMap(k) {
  const canvas = el.maps[k];
  const ctx = canvas.getContext('2d');
  const dpr = geo.dpr;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  if (geo.bg) ctx.drawImage(geo.bg, 0, 0);
  else {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  const codes = armStates[k];
  const state = demo.state;
  const arm = state.arms && state.arms[k];
  if (!arm) return;
  // Homes: one fillRect per dot, one colour at a time.
  if (codes && geo.dx && geo.dx.length === codes.length) {
    const s = geo.dotDev;
    const n = codes.length;
    const dxs = geo.dx;
    const dys = geo.dy;
    for (const code of DRAW_ORDER) {
      ctx.fillStyle = STATE_COLOURS[code];
      for (let i = 0; i < n; i++) if (codes[i] === code) ctx.fillRect(dxs[i], dys[i], s, s);
    }
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  drawLayers(ctx, k, arm);
  // District names, above the dots and places: just above each circle where there is room.
  ctx.font = '600 14px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  for (const d of (state.map && state.map.districts) || []) {
    const [x, y] = toPx(d.x, d.y);
    const r = d.radius * geo.scale;
    const ly = y - r - 9 >= 10 ? y - r - 9 : Math.max(10, y - r + 10);
    haloText(ctx, d.name, x, ly, 'rgba(80, 70, 40, 0.95)', 4);
  }
  drawSelection(ctx, k);
}

function haloText(ctx, text, x, y, colour, halo = 3) {
  ctx.strokeStyle = 'rgba(255,255,255,0.92)';
  ctx.lineWidth = halo;
  ctx.strokeText(text, x, y);
  ctx.fillStyle = colour;
  ctx.fillText(text, x, y);
}

// How each layer is drawn, the same on both maps and in the key. A layer that the "with" arm
// has and the "without" arm lacks (or has with other places) is the intervention's: drawn
// bold and black, listed first; the town's other places are drawn muted.
function layerStyles() {
  const state = demo.state;
  if (layerStyles.state === state) return layerStyles.cache;
  const arms = state.arms || [];
  const byName = (k) => new Map(((arms[k] && arms[k].layers) || []).map((l) => [l.name, l]));
  const without = byName(0);
  const withArm = byName(1);
  const names = [];
  for (const m of [withArm, without]) for (const name of m.keys()) if (!names.includes(name)) names.push(name);
  const counts = { venue: 0, store: 0, stop: 0 };
  const styles = new Map();
  for (const name of names) {
    const layer = withArm.get(name) || without.get(name);
    const shape = layer.shape || 'venue';
    const other = without.get(name);
    const mine = withArm.get(name);
    const featured =
      !!mine && (!other || other.places.length !== mine.places.length || JSON.stringify(other.places) !== JSON.stringify(mine.places));
    let colour;
    if (featured) colour = shape === 'venue' ? '#000000' : '#c2185b';
    else {
      const palette = LAYER_COLOURS[shape] || LAYER_COLOURS.venue;
      colour = palette[counts[shape]++ % palette.length];
    }
    styles.set(name, { name, label: layer.label || name, shape, colour, featured });
  }
  layerStyles.state = state;
  layerStyles.cache = styles;
  return styles;
}

function drawLayers(ctx, k, arm) {
  const week = demo.state.week;
  const styles = layerStyles();
  const labels = [];
  // Muted layers first, the intervention's on top.
  const layers = [...(arm.layers || [])].sort(
    (a, b) => Number(!!(styles.get(a.name) || {}).featured) - Number(!!(styles.get(b.name) || {}).featured),
  );
  for (const layer of layers) {
    const st = styles.get(layer.name) || { shape: layer.shape || 'venue', colour: '#555', featured: false };
    const { shape, colour, featured } = st;
    const places = layer.places || [];
    if (layer.route) {
      // A line through each route's stops, in order.
      const routes = new Map();
      for (const p of places) {
        const r = p.route == null ? 0 : p.route;
        if (!routes.has(r)) routes.set(r, []);
        routes.get(r).push(p);
      }
      ctx.strokeStyle = colour;
      ctx.globalAlpha = 0.75;
      ctx.lineWidth = featured ? 2.5 : 2;
      ctx.setLineDash([7, 4]);
      for (const stops of routes.values()) {
        ctx.beginPath();
        stops.forEach((p, i) => {
          const [x, y] = toPx(p.x, p.y);
          if (i === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        });
        ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    }
    const att = (attendance[k] && attendance[k][layer.name]) || null;
    places.forEach((p, i) => {
      const [x, y] = toPx(p.x, p.y);
      const open = placeOpen(p, week);
      ctx.globalAlpha = open ? 1 : 0.4;
      ctx.strokeStyle = colour;
      if (shape === 'venue') {
        const a = att && att[i] != null ? Math.max(0, Number(att[i]) || 0) : 0;
        const side = featured ? Math.min(36, 8 + 1.7 * Math.sqrt(a)) : Math.min(22, 4 + 1.1 * Math.sqrt(a));
        const x0 = x - side / 2;
        const y0 = y - side / 2;
        if (open) {
          if (featured) {
            ctx.fillStyle = 'rgba(255,255,255,0.8)';
            ctx.fillRect(x0, y0, side, side);
          }
          ctx.fillStyle = colour;
          ctx.globalAlpha = featured ? 0.22 : 0.18;
          ctx.fillRect(x0, y0, side, side);
          ctx.globalAlpha = 1;
        }
        ctx.lineWidth = featured ? 2.5 : 1.3;
        ctx.strokeRect(x0, y0, side, side);
        if (att && open && a > 0) labels.push([String(Math.round(a)), x, y0 - 7, featured ? '#000' : colour, featured]);
      } else if (shape === 'store') {
        const r = featured ? 6.5 : 5;
        ctx.beginPath();
        ctx.moveTo(x, y - r);
        ctx.lineTo(x + r, y + r * 0.8);
        ctx.lineTo(x - r, y + r * 0.8);
        ctx.closePath();
        fillOrOutline(ctx, open, colour);
      } else {
        ctx.beginPath();
        ctx.arc(x, y, featured ? 4.5 : 3.5, 0, Math.PI * 2);
        fillOrOutline(ctx, open, colour);
      }
      ctx.globalAlpha = 1;
    });
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const [t, x, y, c, featured] of labels) {
    ctx.font = featured ? '700 12px system-ui, sans-serif' : '500 10px system-ui, sans-serif';
    haloText(ctx, t, x, y, c);
  }
}

function drawSelection(ctx, k) {
  const sel = demo.selected;
  if (!sel || sel.arm !== k || !geo.px || sel.id < 0 || sel.id >= geo.px.length) return;
  const x0 = geo.px[sel.id];
  const y0 = geo.py[sel.id];
  const ties = (sel.story && sel.story.ties) || [];
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = 'rgba(20,20,20,0.65)';
  for (const t of ties) {
    const [x, y] = toPx(t.x, t.y);
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x, y);
    ctx.stroke();
  }
  for (const t of ties) {
    const [x, y] = toPx(t.x, t.y);
    ctx.beginPath();
    ctx.arc(x, y, 4, 0, Math.PI * 2);
    ctx.fillStyle = STATE_COLOURS[t.state] || '#999';
    ctx.fill();
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  ctx.beginPath();
  ctx.arc(x0, y0, 8, 0, Math.PI * 2);
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 2.5;
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(x0, y0, 8, 0, Math.PI * 2);
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 1;
  ctx.stroke();
}

// ---------------------------------------------------------------------------------------------
// Legend under the maps

function renderLegend() {
  const state = demo.state;
  const names = state.states && state.states.length >= 6 ? state.states : DEFAULT_STATE_NAMES;
  const counts = [new Array(6).fill(0), new Array(6).fill(0)];
  for (let k = 0; k < 2; k++) {
    const codes = armStates[k];
    if (!codes) continue;
    const c = counts[k];
    for (let i = 0; i < codes.length; i++) c[codes[i]] += 1;
  }
  const arms = state.arms || [];
  let html = '<table class="legend-table"><thead><tr><th></th>';
  for (let k = 0; k < 2; k++) html += `<th>${esc(arms[k] ? arms[k].label : '')}</th>`;
  html += '</tr></thead><tbody>';
  for (let code = 1; code <= 5; code++) {
    html += `<tr><th><span class="swatch" style="background:${STATE_COLOURS[code]}"></span>${esc(names[code])}</th>`;
    for (let k = 0; k < 2; k++) html += `<td>${counts[k][code].toLocaleString('en')}</td>`;
    html += '</tr>';
  }
  const frameArms = (state.frame && state.frame.arms) || [];
  // Services without a place on the map (a shuttle's rides), this week, in either arm.
  const serviceLabels = [...new Set(frameArms.flatMap((a) => (a.services || []).map((sv) => sv.label)))];
  for (const label of serviceLabels) {
    html += `<tr class="service"><th>${esc(label)}</th>`;
    for (let k = 0; k < 2; k++) {
      const sv = ((frameArms[k] && frameArms[k].services) || []).find((x) => x.label === label);
      html += `<td>${sv ? Math.round(sv.value).toLocaleString('en') : '—'}</td>`;
    }
    html += '</tr>';
  }
  html += '<tr class="cost"><th>Cost so far</th>';
  for (let k = 0; k < 2; k++) {
    const c = frameArms[k] && frameArms[k].cost_yen != null ? frameArms[k].cost_yen : null;
    html += `<td>${c == null ? '—' : formatYen(c)}</td>`;
  }
  html += '</tr></tbody></table>';
  // Key to the places drawn on the maps, the intervention's first.
  const styles = [...layerStyles().values()].sort((a, b) => Number(b.featured) - Number(a.featured));
  let key = '<ul class="layer-key">';
  for (const st of styles) {
    const n = arms.map((a) => ((a.layers || []).find((l) => l.name === st.name) || { places: [] }).places.length);
    const where = arms.map((a, k) => `${n[k]} ${esc(a.name || (k ? 'with' : 'without'))}`).join(' · ');
    key += `<li class="${st.featured ? 'featured' : ''}">${shapeIcon(st.shape, st.colour)}${esc(st.label)} <span class="muted">(${where})</span></li>`;
  }
  key += '<li class="muted note">Squares grow with this week\'s attendance (the number above); faded: not open this week. Click a dot for a resident\'s story.</li></ul>';
  const next = html + key;
  if (el.legend._html !== next) {
    el.legend.innerHTML = next;
    el.legend._html = next;
  }
}

function shapeIcon(shape, colour) {
  if (shape === 'store') return `<svg class="icon" viewBox="0 0 14 14"><path d="M7 1 L13 12 L1 12 Z" fill="${colour}"/></svg>`;
  if (shape === 'stop')
    return `<svg class="icon" viewBox="0 0 14 14"><line x1="0" y1="7" x2="14" y2="7" stroke="${colour}" stroke-dasharray="3 2" stroke-width="2"/><circle cx="7" cy="7" r="3.5" fill="${colour}"/></svg>`;
  return `<svg class="icon" viewBox="0 0 14 14"><rect x="1.5" y="1.5" width="11" height="11" fill="${colour}" fill-opacity="0.35" stroke="${colour}" stroke-width="2"/></svg>`;
}

function formatYen(y) {
  const v = Number(y);
  if (Math.abs(v) >= 1e8) return `¥${(v / 1e8).toFixed(2)} oku`;
  if (Math.abs(v) >= 1e6) return `¥${(v / 1e6).toFixed(1)} M`;
  return `¥${Math.round(v).toLocaleString('en')}`;
}

function esc(s) {
  return String(s == null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// ---------------------------------------------------------------------------------------------
// Picking residents and their stories

function homeToPixel(arm, id) {
  if (!geo.px || id < 0 || id >= geo.px.length || !el.maps[arm]) return null;
  const r = el.maps[arm].getBoundingClientRect();
  const sx = geo.w ? r.width / geo.w : 1; // 1 unless CSS squeezed the canvas
  const sy = geo.h ? r.height / geo.h : 1;
  return { x: r.left + geo.px[id] * sx, y: r.top + geo.py[id] * sy };
}

function pickHome(arm, clientX, clientY) {
  if (!geo.px) return -1;
  const r = el.maps[arm].getBoundingClientRect();
  const x = ((clientX - r.left) * geo.w) / (r.width || geo.w);
  const y = ((clientY - r.top) * geo.h) / (r.height || geo.h);
  const codes = armStates[arm];
  let best = -1;
  let bestD = PICK_RADIUS_PX * PICK_RADIUS_PX;
  for (let i = 0; i < geo.px.length; i++) {
    if (codes && codes[i] === 0) continue; // not in town yet: not drawn
    const dx = geo.px[i] - x;
    const dy = geo.py[i] - y;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      // Prefer the living over the dead at the same spot.
      if (d === bestD && best >= 0 && codes && codes[i] === 5) continue;
      bestD = d;
      best = i;
    }
  }
  return best;
}

let storyRequest = 0;
async function showStory(arm, id) {
  if (!sessionId) return;
  const ticket = ++storyRequest;
  demo.selected = { arm, id, story: null };
  renderStory('Loading…');
  queueRender();
  try {
    const story = await api('GET', `/api/sessions/${encodeURIComponent(sessionId)}/residents/${id}?arm=${arm}`);
    if (ticket !== storyRequest || !demo.selected || demo.selected.id !== id) return;
    demo.selected.story = story;
    demo.selected.week = demo.state ? demo.state.week : 0;
    renderStory();
  } catch (e) {
    if (ticket !== storyRequest) return;
    const msg = e instanceof ApiError ? e.message + (e.problems.length ? ' ' + e.problems.join(' ') : '') : String(e);
    renderStory(`Could not load resident ${id}: ${msg}`, true);
  }
  queueRender();
}

function clearStory() {
  storyRequest++;
  demo.selected = null;
  renderStory();
  queueRender();
}

function renderStory(message, isError) {
  const sel = demo.selected;
  if (!sel) {
    el.story.hidden = true;
    el.story.textContent = '';
    return;
  }
  el.story.hidden = false;
  const arms = (demo.state && demo.state.arms) || [];
  const armLabel = arms[sel.arm] ? arms[sel.arm].label : `arm ${sel.arm}`;
  let html = '<button type="button" class="close" id="story-close" title="Close (Esc)" aria-label="Close">×</button>';
  if (!sel.story) {
    html += `<h2>Resident ${sel.id}</h2><p class="${isError ? 'error' : 'muted'}">${esc(message || '')}</p>`;
    el.story.innerHTML = html;
  } else {
    const s = sel.story;
    html += `<h2 class="story-title">${esc(s.title)}</h2>`;
    html += `<p class="muted">Resident ${s.id} · ${esc(armLabel)} · as of week ${sel.week}</p>`;
    if (s.facts && s.facts.length) {
      html += '<dl class="facts">';
      for (const f of s.facts) html += `<dt>${esc(f.label)}</dt><dd>${esc(f.value)}</dd>`;
      html += '</dl>';
    }
    html += '<h3>Timeline</h3>';
    if (s.events && s.events.length) {
      html += '<ol class="timeline">';
      for (const ev of s.events) {
        html += `<li><span class="when">week ${ev.week}${ev.date ? ` · ${esc(ev.date)}` : ''}</span> ${esc(ev.what)}</li>`;
      }
      html += '</ol>';
    } else html += '<p class="muted">Nothing has happened yet.</p>';
    const ties = s.ties || [];
    html += `<p class="muted">${ties.length} social tie${ties.length === 1 ? '' : 's'} drawn on the map.</p>`;
    if (s.columns && s.columns.length) {
      html += `<details class="columns"><summary>All columns (${s.columns.length})</summary><table>`;
      for (const c of s.columns) {
        html += `<tr title="${esc(c.description || '')}"><th>${esc(c.name)}</th><td>${esc(c.value)}${c.unit ? ' ' + esc(c.unit) : ''}</td></tr>`;
      }
      html += '</table></details>';
    }
    el.story.innerHTML = html;
  }
  $('story-close').addEventListener('click', clearStory);
}

// ---------------------------------------------------------------------------------------------
// Plots

function emptyPlotData() {
  return {
    certified: [[], [], [], []],
    isolated: [[], [], []],
    participation: [[], [], [], [], [], [], [], [], []],
  };
}

function resetPlots() {
  plotData = emptyPlotData();
  demo.plotData = plotData;
  const state = demo.state;
  const key = JSON.stringify([(state.arms || []).map((a) => a.label), state.groups]);
  if (key !== resetPlots.key) {
    resetPlots.key = key;
    buildPlots();
  }
  plotsDirty = true;
}

function sum(a) {
  let s = 0;
  for (const v of a || []) s += Number(v) || 0;
  return s;
}

function share(part, whole) {
  const w = sum(whole);
  return w > 0 ? (100 * sum(part)) / w : null;
}

function addSeries(frame) {
  const a0 = (frame.arms && frame.arms[0] && frame.arms[0].series) || [];
  const a1 = (frame.arms && frame.arms[1] && frame.arms[1].series) || [];
  const byWeek1 = new Map(a1.map((e) => [e.week, e]));
  const x = plotData.certified[0];
  for (const e0 of a0) {
    const week = e0.week;
    if (x.length && week <= x[x.length - 1]) continue; // already plotted
    const e1 = byWeek1.get(week);
    const c0 = share(e0.certified, e0.alive);
    const c1 = e1 ? share(e1.certified, e1.alive) : null;
    const pc = plotData.certified;
    pc[0].push(week);
    pc[1].push(c0);
    pc[2].push(c1);
    pc[3].push(c0 != null && c1 != null ? c1 - c0 : null);
    const pi = plotData.isolated;
    pi[0].push(week);
    pi[1].push(share(e0.isolated, e0.alive));
    pi[2].push(e1 ? share(e1.isolated, e1.alive) : null);
    const pp = plotData.participation;
    pp[0].push(week);
    for (let g = 0; g < 4; g++) {
      const w = e1 && e1.alive && e1.alive[g] > 0 ? (100 * e1.in_group[g]) / e1.alive[g] : null;
      const wo = e0.alive && e0.alive[g] > 0 ? (100 * e0.in_group[g]) / e0.alive[g] : null;
      pp[1 + 2 * g].push(w);
      pp[2 + 2 * g].push(wo);
    }
    plotsDirty = true;
  }
}

function plotWidth(node) {
  return Math.max(260, Math.floor(node.clientWidth || 400));
}

const PLOT_HEIGHT = 250;
const AXIS_FONT = '13px system-ui, sans-serif';
const AXIS_LABEL_FONT = 'bold 13px system-ui, sans-serif';

function axis(extra) {
  return Object.assign({ font: AXIS_FONT, labelFont: AXIS_LABEL_FONT, stroke: '#333', grid: { stroke: '#e4e4e4', width: 1 }, ticks: { stroke: '#ccc' } }, extra);
}

function pct(digits) {
  return (u, v) => (v == null ? '—' : `${v.toFixed(digits)}%`);
}

function buildPlots() {
  if (typeof uPlot !== 'function') {
    setStatus('The plotting library (uPlot) did not load: the plots are off.', 'error');
    return;
  }
  for (const p of Object.values(demo.plots)) if (p) p.destroy();
  demo.plots = {};
  const state = demo.state;
  const arms = state.arms || [];
  const armLabel = (k) => (arms[k] ? arms[k].label : k ? 'with' : 'without');
  const groups = state.groups && state.groups.length === 4 ? state.groups : ['group 1', 'group 2', 'group 3', 'group 4'];
  const data = emptyPlotData();
  const base = (title) => ({
    title,
    width: 400,
    height: PLOT_HEIGHT,
    scales: { x: { time: false } },
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
  });
  const xSeries = { label: 'Week' };

  const certEl = $('plot-certified');
  demo.plots.certified = new uPlot(
    Object.assign(base('Certified for long-term care (% of residents alive)'), {
      width: plotWidth(certEl),
      scales: { x: { time: false }, pct: { auto: true }, pp: { auto: true } },
      series: [
        xSeries,
        { label: armLabel(0), scale: 'pct', stroke: ARM_COLOURS[0], width: 2, dash: [7, 5], value: pct(2) },
        { label: armLabel(1), scale: 'pct', stroke: ARM_COLOURS[1], width: 2.5, value: pct(2) },
        { label: 'Difference (points)', scale: 'pp', stroke: DIFF_COLOUR, width: 1.5, value: (u, v) => (v == null ? '—' : v.toFixed(2)) },
      ],
      axes: [
        axis({ label: 'week' }),
        axis({ scale: 'pct', label: '% certified', size: 56, values: (u, vals) => vals.map((v) => `${+v.toFixed(1)}`) }),
        axis({ scale: 'pp', side: 1, label: 'with − without (points)', stroke: DIFF_COLOUR, grid: { show: false }, size: 56 }),
      ],
    }),
    data.certified,
    certEl,
  );

  const isoEl = $('plot-isolated');
  demo.plots.isolated = new uPlot(
    Object.assign(base('Isolated (% of residents alive)'), {
      width: plotWidth(isoEl),
      series: [
        xSeries,
        { label: armLabel(0), stroke: ARM_COLOURS[0], width: 2, dash: [7, 5], value: pct(2) },
        { label: armLabel(1), stroke: ARM_COLOURS[1], width: 2.5, value: pct(2) },
      ],
      axes: [axis({ label: 'week' }), axis({ label: '% isolated', size: 56, values: (u, vals) => vals.map((v) => `${+v.toFixed(1)}`) })],
    }),
    data.isolated,
    isoEl,
  );

  const partEl = $('plot-participation');
  const partSeries = [xSeries];
  groups.forEach((g, i) => {
    partSeries.push({ label: `${g} (with)`, stroke: GROUP_COLOURS[i], width: 2.5, value: pct(1) });
    partSeries.push({ label: `${g} (without)`, stroke: GROUP_COLOURS[i], width: 1.5, dash: [7, 5], value: pct(1) });
  });
  demo.plots.participation = new uPlot(
    Object.assign(base('Taking part (% of residents alive), by income and sex'), {
      width: plotWidth(partEl),
      series: partSeries,
      axes: [axis({ label: 'week' }), axis({ label: '% taking part', size: 56, values: (u, vals) => vals.map((v) => `${+v.toFixed(1)}`) })],
    }),
    data.participation,
    partEl,
  );
  // Compact keys that show each line's colour and dash (instead of uPlot's legends).
  plotKey(certEl, [
    { label: armLabel(1), colour: ARM_COLOURS[1] },
    { label: armLabel(0), colour: ARM_COLOURS[0], dashed: true },
    { label: 'difference, with − without (right axis, points)', colour: DIFF_COLOUR, thin: true, wide: true },
  ]);
  plotKey(isoEl, [
    { label: armLabel(1), colour: ARM_COLOURS[1] },
    { label: armLabel(0), colour: ARM_COLOURS[0], dashed: true },
  ]);
  plotKey(partEl, [
    ...groups.map((g, i) => ({ label: g, colour: GROUP_COLOURS[i] })),
    { label: armLabel(1), colour: '#555', muted: true },
    { label: armLabel(0), colour: '#555', dashed: true, muted: true },
  ]);
}

function plotKey(node, items) {
  for (const old of node.querySelectorAll('.plot-key')) old.remove();
  const key = document.createElement('div');
  key.className = 'plot-key';
  key.innerHTML = items
    .map(
      (it) =>
        `<span class="${it.muted ? 'muted' : ''}${it.wide ? ' wide' : ''}"><i class="${it.dashed ? 'dashed' : ''}${it.thin ? ' thin' : ''}" style="border-top-color:${it.colour}"></i>${esc(it.label)}</span>`,
    )
    .join('');
  node.appendChild(key);
}

function resizePlots() {
  for (const [name, p] of Object.entries(demo.plots)) {
    if (!p) continue;
    const node = $(`plot-${name}`);
    const w = plotWidth(node);
    if (Math.abs(p.width - w) > 2) p.setSize({ width: w, height: PLOT_HEIGHT });
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring

function speedLabel() {
  el.speedValue.textContent = `${el.speed.value} weeks/s`;
}

function togglePlay() {
  if (demo.playing) {
    pause();
    setStatus('Paused.');
    // A step in flight still lands: name the week once it has.
    serial(() => null).then(() => {
      if (!demo.playing && demo.state && demo.lastStatus === 'Paused.') setStatus(`Paused at week ${demo.state.week}.`);
    });
  } else {
    play();
    if (demo.playing) setStatus('Playing…');
  }
}

el.play.addEventListener('click', togglePlay);
el.step.addEventListener('click', stepOnce);
el.reset.addEventListener('click', resetRun);
el.speed.addEventListener('input', speedLabel);
el.lesson.addEventListener('change', () => openLesson(el.lesson.value, true));
for (let k = 0; k < 2; k++) {
  el.maps[k].addEventListener('click', (ev) => {
    const id = pickHome(k, ev.clientX, ev.clientY);
    if (id >= 0) showStory(k, id);
    else clearStory();
  });
}
document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape') {
    clearStory();
    return;
  }
  const t = ev.target;
  const typing = t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.tagName === 'BUTTON');
  if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === ' ') {
    ev.preventDefault();
    togglePlay();
  } else if (ev.key === 'ArrowRight') {
    ev.preventDefault();
    stepOnce();
  }
});
window.addEventListener('pagehide', closeSessionOnExit);

let resizeTimer = null;
function onResize() {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    layoutMaps();
    resizePlots();
  }, 60);
}
window.addEventListener('resize', onResize);
if (typeof ResizeObserver === 'function') {
  let lastW = 0;
  new ResizeObserver(() => {
    const w = el.maps[0].parentElement.clientWidth;
    if (w !== lastW) {
      lastW = w;
      onResize();
    }
  }).observe(el.maps[0].parentElement);
}

speedLabel();
updatePlayButton();
start();
