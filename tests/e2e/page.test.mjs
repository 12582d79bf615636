// The page loads cleanly and exposes the stable hooks course authors automate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';
import { Playground } from './lib/playground.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('loads with no console errors or warnings, and shows the engine in use', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  const pg = new Playground(page);
  await pg.ready();
  assert.match(await pg.text('backend'), /CPU · WebAssembly SIMD/);
  assert.equal(await pg.step(), 0);
  // The untrained model is evaluated at once, so both evaluation charts are drawn.
  await page.locator('[data-testid="generation-chart"] path.series-gen').waitFor();
  await screenshot(page, '01-loaded');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('buttons, stats and charts have the documented names and roles', async () => {
  const { page, context } = await openPage(browser, server.url);
  const pg = new Playground(page);
  await pg.ready();
  for (const name of ['Train', 'Step', 'Reset']) {
    assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, name);
  }
  for (const id of ['loss', 'step', 'backend']) assert.equal(await page.getByTestId(id).count(), 1, id);
  // Loss, gradient norm, held-out predictions, generation.
  const charts = page.locator('svg[role="img"]');
  assert.equal(await charts.count(), 4);
  for (let i = 0; i < 4; i++) {
    const label = await charts.nth(i).getAttribute('aria-label');
    assert.ok(label && label.length > 20, `chart ${i} has a describing aria-label: ${label}`);
  }
  assert.match(await pg.text('model'), /SimpleRNN\(100, relu\) → Dense\(1\) per step · 10,301 weights/);
  await context.close();
});

test('is usable from the keyboard: Tab reaches Train, Space starts and pauses', async () => {
  const { page, context } = await openPage(browser, server.url);
  const pg = new Playground(page);
  await pg.ready();
  let focused = '';
  for (let i = 0; i < 10 && focused !== 'Train'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.textContent?.trim().replace(/^\W+/, ''));
  }
  assert.equal(focused, 'Train');
  await page.keyboard.press('Space');
  await pg.pause().waitFor();
  await pg.waitForStep(5);
  await page.keyboard.press('Space');
  await pg.train().waitFor();
  await context.close();
});

test('fits a phone screen', async () => {
  const { page, messages, context } = await openPage(browser, server.url, { viewport: { width: 390, height: 844 } });
  const pg = new Playground(page);
  await pg.ready();
  await page.locator('[data-testid="generation-chart"] path.series-gen').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling (overflow ${overflow}px)`);
  await screenshot(page, '02-phone');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('skip links: Train is one keystroke from the page top and two from the settings', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?task=agnews`);
  await page.waitForFunction(() => !document.querySelector('[data-testid="train"]')?.disabled, null, { timeout: 60_000 });
  const focused = () => page.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), testid: document.activeElement?.dataset?.testid }));
  // The first Tab on the page reaches the skip link, shown while it has the focus.
  await page.keyboard.press('Tab');
  assert.equal((await focused()).text, 'Skip to training controls');
  assert.ok(await page.getByRole('link', { name: 'Skip to training controls' }).isVisible());
  await page.keyboard.press('Enter');
  assert.equal((await focused()).testid, 'train');
  // From the news preset, deep in the settings column: Shift+Tab, Enter.
  await page.locator('#setting-preset').focus();
  await page.keyboard.press('Shift+Tab');
  assert.equal((await focused()).text, 'Back to training controls');
  await screenshot(page, '17-skip-link');
  await page.keyboard.press('Enter');
  assert.equal((await focused()).testid, 'train');
  assert.deepEqual(problems(messages), []);
  await context.close();
});
