// Browser benchmark of the unrolled chain ("Inside the cell"): redraw rate and trace cost while
// training. Run with `cargo xtask bench chain [--json]` (it builds the site and passes the browser
// settings).
//
// For each configuration the page trains with the chain view open and followed, and for SECONDS
// seconds a script moves the selection on every animation frame (each move redraws the whole
// canvas: heat maps as one image, labels, arrows; the worker's traces arriving meanwhile redraw
// it too). Reported: redraws per second and the mean and 95th-percentile milliseconds of one
// redraw (the canvas's own timing), the worker's milliseconds per trace (trace + gradients + the
// message), and the training speed the page shows with the chain followed and with the training
// view open instead (what following costs training).
import { startServer, launch, openPage } from '../tests/e2e/lib/harness.mjs';
import { Playground } from '../tests/e2e/lib/playground.mjs';

const SECONDS = Number(process.env.UNROLL_BENCH_SECONDS ?? 4);
const CONFIGS = [
  { name: 'LSTM(64), T=100', query: '?cell=lstm&units=64&seq-len=100' },
  { name: 'GRU(64) × 2 layers, T=100', query: '?cell=gru&units=64&layers=2&seq-len=100' },
  { name: 'SimpleRNN(128), T=200', query: '?units=128&seq-len=200' },
];
const json = process.argv.includes('--json');

async function speed(page, pg) {
  await page.waitForTimeout(1500);
  const samples = [];
  for (let i = 0; i < 6; i++) {
    await page.waitForTimeout(300);
    samples.push(Number(await pg.text('steps-per-sec')));
  }
  return samples.reduce((a, b) => a + b, 0) / samples.length;
}

const server = await startServer();
const browser = await launch();
const rows = [];
try {
  for (const cfg of CONFIGS) {
    const { page, context } = await openPage(browser, server.url + cfg.query, { viewport: { width: 1280, height: 900 } });
    const pg = new Playground(page);
    await pg.ready();
    await pg.train().click();
    const trainingOnly = await speed(page, pg);
    await page.getByRole('tab', { name: 'Inside the cell' }).click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chain-canvas"]')?.dataset.draws) > 0);
    const followed = await speed(page, pg);
    const costs = [];
    const result = await page.evaluate(async (seconds) => {
      const canvas = document.querySelector('[data-testid="chain-canvas"]');
      const draws0 = Number(canvas.dataset.draws);
      const times = [];
      let frames = 0;
      const t0 = performance.now();
      await new Promise((done) => {
        const frame = () => {
          if (performance.now() - t0 > seconds * 1000) return done();
          const key = Math.floor(frames / 40) % 2 ? 'ArrowLeft' : 'ArrowRight';
          canvas.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
          times.push(Number(canvas.dataset.drawMs));
          frames++;
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      const elapsed = (performance.now() - t0) / 1000;
      times.sort((a, b) => a - b);
      return {
        redraws_per_sec: (Number(canvas.dataset.draws) - draws0) / elapsed,
        frames_per_sec: frames / elapsed,
        draw_ms_mean: times.reduce((a, b) => a + b, 0) / times.length,
        draw_ms_p95: times[Math.floor(times.length * 0.95)],
      };
    }, SECONDS);
    for (let i = 0; i < 8; i++) {
      costs.push(Number((await pg.text('chain-cost')).match(/[\d.]+/)[0]));
      await page.waitForTimeout(260);
    }
    await pg.pause().click();
    rows.push({
      config: cfg.name,
      ...result,
      trace_ms: costs.reduce((a, b) => a + b, 0) / costs.length,
      steps_per_sec_training_view: trainingOnly,
      steps_per_sec_chain_followed: followed,
      backend: await pg.text('backend'),
    });
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}

if (json) {
  console.log(JSON.stringify({ bench: 'chain', seconds: SECONDS, rows }, null, 2));
} else {
  console.log(`\nunrolled chain while training, headless Chromium (${rows[0]?.backend}), ${SECONDS} s of a selection moved every frame`);
  console.log('config                          redraws/s  frames/s  draw ms (mean, p95)  trace ms  steps/s: training view  chain followed');
  for (const r of rows) {
    console.log(`${r.config.padEnd(32)}${r.redraws_per_sec.toFixed(0).padStart(9)}${r.frames_per_sec.toFixed(0).padStart(10)}` +
      `${(r.draw_ms_mean.toFixed(1) + ', ' + r.draw_ms_p95.toFixed(1)).padStart(21)}${r.trace_ms.toFixed(1).padStart(10)}` +
      `${r.steps_per_sec_training_view.toFixed(0).padStart(24)}${r.steps_per_sec_chain_followed.toFixed(0).padStart(16)}`);
  }
}
