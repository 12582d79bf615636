// German and English: the page speaks the browser's language (German for a German browser), a
// link's `lang` field overrides it, a bad one is named in the notice, and the language menu opens
// the same experiment in the other language. German pages are looked at (screenshots 60-62).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Waits until the German page's engine is up and its experiment can be trained. */
async function readyDe(page) {
  await page.getByTestId('backend').filter({ hasNotText: 'startet' }).waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="train"]')?.disabled);
  await page.waitForFunction(() => Number.isFinite(Number(document.querySelector('[data-testid="heldout-mse"]')?.textContent)));
}

/** English words of the page's own controls and headings that a German page must not show. */
const ENGLISH = ['Train', 'Reset', 'Copy link', 'Save log', 'Sine wave', 'Your sequence', 'News headlines', 'Loss', 'Steps/s', 'Held-out MSE', 'Training controls'];

/** The visible text of the page's chrome: the top bar and the toolbar. */
const chromeText = (page) => page.evaluate(() => ['.topbar', '.toolbar'].map((s) => document.querySelector(s)?.innerText ?? '').join('\n'));

test('a German browser gets the German page, and it trains', async () => {
  const { page, messages, context } = await openPage(browser, server.url, { locale: 'de-DE' });
  await readyDe(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'de');
  await page.getByRole('radio', { name: 'Sinuswelle' }).waitFor();
  const train = page.getByRole('button', { name: 'Trainieren', exact: true });
  await train.waitFor();
  const text = await chromeText(page);
  for (const word of ENGLISH) {
    assert.ok(!new RegExp(`(^|\\W)${word.replace('/', '\\/')}(\\W|$)`, 'i').test(text), `"${word}" in the German page: ${text}`);
  }
  assert.match(text, /Verlust/i);
  // The worker speaks German too: the engine line's reason.
  assert.match(await page.getByTestId('backend').textContent(), /gemessen|hier kein WebGPU|gewählt/);
  assert.match(text, /Link kopieren/i);
  // The language menu: German is current, English is a link to this experiment.
  const menu = page.getByTestId('language');
  assert.equal(await menu.getByText('Deutsch').getAttribute('aria-current'), 'true');
  const english = menu.getByRole('link', { name: 'English' });
  assert.match(await english.getAttribute('href'), /[?&]lang=en(&|$)/);
  await train.click();
  await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]')?.textContent) >= 20);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await train.waitFor();
  await screenshot(page, '60-german-sine');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('the link\'s lang field wins over the browser, a bad one is named, and the menu switches with the experiment', async () => {
  // An English link in a German browser.
  let { page, messages, context } = await openPage(browser, `${server.url}?units=24&lang=en`, { locale: 'de-DE' });
  await page.getByRole('button', { name: 'Train', exact: true }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.deepEqual(problems(messages), []);
  await context.close();
  // A language the page does not speak: named in the notice; the browser's language is used.
  ({ page, messages, context } = await openPage(browser, `${server.url}?units=24&lang=tlh`, { locale: 'en-US' }));
  const notice = page.getByTestId('notice');
  await notice.filter({ hasText: 'lang' }).waitFor();
  assert.match(await notice.textContent(), /not a language of the page \(one of: en, de\)/);
  await page.getByRole('button', { name: 'Train', exact: true }).waitFor();
  await context.close();
  // The menu: from English to German, the same experiment (Units 24), and the link says so.
  ({ page, messages, context } = await openPage(browser, `${server.url}?units=24`, { locale: 'en-US' }));
  await page.getByRole('button', { name: 'Train', exact: true }).waitFor();
  await page.getByTestId('language').getByRole('link', { name: 'Deutsch' }).click();
  await page.getByRole('button', { name: 'Trainieren', exact: true }).waitFor();
  await readyDe(page);
  assert.match(page.url(), /[?&]lang=de(&|$)/);
  assert.equal(await page.locator('input[data-setting="units"]').inputValue(), '24');
  assert.equal(await page.locator('html').getAttribute('lang'), 'de');
  await screenshot(page, '61-german-from-menu');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('refusals speak German too: a link\'s bad fields, and a model file that cannot be opened', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?lang=de&units=many&layers=9`, { locale: 'de-DE' });
  const notice = page.getByTestId('notice');
  await notice.filter({ hasText: 'units' }).waitFor();
  const text = await notice.textContent();
  assert.match(text, /units: `many` ist nicht gültig: erwartet wird eine ganze Zahl/);
  assert.match(text, /layers: muss zwischen 1 und 3 liegen, erhalten: 9/);
  await page.getByRole('button', { name: 'Trainieren', exact: true }).waitFor();
  await page.getByTestId('model-file').setInputFiles({ name: 'kaputt.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "unroll-model", "version": 1') });
  await page.getByTestId('model-file-error').filter({ hasText: /^kaputt\.json wurde nicht geöffnet: keine Modelldatei: / }).waitFor({ timeout: 10_000 });
  await screenshot(page, '63-german-refusals');
  assert.deepEqual(problems(messages), []);
  await context.close();
});
