// The WebGPU engine in the page, on Chromium's SwiftShader (a CPU implementation of WebGPU:
// its speed says nothing of a real GPU): forced with `engine=webgpu` it trains the sine lesson
// (teacher-forced and free-running),
// and the news lesson on an uploaded file to the CPU engine's test accuracy;
// `auto` times both engines on the experiment and keeps the faster (here the CPU), saying so;
// the Engine field switches; a device lost mid-run moves the experiment to the CPU from the
// weights last copied back, and a new device serves the next experiment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';
import { Playground } from './lib/playground.mjs';
import { csv, goodRows } from './lib/news-data.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// The sine lesson's usual threshold (sine.test.mjs: training loss below 0.01), on a model
// SwiftShader trains at a few steps a second: the default SimpleRNN(100) over windows of 30 takes
// it about 1.7 s a step (the CPU engine: a millisecond), so this one is smaller.
const SMALL = 'engine=webgpu&units=16&seq-len=10&warmup=2&lr=0.01';
const LOSS_THRESHOLD = 0.01;
const WITHIN_STEPS = 150;

test(`Forced WebGPU trains the sine lesson below ${LOSS_THRESHOLD} within ${WITHIN_STEPS} steps`, async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?${SMALL}`);
  const pg = new Playground(page);
  await pg.ready();
  assert.match(await pg.text('backend'), /^WebGPU · chosen in the settings \(engine webgpu\)/);
  assert.equal(await page.locator('select[data-setting="engine"]').inputValue(), 'webgpu');
  const heldoutBefore = Number(await pg.text('heldout-mse'));
  await pg.train().click();
  await pg.waitForStep(WITHIN_STEPS, 240_000);
  await pg.pause().click();
  await pg.train().waitFor();
  const loss = await pg.loss();
  assert.ok(loss < LOSS_THRESHOLD, `training loss ${loss} after ${await pg.step()} steps`);
  // Evaluations (on the CPU copy of the weights the GPU sends back) follow the training.
  await page.waitForFunction((b) => Number(document.querySelector('[data-testid="heldout-mse"]').textContent) < b / 10, heldoutBefore, { timeout: 60_000 });
  // Step takes exactly one step, its result read back without blocking the worker. After Pause
  // the count moves on until the steps still in flight are back: the step counter says how many
  // (`data-in-flight`).
  const step = page.getByTestId('step');
  const settled = () => page.locator('[data-testid="step"][data-in-flight="0"]').waitFor({ timeout: 60_000 });
  await settled();
  const before = await pg.step();
  await page.waitForTimeout(500);
  assert.equal(await pg.step(), before, 'nothing arrives once nothing is in flight');
  await pg.stepButton().click();
  await step.filter({ hasText: new RegExp(`^${before + 1}$`) }).waitFor({ timeout: 30_000 });
  await settled();
  await page.waitForTimeout(500);
  assert.equal(await pg.step(), before + 1, 'Step took exactly one step');
  await pg.train().waitFor();
  await screenshot(page, '44-webgpu-sine-trained');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('Forced WebGPU trains the sine lesson free-running (its last steps read its own predictions)', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?${SMALL}&training=free&free-steps=3`);
  const pg = new Playground(page);
  await pg.ready();
  assert.match(await pg.text('backend'), /^WebGPU · chosen in the settings/);
  const before = Number(await pg.text('heldout-mse'));
  await pg.train().click();
  await pg.waitForStep(30, 120_000);
  await pg.pause().click();
  await pg.train().waitFor();
  await page.locator('[data-testid="step"][data-in-flight="0"]').waitFor({ timeout: 60_000 });
  assert.match(await pg.text('backend'), /^WebGPU/, 'it stayed on the GPU');
  await page.waitForFunction((b) => Number(document.querySelector('[data-testid="heldout-mse"]').textContent) < b, before, { timeout: 60_000 });
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('Auto times both engines on the experiment and says which it kept and why', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?units=16&seq-len=10`);
  const pg = new Playground(page);
  await pg.ready();
  const backend = page.getByTestId('backend');
  assert.match(await pg.text('backend'), /^CPU · WebAssembly SIMD.* · auto: WebGPU is timed against the CPU when training starts$/);
  // Training is never held up by the timing: the CPU trains, and its own steps are its figure.
  await pg.train().click();
  // On SwiftShader the CPU engine wins by far; the page gives both measured figures.
  await backend.filter({ hasText: /^CPU · WebAssembly SIMD.* · auto: [\d.]+× faster than WebGPU here \([\d.]+ vs [\d.]+ ms a step\)$/ }).waitFor({ timeout: 60_000 });
  await pg.waitForStep(200);
  await pg.pause().click();
  // Remembered for the model: a fresh run of it says so at once.
  await pg.resetButton().click();
  await backend.filter({ hasText: /auto: [\d.]+× faster than WebGPU here \([\d.]+ vs [\d.]+ ms a step, timed earlier\)$/ }).waitFor({ timeout: 10_000 });
  // The Engine field forces WebGPU: a fresh run on it.
  await page.locator('select[data-setting="engine"]').selectOption('webgpu');
  await backend.filter({ hasText: /^WebGPU · chosen in the settings/ }).waitFor({ timeout: 30_000 });
  assert.equal(await pg.step(), 0);
  assert.match(page.url(), /engine=webgpu/);
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('A WebGPU device lost mid-run: training pauses and goes on on the CPU from the last weights copied back', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?${SMALL}`);
  const pg = new Playground(page);
  await pg.ready();
  await pg.train().click();
  await pg.waitForStep(30, 120_000);
  const heldoutTrained = Number(await pg.text('heldout-mse'));
  // The driver reset, from the engine worker (the one that set up the device).
  const workers = page.workers().filter((w) => /worker/.test(w.url()));
  let hooked = 0;
  for (const w of workers) hooked += await w.evaluate(() => (typeof self.unrollLoseGpu === 'function' ? (self.unrollLoseGpu(), 1) : 0));
  assert.ok(hooked >= 1, 'the engine worker has the hook');
  const notice = page.getByTestId('notice');
  await notice.filter({ hasText: /GPU device was lost.*weights last copied back are kept\. Training moved to the CPU engine from them/ }).waitFor({ timeout: 30_000 });
  await pg.train().waitFor();
  assert.match(await pg.text('backend'), /^CPU · WebAssembly SIMD.*the WebGPU device was lost: continued on the CPU/);
  await screenshot(page, '45-webgpu-device-lost');
  // Nothing was lost but the last few updates: it goes on from there, on the CPU.
  const step = await pg.step();
  assert.ok(step >= 30, `step ${step}`);
  assert.ok(Number(await pg.text('heldout-mse')) < 3 * heldoutTrained, 'the weights kept their training');
  await pg.train().click();
  await pg.waitForStep(step + 200);
  await pg.pause().click();
  assert.ok((await pg.loss()) < LOSS_THRESHOLD, `loss ${await pg.loss()} on the CPU afterwards`);
  // Meanwhile the worker found a new device: a fresh run trains on it, without a reload.
  const backend = page.getByTestId('backend');
  await backend.filter({ hasText: /a new one is ready for the next experiment/ }).waitFor({ timeout: 30_000 });
  await pg.resetButton().click();
  await backend.filter({ hasText: /^WebGPU · chosen in the settings/ }).waitFor({ timeout: 30_000 });
  await pg.train().click();
  await pg.waitForStep(5, 60_000);
  await pg.pause().click();
  assert.match(await pg.text('backend'), /^WebGPU/);
  assert.deepEqual(problems(messages), []);
  await context.close();
});

// AG News itself takes about 1,200 steps to its usual 79 % (news.test.mjs), minutes on
// SwiftShader: the news lesson is trained here on a small uploaded file, on both engines.
test('The news lesson: auto times both engines on AG News; forced WebGPU trains an uploaded file to the CPU engine\'s test accuracy', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?task=agnews&preset=rnn-title&epochs=8`);
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  const backend = page.getByTestId('backend');
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await backend.filter({ hasText: /auto: WebGPU is timed against the CPU when training starts$/ }).waitFor({ timeout: 30_000 });
  await train.click();
  await backend.filter({ hasText: /^CPU · WebAssembly SIMD.* · auto: [\d.]+× faster than WebGPU here \([\d.]+ vs [\d.]+ ms a step\)$/ }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await train.waitFor();

  await page.getByTestId('news-file').setInputFiles({ name: 'my-data.csv', mimeType: 'text/csv', buffer: csv(goodRows()) });
  await page.getByTestId('model').filter({ hasText: 'Dense(3)' }).waitFor({ timeout: 30_000 });
  await page.locator('select[data-setting="engine"]').selectOption('webgpu');
  await backend.filter({ hasText: /^WebGPU · chosen in the settings \(engine webgpu\)/ }).waitFor({ timeout: 30_000 });
  const summary = page.getByTestId('test-summary').filter({ hasText: 'on 24 headlines after 8 epochs' });
  await train.click();
  await summary.waitFor({ timeout: 120_000 });
  const onGpu = (await summary.textContent()).trim();
  const accuracy = (s) => Number(/^Accuracy ([\d.]+) %/.exec(s)[1]);
  const loss = (s) => Number(/mean loss ([\d.]+)\.$/.exec(s)[1]);
  assert.ok(accuracy(onGpu) >= 90, onGpu);
  // Every epoch ended (validation dots on the curves) and the progress reached the end.
  assert.equal(await page.locator('[data-testid="news-accuracy-chart"] circle.series-heldout').count(), 8);
  await page.getByTestId('time-left').filter({ hasText: 'done' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.getByRole('progressbar', { name: 'Training run' }).getAttribute('aria-valuenow'), '100');
  await screenshot(page, '46-webgpu-news-trained');
  // The same experiment on the CPU engine: the same test accuracy, nearly the same loss.
  await page.locator('select[data-setting="engine"]').selectOption('cpu');
  await backend.filter({ hasText: /^CPU · / }).waitFor({ timeout: 30_000 });
  await page.getByTestId('test-summary').waitFor({ state: 'detached', timeout: 10_000 });
  await train.click();
  await summary.waitFor({ timeout: 60_000 });
  const onCpu = (await summary.textContent()).trim();
  assert.equal(accuracy(onGpu), accuracy(onCpu), `${onGpu} | ${onCpu}`);
  assert.ok(Math.abs(loss(onGpu) - loss(onCpu)) <= 0.01, `${onGpu} | ${onCpu}`);
  assert.deepEqual(problems(messages), []);
  await context.close();
});
