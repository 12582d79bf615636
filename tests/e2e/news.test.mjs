// The news lesson: AG News loads with a progress bar, the pretrained model reads a headline as it
// is typed, a short training run ends with test results, and the student's own CSV is taken (or
// refused with its own message, leaving the current data and experiment untouched).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';
import { csv, goodRows } from './lib/news-data.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Opens the news lesson (from the URL) and waits until AG News is loaded and the model built. */
async function openNews(query = '') {
  const opened = await openPage(browser, `${server.url}?task=agnews${query}`);
  const { page } = opened;
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="train"]')?.disabled, null, { timeout: 60_000 });
  return opened;
}

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();

test('AG News loads, and the pretrained model reads a headline word by word as it is typed', async () => {
  const { page, messages, context } = await openNews();
  assert.equal(await text(page, 'data-name'), 'AG News');
  assert.match(await text(page, 'data-summary'), /21,\d{3} training rows · 7,600 test rows · 4 classes: World, Sports, Business, Sci\/Tech/);
  assert.match(await text(page, 'model'), /Embedding\(20000, 64, mask_zero\) → SimpleRNN\(16/);
  const input = page.getByRole('textbox', { name: 'Type a headline' });
  assert.equal(await input.getAttribute('data-testid'), 'headline-input', 'the headline box is named by its heading');
  await page.getByTestId('reader-note').filter({ hasText: 'pretrained AG News model' }).waitFor();
  await input.fill('Stocks fall as oil prices soar and investors fear inflation');
  await page.getByTestId('verdict-class').filter({ hasText: 'Business' }).waitFor();
  await input.fill('Striker scores twice as United beat Chelsea in the cup final');
  await page.getByTestId('verdict-class').filter({ hasText: 'Sports' }).waitFor();
  // One column per token; a made-up word is out of the vocabulary and marked.
  await input.fill('Zorblaxian scientists discover a new planet');
  await page.getByTestId('tokens').filter({ hasText: '6 tokens; 1 not in' }).waitFor();
  assert.equal(await page.locator('[data-testid="word-chart"] .token-label').count(), 6);
  assert.equal(await page.locator('[data-testid="word-chart"] .token-label.oov').count(), 1);
  assert.match(await page.locator('.token-label.oov').textContent(), /^zorblaxi…\?$/);
  // Every column's probabilities add up to the full height.
  const heights = await page.locator('[data-testid="word-chart"] svg g').first().locator('rect').evaluateAll((rs) => rs.reduce((s, r) => s + Number(r.getAttribute('height')), 0));
  assert.ok(Math.abs(heights - 150) < 0.5, `column height ${heights}`);
  await screenshot(page, '10-news-headline');
  // On a phone the page does not scroll sideways (wide parts scroll inside their own boxes).
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForFunction(() => document.documentElement.scrollWidth <= 390, null, { timeout: 5_000 });
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('a short training run shows progress, curves, and test results with misclassified headlines', async () => {
  const { page, messages, context } = await openNews('&preset=rnn-title&epochs=2&vocab=5000');
  assert.match(page.url(), /preset=rnn-title/);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  // Progress is shown while it trains.
  await page.waitForFunction(() => /^2 \/ 2$/.test(document.querySelector('[data-testid="news-epoch"]')?.textContent ?? ''), null, { timeout: 120_000 });
  await page.getByTestId('time-left').filter({ hasText: 'done' }).waitFor({ timeout: 120_000 });
  await page.getByTestId('test-summary').waitFor({ timeout: 60_000 });
  // The very figures `unroll train --task agnews --data ../shared/data/ag_news --preset rnn-title
  // --epochs 2 --vocab 5000 --threads 1` prints natively (test accuracy 0.7930, loss 0.5883): the
  // page trains exactly as the command line does.
  assert.match(await text(page, 'test-summary'), /^Accuracy 79\.3 % on 7,600 headlines after 2 epochs .*; mean loss 0\.588\.$/);
  assert.equal(await text(page, 'test-accuracy'), '79.3 %');
  assert.ok(Number((await text(page, 'samples-per-sec')).replace(/,/g, '')) > 0);
  assert.ok(await page.getByRole('button', { name: 'Train', exact: true }).isDisabled(), 'a finished run cannot be trained further');
  // Confusion matrix: 4 × 4 counts summing to the test set; precision and recall per class.
  const counts = await page.locator('[data-testid="confusion"] td.count').allTextContents();
  assert.equal(counts.length, 16);
  assert.equal(counts.reduce((s, c) => s + Number(c.replace(/,/g, '')), 0), 7600);
  assert.equal(await page.locator('[data-testid="confusion"] td.metric').filter({ hasText: '%' }).count(), 8);
  assert.ok(await page.locator('[data-testid="misses"] tbody tr').count() > 10);
  // Curves: a training line and validation dots on both charts.
  for (const chart of ['news-loss-chart', 'news-accuracy-chart']) {
    assert.ok((await page.locator(`[data-testid="${chart}"] path.series-train`).getAttribute('d')).length > 50, chart);
    assert.equal(await page.locator(`[data-testid="${chart}"] circle.series-heldout`).count(), 2, chart);
  }
  // The finished model now reads the headline box.
  await page.getByTestId('reader-note').filter({ hasText: 'the model you trained' }).waitFor();
  await screenshot(page, '11-news-trained');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('the student uploads a CSV: a good one is trained on, broken ones are refused with their own message', async () => {
  const { page, messages, context } = await openNews('&preset=rnn-title&epochs=1');
  const file = page.getByTestId('news-file');
  const good = goodRows();
  good.splice(5, 0, 'fruit'); // a row without text: skipped and reported with its line number
  await file.setInputFiles({ name: 'my-data.csv', mimeType: 'text/csv', buffer: csv(good) });
  await page.getByTestId('data-name').filter({ hasText: 'my-data.csv' }).waitFor({ timeout: 30_000 });
  assert.match(await text(page, 'data-summary'), /96 training rows · 24 test rows \(held out of the file\) · 3 classes: fruit, car, bird/);
  await page.getByTestId('bad-rows').filter({ hasText: '1 malformed row was skipped' }).click();
  assert.match(await page.getByTestId('bad-rows').textContent(), /line 6/);
  await page.getByTestId('model').filter({ hasText: 'Dense(3)' }).waitFor();
  assert.match(page.url(), /data-url=upload%3Amy-data\.csv/, 'the link says the data was an uploaded file');
  const model = await text(page, 'model');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByTestId('test-summary').filter({ hasText: 'on 24 headlines after 1 epoch' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('[data-testid="confusion"] td.count').count(), 9);
  await screenshot(page, '12-news-upload-good');

  const broken = [
    ['empty.csv', Buffer.alloc(0), /empty\.csv: the file is empty/],
    ['one.csv', csv(['label,text', 'a,one thing', 'a,another thing']), /only one class/],
    ['range.csv', csv(['label,text', '1,some words', '5000,more words']), /label 5000 on line 3 is out of range: at most 100 classes/],
    ['latin1.csv', Buffer.concat([Buffer.from('label,text\na,caf'), Buffer.from([0xe9]), Buffer.from('\nb,ok\n')]), /not UTF-8 text \(invalid bytes on line 2\)/],
    ['huge.csv', null, /huge\.csv: the file is 52428801 bytes; at most 52428800 bytes \(50 MB\)/],
    ['header.csv', csv(['label,score', 'a,1', 'b,2']), /the header names no text column/],
    ['columns.csv', csv(['just one column', 'another line']), /no usable rows: every row is malformed \(line 1: 1 fields instead of 2\)/],
  ];
  // Over the size limit: a sparse file on disk (Playwright passes big files by path).
  const huge = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'unroll-e2e-')), 'huge.csv');
  fs.closeSync(fs.openSync(huge, 'w'));
  fs.truncateSync(huge, 50 * 1024 * 1024 + 1);
  for (const [name, buffer, expected] of broken) {
    await file.setInputFiles(buffer ? { name, mimeType: 'text/csv', buffer } : huge);
    await page.getByTestId('data-error').filter({ hasText: expected }).waitFor({ timeout: 30_000 });
    assert.match(await text(page, 'data-error'), /The current data is unchanged/);
    assert.equal(await text(page, 'data-name'), 'my-data.csv', `${name} left the data as it was`);
    assert.equal(await text(page, 'model'), model, `${name} left the experiment as it was`);
  }
  fs.rmSync(path.dirname(huge), { recursive: true });
  await screenshot(page, '13-news-upload-refused');

  // A URL whose server cannot be read says why, and suggests uploading instead.
  await page.getByTestId('news-url').fill('http://127.0.0.1:9/headlines.csv');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await page.getByTestId('data-error').filter({ hasText: /cross-origin .* upload it instead/ }).waitFor({ timeout: 30_000 });
  // A URL that works (same origin here), and a file dropped on the page.
  await page.getByTestId('news-url').fill(`${server.url}public/data/ag_news/test.csv.gz`);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await page.getByTestId('data-name').filter({ hasText: 'test.csv.gz' }).waitFor({ timeout: 60_000 });
  assert.match(await text(page, 'data-summary'), /6,080 training rows · 1,520 test rows/);
  // The link reproduces the experiment on that URL's data.
  await page.waitForFunction(() => /data-url=http/.test(location.search));
  const shared = await context.newPage();
  await shared.goto(page.url());
  await shared.getByTestId('data-name').filter({ hasText: 'test.csv.gz' }).waitFor({ timeout: 60_000 });
  await shared.getByTestId('model').filter({ hasText: 'SimpleRNN(16' }).waitFor({ timeout: 60_000 });
  await shared.close();
  await page.getByTestId('drop-zone').evaluate((zone, rows) => {
    const dt = new DataTransfer();
    dt.items.add(new File([rows], 'dropped.csv', { type: 'text/csv' }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, goodRows().join('\n'));
  await page.getByTestId('data-name').filter({ hasText: 'dropped.csv' }).waitFor({ timeout: 30_000 });
  // Back to the bundled data.
  await page.getByRole('button', { name: 'Back to AG News' }).click();
  await page.getByTestId('data-name').filter({ hasText: /^AG News$/ }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => !/data-url/.test(location.search));
  // A link to an experiment on an uploaded file says how to reproduce it, and shows AG News meanwhile.
  const uploaded = await context.newPage();
  await uploaded.goto(`${server.url}?task=agnews&data-url=upload%3Atheirs.csv`);
  const wanted = uploaded.getByTestId('upload-wanted').filter({ hasText: /trained on theirs\.csv, a file its author uploaded .* choose or drop it/ });
  await wanted.waitFor({ timeout: 30_000 });
  await uploaded.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  // The request stays on show while AG News is used (it was cleared as AG News arrived).
  assert.ok(await wanted.isVisible(), 'still asking for theirs.csv');
  await uploaded.waitForFunction(() => !/data-url/.test(location.search));
  await uploaded.close();
  assert.deepEqual(problems(messages).filter((m) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(m.text)), []);
  await context.close();
});

test('the lesson switch keeps each lesson\'s settings, and the bundle comes from the cache the second time', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  await page.getByRole('radio', { name: 'News headlines' }).check();
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => /task=agnews/.test(location.search));
  assert.match(page.url(), /preset=rnn&/);
  const units = page.locator('input[data-setting="units"]');
  await units.fill('24');
  await units.press('Enter');
  await page.getByTestId('model').filter({ hasText: 'SimpleRNN(24' }).waitFor();
  await page.getByRole('radio', { name: 'Sine wave' }).check();
  await page.getByTestId('model').filter({ hasText: 'SimpleRNN(100, relu)' }).waitFor();
  await page.getByRole('radio', { name: 'News headlines' }).check();
  await page.getByTestId('model').filter({ hasText: 'SimpleRNN(24' }).waitFor();
  // A new page in the same browser context: the bundle is read from the Cache API.
  const second = await context.newPage();
  await second.goto(`${server.url}?task=agnews`);
  await second.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  assert.equal(await second.locator('.badge').isVisible(), true, 'the cached badge is shown');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('while AG News loads, the settings column already shows the preset being built', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  // Hold the bundle back, so the settings are read while it is still on its way.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/data/ag_news/*.csv.gz', async (route) => { await held; await route.continue(); });
  await page.getByTestId('backend').filter({ hasNotText: 'starting' }).waitFor();
  await page.getByRole('radio', { name: 'News headlines' }).check();
  // The news settings column (the sine lesson's has a Units field too, until the switch renders).
  await page.locator('#setting-preset').waitFor();
  const units = page.locator('input[data-setting="units"]');
  await units.waitFor();
  assert.equal(await page.locator('#setting-preset').inputValue(), 'rnn');
  assert.equal(await units.inputValue(), '16', 'SimpleRNN(16), not the sine lesson\'s 100 units');
  assert.equal(await page.locator('input[data-setting="embed-dim"]').inputValue(), '64');
  release();
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  assert.match(await text(page, 'data-subset'), /21,\d{3} of its 120,000 training headlines/);
  assert.equal(await units.inputValue(), '16');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('when the AG News download fails: Train stays off, the message says what happened, and Try again loads it', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  await page.getByTestId('backend').filter({ hasNotText: 'starting' }).waitFor();
  await page.route('**/data/ag_news/*.csv.gz', (route) => route.abort('connectionreset'));
  await page.getByRole('radio', { name: 'News headlines' }).check();
  const error = page.getByTestId('data-error');
  await error.filter({ hasText: 'No data could be loaded' }).waitFor({ timeout: 30_000 });
  const said = await error.textContent();
  assert.match(said, /could not download .* from its own site/);
  assert.doesNotMatch(said, /cross-origin|current data is unchanged|\.\./, said);
  // Nothing to train: the sine lesson left behind does not take Train either.
  assert.ok(await page.getByTestId('train').isDisabled(), 'Train is off without a model');
  assert.ok(await page.getByRole('button', { name: 'Step', exact: true }).isDisabled());
  await screenshot(page, '19-news-download-failed');
  await page.unroute('**/data/ag_news/*.csv.gz');
  await page.getByTestId('data-retry').click();
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="train"]')?.disabled, null, { timeout: 60_000 });
  assert.equal(await error.textContent(), '');
  const unexpected = problems(messages).filter((m) => !/Failed to load resource|ERR_CONNECTION_RESET/.test(m.text));
  assert.deepEqual(unexpected, []);
  await context.close();
});

test('a data URL that never answers can be cancelled, and is given up after its silence (20 s; 3 s in this test)', async () => {
  const { page, messages, context } = await openNews();
  // The workers' test hook (worker/fetch.rs `stall_ms`) shortens the 20 s, which the page's own
  // files test no differently; the message names the silence it waited.
  let hooked = 0;
  for (const w of page.workers()) hooked += await w.evaluate(() => ((self.unrollStallMs = 3000), 1));
  assert.ok(hooked >= 1, 'the workers took the test hook');
  await page.route('**/never-*.csv', () => {}); // held forever: the server never answers
  const load = async (name) => {
    await page.getByTestId('news-url').fill(`${server.url}${name}`);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await page.getByTestId('data-loading').waitFor();
  };
  await load('never-1.csv');
  await screenshot(page, '21-news-url-waiting');
  await page.getByTestId('data-cancel').click();
  await page.getByTestId('data-error').filter({ hasText: /the download of .*never-1\.csv was cancelled\. The current data is unchanged\./ }).waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('data-loading').count(), 0, 'no progress bar left');
  assert.equal(await text(page, 'data-name'), 'AG News');
  assert.ok(!(await page.getByTestId('train').isDisabled()), 'the experiment at hand can still be trained');
  const t0 = Date.now();
  await load('never-2.csv');
  await page.getByTestId('data-error').filter({ hasText: /never-2\.csv sent nothing for 3 seconds/ }).waitFor({ timeout: 30_000 });
  const waited = (Date.now() - t0) / 1000;
  assert.ok(waited >= 2.9 && waited < 15, `given up after ${waited.toFixed(1)} s`);
  assert.equal(await text(page, 'data-name'), 'AG News');
  const unexpected = problems(messages).filter((m) => !/Failed to load resource|ERR_ABORTED|aborted/i.test(m.text));
  assert.deepEqual(unexpected, []);
  await context.close();
});

test('Cancel stops the data download even after the pretrained model, loaded beside it, has arrived', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  await page.route('**/data/ag_news/*.csv.gz', () => {}); // the bundle never answers
  await page.getByTestId('backend').filter({ hasNotText: 'starting' }).waitFor();
  await page.getByRole('radio', { name: 'News headlines' }).check();
  await page.getByTestId('reader-note').filter({ hasText: 'pretrained AG News model' }).waitFor({ timeout: 30_000 });
  await page.getByTestId('data-cancel').click();
  await page.getByTestId('data-error').filter({ hasText: /the download of .*train\.csv\.gz was cancelled/ }).waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('data-loading').count(), 0);
  const unexpected = problems(messages).filter((m) => !/Failed to load resource|ERR_ABORTED|aborted/i.test(m.text));
  assert.deepEqual(unexpected, []);
  await context.close();
});
