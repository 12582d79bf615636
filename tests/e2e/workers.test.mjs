// The helper worker: on a cross-origin isolated page the engine worker computes half of each
// series batch on a second worker. The page says so, and the run is the very same run as on a
// page without the helper (a host that does not send the isolation headers): same losses to the
// last bit, step by step, with dropout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, problems, screenshot, findWorker } from './lib/harness.mjs';
import { Playground } from './lib/playground.mjs';

let isolated, plain, browser;
before(async () => {
  isolated = await startServer();
  plain = await startServer({ isolated: false });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
});

// A model with dropout on both paths, so that the parts' dropout seeds are exercised too.
const SETTINGS = { cell: 'gru', units: 24, layers: 2, dropout: 0.1, 'recurrent-dropout': 0.1, seed: 7 };
const STEPS = 25;

/** Trains STEPS single steps in a fresh engine worker on `url`; its losses and worker count. */
async function losses(url) {
  const { page, context } = await openPage(browser, url);
  const result = await page.evaluate(async ({ settings, steps }) => {
    const worker = new Worker('./worker_loader.js');
    const events = [];
    let wake = null;
    worker.onmessage = (e) => { events.push(e.data); wake?.(); };
    const until = async (pred, ms = 20000) => {
      const t0 = performance.now();
      for (;;) {
        const hit = events.find(pred);
        if (hit) return hit;
        if (performance.now() - t0 > ms) return null;
        await new Promise((r) => { wake = r; setTimeout(r, 50); });
      }
    };
    await until((m) => m.type === 'ready');
    // Wait for the helper where the page may have one.
    const workers = crossOriginIsolated ? await until((m) => m.type === 'workers') : null;
    worker.postMessage({ type: 'configure', settings });
    const series = (kind) => (m) => m.type === 'series' && m.event.kind === kind;
    await until(series('configured'));
    const out = [];
    for (let i = 1; i <= steps; i++) {
      worker.postMessage({ type: 'step' });
      const p = await until((m) => series('progress')(m) && Number(m.event.step) === i);
      if (!p) break;
      out.push(...p.event.losses.map((l) => l.loss));
    }
    worker.terminate();
    return { isolated: crossOriginIsolated, workers: Number(workers?.count ?? 1), losses: out, errors: events.filter((m) => m.type === 'error') };
  }, { settings: SETTINGS, steps: STEPS });
  await context.close();
  return result;
}

test('two workers train exactly the run one worker trains', async () => {
  const two = await losses(isolated.url);
  const one = await losses(plain.url);
  assert.equal(two.isolated, true, 'the test server sends the isolation headers');
  assert.equal(two.workers, 2, 'the engine worker got its helper');
  assert.equal(one.isolated, false);
  assert.equal(one.workers, 1);
  assert.deepEqual(two.errors, []);
  assert.deepEqual(one.errors, []);
  assert.equal(two.losses.length, STEPS);
  assert.ok(two.losses.every(Number.isFinite), `${two.losses}`);
  assert.deepEqual(two.losses, one.losses, 'the same losses, bit for bit');
});

test('the page names the engine and its two workers', async () => {
  for (const [server, label] of [[isolated, /WebAssembly SIMD · 2 workers/], [plain, /^CPU · WebAssembly SIMD(?! · 2 workers)/]]) {
    const { page, messages, context } = await openPage(browser, server.url);
    const pg = new Playground(page);
    await pg.ready();
    await page.getByTestId('backend').filter({ hasText: label }).waitFor({ timeout: 20000 });
    if (server === isolated) {
      await pg.train().click();
      await pg.waitForStep(300);
      await pg.pause().click();
      await pg.train().waitFor();
      assert.ok((await pg.loss()) < 0.05, `two workers learn the sine: loss ${await pg.loss()}`);
      await screenshot(page, '14-two-workers');
    }
    assert.deepEqual(problems(messages), []);
    await context.close();
  }
});

test('when the helper worker fails, training goes on in one worker and the page says so, once', async () => {
  const { page, messages, context } = await openPage(browser, isolated.url);
  const pg = new Playground(page);
  await pg.ready();
  await page.getByTestId('backend').filter({ hasText: '2 workers' }).waitFor({ timeout: 20000 });
  await pg.train().click();
  await pg.waitForStep(20);
  await pg.pause().click();
  await pg.train().waitFor();
  // The helper is the worker named `unroll-helper` (src/worker/helper.rs); paused, it goes back to
  // its event loop after a moment. Its next message from the engine (the next request) throws.
  const helper = await findWorker(page, (name) => name === 'unroll-helper');
  assert.ok(helper, `the helper worker answers the test (${page.workers().length} workers seen)`);
  await helper.evaluate(() => { self.onmessage = () => { throw new Error('test: the helper fails'); }; });
  await pg.train().click();
  await page.getByTestId('backend').filter({ hasText: /^CPU · WebAssembly SIMD(?! · 2 workers)/ }).waitFor({ timeout: 20000 });
  const notice = page.getByTestId('notice');
  await notice.filter({ hasText: 'second worker stopped answering' }).waitFor();
  assert.equal(await notice.getAttribute('role'), 'status', 'calm: a status, not an alert');
  // Training goes on, in one worker.
  const step = await pg.step();
  await pg.waitForStep(step + 50);
  assert.ok(await pg.pause().isVisible(), 'still training');
  assert.equal(await page.getByTestId('notice').count(), 1, 'said once');
  await screenshot(page, '18-helper-lost');
  await pg.pause().click();
  // What the console saw: the test's own exception and the engine's warning, nothing else.
  const unexpected = problems(messages).filter((m) => !/test: the helper fails|helper worker failed or stopped answering/.test(m.text));
  assert.deepEqual(unexpected, []);
  await context.close();
});
