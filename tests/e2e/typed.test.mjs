// A sequence the student types: bad input gets a clear message and changes nothing; a good one trains.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';
import { Playground } from './lib/playground.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function openTyped(url) {
  const opened = await openPage(browser, url);
  const pg = new Playground(opened.page);
  await pg.ready();
  await opened.page.getByRole('radio', { name: 'Your sequence' }).check();
  await opened.page.getByTestId('series-input').waitFor();
  return { ...opened, pg };
}

test('bad input gets its own message and leaves the current experiment untouched', async () => {
  const { page, pg, messages, context } = await openTyped(server.url);
  // The sample sequence is loaded when the lesson is chosen.
  await page.waitForFunction(() => /trains on the first 32 of 40 values/.test(document.querySelector('[data-testid="model"]').textContent));
  await pg.stepButton().click();
  await pg.waitForStep(1);
  const model = await pg.text('model');
  const input = page.getByTestId('series-input');
  const submit = page.getByRole('button', { name: 'Train on this sequence' });
  const cases = [
    ['1, 2, banana, 4', /“banana” \(number 3\) is not a number/],
    ['42', /1 number is too few/],
    ['1, 2, NaN, 4, 5', /not a finite number/],
    [Array.from({ length: 100_000 }, (_, i) => i % 10).join(','), /100000 numbers is too many/],
    ['', /Type some numbers/],
  ];
  for (const [text, expected] of cases) {
    await input.fill(text);
    await submit.click();
    const msg = page.getByTestId('series-message');
    await msg.filter({ hasText: expected }).waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.equal(await pg.step(), 1, `"${text.slice(0, 20)}" did not reset the run`);
    assert.equal(await pg.text('model'), model);
  }
  await input.fill('1, 2, banana, 4');
  await submit.click();
  await screenshot(page, '06-typed-bad-input');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('a typed sequence trains and is continued by the model', async () => {
  const { page, pg, messages, context } = await openTyped(server.url);
  const input = page.getByTestId('series-input');
  await input.fill('0 0.84 0.91 0.14 -0.75 -0.96 -0.28 0.66 0.99 0.41 -0.54 -1 -0.54 0.42 0.99 0.65 -0.29 -0.96 -0.75 0.15 0.91 0.84 0 -0.84 -0.91');
  await input.press('Control+Enter');
  await page.waitForFunction(() => /trains on the first 20 of 25 values/.test(document.querySelector('[data-testid="model"]').textContent));
  assert.match(page.url(), /task=typed/);
  await pg.train().click();
  await pg.waitForStep(300);
  await pg.pause().click();
  await pg.train().waitFor();
  const losses = await page.evaluate(() => document.querySelector('[data-testid="loss"]').textContent);
  assert.ok(Number(losses) < 0.2, `loss ${losses}`);
  assert.ok((await pg.linePath('generation-chart', 'series-gen')).length > 50);
  assert.notEqual(await pg.text('generation-mse'), '–');
  await screenshot(page, '07-typed-trained');
  // The link reproduces the experiment: opening it shows the same sequence.
  const { page: again, context: c2 } = await openPage(browser, page.url());
  await new Playground(again).ready();
  assert.match(await again.getByTestId('model').textContent(), /trains on the first 20 of 25 values/);
  assert.equal(await again.getByTestId('series-input').inputValue(), await input.inputValue());
  await c2.close();
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('a short sequence gets a linear rule and says what it allows; the continuation as numbers', async () => {
  const { page, pg, messages, context } = await openTyped(server.url);
  const input = page.getByTestId('series-input');
  await input.fill('1, 2, 3, 4, 5, 6');
  await input.press('Control+Enter');
  // A steady trend: the page learns it as changes (and says so), so it can go on past 5; a short
  // sequence gets a linear SimpleRNN reading two values, scored on the last (teacher forcing).
  await page.getByTestId('windows-hint').filter({ hasText: 'only 2 different windows of 2 changes (the first 5 values; the last one is held out)' }).waitFor();
  assert.match(await pg.text('windows-hint'), /only seen values from 1 to 5; reading and predicting the changes between values, it can carry a trend past them/);
  assert.equal(await page.locator('select[data-setting="predict"]').inputValue(), 'change');
  assert.equal(await page.locator('select[data-setting="activation"]').inputValue(), 'linear');
  assert.equal(await page.locator('select[data-setting="training"]').inputValue(), 'teacher');
  assert.equal(await page.locator('#setting-warmup').inputValue(), '1');
  assert.match(await page.locator('#warmup-msg').textContent(), /The first step of each window is not scored/);
  await pg.stepButton().click();
  await pg.waitForStep(1);
  const table = page.getByTestId('next-values');
  await table.waitFor();
  assert.equal(await table.locator('tbody tr').count(), 10);
  // The held-out 6 is the first true value; after it the sequence has none.
  assert.equal((await table.locator('tbody tr').first().locator('td').nth(1).textContent()).trim(), '6');
  assert.equal((await table.locator('tbody tr').nth(1).locator('td').nth(1).textContent()).trim(), '–');
  // 2, 4, 8, 16: one window cannot pin the rule's three numbers down, and the page says so.
  await input.fill('2, 4, 8, 16');
  await input.press('Control+Enter');
  await page.getByTestId('windows-hint').filter({ hasText: 'with 3 numbers to find: only one window cannot pin them down, so its continuation is a guess' }).waitFor();
  assert.match(await pg.text('windows-hint'), /only seen values from 2 to 8; a linear model carries the rule it finds past them/);
  await screenshot(page, '43-typed-doubling');
  // The course's seven samples of a sine: four windows of 2 values pin the rule down, and the
  // model continues the wave.
  await input.fill('0 0.84 0.91 0.14 -0.75 -0.96 -0.28');
  await input.press('Control+Enter');
  await page.getByTestId('windows-hint').filter({ hasText: 'only 4 different windows of 2 values (the first 6 values; the last one is held out)' }).waitFor();
  assert.match(await pg.text('windows-hint'), /x_next = a·x_t \+ b·x_\(t−1\) \+ c: samples of a wave, .* pin its 3 numbers down/);
  assert.equal(await page.locator('select[data-setting="predict"]').inputValue(), 'value', 'a wave is learnt as values');
  await pg.train().click();
  await pg.waitForStep(1500);
  await pg.pause().click();
  await pg.train().waitFor();
  await page.waitForTimeout(300);
  const generated = (await table.locator('tbody tr td:nth-child(2)').allTextContents()).map(Number);
  generated.forEach((v, k) => assert.ok(Math.abs(v - Math.sin(6 + k)) < 0.15, `value ${6 + k}: ${generated}`));
  await screenshot(page, '39-typed-sine-sample');
  // A long sequence needs no such note.
  await input.fill(Array.from({ length: 200 }, (_, i) => Math.sin(i / 3).toFixed(3)).join(', '));
  await input.press('Control+Enter');
  await page.waitForFunction(() => /trains on the first 160 of 200 values/.test(document.querySelector('[data-testid="model"]').textContent));
  assert.equal(await page.getByTestId('windows-hint').textContent(), '');
  await screenshot(page, '40-typed-long');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('predicting the changes, 1, 2, 3, 4, 5, 6 goes on 7, 8, 9', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?task=typed&series=1,2,3,4,5,6&predict=change`);
  const pg = new Playground(page);
  await pg.ready();
  assert.match(await pg.text('model'), /reads and predicts the changes between values/);
  assert.match(await pg.text('windows-hint'), /only one window of 3 changes .* it can carry a trend past them/);
  assert.equal(await page.locator('select[data-setting="predict"]').inputValue(), 'change');
  await pg.train().click();
  await pg.waitForStep(1000);
  await pg.pause().click();
  await pg.train().waitFor();
  await page.waitForTimeout(300);
  const generated = await page.getByTestId('next-values').locator('tbody tr td:nth-child(2)').allTextContents();
  const first = generated.slice(0, 4).map(Number);
  [6, 7, 8, 9].forEach((want, k) => assert.ok(Math.abs(first[k] - want) < 0.2, `step ${k + 1}: ${first}`));
  // The chart follows the trend (predicting changes, leaving the seen range is the point).
  const label = await page.locator('[data-testid="generation-chart"] svg').getAttribute('aria-label');
  assert.doesNotMatch(label, /leave the chart/);
  await screenshot(page, '41-typed-changes');
  assert.deepEqual(problems(messages), []);
  await context.close();
});
