// A worker that dies comes back without a reload: the page starts a new one with the experiment's
// settings and the last weights the old one sent, says so, and training goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, problems, screenshot, findWorker } from './lib/harness.mjs';
import { Playground } from './lib/playground.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The engine worker (the helper is named `unroll-helper`). */
const engineWorker = (page) => findWorker(page, (name) => name !== 'unroll-helper', 50);

test('a worker that dies is replaced with the settings and weights it had, and training goes on', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?cell=gru&units=24`);
  const pg = new Playground(page);
  await pg.ready();
  await pg.train().click();
  await pg.waitForStep(200);
  await pg.pause().click();
  await pg.train().waitFor();
  // The evaluation of the weights training stopped at, and their snapshot, follow the pause.
  await page.waitForTimeout(500);
  const mseBefore = await pg.text('heldout-mse');
  const worker = await engineWorker(page);
  assert.ok(worker, 'the engine worker answers the test');
  await worker.evaluate(() => { setTimeout(() => { throw new Error('test: the engine fails'); }, 0); });
  const notice = page.getByTestId('notice');
  await notice.filter({ hasText: /stopped unexpectedly .*test: the engine fails.* weights it had after step \d+/ }).waitFor({ timeout: 20_000 });
  assert.equal(await notice.getAttribute('role'), 'status');
  const restoredStep = Number((await notice.textContent()).match(/after step (\d+)/)[1]);
  await pg.ready();
  assert.match(await pg.text('model'), /^GRU\(24\)/, 'the same settings');
  await page.waitForFunction((m) => document.querySelector('[data-testid="heldout-mse"]')?.textContent === m, mseBefore, { timeout: 20_000 });
  // The step count goes on from the weights' step, as the notice says.
  await page.waitForFunction((s) => Number(document.querySelector('[data-testid="step"]')?.textContent) === s, restoredStep, { timeout: 20_000 });
  await screenshot(page, '20-engine-restarted');
  await pg.train().click();
  await pg.waitForStep(restoredStep + 50);
  await pg.pause().click();
  // From the restored weights the error stays near where it was (Adam starts again with fresh
  // moments: a few times higher is normal); from fresh weights 50 steps leave it at about 0.02 (`unroll train --cell gru --units 24 --steps 50`, seeds 1-3:
  // 0.019 to 0.030).
  const mseAfter = Number(await pg.text('heldout-mse'));
  assert.ok(mseAfter < Math.max(10 * Number(mseBefore), 2e-3), `training went on from the restored weights (${mseBefore} before, ${mseAfter} after)`);
  const unexpected = problems(messages).filter((m) => !/test: the engine fails/.test(m.text));
  assert.deepEqual(unexpected, []);
  await context.close();
});

test('killed mid-run, while it trains, the worker comes back with weights of a few seconds before', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  const pg = new Playground(page);
  await pg.ready();
  const untrained = Number(await pg.text('heldout-mse'));
  await pg.train().click();
  // The worker sends the weights every 5 s while it trains.
  await page.waitForTimeout(6500);
  assert.ok(await pg.pause().isVisible(), 'still training');
  const worker = await engineWorker(page);
  assert.ok(worker, 'the engine worker answers the test');
  await worker.evaluate(() => { setTimeout(() => { throw new Error('test: the engine fails'); }, 0); });
  const notice = page.getByTestId('notice');
  await notice.filter({ hasText: /stopped unexpectedly .* weights it had after step [1-9]\d*/ }).waitFor({ timeout: 20_000 });
  await pg.ready();
  assert.ok(await pg.train().isVisible(), 'paused after the restart: Train to go on');
  const restored = Number(await pg.text('heldout-mse'));
  assert.ok(restored < untrained / 10, `the restored weights are trained ones: held-out MSE ${restored}, untrained ${untrained}`);
  const unexpected = problems(messages).filter((m) => !/test: the engine fails/.test(m.text));
  assert.deepEqual(unexpected, []);
  await context.close();
});

test('the news lesson comes back too: its data from the cache, and the model it had trained', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?task=agnews&preset=rnn-title&epochs=1&vocab=5000`);
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="train"]')?.disabled, null, { timeout: 60_000 });
  await page.getByTestId('train').click();
  await page.getByTestId('time-left').filter({ hasText: 'done' }).waitFor({ timeout: 120_000 });
  await page.getByRole('radio', { name: 'Your model' }).check();
  const input = page.getByRole('textbox', { name: 'Type a headline' });
  const read = async (text) => {
    await input.fill('');
    await input.fill(text);
    await page.getByTestId('tokens').filter({ hasText: `${text.split(' ').length} tokens` }).waitFor();
    await page.waitForTimeout(300);
    return (await page.getByTestId('verdict').textContent()).trim();
  };
  const headline = 'Striker scores twice as United win the cup';
  const before = await read(headline);
  await page.waitForTimeout(500);
  const worker = await engineWorker(page);
  assert.ok(worker, 'the engine worker answers the test');
  await worker.evaluate(() => { setTimeout(() => { throw new Error('test: the engine fails'); }, 0); });
  await page.getByTestId('notice').filter({ hasText: /stopped unexpectedly .* weights it had after step \d+/ }).waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="train"]')?.disabled, null, { timeout: 60_000 });
  assert.equal(await read('a different headline first'), await read('a different headline first'));
  const after = await read(headline);
  assert.equal(await page.getByTestId('reader-note').textContent(), 'Read by your model, as it was when the engine restarted.');
  assert.equal(after, before, 'the restarted worker reads with the model trained before');
  const unexpected = problems(messages).filter((m) => !/test: the engine fails/.test(m.text));
  assert.deepEqual(unexpected, []);
  await context.close();
});
