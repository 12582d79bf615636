// The playground embedded in course material: a course page on another origin embeds it in an
// 800×500 iframe (`embed=true`), which shows Train, the loss and the generation chart without
// scrolling; the course page drives it through the postMessage API (start, pause, set, a bad
// message) and hears its events (ready, step, paused, error). A page on an origin the embed link
// does not allow is ignored, and the playground counts what it ignored. On a 360-pixel phone the
// embed shows the same panels in one column.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startPageServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';

let site, browser;
before(async () => { site = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await site?.close(); });

/** A course page that embeds `src` and keeps the playground's events in `window.events`. */
const coursePage = (src, width = 800, height = 500) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lesson 4: RNNs</title>
<style>body { margin: 0; } iframe { border: 0; display: block; }</style></head>
<body>
<iframe id="unroll" title="Unroll playground" src="${src}" width="${width}" height="${height}"></iframe>
<script>
  window.events = [];
  addEventListener('message', (e) => { if (e.data && e.data.unroll) events.push({ origin: e.origin, ...e.data }); });
  window.send = (msg) => document.getElementById('unroll').contentWindow.postMessage(msg, ${JSON.stringify(new URL(src).origin)});
</script>
</body></html>`;

const embedLink = (allowed) => `${site.url}?units=24&engine=cpu&embed=true&origins=${encodeURIComponent(allowed)}`;

async function waitForEvent(page, pred, timeout = 30_000) {
  const handle = await page.waitForFunction(`(window.events || []).find(${pred})`, null, { timeout });
  return handle.jsonValue();
}

test('A course page on another origin embeds the playground and drives it through postMessage', async () => {
  // The embed link allows the course page's own origin.
  const host = await startPageServer((origin) => coursePage(embedLink(origin)));
  try {
    const { page, messages, context } = await openPage(browser, host.url, { viewport: { width: 900, height: 600 } });
    const frame = page.frameLocator('#unroll');
    const ready = await waitForEvent(page, "(e) => e.type === 'ready'");
    assert.equal(ready.unroll, 1);
    assert.equal(ready.task, 'sine');
    assert.match(ready.settings, /units=24/);
    assert.equal(ready.origin, site.url.replace(/\/$/, ''), 'the events come from the playground');
    // The compact layout: Train, the loss and the generation chart inside 800×500, nothing else.
    const fits = await frame.locator('[data-testid="generation-chart"]').evaluate((el) => el.getBoundingClientRect().bottom <= window.innerHeight);
    assert.ok(fits, 'the generation chart is visible without scrolling');
    assert.ok(await frame.getByRole('button', { name: 'Train', exact: true }).isVisible());
    assert.equal(await frame.locator('[data-testid="loss-chart"]').count(), 1);
    assert.equal(await frame.locator('.settings').count(), 0, 'no settings column');
    assert.equal(await frame.getByRole('tablist').count(), 0, 'no view tabs');
    assert.equal(await frame.getByRole('radio', { name: 'News headlines' }).count(), 0, 'no lesson switch');
    assert.match(await frame.getByTestId('open-full').getAttribute('href'), /units=24/);
    assert.doesNotMatch(await frame.getByTestId('open-full').getAttribute('href'), /embed/, 'the full page, not the embed');

    // start → step events → pause → paused.
    await page.evaluate(() => window.send({ unroll: 1, type: 'start' }));
    const step = await waitForEvent(page, "(e) => e.type === 'step' && e.step >= 30");
    assert.ok(Number.isFinite(step.loss), JSON.stringify(step));
    await page.evaluate(() => window.send({ unroll: 1, type: 'pause' }));
    const paused = await waitForEvent(page, "(e) => e.type === 'paused'");
    await frame.getByRole('button', { name: 'Train', exact: true }).waitFor();
    assert.ok(paused.step >= 30);
    assert.equal(Number(await frame.getByTestId('step').textContent()), paused.step, 'the page and the event agree');
    await screenshot(page, '49-embed-course-page');

    // set: a fresh run with the fields changed; a bad field is reported, the good one applies.
    const readies = await page.evaluate(() => window.events.filter((e) => e.type === 'ready').length);
    await page.evaluate(() => window.send({ unroll: 1, type: 'set', settings: { cell: 'lstm', units: 'many' } }));
    const error = await waitForEvent(page, "(e) => e.type === 'error'");
    assert.match(error.message, /units: `many` is not valid/);
    await page.waitForFunction((n) => window.events.filter((e) => e.type === 'ready').length > n, readies);
    const fresh = (await page.evaluate(() => window.events.filter((e) => e.type === 'ready'))).at(-1);
    assert.match(fresh.settings, /cell=lstm/);
    assert.match(fresh.settings, /units=24/, 'the bad field kept its value');
    // A message of an unknown type gets an error event; one of another API is ignored quietly.
    const errors = await page.evaluate(() => window.events.filter((e) => e.type === 'error').length);
    await page.evaluate(() => { window.send({ hello: 'world' }); window.send({ unroll: 1, type: 'explode' }); });
    await page.waitForFunction((n) => window.events.filter((e) => e.type === 'error').length > n, errors);
    assert.match((await page.evaluate(() => window.events.at(-1))).message, /unknown message type `explode`/);
    assert.equal(await frame.locator('.app').getAttribute('data-ignored-messages'), '0', 'the allowed origin was never ignored');
    assert.deepEqual(problems(messages), []);
    await context.close();
  } finally {
    await host.close();
  }
});

test('A page on an origin the embed link does not allow is ignored, and the playground counts it', async () => {
  const other = await startPageServer(coursePage(embedLink('https://course.example.org')));
  try {
    const { page, messages, context } = await openPage(browser, other.url, { viewport: { width: 900, height: 600 } });
    const frame = page.frameLocator('#unroll');
    await frame.getByRole('button', { name: 'Train', exact: true }).and(frame.locator(':enabled')).waitFor({ timeout: 30_000 });
    await page.evaluate(() => { window.send({ unroll: 1, type: 'start' }); window.send({ unroll: 1, type: 'set', settings: { units: 3 } }); });
    await frame.locator('.app[data-ignored-messages="2"]').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1_000);
    assert.equal(Number(await frame.getByTestId('step').textContent()), 0, 'it did not start');
    assert.ok(await frame.getByRole('button', { name: 'Train', exact: true }).isVisible());
    // The events go only to the allowed origin: this page heard nothing.
    assert.deepEqual(await page.evaluate(() => window.events), []);
    assert.deepEqual(problems(messages), []);
    await context.close();
  } finally {
    await other.close();
  }
});

test('autostart, chosen panels, and a 360-pixel phone', async () => {
  const { page, messages, context } = await openPage(browser, `${site.url}?units=16&engine=cpu&embed=true&autostart=true&show=controls,generation`, {
    viewport: { width: 360, height: 640 },
  });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="step"]')?.textContent) >= 20, null, { timeout: 30_000 });
  assert.equal(await page.locator('[data-testid="loss-chart"]').count(), 0, 'only the panels named');
  assert.equal(await page.locator('[data-testid="generation-chart"]').count(), 1);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling');
  const bottom = await page.locator('[data-testid="generation-chart"]').evaluate((el) => el.getBoundingClientRect().bottom);
  assert.ok(bottom <= 640, `the generation chart ends at ${bottom} px, inside the phone's screen`);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await screenshot(page, '50-embed-phone');
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('The course authors\' page (public/embed.html) explains the API and its live example drives an embedded playground', async () => {
  const { page, messages, context } = await openPage(browser, `${site.url}public/embed.html`, { viewport: { width: 1000, height: 900 } });
  await page.getByRole('heading', { name: 'The message API (version 1)' }).waitFor();
  assert.match(await page.locator('#snippet').textContent(), /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?units=24&embed=true&origins=http%3A%2F%2F127\.0\.0\.1%3A\d+"/);
  await page.waitForFunction(() => window.events.some((e) => e.type === 'ready'), null, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Start' }).click();
  await page.waitForFunction(() => window.events.some((e) => e.type === 'step' && e.step >= 20), null, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => window.events.some((e) => e.type === 'paused'), null, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Switch to LSTM(32)' }).click();
  await page.waitForFunction(() => window.events.some((e) => e.type === 'ready' && /cell=lstm&units=32/.test(e.settings)), null, { timeout: 30_000 });
  assert.match(await page.locator('#log').textContent(), /^ready .*\nstep /);
  await screenshot(page, '51-embed-authors-page');
  assert.deepEqual(problems(messages), []);
  await context.close();
});
