#!/usr/bin/env node
// Browser test of the HTML reports in analysis/: makes a small comparison, run, coalition trial and
// sweep with salonsim, writes their reports with /usr/bin/python3, opens each in headless Chromium
// (puppeteer-core, the system's browser; nothing is downloaded) and checks what a reader sees:
// no errors, summary first and methodology last, every image loaded, the report's own sections.
//
//   node web/test/reports_test.mjs --salonsim build/salonsim --source . --out DIR [--work DIR] [--chromium PATH]
//
// Exit code 0 when every check passes, 1 on the first failure (the work directory is kept and
// named), 2 for bad arguments.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const USAGE = 'usage: node web/test/reports_test.mjs --salonsim PATH --source DIR --out DIR [--work DIR] [--chromium PATH]';

function parseArgs(argv) {
  const opts = { salonsim: 'build/salonsim', source: '.', out: 'out/reports', work: null, chromium: '/usr/bin/chromium' };
  const bad = (msg) => {
    console.error(`${msg}\n${USAGE}`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-h' || argv[i] === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    const m = argv[i].match(/^--(salonsim|source|out|work|chromium)(?:=(.*))?$/);
    if (!m) bad(`unknown argument: ${argv[i]}`);
    const v = m[2] !== undefined ? m[2] : argv[++i];
    if (v === undefined || v === '') bad(`--${m[1]} needs a value`);
    opts[m[1]] = path.resolve(v);
  }
  opts.salonsim = path.resolve(opts.salonsim);
  opts.source = path.resolve(opts.source);
  opts.out = path.resolve(opts.out);
  if (!fs.existsSync(opts.salonsim)) bad(`no salonsim at ${opts.salonsim}`);
  if (!fs.existsSync(path.join(opts.source, 'analysis', 'report.py'))) bad(`${opts.source} has no analysis/report.py`);
  if (!fs.existsSync(opts.chromium)) bad(`no Chromium at ${opts.chromium}`);
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s]`, ...a);

class Failure extends Error {}
let passed = 0;
function check(cond, what, detail) {
  if (cond) {
    passed++;
    log(`ok   ${what}`);
    return;
  }
  const msg = detail !== undefined ? `${what} — ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : what;
  log(`FAIL ${msg}`);
  const f = new Failure(msg);
  f.logged = true;
  throw f;
}

const work = opts.work ?? fs.mkdtempSync(path.join(os.tmpdir(), 'salonsim-reports-'));
const W = (f) => path.join(work, f);
const S = (f) => path.join(opts.source, f);

/** Runs a command; on failure prints it with its output and fails the test. */
function sh(exe, args) {
  const line = [exe, ...args].map((a) => (/[\s'"]/.test(a) ? `'${a}'` : a)).join(' ');
  const t = Date.now();
  try {
    execFileSync(exe, args, { cwd: opts.source, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    process.stderr.write(`$ ${line}\n${e.stdout || ''}${e.stderr || ''}`);
    check(false, `command failed (exit ${e.status ?? e.signal ?? e.message}): ${line}`);
  }
  log(`ran  ${line} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

/** The four inputs and their reports; returns [name, index.html] pairs. */
function makeReports() {
  const small = ['--set', 'town.population=3000', '--set', 'run.years=2', '-q'];
  sh(opts.salonsim, ['compare', S('scenarios/taketoyo-no-salons.yaml'), S('scenarios/taketoyo.yaml'), '--replicates', '3', ...small, '-o', W('cmp.h5')]);
  sh(opts.salonsim, ['run', S('scenarios/taketoyo.yaml'), '--replicates', '2', ...small, '-o', W('run.h5')]);
  // The small trial tests/e2e/coalition_trial_test.cpp reports on (4 + 4 municipalities).
  sh(opts.salonsim, ['trial', S('scenarios/coalition-demo.yaml'), '--replicates', '2', '-q', '-o', W('trial.h5')]);
  // A tiny Morris sweep, as in tests/e2e/sweep_report_test.cpp: 2 parameters, 2 trajectories (6 runs).
  fs.writeFileSync(
    W('sweep.yaml'),
    `name: reports-test-sweep
description: A tiny Morris screening for the browser test of the reports.
scenario: ${JSON.stringify(S('scenarios/taketoyo.yaml'))}
set: [town.population=1500, run.years=2]
design: {type: morris, trajectories: 2, levels: 4, seed: 5}
replicates: 1
seeds: common
parameters:
  - {key: "interventions[0].participation.join_odds", name: join_odds, distribution: log_uniform, min: 0.004, max: 0.015}
  - {key: "interventions[0].placement.count", name: salon_count, min: 4, max: 16, integer: true}
outputs: [certifications_per_1000_py, participation]
groups: [all]
`,
  );
  sh(opts.salonsim, ['sweep', W('sweep.yaml'), '-q', '-o', W('sweep.h5')]);
  const reports = [
    ['compare', 'report.py', 'cmp.h5'],
    ['run', 'report.py', 'run.h5'],
    ['trial', 'trial_report.py', 'trial.h5'],
    ['sweep', 'sweep_report.py', 'sweep.h5'],
  ];
  return reports.map(([name, script, input]) => {
    sh('/usr/bin/python3', [S(`analysis/${script}`), W(input), '-o', W(`${name}-report`)]);
    const index = W(`${name}-report/index.html`);
    check(fs.existsSync(index), `${script} wrote ${name}-report/index.html`);
    return [name, index];
  });
}

let browser = null;

async function checkReport(page, errors, name, index) {
  errors.length = 0;
  await page.goto(pathToFileURL(index).href, { waitUntil: 'load', timeout: 30000 });
  const seen = await page.evaluate(() => {
    const q = (s) => document.querySelector(s);
    const sections = [...document.querySelectorAll('body > section')].map((s) => s.id);
    const meth = q('#methodology');
    const outside = [...document.querySelectorAll('img, figure, h2')].filter((e) => !meth || !meth.contains(e));
    const imgs = [...document.images];
    return {
      sections,
      summary: q('#summary') ? q('#summary').innerText.trim() : '',
      afterMethodology: meth
        ? outside.filter((e) => meth.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING).map((e) => e.outerHTML.slice(0, 80))
        : null,
      images: imgs.length,
      broken: imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.getAttribute('src')),
      ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
      srcs: imgs.map((i) => i.getAttribute('src')),
      whereNext: document.querySelectorAll('#where-next li').length,
    };
  });
  const has = (id) => check(seen.ids.includes(id), `${name}: there is an element with id "${id}"`, seen.sections);
  const says = (text) => check(seen.summary.includes(text), `${name}: the summary mentions "${text}"`, seen.summary.slice(0, 400));

  check(errors.length === 0, `${name}: no page or console errors`, errors.join('\n'));
  check(seen.sections[0] === 'summary', `${name}: the first section is #summary`, seen.sections);
  check(seen.sections[seen.sections.length - 1] === 'methodology', `${name}: the last section is #methodology`, seen.sections);
  check(seen.summary.length >= 200, `${name}: the summary has ${seen.summary.length} characters (at least 200)`, seen.summary);
  check(seen.afterMethodology && seen.afterMethodology.length === 0, `${name}: Methodology comes after every figure and heading`, seen.afterMethodology);
  check(seen.images > 0 && seen.broken.length === 0, `${name}: all ${seen.images} images loaded`, { broken: seen.broken });
  if (name === 'compare') {
    for (const id of ['costs', 'equity', 'map', 'where-next', 'districts']) has(id);
    says('net cost');
    says('per 1,000');
    check(seen.srcs.includes('cost_effectiveness.png'), `${name}: an <img> shows cost_effectiveness.png`, seen.srcs);
    check(seen.whereNext > 0, `${name}: the where-next list has ${seen.whereNext} sites`);
  } else if (name === 'run') {
    for (const id of ['map', 'districts']) has(id);
    says('per 1,000');
  }

  const full = path.join(opts.out, `report-${name}.png`);
  const top = path.join(opts.out, `report-${name}-top.png`);
  await page.screenshot({ path: full, fullPage: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: top });
  log(`screenshots ${full}, ${top}`);
}

async function run() {
  fs.mkdirSync(opts.out, { recursive: true });
  log(`work directory ${work}`);
  const reports = makeReports();
  browser = await puppeteer.launch({
    executablePath: opts.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'],
    defaultViewport: { width: 1300, height: 900 },
  });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()} ${(m.location() && m.location().url) || ''}`);
  });
  page.on('requestfailed', (r) => errors.push(`failed to load ${r.url()}: ${r.failure() && r.failure().errorText}`));
  for (const [name, index] of reports) await checkReport(page, errors, name, index);
  await browser.close();
  browser = null;
}

const hardLimit = setTimeout(() => {
  console.log(`FAIL: the test ran over 240 s; work directory kept: ${work}`);
  process.exit(1);
}, 240000);

try {
  await run();
  clearTimeout(hardLimit);
  if (!opts.work) fs.rmSync(work, { recursive: true, force: true });
  console.log(`${passed} checks passed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  process.exit(0);
} catch (e) {
  clearTimeout(hardLimit);
  if (!(e && e.logged)) console.log(`FAIL ${e instanceof Failure ? e.message : e && e.stack ? e.stack : e}`);
  if (browser) await browser.close().catch(() => {});
  console.log(`reports: ${passed} passed, 1 failed; work directory kept: ${work}`);
  process.exit(1);
}
