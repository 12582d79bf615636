// Browser benchmark of the engine: the configurations of `unroll bench` (src/bench.rs), run by
// the playground's own Web Worker (the release wasm build, simd128) in headless Chromium, one
// thread. Run with `cargo xtask bench browser [--json]`; it builds the site and passes the paths.
//
// Each configuration gets a fresh worker, started the way the page starts it (./worker_loader.js)
// and sent the typed `bench` command; peak memory is that worker's WebAssembly memory after the
// run (linear memory only grows, so this is its high-water mark). The table has the columns of
// `unroll bench` (src/bench.rs, `table`).
import fs from 'node:fs';
import { startServer, launch, openPage } from '../tests/e2e/lib/harness.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const profile = args.includes('--profile');
const only = args.filter((a, i) => args[i - 1] === '--only');
const samplesAt = args.indexOf('--samples');
const samples = samplesAt >= 0 ? Number(args[samplesAt + 1]) : undefined;
// With --repeat N each configuration runs N times (a fresh worker each) and the fastest run is
// reported: this machine is a virtual one on a shared host, and a neighbour only makes runs slower.
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Math.max(1, Number(args[repeatAt + 1]) || 1) : 1;
const NAMES = ['agnews-lstm', 'course-bilstm', 'sine-rnn', 'sine-lstm'];
// --news: one training epoch of each news preset (src/bench.rs, NEWS_NAMES), as the page trains it.
const NEWS = ['news-rnn-title', 'news-rnn', 'news-lstm', 'news-lstm-nomask', 'news-gru', 'news-bilstm', 'news-gru-tuned'];
// --threads 2: the sine configurations compute half of each batch on the helper worker (the
// page is served cross-origin isolated, as `cargo xtask serve` serves it).
const threadsAt = args.indexOf('--threads');
const threads = threadsAt >= 0 ? Math.max(1, Number(args[threadsAt + 1]) || 1) : 1;
// --backend gpu: the WebGPU engine (in this worker it never waits: steps are submitted and the
// clock stops when the last one's results came back). Chromium's WebGPU here is SwiftShader, a
// CPU implementation: its figures say that it runs, nothing of a GPU.
const backendAt = args.indexOf('--backend');
const gpu = backendAt >= 0 && args[backendAt + 1] === 'gpu';
const names = only.length ? only : args.includes('--news') ? NEWS : NAMES;
const needsCsv = (name) => name === 'course-bilstm' || name.startsWith('news-');
const csv = names.some(needsCsv) ? fs.readFileSync(process.env.UNROLL_AG_NEWS, 'utf8') : null;

const server = await startServer();
const browser = await launch();
const rows = [];
let userAgent = '';
try {
  const { page } = await openPage(browser, server.url);
  userAgent = await page.evaluate(() => navigator.userAgent);
  // One run of a configuration in a fresh worker, started the way the page starts it.
  const runOnce = (name, n) => page.evaluate(async ({ name, n, csv, profile, threads, gpu }) => {
    const worker = new Worker('./worker_loader.js');
    const next = () => new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); });
    let msg = await next();
    if (msg.type !== 'ready') throw new Error(`worker said ${JSON.stringify(msg)}`);
    const adapter = msg.webgpu?.Ok ?? null;
    if (gpu && !adapter) throw new Error(`no WebGPU in the worker: ${JSON.stringify(msg.webgpu)}`);
    if (threads > 1) {
      // The helper worker announces itself once its wasm runs (cross-origin isolated pages only).
      msg = await Promise.race([next(), new Promise((r) => setTimeout(() => r({ type: 'timeout' }), 10000))]);
      if (msg.type !== 'workers' || Number(msg.count) < 2) throw new Error(`no helper worker (${JSON.stringify(msg)}): is the page cross-origin isolated?`);
    }
    worker.postMessage({ type: 'bench', config: { name, samples: n, lengths: [], csv, profile, threads, backend: gpu ? 'gpu' : 'cpu' } });
    // Other news (the helper worker announcing itself) may come first.
    do { msg = await next(); } while (msg.type !== 'bench' && msg.type !== 'error');
    worker.terminate();
    if (msg.type !== 'bench') throw new Error(`${name}: ${JSON.stringify(msg, (_, v) => (typeof v === 'bigint' ? Number(v) : v))}`);
    // u64 fields arrive as BigInt.
    const row = Object.fromEntries(Object.entries(msg.row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
    return { ...row, adapter };
  }, { name, n, csv: needsCsv(name) ? csv : null, profile, threads, gpu });
  for (const name of names) {
    // On SwiftShader a step takes 0.1–2 s: a few steps show that it runs.
    const n = samples ?? (name.startsWith('sine') ? (gpu ? 20 : 1000) : name.startsWith('news-') ? 0 : gpu ? 160 : 10000);
    let best = null;
    for (let r = 0; r < repeat; r++) {
      if (!json) console.error(`running ${name} (${r + 1}/${repeat}) ...`);
      const row = await runOnce(name, n);
      if (!best || row.seconds < best.seconds) best = row;
    }
    rows.push(best);
  }
} finally {
  await browser.close();
  await server.close();
}

const backend = (gpu
  ? `WebGPU in headless Chromium (${rows[0]?.adapter ?? 'no adapter'}; SwiftShader here is a CPU implementation: these figures say it runs, nothing of a GPU), steps submitted without waiting`
  : 'CPU, WebAssembly SIMD in headless Chromium, '
    + (threads > 1 ? '2 workers (the worker and its helper, half of each batch each)' : '1 thread (the worker)')) + (repeat > 1 ? `, fastest of ${repeat} runs` : '');
if (json) {
  console.log(JSON.stringify({ backend, browser: userAgent, rows }, null, 2));
} else {
  const pad = (s, w) => String(s).padStart(w);
  console.log(`backend: ${backend}`);
  console.log(`${'config'.padEnd(16)} ${pad('steps', 8)} ${pad('samples', 9)} ${pad('samples/s', 12)} ${pad('tokens/s', 12)} ${pad('ms/step', 10)} ${pad('peak MB', 10)} ${pad('disp/subm', 10)}  model`);
  for (const r of rows) {
    const peak = r.peak_bytes == null ? '-' : (r.peak_bytes / (1024 * 1024)).toFixed(1);
    const counts = r.dispatches_per_step == null ? '-' : `${r.dispatches_per_step.toFixed(0)}/${r.submissions_per_step.toFixed(0)}`;
    console.log(`${r.name.padEnd(16)} ${pad(r.steps, 8)} ${pad(r.samples, 9)} ${pad(r.samples_per_sec.toFixed(0), 12)} ${pad(r.tokens_per_sec.toFixed(0), 12)} ` +
      `${pad(r.ms_per_step.toFixed(3), 10)} ${pad(peak, 10)} ${pad(counts, 10)}  ${r.model}`);
  }
}

if (profile && !json) {
  // Seconds per phase of each configuration, as percentages (the layout of `unroll bench --profile`).
  console.log(`\n${'phase (% time)'.padEnd(14)}${rows.map((r) => ` ${r.name.padStart(14)}`).join('')}`);
  const phases = rows[0]?.profile.map((p) => p[0]) ?? [];
  for (const phase of phases) {
    const label = phase.replace(/(^|_)(\w)/g, (_, __, c) => c.toUpperCase());
    console.log(`${label.padEnd(14)}${rows.map((r) => {
      const total = r.profile.reduce((a, p) => a + p[1], 0);
      const v = r.profile.find((p) => p[0] === phase)?.[1] ?? 0;
      return ` ${(100 * v / total).toFixed(1).padStart(13)}%`;
    }).join('')}`);
  }
}
