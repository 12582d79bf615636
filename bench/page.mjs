// Browser benchmark of the playground itself: opens the built page in headless Chromium, trains
// each configuration through the real UI (worker + charts) for STEPS steps, and prints a table.
// Run with `cargo xtask bench page [--json]` (it builds the site and passes the browser settings).
//
// Reported per configuration: steps per second averaged over the whole run (wall clock from the
// Train click until the step counter reaches STEPS, evaluations and chart updates included), the
// rate the page itself shows, and the held-out next-step MSE and generation MSE at the step where
// training was paused (a few steps past STEPS, as the worker trains in ~30 ms slices).
import { startServer, launch, openPage } from '../tests/e2e/lib/harness.mjs';
import { Playground } from '../tests/e2e/lib/playground.mjs';

const STEPS = Number(process.env.UNROLL_BENCH_STEPS ?? 2000);
const CONFIGS = [
  { name: 'SimpleRNN(100, relu), T=30, batch 32 (default)', query: '' },
  { name: 'LSTM(32), T=30, batch 32', query: '?cell=lstm&units=32' },
  { name: 'GRU(32), T=30, batch 32', query: '?cell=gru&units=32' },
];
const json = process.argv.includes('--json');

const server = await startServer();
const browser = await launch();
const rows = [];
try {
  for (const cfg of CONFIGS) {
    const { page, context } = await openPage(browser, server.url + cfg.query);
    const pg = new Playground(page);
    await pg.ready();
    const t0 = Date.now();
    await pg.train().click();
    await pg.waitForStep(STEPS, 600_000);
    const wall = (Date.now() - t0) / 1000;
    const shownRate = Number(await pg.text('steps-per-sec'));
    await pg.pause().click();
    await pg.train().waitFor();
    const step = await pg.step();
    // The worker evaluates when it pauses; wait for the numbers of the final step.
    await page.waitForTimeout(500);
    rows.push({
      config: cfg.name,
      steps: step,
      seconds: wall,
      steps_per_sec_avg: STEPS / wall,
      steps_per_sec_shown: shownRate,
      ms_per_step: (1000 * wall) / STEPS,
      heldout_mse: Number(await pg.text('heldout-mse')),
      generation_mse: Number(await pg.text('generation-mse')),
      backend: await pg.text('backend'),
    });
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}

if (json) {
  console.log(JSON.stringify({ bench: 'page', steps: STEPS, rows }, null, 2));
} else {
  console.log(`\nplayground page, ${STEPS} training steps each, headless Chromium (${rows[0]?.backend})`);
  console.log('config                                            steps/s (avg)  steps/s (shown)  ms/step   held-out MSE  generation MSE');
  for (const r of rows) {
    console.log(`${r.config.padEnd(50)}${r.steps_per_sec_avg.toFixed(0).padStart(13)}${r.steps_per_sec_shown.toFixed(0).padStart(17)}` +
      `${r.ms_per_step.toFixed(2).padStart(9)}${r.heldout_mse.toExponential(2).padStart(15)}${r.generation_mse.toExponential(2).padStart(16)}`);
  }
}
