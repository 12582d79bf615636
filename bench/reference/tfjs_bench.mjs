// TensorFlow.js reference benchmark for Unroll's `unroll bench` configurations, in headless
// Chromium (Debian's /usr/bin/chromium, driven by playwright-core), one thread.
//
//   cd bench/reference && npm ci && node tfjs_bench.mjs [--json] [--only NAME]... [--samples N]
//       [--steps N] [--warmup N] [--backend wasm|cpu] [--no-patch] [--data DIR]
//
// A local static server (127.0.0.1, a free port) serves a blank page, tfjs_page.js, and the tfjs
// bundles and .wasm files straight from node_modules. The page is not cross-origin isolated, so
// the wasm backend has no SharedArrayBuffer and runs single-threaded (SIMD on). Each configuration
// trains with `model.trainOnBatch` over tensors built before timing; see tfjs_page.js and README.md.
// Every configuration gets a fresh page, so one configuration's leftovers cannot slow the next.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const NAMES = ['agnews-lstm', 'course-bilstm', 'sine-rnn', 'sine-lstm', 'sine-lstm16'];

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const json = flag('--json');
const only = args.filter((a, i) => args[i - 1] === '--only');
const names = only.length ? only : NAMES;
for (const n of names) if (!NAMES.includes(n)) { console.error(`unknown configuration ${n} (known: ${NAMES.join(', ')})`); process.exit(2); }
const samples = Number(value('--samples', 10000));
const steps = Number(value('--steps', 1000));
const warmup = Number(value('--warmup', 5));
const backend = value('--backend', 'wasm');
const patch = !flag('--no-patch');
const dataDir = value('--data', process.env.UNROLL_AG_NEWS_DIR ?? '/work/shared/data/ag_news');
const chromiumPath = process.env.UNROLL_CHROMIUM ?? '/usr/bin/chromium';

// --- AG News lengths: token counts of title + description (src/data/ag_news.rs), file order. ---
function* csvRows(text) {
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false; } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') yield row;
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); yield row; }
}
const tokenCount = (s) => (s.match(/[A-Za-z0-9]+/g) ?? []).length;
function agNewsLengths(n) {
  const out = [];
  for (const r of csvRows(fs.readFileSync(path.join(dataDir, 'train.csv'), 'utf8'))) {
    if (r.length !== 3) continue;
    out.push(tokenCount(r[1]) + tokenCount(r[2]));
    if (out.length === n) break;
  }
  return out;
}

// --- The static server. ---
const tfjsDist = path.dirname(require.resolve('@tensorflow/tfjs/dist/tf.min.js'));
const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js'));
const FILES = {
  '/tf.min.js': path.join(tfjsDist, 'tf.min.js'),
  '/tf-backend-wasm.min.js': path.join(wasmDist, 'tf-backend-wasm.min.js'),
  '/tfjs_page.js': path.join(here, 'tfjs_page.js'),
};
for (const f of fs.readdirSync(wasmDist)) if (f.endsWith('.wasm')) FILES[`/wasm/${f}`] = path.join(wasmDist, f);
const PAGE = '<!doctype html><meta charset="utf-8"><title>tfjs reference bench</title>' +
  '<script src="/tf.min.js"></script><script src="/tf-backend-wasm.min.js"></script><script src="/tfjs_page.js"></script>';
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost').pathname;
  if (url === '/') { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE); return; }
  const file = FILES[url];
  if (!file) { res.writeHead(404).end('not found'); return; }
  const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const lengths = names.includes('course-bilstm') ? agNewsLengths(Math.max(samples, 32)) : [];
const rows = [];
let info = null;
let userAgent = '';
try {
  for (const name of names) {
    if (!json) console.error(`tfjs (${backend}): running ${name} ...`);
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.goto(base);
    userAgent = await page.evaluate(() => navigator.userAgent);
    info = await page.evaluate((o) => window.unrollSetup(o), { backend, patch, wasmPath: `${base}wasm/` });
    try {
      const row = await page.evaluate((o) => window.unrollBench(o), {
        name, samples, steps, warmup, lengths: name === 'course-bilstm' ? lengths : [],
      });
      rows.push(row);
      if (!json) console.error(`  ${row.ms_per_step.toFixed(3)} ms/step`);
    } catch (e) {
      const error = String(e.message ?? e).split('\n')[0].replace(/^page\.evaluate: /, '');
      rows.push({ name, model: '', error });
      if (!json) console.error(`  failed: ${error}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}

const threads = info?.threads ?? 1;
const what = backend === 'wasm'
  ? `TensorFlow.js ${info?.tfjs} wasm backend (SIMD ${info?.simd ? 'on' : 'off'}, multithread ${info?.multithread ? 'on' : 'off'}), ` +
    `${threads} thread, headless Chromium, model.trainOnBatch; UnsortedSegmentSum ${info?.patched ? 'patched in (JS kernel)' : 'not patched'}`
  : `TensorFlow.js ${info?.tfjs} ${backend} backend (plain JavaScript), 1 thread, headless Chromium, model.trainOnBatch`;
if (json) {
  console.log(JSON.stringify({ backend: what, browser: userAgent, setup: info, rows }, null, 2));
} else {
  const pad = (s, w) => String(s).padStart(w);
  console.log(`backend: ${what}`);
  console.log(`browser: ${userAgent}`);
  console.log(`${'config'.padEnd(22)} ${pad('steps', 8)} ${pad('samples', 9)} ${pad('samples/s', 12)} ${pad('tokens/s', 12)} ${pad('ms/step', 10)}  model`);
  for (const r of rows) {
    if (r.error) { console.log(`${r.name.padEnd(22)} failed: ${r.error}`); continue; }
    console.log(`${r.name.padEnd(22)} ${pad(r.steps, 8)} ${pad(r.samples, 9)} ${pad(r.samples_per_sec.toFixed(0), 12)} ` +
      `${pad(r.tokens_per_sec.toFixed(0), 12)} ${pad(r.ms_per_step.toFixed(3), 10)}  ${r.model}`);
  }
}
process.exitCode = rows.some((r) => r.error) ? 1 : 0;
