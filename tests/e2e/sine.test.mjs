// The sine lesson end to end: training lowers the loss, the charts follow, the page stays
// responsive while the worker trains, and divergence pauses with advice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { startServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';
import { Playground } from './lib/playground.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// The course's model (SimpleRNN(100, relu), Adam 1e-3, T = 30, batch 32, seed 42) gets below this
// training loss well within this many steps (natively it is at ~2e-3 after 200 steps).
const LOSS_THRESHOLD = 0.01;
const WITHIN_STEPS = 400;

test(`Train lowers the loss below ${LOSS_THRESHOLD} within ${WITHIN_STEPS} steps, and the charts follow`, async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  const pg = new Playground(page);
  await pg.ready();
  const before = await pg.linePath('generation-chart', 'series-gen');
  const heldoutBefore = Number(await pg.text('heldout-mse'));
  await pg.train().click();
  await pg.pause().waitFor();
  await pg.waitForStep(WITHIN_STEPS);
  await pg.pause().click();
  await pg.train().waitFor();
  const loss = await pg.loss();
  const step = await pg.step();
  assert.ok(step >= WITHIN_STEPS, `step ${step}`);
  assert.ok(loss < LOSS_THRESHOLD, `training loss ${loss} after ${step} steps`);
  // Evaluations arrive while training: the held-out error fell and generation was redrawn.
  await page.waitForFunction((b) => Number(document.querySelector('[data-testid="heldout-mse"]').textContent) < b / 10, heldoutBefore);
  assert.notEqual(await pg.linePath('generation-chart', 'series-gen'), before);
  assert.ok((await pg.linePath('loss-chart', 'series-train')).length > 100, 'loss curve drawn');
  const gen = await page.locator('[data-testid="generation-chart"] svg').getAttribute('aria-label');
  assert.match(gen, /feeds its own predictions back for 200 steps/);
  assert.ok(Number(await pg.text('steps-per-sec')) > 0);
  await screenshot(page, '03-sine-trained');
  assert.match(await pg.text('loss-chart-note'), /training loss averages the scored steps of a window/);
  assert.deepEqual(problems(messages), []);
  await context.close();
});

// Responsiveness is judged on what the page controls, so that a busy machine (CI on 2 shared
// cores, load average 10) does not fail it and a blocking page does:
// - main-thread CPU time per task, from Chromium's trace (`tdur`: thread time, which a starved
//   thread does not accumulate while it waits for a core), strict;
// - wall-clock frame gaps and click-to-update time, measured at the same time on an idle copy of
//   the page under the same load: the training page may not be much worse than that reference.
const MAX_TASK_CPU_MS = 100;
const MAX_MAIN_CPU_SHARE = 0.5;

/** requestAnimationFrame gaps (ms) over `ms` milliseconds. */
const frameGaps = (page, ms) => page.evaluate((ms) => new Promise((resolve) => {
  const times = [];
  const t0 = performance.now();
  const tick = (t) => { times.push(t); if (t - t0 < ms) requestAnimationFrame(tick); else resolve(times.slice(1).map((v, i) => v - times[i])); };
  requestAnimationFrame(tick);
}), ms);

/** Main-thread tasks of every renderer in a Chromium trace: [{ wall, cpu }] in ms. */
function rendererTasks(trace) {
  const events = JSON.parse(trace.toString()).traceEvents ?? [];
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events
    .filter((e) => e.ph === 'X' && e.name === 'RunTask' && main.has(`${e.pid}:${e.tid}`) && Number.isFinite(e.tdur))
    .map((e) => ({ wall: e.dur / 1000, cpu: e.tdur / 1000 }));
}

test('the main thread stays responsive while training', async () => {
  const { page, context } = await openPage(browser, server.url);
  const reference = await openPage(browser, server.url);
  const pg = new Playground(page);
  const ref = new Playground(reference.page);
  await pg.ready();
  await ref.ready();
  await pg.train().click();
  await pg.waitForStep(20);
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  const [gaps, refGaps] = await Promise.all([frameGaps(page, 3000), frameGaps(reference.page, 3000)]);
  const tasks = rendererTasks(await browser.stopTracing());
  // A click is answered at once: Pause turns back into Train. The reference: Step on the idle page.
  let t = Date.now();
  await pg.pause().click();
  await pg.train().waitFor();
  const clickMs = Date.now() - t;
  t = Date.now();
  await ref.stepButton().click();
  await ref.waitForStep(1);
  const refClickMs = Date.now() - t;
  const maxGap = Math.max(...gaps);
  const refGap = Math.max(...refGaps);
  const maxCpu = Math.max(0, ...tasks.map((k) => k.cpu));
  const cpuShare = tasks.reduce((a, k) => a + k.cpu, 0) / 3000;
  console.log(`responsiveness: ${gaps.length} frames in 3 s (idle reference ${refGaps.length}), max frame gap ${maxGap.toFixed(0)} ms ` +
    `(reference ${refGap.toFixed(0)}), longest main-thread task ${maxCpu.toFixed(1)} ms CPU ` +
    `(${Math.max(0, ...tasks.map((k) => k.wall)).toFixed(0)} ms wall), main-thread CPU ${(100 * cpuShare).toFixed(0)} % of the time, ` +
    `click-to-update ${clickMs} ms (reference ${refClickMs} ms), load average ${os.loadavg()[0].toFixed(1)}`);
  assert.ok(tasks.length > 50, `the trace holds the renderers' tasks (${tasks.length})`);
  assert.ok(maxCpu < MAX_TASK_CPU_MS, `longest main-thread task ${maxCpu.toFixed(1)} ms of CPU`);
  assert.ok(cpuShare < MAX_MAIN_CPU_SHARE, `the main threads were busy ${(100 * cpuShare).toFixed(0)} % of the time`);
  assert.ok(maxGap < Math.max(250, 2 * refGap + 100), `max frame gap ${maxGap.toFixed(0)} ms, idle reference ${refGap.toFixed(0)} ms`);
  assert.ok(clickMs < Math.max(1000, 3 * refClickMs + 300), `click answered in ${clickMs} ms, reference ${refClickMs} ms`);
  await reference.context.close();
  await context.close();
});

test('Step trains one batch; Reset starts again from the same seed', async () => {
  const { page, context } = await openPage(browser, server.url);
  const pg = new Playground(page);
  await pg.ready();
  await pg.stepButton().click();
  await pg.waitForStep(1);
  const first = await pg.loss();
  await pg.stepButton().click();
  await pg.waitForStep(2);
  assert.equal(await pg.step(), 2);
  await pg.resetButton().click();
  await page.waitForFunction(() => document.querySelector('[data-testid="step"]').textContent === '0');
  await pg.stepButton().click();
  await pg.waitForStep(1);
  assert.equal(await pg.loss(), first, 'same seed, same first batch, same loss');
  await context.close();
});

test('divergence pauses training and suggests a smaller learning rate or clipping', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?optimizer=sgd&lr=5&units=32`);
  const pg = new Playground(page);
  await pg.ready();
  await pg.train().click();
  const notice = page.getByTestId('notice');
  await notice.waitFor({ timeout: 60_000 });
  assert.match(await notice.textContent(), /diverged.*smaller learning rate.*clip/s);
  await pg.train().waitFor();
  assert.equal(await page.getByRole('alert').filter({ hasText: 'diverged' }).count(), 1);
  await screenshot(page, '04-diverged');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('settings come from the URL, and a refused value keeps the experiment', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?cell=lstm&units=24&colour=blue&layers=9`);
  const pg = new Playground(page);
  await pg.ready();
  assert.match(await pg.text('model'), /^LSTM\(24\) → Dense\(1\)/);
  const notice = await pg.text('notice');
  assert.match(notice, /colour: unknown setting/);
  assert.match(notice, /layers: must be between 1 and 3/);
  await pg.stepButton().click();
  await pg.waitForStep(1);
  await pg.setSetting('units', 'many');
  const msg = page.locator('#setting-units-msg');
  await msg.filter({ hasText: 'not valid' }).waitFor();
  assert.equal(await pg.step(), 1, 'the run was not reset');
  assert.match(await pg.text('model'), /LSTM\(24\)/);
  await pg.setSetting('units', '12');
  await page.waitForFunction(() => /LSTM\(12\)/.test(document.querySelector('[data-testid="model"]').textContent));
  assert.match(page.url(), /units=12/);
  assert.match(page.url(), /cell=lstm/);
  await screenshot(page, '05-url-settings');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('a link to a model too big for the engine is refused at once with both figures, and the page stays usable', async () => {
  const t0 = Date.now();
  const { page, messages, context } = await openPage(browser, `${server.url}?cell=lstm&units=512&layers=3&peephole=true&batch=512&seq-len=200`);
  const pg = new Playground(page);
  const notice = page.getByTestId('notice');
  await notice.filter({ hasText: /would need [\d.]+ GB of memory .* per training step; this engine holds at most 1\.1 GB .* A batch of \d+ would fit/ }).waitFor({ timeout: 20_000 });
  await pg.ready();
  console.log(`refused in ${Date.now() - t0} ms: ${await notice.textContent()}`);
  assert.match(await pg.text('model'), /^SimpleRNN\(100, relu\)/, 'the lesson\'s defaults to work with');
  assert.match(await pg.text('model'), /about [\d.]+ MB, [\d.]+ ms per step \(estimated\)/);
  await pg.stepButton().click();
  await pg.waitForStep(1);
  await screenshot(page, '22-too-big-refused');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('a long evaluation does not keep the worker from answering', async () => {
  // LSTM(256) × 2 over windows of 100 generating 2,000 steps: its first evaluation is seconds of
  // arithmetic, done a slice at a time; a setting changed meanwhile is taken up at once.
  const { page, messages, context } = await openPage(browser, `${server.url}?cell=lstm&units=256&layers=2&seq-len=100&gen-steps=2000`);
  const pg = new Playground(page);
  await page.getByTestId('model').filter({ hasText: 'LSTM(256) → LSTM(256)' }).waitFor({ timeout: 30_000 });
  const t0 = Date.now();
  await pg.setSetting('units', '16');
  await page.getByTestId('model').filter({ hasText: /^LSTM\(16\) → LSTM\(16\)/ }).waitFor({ timeout: 30_000 });
  const answered = Date.now() - t0;
  await pg.ready();
  console.log(`a new setting answered in ${answered} ms during the big model's first evaluation`);
  assert.ok(answered < 2000, `answered in ${answered} ms`);
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('generation can start from zeros, chosen in the settings; the link keeps the choice', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  const pg = new Playground(page);
  await pg.ready();
  const fromData = await pg.linePath('generation-chart', 'series-gen');
  await page.locator('select[data-setting="gen-from"]').selectOption('zeros');
  await page.waitForFunction(() => /gen-from=zeros/.test(location.search));
  await page.waitForFunction((before) => {
    const p = document.querySelector('[data-testid="generation-chart"] path.line.series-gen')?.getAttribute('d') ?? '';
    return p.length > 0 && p !== before;
  }, fromData);
  assert.equal(await pg.text('generation-mse'), '–', 'no true continuation from zeros');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('why does it drift: a twin trained with the course recipe beside the page default, error bands and a verdict', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?seed=3`);
  const pg = new Playground(page);
  await pg.ready();
  // Teacher forcing after a warm-up is the default, and the settings say what it is.
  assert.equal(await page.locator('select[data-setting="training"]').inputValue(), 'teacher');
  assert.equal(await page.locator('#setting-warmup').inputValue(), '15');
  assert.match(await page.locator('#warmup-msg').textContent(), /The first 15 steps of each window are not scored/);
  assert.equal(await page.locator('select[data-setting="amsgrad"]').inputValue(), 'true', "Adam's AMSGrad variant");
  const start = page.getByTestId('twin-start');
  assert.equal(await start.isDisabled(), true, 'nothing to compare before training');
  await pg.train().click();
  await pg.waitForStep(1500);
  await pg.pause().click();
  await pg.train().waitFor();
  assert.equal(await start.textContent(), "Compare: train a twin with the course's recipe");
  await start.click();
  await page.getByTestId('twin-progress').waitFor();
  const summary = page.getByTestId('drift-summary');
  await summary.waitFor({ timeout: 120_000 });
  const text = await summary.textContent();
  assert.match(text, /^The course's recipe \(teacher forcing, every step scored\) \(\d+ steps\): one-step MSE .*, generation MSE .*\. Teacher forcing, the first 15 steps not scored, AMSGrad \(\d+ steps\): one-step MSE/);
  // Which of the two holds depends on where Pause fell (the twin trains as many steps as the
  // model had); the numbers behind the claim are tested natively at 2000 steps
  // (a_warm_up_or_free_running_training_makes_the_generation_hold) and measured by
  // `cargo xtask bench generation`.
  const steps = [...text.matchAll(/\((\d+) steps\)/g)].map((m) => Number(m[1]));
  assert.equal(steps.length, 2);
  assert.equal(steps[0], steps[1], 'the twin trained as many steps as the model');
  assert.equal(steps[0], await pg.step());
  assert.match(text, /(it is off by more than 0\.25 from step \d+|it stays within 0\.25 of the truth throughout)\. Teacher forcing, the first 15/);
  assert.match(text, /(learnt a rule exact enough to generate on its own|the course's recipe generated as well or better)/);
  for (const id of ['drift-course', 'drift-other']) {
    assert.ok((await pg.linePath(id, 'series-band')).endsWith('Z'), `${id}: the error band is a closed area`);
    assert.ok((await pg.linePath(id, 'series-gen')).length > 100, `${id}: a generated line`);
  }
  assert.equal(await page.locator('[data-testid="drift-course"] h2').textContent(), "The course's recipe (teacher forcing, every step scored)");
  await page.getByTestId('drift').scrollIntoViewIfNeeded();
  await screenshot(page, '42-drift-twin');
  // A new experiment drops the twin.
  await page.locator('input[data-setting="seed"]').fill('4');
  await page.locator('input[data-setting="seed"]').press('Enter');
  await page.waitForFunction(() => !document.querySelector('[data-testid="drift-summary"]'));
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('a click on a chart generates from that point, keeping the trained model; the field and the link follow', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  const pg = new Playground(page);
  await pg.ready();
  await pg.stepButton().click();
  await pg.waitForStep(1);
  for (let i = 0; i < 4; i++) await pg.stepButton().click();
  await pg.waitForStep(5);
  const before = await pg.linePath('generation-chart', 'series-gen');
  // A click three quarters of the way across the held-out chart.
  const plot = page.locator('[data-testid="heldout-chart"] svg');
  const box = await plot.boundingBox();
  await plot.click({ position: { x: box.width * 0.75, y: box.height / 2 } });
  // (every key is in the link: it says gen-start=0 until the click is taken up)
  await page.waitForFunction(() => /gen-start=[1-9]\d*/.test(location.search));
  const start = Number(await page.evaluate(() => new URLSearchParams(location.search).get('gen-start')));
  assert.ok(start > 200 && start < 250, `starts in the held-out stretch: ${start}`);
  assert.equal(await page.locator('input[data-setting="gen-start"]').inputValue(), String(start));
  await page.waitForFunction((b) => {
    const p = document.querySelector('[data-testid="generation-chart"] path.line.series-gen')?.getAttribute('d') ?? '';
    return p.length > 0 && p !== b;
  }, before);
  // Still the same run: the steps trained are kept.
  assert.equal(await pg.text('step'), '5');
  // Too early a start is refused by name, and the run is kept.
  await pg.setSetting('gen-start', 3);
  await page.getByTestId('notice').filter({ hasText: 'gen-start' }).waitFor();
  assert.equal(await pg.text('step'), '5');
  assert.deepEqual(problems(messages), []);
  await context.close();
});
