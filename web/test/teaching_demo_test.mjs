#!/usr/bin/env node
// Browser test of salonsim's teaching demo: starts `salonsim serve --port 0`, drives the page in
// headless Chromium (puppeteer-core, the system's browser; nothing is downloaded) and checks
// that it plays, plots, applies a lever, reports a bad value, and tells a resident's story.
//
//   node web/test/teaching_demo_test.mjs --salonsim build/salonsim --chromium /usr/bin/chromium --out DIR
//
// Exit code 0 when every check passes; otherwise it prints what failed and exits 1.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const opts = { salonsim: 'build/salonsim', chromium: '/usr/bin/chromium', out: 'out/teaching-demo' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = a.match(/^--(salonsim|chromium|out)(?:=(.*))?$/);
    if (!m) {
      if (a === '-h' || a === '--help') {
        console.log('usage: node web/test/teaching_demo_test.mjs --salonsim PATH --chromium PATH --out DIR');
        process.exit(0);
      }
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
    opts[m[1]] = m[2] !== undefined ? m[2] : argv[++i];
    if (opts[m[1]] === undefined) {
      console.error(`--${m[1]} needs a value`);
      process.exit(2);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Failure extends Error {}

let passed = 0;
let failed = 0;
function check(cond, what, detail) {
  if (cond) {
    passed++;
    log(`ok   ${what}`);
    return;
  }
  failed++;
  const msg = detail !== undefined ? `${what} — ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : what;
  log(`FAIL ${msg}`);
  const f = new Failure(msg);
  f.logged = true;
  throw f;
}

// ---------------------------------------------------------------------------------------------
// The server

let server = null;
let serverOut = '';
let serverExit = null;

function startServer() {
  return new Promise((resolve, reject) => {
    const exe = path.resolve(opts.salonsim);
    if (!fs.existsSync(exe)) {
      reject(new Failure(`no salonsim at ${exe}`));
      return;
    }
    server = spawn(exe, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdoutText = '';
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      reject(new Failure('the server printed no http://127.0.0.1:<port>/ line on its standard output within 60 s'));
    }, 60000);
    server.stdout.on('data', (chunk) => {
      const s = chunk.toString();
      serverOut += s;
      stdoutText += s;
      const m = stdoutText.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}/`);
      }
    });
    server.stderr.on('data', (chunk) => {
      serverOut += chunk.toString();
    });
    server.on('error', (e) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Failure(`could not start ${exe}: ${e.message}`));
    });
    server.on('exit', (code, signal) => {
      serverExit = { code, signal };
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Failure(`the server exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
}

function stopServer(timeoutMs) {
  return new Promise((resolve) => {
    if (!server || serverExit) {
      resolve(serverExit);
      return;
    }
    const timer = setTimeout(() => resolve(null), timeoutMs);
    server.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    server.kill('SIGINT');
  });
}

// ---------------------------------------------------------------------------------------------
// The test

let browser = null;
let page = null;
const pageErrors = [];
let expectBadRequest = false;

async function run() {
  fs.mkdirSync(opts.out, { recursive: true });

  // 1. The server.
  const url = await startServer();
  log(`server at ${url}`);

  // 2. The browser and the page.
  browser = await puppeteer.launch({
    executablePath: opts.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--window-size=1600,1000'],
    defaultViewport: { width: 1600, height: 1000 },
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    const where = (m.location() && m.location().url) || '';
    // Step 5 sends a bad value on purpose; Chromium logs the 400 it gets back.
    if (expectBadRequest && /status of 400/.test(text) && /\/settings$/.test(where)) return;
    pageErrors.push(`console error: ${text}${where ? ` (${where})` : ''}`);
  });
  const noErrors = (when) => check(pageErrors.length === 0, `no page or console errors ${when}`, pageErrors.join('\n'));

  await page.goto(url, { waitUntil: 'load', timeout: 30000 });
  try {
    await page.waitForFunction(
      () =>
        /^Week 0 of \d+/.test(document.querySelector('#week').textContent) &&
        document.querySelectorAll('#levers [data-lever]').length > 0 &&
        window.salonsimDemo &&
        window.salonsimDemo.state,
      { timeout: 30000, polling: 100 },
    );
  } catch (e) {
    const seen = await page.evaluate(() => ({
      week: document.querySelector('#week').textContent,
      status: document.querySelector('#status').textContent,
    }));
    check(false, 'the page shows week 0 and its levers', seen);
  }
  const first = await page.evaluate(() => {
    const s = window.salonsimDemo.state;
    return { week: document.querySelector('#week').textContent, levers: s.levers.length, lesson: s.lesson.title, population: s.population };
  });
  check(true, `the page shows "${first.week}", ${first.levers} levers, lesson "${first.lesson}", ${first.population} residents`);
  noErrors('on load');

  // 3. Play at full speed for 3 s.
  await page.$eval('#speed', (el) => {
    el.value = el.max;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const week0 = await page.evaluate(() => window.salonsimDemo.state.week);
  await page.click('#play');
  await sleep(3000);
  const played = await page.evaluate(() => {
    const d = window.salonsimDemo;
    const points = {};
    const real = {};
    for (const [name, p] of Object.entries(d.plots)) {
      points[name] = p.data[0].length;
      real[name] = p.data
        .slice(1)
        .map((s) => s.filter((v) => typeof v === 'number' && Number.isFinite(v)).length)
        .reduce((a, b) => Math.min(a, b), Infinity);
    }
    return {
      wps: d.weeksPerSecond,
      week: d.state.week,
      frames: d.frames,
      playing: d.playing,
      text: document.querySelector('#week').textContent,
      rate: document.querySelector('#rate').textContent,
      points,
      real,
    };
  });
  console.log(`weeks per second: ${played.wps.toFixed(1)}`);
  log(`after 3 s: "${played.text}", #rate "${played.rate}", ${played.frames} frames, plot points ${JSON.stringify(played.points)}`);
  check(played.week - week0 > 10, 'the week advanced by more than 10 in 3 s of play', `from ${week0} to ${played.week}`);
  check(/^Week \d+ of \d+/.test(played.text) && played.text.includes(String(played.week)), '#week shows the current week', played.text);
  check(/^\d+(\.\d+)? weeks\/s$/.test(played.rate), '#rate shows a measured rate', played.rate);
  for (const name of ['certified', 'isolated', 'participation']) {
    check(
      (played.points[name] || 0) > 10 && played.real[name] > 10,
      `plot-${name} has more than 10 points of real values in every line`,
      { points: played.points[name], finitePerLine: played.real[name] },
    );
  }
  noErrors('while playing');

  // 4. Pause, and move the salon-count lever.
  await page.evaluate(() => {
    if (window.salonsimDemo.playing) document.querySelector('#play').click();
  });
  await sleep(300);
  await page.screenshot({ path: path.join(opts.out, 'teaching-demo.png'), fullPage: true });
  log(`screenshot ${path.join(opts.out, 'teaching-demo.png')}`);
  const lever = await page.evaluate(() => {
    const lv = window.salonsimDemo.state.levers.find((l) => l.kind === 'integer' && /placement\.count$/.test(l.id));
    return lv ? { id: lv.id, label: lv.label, value: lv.value, min: lv.min, max: lv.max, step: lv.step || 1 } : null;
  });
  check(lever !== null, 'there is an integer lever whose id ends in placement.count');
  let target = lever.value + 5 * lever.step <= lever.max ? lever.value + 5 * lever.step : lever.value - 5 * lever.step;
  if (target < lever.min) target = lever.value < lever.max ? lever.max : lever.min;
  check(target !== lever.value && target >= lever.min && target <= lever.max, `a new in-range value for ${lever.id}`, { lever, target });
  log(`setting ${lever.id} (${lever.label}) from ${lever.value} to ${target}`);
  await page.evaluate(
    (id, v) => {
      const el = [...document.querySelectorAll('#levers [data-lever]')].find((e) => e.dataset.lever === id);
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    lever.id,
    target,
  );
  try {
    await page.waitForFunction(() => /Applied/.test(document.querySelector('#status').textContent), { timeout: 30000, polling: 50 });
  } catch (e) {
    check(false, '#status says Applied', await page.$eval('#status', (el) => el.textContent));
  }
  const applied = await page.evaluate(
    (id) => {
      const s = window.salonsimDemo.state;
      const lv = s.levers.find((l) => l.id === id);
      const layers = (s.arms[1] && s.arms[1].layers) || [];
      const salons =
        layers.find((l) => l.shape === 'venue' && /salon/i.test(`${l.name} ${l.label}`)) || layers.find((l) => l.shape === 'venue');
      return {
        status: document.querySelector('#status').textContent,
        statusClass: document.querySelector('#status').className,
        value: lv ? lv.value : null,
        week: s.week,
        weekText: document.querySelector('#week').textContent,
        control: [...document.querySelectorAll('#levers [data-lever]')].find((e) => e.dataset.lever === id).value,
        salonsLayer: salons ? { name: salons.name, label: salons.label, places: salons.places.length } : null,
        plotPoints: Object.values(window.salonsimDemo.plots).map((p) => p.data[0].length),
      };
    },
    lever.id,
  );
  log(`#status: "${applied.status}"`);
  check(applied.statusClass !== 'error', '#status is not an error after applying', applied.status);
  check(applied.value === target, `the returned state's ${lever.id} is ${target}`, applied.value);
  check(String(applied.control) === String(target), 'the lever control shows the applied value', applied.control);
  check(applied.week === 0 && /^Week 0 of/.test(applied.weekText), 'the week is back to 0', applied.weekText);
  check(applied.plotPoints.every((n) => n <= 1), 'the plots were cleared (at most the week-0 point)', applied.plotPoints);
  check(
    applied.salonsLayer !== null && applied.salonsLayer.places === target,
    `the "with" map's salons layer has ${target} places`,
    applied.salonsLayer,
  );
  noErrors('after applying a lever');

  // 5. A bad value straight to the API.
  expectBadRequest = true;
  const bad = await page.evaluate(async (id) => {
    const sid = window.salonsimDemo.state.session;
    const r = await fetch(`/api/sessions/${encodeURIComponent(sid)}/settings`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ values: { [id]: -5 } }),
    });
    return { status: r.status, body: await r.text() };
  }, lever.id);
  await sleep(200);
  expectBadRequest = false;
  log(`bad value: HTTP ${bad.status} ${bad.body.slice(0, 300)}`);
  check(bad.status === 400, `{"values": {"${lever.id}": -5}} is answered 400`, bad.status);
  let badJson = null;
  try {
    badJson = JSON.parse(bad.body);
  } catch (e) {
    /* checked below */
  }
  check(badJson !== null && typeof badJson.error === 'string', 'the 400 has a JSON body with "error"', bad.body);
  const badText = [badJson.error, ...(Array.isArray(badJson.problems) ? badJson.problems : [])].join(' ');
  check(badText.includes(lever.id), `the 400's message names ${lever.id}`, badText);
  noErrors('after the bad value');

  // 6. Play for a second, then click a resident on the "with" map.
  await page.click('#play');
  await sleep(1000);
  await page.evaluate(() => {
    if (window.salonsimDemo.playing) document.querySelector('#play').click();
  });
  await sleep(300);
  const weekAfter = await page.evaluate(() => window.salonsimDemo.state.week);
  check(weekAfter > 0, 'the run went on after the change of lever', weekAfter);
  await page.$eval('#map-1', (el) => el.scrollIntoView({ block: 'center' }));
  await sleep(200);
  const target6 = await page.evaluate(() => {
    const d = window.salonsimDemo;
    const codes = d.state.frame.arms[1].state;
    const n = codes.length;
    // A living resident away from the map's edge, whose dot is the nearest to its own pixel.
    for (let j = 0; j < n; j++) {
      const id = (Math.floor(n / 2) + j * 7919) % n;
      const c = codes.charCodeAt(id) - 48;
      if (c < 1 || c > 4) continue;
      const p = d.homeToPixel(1, id);
      if (!p) continue;
      const r = document.querySelector('#map-1').getBoundingClientRect();
      if (p.x < r.left + 20 || p.x > r.right - 20 || p.y < r.top + 20 || p.y > r.bottom - 20) continue;
      if (d.pickHome(1, p.x, p.y) < 0) continue;
      return { id, x: p.x, y: p.y, code: c };
    }
    return null;
  });
  check(target6 !== null, 'a living resident to click on the "with" map');
  log(`clicking resident ${target6.id} (state ${target6.code}) at (${target6.x.toFixed(1)}, ${target6.y.toFixed(1)})`);
  await page.mouse.click(target6.x, target6.y);
  try {
    await page.waitForFunction(
      () => {
        const t = document.querySelector('#story .story-title');
        return t && !document.querySelector('#story').hidden && t.textContent.trim().length > 0;
      },
      { timeout: 15000, polling: 50 },
    );
  } catch (e) {
    check(false, '#story shows a title', await page.$eval('#story', (el) => el.textContent));
  }
  const story = await page.evaluate(() => ({
    title: document.querySelector('#story .story-title').textContent,
    facts: document.querySelectorAll('#story .facts dt').length,
    events: document.querySelectorAll('#story .timeline li').length,
    selected: window.salonsimDemo.selected ? { arm: window.salonsimDemo.selected.arm, id: window.salonsimDemo.selected.id } : null,
    ties: window.salonsimDemo.selected && window.salonsimDemo.selected.story ? (window.salonsimDemo.selected.story.ties || []).length : 0,
  }));
  log(`story: "${story.title}", ${story.facts} facts, ${story.events} events, ${story.ties} ties, resident ${JSON.stringify(story.selected)}`);
  check(story.selected && story.selected.arm === 1, '#story shows a title for a resident of the "with" arm', story);
  noErrors('after the story');

  // 7. Screenshots.
  await page.screenshot({ path: path.join(opts.out, 'teaching-demo-story.png'), fullPage: true });
  log(`screenshot ${path.join(opts.out, 'teaching-demo-story.png')}`);

  // 8. Close the browser and stop the server.
  await browser.close();
  browser = null;
  const exit = await stopServer(10000);
  check(exit !== null, 'the server exits within 10 s of SIGINT');
  check(exit.code === 0, 'the server exits with code 0 on SIGINT', exit);
}

async function cleanup() {
  if (browser) {
    try {
      await browser.close();
    } catch (e) {
      /* already gone */
    }
    browser = null;
  }
  if (server && !serverExit) {
    server.kill('SIGINT');
    await sleep(2000);
    if (!serverExit) server.kill('SIGKILL');
  }
}

const hardLimit = setTimeout(async () => {
  console.log('FAIL: the test ran over 150 s');
  console.log(`teaching demo: ${passed} passed, ${failed + 1} failed`);
  await cleanup();
  process.exit(1);
}, 150000);

try {
  await run();
  clearTimeout(hardLimit);
  console.log(`teaching demo: ${passed} passed, 0 failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  process.exit(0);
} catch (e) {
  clearTimeout(hardLimit);
  if (!(e && e.logged)) {
    failed++;
    console.log(`FAIL ${e instanceof Failure ? e.message : e && e.stack ? e.stack : e}`);
  }
  if (pageErrors.length) console.log(`page errors:\n  ${pageErrors.join('\n  ')}`);
  if (page && browser) {
    try {
      const p = path.join(opts.out, 'teaching-demo-failure.png');
      await page.screenshot({ path: p, fullPage: true });
      console.log(`screenshot of the failure: ${p}`);
    } catch (err) {
      /* no screenshot */
    }
  }
  await cleanup();
  console.log(`--- server output (last 4000 characters) ---\n${serverOut.slice(-4000)}\n---`);
  console.log(`teaching demo: ${passed} passed, ${failed} failed`);
  process.exit(1);
}
