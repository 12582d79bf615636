// The page's first load against its budgets (issue 18): compressed bytes of what the page needs
// before it is interactive (HTML, JS, CSS, wasm: at most 1.5 MB), the bytes that load later with
// progress (the news lesson's data bundle and pretrained model), and the time from navigation
// until a student can press Train (at most 1.5 s from a local server), in headless Chromium.
// Run with `cargo xtask bench load [--json]` (it builds the site and passes the browser settings).
//
// Bytes: every response the page and its workers fetched, gzip -9 and brotli (quality 11) here,
// as a static host compressing them would send them (the test server sends them uncompressed).
// Time: navigation start to the Train button enabled with the first evaluation shown, the median
// of RUNS fresh browser contexts (no cache), from a server on this machine; this machine is a
// shared 2-core virtual one, so a real laptop is likely faster.
import zlib from 'node:zlib';
import { startServer, launch, openPage } from '../tests/e2e/lib/harness.mjs';
import { Playground } from '../tests/e2e/lib/playground.mjs';

const json = process.argv.includes('--json');
const RUNS = 5;
const BUDGET_BYTES = 1_500_000;
const BUDGET_MS = 1_500;
// The lessons a link can open with, and when each counts as interactive.
const LESSONS = [
  { name: 'sine (default)', query: '', ready: (page) => new Playground(page).ready() },
  { name: 'news', query: '?task=agnews', ready: (page) => page.getByRole('button', { name: 'Train', exact: true }).and(page.locator(':enabled')).waitFor({ timeout: 60_000 }) },
];
// What loads after the page is interactive, shown with progress: it counts apart.
const LATER = [/\/data\/ag_news\//, /\/models\//, /\/pretrained/];

const sizes = (body) => ({
  raw: body.length,
  gzip: zlib.gzipSync(body, { level: 9 }).length,
  brotli: zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

const server = await startServer();
const browser = await launch();
const rows = [];
try {
  for (const lesson of LESSONS) {
    const times = [];
    let files = null;
    for (let run = 0; run < RUNS; run++) {
      const fetched = new Map();
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      context.on('response', async (r) => {
        try {
          const body = await r.body();
          fetched.set(new URL(r.url()).pathname, body);
        } catch { /* a redirect or an aborted request has no body */ }
      });
      const page = await context.newPage();
      await page.goto(server.url + lesson.query, { waitUntil: 'commit' });
      // The page's controls are on screen and answer (the app is mounted)...
      const shown = await page.waitForFunction(() => document.querySelector('#training-controls') && performance.now(), null, { polling: 'raf' });
      // ...and Train can be pressed (the experiment is built: for the news lesson, its data loaded).
      await lesson.ready(page);
      const ms = await page.evaluate(() => performance.now());
      times.push({ controls: await shown.jsonValue(), train: ms });
      // Whatever loads later (the data bundle) is given time to finish, for the byte count.
      await page.waitForTimeout(run === 0 ? 3_000 : 0);
      if (run === 0) files = new Map(fetched);
      await context.close();
    }
    const stats = (k) => {
      const xs = times.map((t) => t[k]).sort((a, b) => a - b);
      return { median: xs[Math.floor(xs.length / 2)], min: xs[0], max: xs[xs.length - 1] };
    };
    const list = [...files].map(([path, body]) => ({ path, later: LATER.some((re) => re.test(path)), ...sizes(body) }));
    const sum = (xs, k) => xs.reduce((s, f) => s + f[k], 0);
    const first = list.filter((f) => !f.later);
    const later = list.filter((f) => f.later);
    rows.push({
      lesson: lesson.name,
      first_load: { raw: sum(first, 'raw'), gzip: sum(first, 'gzip'), brotli: sum(first, 'brotli') },
      later: { raw: sum(later, 'raw'), gzip: sum(later, 'gzip'), brotli: sum(later, 'brotli') },
      controls_ms: stats('controls'),
      interactive_ms: stats('train'),
      files: list,
    });
  }
} finally {
  await browser.close();
  await server.close();
}

const kb = (n) => `${(n / 1000).toFixed(0).padStart(6)} kB`;
if (json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const ua = 'headless Chromium, local server, no cache';
  console.log(`First load and time to interactive (${ua}); budgets: ${BUDGET_BYTES / 1e6} MB compressed, ${BUDGET_MS} ms`);
  for (const r of rows) {
    console.log(`\n${r.lesson}`);
    console.log('  file                                      raw        gzip -9    brotli 11  when');
    for (const f of r.files) console.log(`  ${f.path.slice(0, 40).padEnd(40)} ${kb(f.raw)}  ${kb(f.gzip)}  ${kb(f.brotli)}  ${f.later ? 'later, with progress' : 'first load'}`);
    const within = r.first_load.gzip <= BUDGET_BYTES ? 'within' : 'OVER';
    console.log(`  first load: ${kb(r.first_load.raw)} raw, ${kb(r.first_load.gzip)} gzip, ${kb(r.first_load.brotli)} brotli: ${within} the budget (gzip)`);
    if (r.later.raw) console.log(`  later:      ${kb(r.later.raw)} raw, ${kb(r.later.gzip)} gzip (already compressed files stay as they are)`);
    const c = r.controls_ms;
    console.log(`  controls on screen after ${c.median.toFixed(0)} ms (median of ${RUNS}; ${c.min.toFixed(0)}–${c.max.toFixed(0)})`);
    const t = r.interactive_ms;
    console.log(`  Train can be pressed after ${t.median.toFixed(0)} ms (median of ${RUNS}; ${t.min.toFixed(0)}–${t.max.toFixed(0)}): ${t.median <= BUDGET_MS ? 'within' : 'OVER'} the budget`);
  }
}
