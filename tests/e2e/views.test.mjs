// The lesson's views beside training: the unrolled chain (sine and news, with the keyboard, the
// pointer, the folded picture and the table), the model's summary and Keras code, the course's
// hand-computed network and input format.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';
import { Playground } from './lib/playground.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const draws = (page) => page.getByTestId('chain-canvas').evaluate((c) => Number(c.dataset.draws));

test('the unrolled chain of the sine model: every step, its equations, followed while training', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  const pg = new Playground(page);
  await pg.ready();
  await page.getByRole('tab', { name: 'Inside the cell' }).click();
  await page.getByTestId('chain-caption').filter({ hasText: '30 values from x =' }).waitFor();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chain-canvas"]')?.dataset.draws) > 0);
  assert.match(await pg.text('chain-caption'), /untrained weights/);
  // The keyboard walks along the chain; the equations follow.
  const canvas = page.getByTestId('chain-canvas');
  await canvas.focus();
  await canvas.press('Home');
  await page.getByTestId('chain-detail-title').filter({ hasText: 'step 1 of 30' }).waitFor();
  await canvas.press('ArrowRight');
  await canvas.press('ArrowRight');
  await page.getByTestId('chain-detail-title').filter({ hasText: 'Layer 1 · SimpleRNN(100) · step 3 of 30 · unit 1 of 100' }).waitFor();
  await canvas.press('PageDown');
  await page.getByTestId('chain-detail-title').filter({ hasText: 'unit 2 of 100' }).waitFor();
  const eq = await pg.text('chain-equations');
  assert.match(eq, /z= x_t·W \+ b \+ h_\{t-1\}·U= -?\d\.\d{3} \+ \(?-?\d\.\d{3}\)? = -?\d\.\d{3}/);
  assert.match(eq, /h_t= relu\(z\)= relu\(-?\d\.\d{3}\) = \d\.\d{3}/);
  assert.match(await pg.text('chain-announce'), /step 3 of 30/);
  // The pointer selects the cell and unit under it: the cells start right of the 150-pixel
  // labels, the layer's 100 units one pixel each from 48 pixels down.
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + 156, Math.floor(box.y) + 120.5);
  await page.getByTestId('chain-detail-title').filter({ hasText: 'step 1 of 30 · unit 73 of 100' }).waitFor();
  await screenshot(page, '30-chain-sine');
  // Followed while training: the chain is traced again with the new weights.
  const before = await draws(page);
  await pg.train().click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chain-canvas"]').dataset.draws) >= n, before + 3, { timeout: 30_000 });
  await page.getByTestId('chain-caption').filter({ hasText: /weights after \d+ training steps/ }).waitFor();
  await pg.pause().click();
  assert.match(await pg.text('chain-cost'), /traced in \d+\.\d ms/);
  // Another window; the table; the folded picture.
  await page.getByRole('button', { name: 'First held-out window' }).click();
  await page.getByTestId('chain-caption').filter({ hasText: 'held-out stretch' }).waitFor();
  await page.getByTestId('chain-table-toggle').click();
  assert.equal(await page.getByTestId('chain-table').locator('tbody tr').count(), 30);
  await page.getByTestId('chain-fold').click();
  await page.getByTestId('chain-folded').waitFor();
  await page.getByTestId('folded-next').click();
  await page.getByTestId('folded-next').click();
  await page.waitForFunction(() => /at step 3 of 30/.test(document.querySelector('[data-testid="chain-folded"]')?.getAttribute('aria-label')));
  assert.match(await page.getByTestId('chain-folded').getAttribute('aria-label'), /folded into one looping cell per layer/);
  await screenshot(page, '31-chain-folded');
  // Back to training: the worker stops tracing.
  await page.getByRole('tab', { name: 'Training' }).click();
  await page.getByTestId('loss-chart').waitFor();
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('an LSTM chain shows its four gates and the cell state; a long chain scrolls', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?cell=lstm&units=16&seq-len=12`);
  const pg = new Playground(page);
  await pg.ready();
  await page.getByRole('tab', { name: 'Inside the cell' }).click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chain-canvas"]')?.dataset.draws) > 0);
  const canvas = page.getByTestId('chain-canvas');
  await canvas.focus();
  await canvas.press('End');
  await page.getByTestId('chain-detail-title').filter({ hasText: 'LSTM(16) · step 12 of 12' }).waitFor();
  const names = await page.getByTestId('chain-equations').locator('th').allTextContents();
  assert.deepEqual(names, ['i', 'f', 'c', 'o', 'C_t', 'h_t']);
  await canvas.press('+');
  await canvas.press('+');
  await screenshot(page, '32-chain-lstm');
  // Zoomed in, step 1 is out of view; Home scrolls back to it.
  await canvas.press('Home');
  await page.getByTestId('chain-detail-title').filter({ hasText: 'step 1 of 12' }).waitFor();
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('the news chain: a test example, a typed headline with an unknown word, the pretrained bidirectional model', async () => {
  // Texts padded to 16 tokens: the padding is masked (the preset's mask), so the chain skips it.
  const { page, messages, context } = await openPage(browser, `${server.url}?task=agnews&max-len=16`);
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="train"]')?.disabled, null, { timeout: 60_000 });
  await page.getByRole('tab', { name: 'Inside the cell' }).click();
  await page.getByTestId('chain-caption').filter({ hasText: 'test example 1 of 7600' }).waitFor({ timeout: 30_000 });
  await page.getByTestId('chain-headline').fill('Zorblat wins gold medal in Olympic final');
  await page.getByTestId('chain-headline-show').click();
  await page.getByTestId('chain-caption').filter({ hasText: 'the headline you typed' }).waitFor();
  // Seven words, then nine padding steps the masked layer skips.
  const student = page.getByTestId('chain-canvas');
  await student.focus();
  await student.press('End');
  await page.getByTestId('chain-detail').filter({ hasText: 'padding: the layer skips this step' }).waitFor();
  assert.match(await pg(page).text('chain-detail-title'), /step 16 of 16/);
  assert.match(await pg(page).text('chain-equations'), /h_t= h_\{t-1\} \(carried over\)/);
  await screenshot(page, '33-chain-news-padded');
  await page.getByTestId('chain-reader').selectOption('pretrained');
  await page.getByTestId('chain-caption').filter({ hasText: 'read by the pretrained model' }).waitFor({ timeout: 30_000 });
  const canvas = page.getByTestId('chain-canvas');
  await canvas.focus();
  await canvas.press('Home');
  await page.getByTestId('chain-detail').filter({ hasText: 'zorblat' }).waitFor();
  assert.match(await pg(page).text('chain-detail'), /not in the vocabulary/);
  // Four rows: two bidirectional layers, each forward and backward.
  await canvas.press('ArrowDown');
  await page.getByTestId('chain-detail-title').filter({ hasText: 'backward' }).waitFor();
  await screenshot(page, '33-chain-news-pretrained');
  // The folded picture of a bidirectional layer: both directions, each looping.
  await page.getByTestId('chain-fold').click();
  assert.equal(await page.getByTestId('chain-folded').locator('rect.folded-cell').count(), 2);
  assert.deepEqual(problems(messages), []);
  await context.close();
});

const pg = (page) => new Playground(page);

test('the model tab shows the summary and the Keras code; the basics tab the 3-neuron network and the input format', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  await pg(page).ready();
  await page.getByRole('tab', { name: 'Model & Keras code' }).click();
  await page.getByTestId('model-total').filter({ hasText: '10,301' }).waitFor();
  const code = await pg(page).text('keras-code');
  assert.match(code, /layers\.SimpleRNN\(100, activation="relu", return_sequences=True\)/);
  await screenshot(page, '34-model');
  // The tabs work from the keyboard.
  await page.getByRole('tab', { name: 'Model & Keras code' }).press('ArrowRight');
  await page.getByTestId('three-neurons').waitFor();
  await page.getByTestId('input-format-grid').waitFor();
  assert.equal(await page.getByTestId('input-format-grid').locator('tbody tr').count(), 2);
  await screenshot(page, '35-basics');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('gradients through time: this model\'s, and SimpleRNN vs LSTM vs GRU, vanishing, exploding, clipped', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?cell=lstm&units=16`);
  await pg(page).ready();
  // The gradient norm of every step is drawn beside the loss.
  for (let k = 1; k <= 3; k++) {
    await pg(page).stepButton().click();
    await pg(page).waitForStep(k);
  }
  await page.getByTestId('grad-norm-chart').locator('path.line.grad-norm').waitFor();
  await page.getByRole('tab', { name: 'Gradients through time' }).click();
  await page.getByTestId('model-gradients-chart').locator('path.line.grad-0').waitFor();
  await page.getByTestId('model-gradients-chart').locator('path.line.grad-c').waitFor();
  assert.match(await pg(page).text('model-gradients-caption'), /the true next values/);
  // The comparison: at Keras's initialisation the SimpleRNN's gradient has all but vanished 100 steps back.
  const table = page.getByTestId('vanishing-table');
  await table.waitFor();
  const ratio = async (cell) => Number((await table.locator('tr', { hasText: cell }).locator('td').first().textContent()).trim());
  assert.ok((await ratio('SimpleRNN')) < 1e-2, `SimpleRNN ratio ${await ratio('SimpleRNN')}`);
  await screenshot(page, '36-gradients-vanishing');
  await page.getByTestId('preset-exploding').click();
  await page.getByTestId('vanishing-chart').filter({ hasNotText: 'Computing' }).waitFor();
  await page.waitForFunction(() => /T = 100/.test(document.querySelector('[data-testid="vanishing-table"] caption')?.textContent));
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="vanishing-scale"]')?.value) === 2);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="vanishing-table"] tr')].some((r) => /SimpleRNN/.test(r.textContent) && Number(r.querySelector('td')?.textContent) > 1e3));
  await page.getByTestId('preset-clipped').click();
  await page.getByTestId('vanishing-chart').locator('path.line.clipped').first().waitFor();
  assert.match(await table.locator('tr', { hasText: 'SimpleRNN' }).textContent(), /→ 1(\.0+)?$/);
  await screenshot(page, '37-gradients-clipped');
  // A bad setting is refused beside the fields, the picture kept.
  await page.getByTestId('vanishing-time').fill('5000');
  await page.getByTestId('vanishing-time').press('Enter');
  await page.getByTestId('vanishing-time').blur();
  await page.getByTestId('vanishing-message').filter({ hasText: /time.*2\.\.=1000/ }).waitFor();
  await table.waitFor();
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('the word map of the pretrained news model: PCA at once, t-SNE with progress, a word and its neighbours', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?task=agnews`);
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="train"]')?.disabled, null, { timeout: 60_000 });
  await page.getByRole('tab', { name: 'Word embeddings' }).click();
  await page.getByTestId('word-map').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('word-map').locator('circle').count(), 1000);
  assert.match(await pg(page).text('map-method'), /^PCA/);
  await page.getByTestId('map-search').fill('Iraq');
  await page.getByTestId('map-search').press('Enter');
  await page.getByTestId('word-info').filter({ hasText: 'leans to World' }).waitFor();
  assert.equal(await page.getByTestId('neighbours').locator('li').count(), 10);
  await page.getByTestId('map-search').fill('zorblat');
  await page.getByTestId('map-search').press('Enter');
  await page.getByTestId('word-message').filter({ hasText: 'not in the model\'s vocabulary' }).waitFor();
  await page.getByTestId('map-search').fill('oil');
  await page.getByTestId('map-search').press('Enter');
  await page.getByTestId('word-info').filter({ hasText: 'leans to Business' }).waitFor();
  await page.getByTestId('map-tsne').click();
  await page.getByTestId('tsne-progress').waitFor();
  await page.getByTestId('map-method').filter({ hasText: 't-SNE after 1000 of 1000' }).waitFor({ timeout: 120_000 });
  await screenshot(page, '38-word-map-tsne');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('the typed lesson has its chain too', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?task=typed&series=1,3,2,5,4,1,3,2,5,4,1,3,2,5,4,1,3,2,5,4&seq-len=8&cell=gru&units=8`);
  await pg(page).ready();
  await page.getByRole('tab', { name: 'Inside the cell' }).click();
  await page.getByTestId('chain-caption').filter({ hasText: /8 values from value \d+/ }).waitFor();
  const canvas = page.getByTestId('chain-canvas');
  await canvas.focus();
  await canvas.press('ArrowRight');
  const names = await page.getByTestId('chain-equations').locator('th').allTextContents();
  assert.deepEqual(names, ['z', 'r', 'h̃', 'h_t']);
  await page.getByTestId('chain-table-toggle').click();
  assert.equal(await page.getByTestId('chain-table').locator('tbody tr').count(), 8);
  await screenshot(page, '39-chain-typed-gru');
  assert.deepEqual(problems(messages), []);
  await context.close();
});
