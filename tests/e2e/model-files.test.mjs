// Models in and out of the page. The news lesson: a trained model is saved as a model file
// (weights, vocabulary, class names), opened again, and reads a headline exactly as the model it
// was saved from; the file `unroll train --save` made for the page opens too; a broken file and
// one claiming a model too big for the page get a message naming what is wrong, and change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';
import { csv, goodRows } from './lib/news-data.mjs';
import { Playground } from './lib/playground.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const HEADLINE = 'banana and cherry';

test('Save the trained model, open it again: the same predictions; bad files change nothing', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?task=agnews&preset=rnn-title&epochs=8&engine=cpu`);
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('news-file').setInputFiles({ name: 'my-data.csv', mimeType: 'text/csv', buffer: csv(goodRows()) });
  await page.getByTestId('model').filter({ hasText: 'Dense(3)' }).waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByTestId('test-summary').waitFor({ timeout: 60_000 });

  // Save: a model file with its vectorizer and the file's class names.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-model').click()]);
  assert.match(download.suggestedFilename(), /^unroll-news-rnn-16\.json$/);
  const saved = fs.readFileSync(await download.path(), 'utf8');
  const file = JSON.parse(saved);
  assert.equal(file.format, 'unroll-model');
  assert.ok(file.vectorizer, 'the vocabulary travels with the model');
  assert.deepEqual([...file.classes].sort(), ['bird', 'car', 'fruit']);
  assert.match(file.about, /^Trained in Unroll for 8\.00 epochs, with the settings v=\d+&task=agnews/);

  // The trained model reads a headline...
  const verdict = page.getByTestId('verdict');
  await page.getByTestId('headline-input').fill(HEADLINE);
  await page.getByRole('radio', { name: 'Your model' }).check();
  await page.getByTestId('reader-note').filter({ hasText: 'the model you trained' }).waitFor();
  await page.waitForTimeout(300);
  const trained = (await verdict.textContent()).trim();
  assert.match(trained, /^The model says: fruit \(\d+\.\d %\)/, trained);

  // ...and the file, opened, reads it the same: same class, same probabilities.
  await page.getByTestId('model-file').setInputFiles({ name: 'my-model.json', mimeType: 'application/json', buffer: Buffer.from(saved) });
  await page.getByTestId('model-file-status').filter({ hasText: 'Opened my-model.json' }).waitFor({ timeout: 30_000 });
  await page.getByTestId('reader-second').filter({ hasText: 'my-model' }).waitFor();
  await page.getByTestId('reader-note').filter({ hasText: 'Read by the model opened from my-model.json' }).waitFor();
  await page.waitForTimeout(300);
  assert.equal((await verdict.textContent()).trim(), trained, 'the same predictions');
  await screenshot(page, '56-model-opened');

  // A truncated file: a message, and the opened model stays.
  await page.getByTestId('model-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(saved.slice(0, 200)) });
  await page.getByTestId('model-file-error').filter({ hasText: 'broken.json was not opened' }).waitFor({ timeout: 10_000 });
  assert.equal((await page.getByTestId('reader-second').textContent()).trim(), 'my-model', 'nothing changed');
  assert.equal((await verdict.textContent()).trim(), trained);

  // A file claiming a model far too big for the page: refused before anything is allocated,
  // with the layer and the shape it claimed.
  const huge = JSON.parse(saved);
  huge.model.input.vocab = 1_000_000;
  huge.model.input.dim = 1024;
  huge.weights['embedding.embeddings'] = { shape: [1_000_000, 1024], base64: '' };
  await page.getByTestId('model-file').setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(huge)) });
  await page.getByTestId('model-file-error').filter({ hasText: 'huge.json was not opened' }).waitFor({ timeout: 10_000 });
  assert.match(await page.getByTestId('model-file-error').textContent(), /embedding.*\[1000000, 1024\]/);
  assert.equal((await page.getByTestId('reader-second').textContent()).trim(), 'my-model', 'nothing changed');

  // The pretrained model the page ships was saved by `unroll train --save`: it opens as a file too.
  const shipped = fs.readFileSync(path.join(process.env.UNROLL_DIST, 'public/models/agnews-bigru.json'));
  await page.getByTestId('model-file').setInputFiles({ name: 'agnews-bigru.json', mimeType: 'application/json', buffer: shipped });
  await page.getByTestId('model-file-status').filter({ hasText: 'Opened agnews-bigru.json' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('headline-input').fill('Stocks fall as oil prices soar and investors fear inflation');
  await page.getByTestId('verdict-class').filter({ hasText: 'Business' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(problems(messages), []);
  await context.close();
});

// A model trained and exported by Keras itself (tools/keras/make_keras_news_fixture.py: Keras
// 3.15, LSTM(16) over a 1,000-word vocabulary), dropped on the page: it opens, reads headlines, and trains further
// from its own weights on the page's AG News data, its architecture in the settings column.
test('A Keras export dropped on the page opens, reads headlines, and trains further from its weights', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?task=agnews&epochs=1`);
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  const name = 'keras_news_lstm.unroll.json';
  const keras = fs.readFileSync(path.join(import.meta.dirname, '../fixtures', name));
  // Dropped on the model buttons (as a file dragged from the desktop).
  await page.getByTestId('model-files').evaluate((zone, [json, name]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([json], name, { type: 'application/json' }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [keras.toString(), name]);
  await page.getByTestId('model-file-status').filter({ hasText: `Opened ${name}` }).waitFor({ timeout: 30_000 });
  await page.getByTestId('headline-input').fill('Yankees beat Red Sox in the playoffs');
  await page.getByTestId('verdict-class').filter({ hasText: 'Sports' }).waitFor({ timeout: 10_000 });

  await page.getByTestId('train-opened').click();
  await page.getByTestId('model-file-status').filter({ hasText: `Training ${name} further` }).waitFor({ timeout: 30_000 });
  // The settings column shows the file's architecture.
  await page.waitForFunction(() => document.querySelector('input[data-setting="units"]')?.value === '16');
  assert.equal(await page.locator('fieldset[data-setting="cell"] input[value="lstm"]').isChecked(), true);
  assert.equal(await page.locator('input[data-setting="vocab"]').inputValue(), '1000');
  assert.equal(await page.locator('input[data-setting="embed-dim"]').inputValue(), '16');
  await page.getByTestId('preset-changed').filter({ hasText: 'some fields differ from this preset' }).waitFor();
  // Its first batch starts where Keras's training ended (a fresh 4-class model starts near ln 4 = 1.39).
  await page.waitForFunction(() => !document.querySelector('[data-testid="train"]')?.disabled, null, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.getByTestId('news-batch').filter({ hasText: /^1 \// }).waitFor({ timeout: 30_000 });
  const first = Number(await page.getByTestId('news-loss').textContent());
  assert.ok(first < 1.0, `first batch loss ${first}`);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByTestId('test-summary').waitFor({ timeout: 120_000 });
  const accuracy = parseFloat(await page.getByTestId('test-accuracy').textContent());
  assert.ok(accuracy >= 70, `test accuracy ${accuracy} % after training further (Keras's own: 72.4 %)`);
  await screenshot(page, '57-keras-trained-further');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

// The sine and typed lessons: the model is saved with the settings that made it; opened in a
// fresh page at other settings, the file is the same experiment (its settings, its weights: the
// same held-out error, generation and continuation); a typed lesson's file takes the page to the
// typed lesson with its sequence; a headline model and a broken file are refused, changing nothing.
test('A series model saved in the sine lesson opens in a fresh page as the same experiment; a typed one brings its sequence', async () => {
  const stats = async (page) => Promise.all(['heldout-mse', 'generation-mse', 'next-values'].map(async (id) => (await page.getByTestId(id).textContent()).trim()));
  const trainAndSave = async (query, steps) => {
    const opened = await openPage(browser, `${server.url}?${query}`);
    const pg = new Playground(opened.page);
    await pg.ready();
    await pg.train().click();
    await pg.waitForStep(steps);
    await pg.pause().click();
    await pg.train().waitFor();
    await opened.page.waitForTimeout(800); // the evaluation of the weights it stopped at
    const [download] = await Promise.all([opened.page.waitForEvent('download'), opened.page.getByTestId('save-model').click()]);
    const saved = fs.readFileSync(await download.path(), 'utf8');
    return { ...opened, saved, name: download.suggestedFilename(), stats: await stats(opened.page) };
  };
  const sine = await trainAndSave('units=8&seq-len=12&seed=5&engine=cpu', 60);
  assert.equal(sine.name, 'unroll-sine-rnn-8.json');
  const file = JSON.parse(sine.saved);
  assert.match(file.settings, /(^|&)units=8(&|$)/);
  assert.match(file.about, /^Trained in Unroll for \d+ steps, with the settings v=\d+&task=sine/);
  await sine.page.getByTestId('model-file-status').filter({ hasText: `Saved ${sine.name}` }).waitFor();
  assert.deepEqual(problems(sine.messages), []);
  await sine.context.close();

  // A fresh page at the defaults (SimpleRNN(100)) opens it: the same experiment, same weights.
  const { page, messages, context } = await openPage(browser, `${server.url}?engine=cpu`);
  const pg = new Playground(page);
  await pg.ready();
  await page.getByTestId('model-file').setInputFiles({ name: sine.name, mimeType: 'application/json', buffer: Buffer.from(sine.saved) });
  await page.getByTestId('model-file-status').filter({ hasText: `Opened ${sine.name}: SimpleRNN(8, relu)` }).waitFor({ timeout: 30_000 });
  await page.getByTestId('model').filter({ hasText: 'SimpleRNN(8, relu)' }).waitFor();
  assert.match(page.url(), /units=8/);
  await page.waitForFunction(([h, g]) => document.querySelector('[data-testid="heldout-mse"]').textContent.trim() === h
    && document.querySelector('[data-testid="generation-mse"]').textContent.trim() === g, sine.stats, { timeout: 15_000 }).catch(async (e) => {
    throw new Error(`${e.message}: ${JSON.stringify(await stats(page))} vs ${JSON.stringify(sine.stats)}; ${page.url()} ${file.settings}`);
  });
  assert.deepEqual(await stats(page), sine.stats, 'the same predictions, generation and continuation');
  await screenshot(page, '62-series-model-opened');

  // Refused, and nothing changes: a headline model, a broken file.
  const keras = fs.readFileSync(new URL('../fixtures/keras_news_lstm.unroll.json', import.meta.url));
  await page.getByTestId('model-file').setInputFiles({ name: 'news.json', mimeType: 'application/json', buffer: keras });
  await page.getByTestId('model-file-error').filter({ hasText: 'news.json was not opened: it reads texts (a headline model): open it in the news lesson' }).waitFor({ timeout: 10_000 });
  await page.getByTestId('model-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(sine.saved.slice(0, 300)) });
  await page.getByTestId('model-file-error').filter({ hasText: 'broken.json was not opened' }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await stats(page), sine.stats, 'nothing changed');

  // Train goes on from the file's weights.
  await pg.train().click();
  await pg.waitForStep(20);
  await pg.pause().click();

  // A typed lesson's file takes the page to the typed lesson, its sequence in the box.
  const SEQUENCE = '2, 4, 6, 5, 3, 2, 4, 6, 5, 3, 2, 4, 6, 5, 3, 2, 4, 6, 5, 3, 2, 4, 6, 5, 3';
  const typed = await trainAndSave(`task=typed&series=${encodeURIComponent(SEQUENCE)}&units=6&engine=cpu`, 20);
  await typed.context.close();
  assert.equal(typed.name, 'unroll-typed-rnn-6.json');
  await page.getByTestId('model-file').setInputFiles({ name: typed.name, mimeType: 'application/json', buffer: Buffer.from(typed.saved) });
  await page.getByTestId('model-file-status').filter({ hasText: `Opened ${typed.name}` }).waitFor({ timeout: 30_000 });
  assert.ok(await page.getByRole('radio', { name: 'Your sequence' }).isChecked(), 'the typed lesson is on show');
  assert.equal(await page.locator('#typed-series').inputValue(), SEQUENCE);
  assert.match(page.url(), /task=typed/);
  await page.waitForFunction(([h]) => document.querySelector('[data-testid="heldout-mse"]').textContent.trim() === h, typed.stats, { timeout: 15_000 });
  assert.deepEqual(problems(messages), []);
  await context.close();
});
