// Switching lessons and then resizing the window (a projector, a phone turned on its side) logs
// nothing: each chart's resize listener leaves with its lesson (it used to stay, and every resize
// after a switch panicked on the chart's disposed signals), and the listeners do not pile up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const SIZES = [
  { width: 1920, height: 1080 }, // projector
  { width: 800, height: 600 },
  { width: 390, height: 844 }, // phone
  { width: 844, height: 390 }, // the phone turned
  { width: 1280, height: 720 },
];

/** What each lesson shows once it is on screen. */
const SHOWN = {
  'Sine wave': '[data-testid="loss-chart"]',
  'Your sequence': '[data-testid="series-input"]',
  'News headlines': '[data-testid="news-loss-chart"]',
};

/** The window's `resize` listeners, counted by the DevTools protocol. */
async function resizeListeners(page, cdp) {
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' });
  const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
  await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
  return listeners.filter((l) => l.type === 'resize').length;
}

/** Every event listener on the window and in the whole document (DevTools protocol). */
async function allListeners(cdp) {
  let n = 0;
  for (const expression of ['window', 'document']) {
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId, depth: -1, pierce: true });
    await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
    n += listeners.length;
  }
  return n;
}

async function resizeThrough(page) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    // Two frames: the listeners' measurement runs in an animation frame.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
}

test('resizing after every lesson switch logs nothing, and resize listeners do not pile up', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  const cdp = await context.newCDPSession(page);
  await page.getByTestId('backend').filter({ hasNotText: 'starting' }).waitFor();
  await page.locator(SHOWN['Sine wave']).first().waitFor();
  await resizeThrough(page);
  const onSine = await resizeListeners(page, cdp);
  assert.ok(onSine >= 3, `the sine lesson's three charts listen (${onSine})`);
  const order = ['News headlines', 'Sine wave', 'Your sequence', 'News headlines', 'Your sequence', 'Sine wave', 'News headlines', 'Sine wave'];
  for (const lesson of order) {
    await page.getByRole('radio', { name: lesson }).check();
    await page.locator(SHOWN[lesson]).first().waitFor({ timeout: 60_000 });
    await resizeThrough(page);
    assert.deepEqual(problems(messages), [], `after switching to ${lesson} and resizing`);
  }
  await page.getByTestId('data-summary').waitFor({ state: 'detached' });
  assert.equal(await resizeListeners(page, cdp), onSine, 'back on the sine lesson: as many resize listeners as at first');
  await screenshot(page, '15-after-switches-and-resizes');
  await context.close();
});

test('sine → news → sine round trips leave no listeners behind', async () => {
  const { page, messages, context } = await openPage(browser, server.url);
  const cdp = await context.newCDPSession(page);
  await page.getByTestId('backend').filter({ hasNotText: 'starting' }).waitFor();
  const trip = async () => {
    await page.getByRole('radio', { name: 'News headlines' }).check();
    await page.locator(SHOWN['News headlines']).first().waitFor({ timeout: 60_000 });
    await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
    await page.getByRole('radio', { name: 'Sine wave' }).check();
    await page.locator(SHOWN['Sine wave']).first().waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="train"]')?.disabled);
  };
  await trip();
  const after1 = await allListeners(cdp);
  for (let i = 0; i < 5; i++) await trip();
  const after6 = await allListeners(cdp);
  console.log(`listeners on window and document: ${after1} after 1 round trip, ${after6} after 6`);
  assert.equal(after6, after1, 'five more round trips add no listener');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('a phone turned on its side keeps every lesson readable', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?task=agnews`, { viewport: { width: 390, height: 844 } });
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  await page.setViewportSize({ width: 844, height: 390 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on the turned phone (overflow ${overflow}px)`);
  await screenshot(page, '16-news-phone-landscape');
  assert.deepEqual(problems(messages), []);
  await context.close();
});
