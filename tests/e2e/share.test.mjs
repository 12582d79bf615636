// Sharing an experiment: a teacher sets one up, copies its link (button or Ctrl+Shift+L), and a
// student who opens the link sees the same run, step for step on the CPU engine (the training
// logs the page saves are identical). Where the browser refuses the clipboard the link is shown
// to copy by hand. A link with absurd parts still opens: the valid fields apply, the rest are
// named briefly, and nothing in it becomes markup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';
import { Playground } from './lib/playground.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const CLIPBOARD = ['clipboard-read', 'clipboard-write'];
const STEPS = 100;

/** Trains the page's experiment past `STEPS` steps, pauses, and returns its saved training log. */
async function trainAndSaveLog(page) {
  const pg = new Playground(page);
  await pg.ready();
  await pg.train().click();
  await pg.waitForStep(STEPS, 120_000);
  await pg.pause().click();
  await pg.train().waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-log').click()]);
  assert.equal(download.suggestedFilename(), 'unroll-sine-training-log.csv');
  return fs.readFileSync(await download.path(), 'utf8');
}

test('Copy link: the link opens the same experiment, and two loads of it train the same losses bit for bit', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?units=24&engine=cpu`, { permissions: CLIPBOARD });
  const pg = new Playground(page);
  await pg.ready();
  // The teacher changes the experiment in the page.
  await page.locator('fieldset[data-setting="cell"] input[value="gru"]').check();
  await page.waitForFunction(() => /cell=gru/.test(location.search));
  await page.getByTestId('copy-link').click();
  await page.getByTestId('share-status').filter({ hasText: 'Link copied' }).waitFor({ timeout: 10_000 });
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, page.url());
  assert.match(link, /cell=gru/);
  assert.match(link, /units=24/);
  await screenshot(page, '47-link-copied');
  // The shortcut copies it too, from anywhere on the page.
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+Shift+L');
  await page.waitForFunction(async () => (await navigator.clipboard.readText()) === location.href, null, { timeout: 10_000 });
  assert.deepEqual(problems(messages), []);
  await context.close();

  // Two students open the link: the same settings, and the same losses, step for step.
  const logs = [];
  for (let i = 0; i < 2; i++) {
    const opened = await openPage(browser, link);
    assert.equal(await opened.page.locator('fieldset[data-setting="cell"] input:checked').inputValue(), 'gru');
    logs.push(await trainAndSaveLog(opened.page));
    assert.deepEqual(problems(opened.messages), []);
    await opened.context.close();
  }
  const rows = logs.map((l) => l.trim().split('\n'));
  assert.equal(rows[0][0], 'step,loss,grad_norm,heldout_loss');
  assert.ok(rows[0].length > STEPS && rows[1].length > STEPS, `${rows[0].length}, ${rows[1].length} rows`);
  const lossesOf = (r) => r.slice(1, STEPS + 1).map((line) => line.split(',').slice(0, 3).join(','));
  assert.deepEqual(lossesOf(rows[1]), lossesOf(rows[0]), 'the first 100 steps: the same losses and gradient norms, to the last digit');
  assert.equal(lossesOf(rows[0])[STEPS - 1].split(',')[0], String(STEPS));
});

test('Where the browser refuses the clipboard, the link is shown to copy by hand', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?units=8`);
  await new Playground(page).ready();
  await page.evaluate(() => { navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError')); });
  await page.getByTestId('copy-link').click();
  await page.getByTestId('share-status').filter({ hasText: 'did not allow copying' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('share-link').inputValue(), page.url());
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('A link with absurd parts opens: the valid fields apply, the rest are named briefly, nothing becomes markup', async () => {
  const huge = '9'.repeat(100_000);
  const script = encodeURIComponent('<img src=x onerror="window.injected=1"><script>window.injected=2</script>');
  // (A query that long is refused by web servers before the page loads, so the huge value comes
  // behind `#`, where the page reads settings too.)
  const url = `${server.url}?cell=lstm&seed=${script}&${script}=1&layers=two&gen-steps=-5#units=${huge}`;
  const { page, messages, context } = await openPage(browser, url, { viewport: { width: 390, height: 844 } });
  const pg = new Playground(page);
  await pg.ready();
  const notice = page.getByTestId('notice');
  await notice.filter({ hasText: 'Some settings in the link were not used' }).waitFor();
  const text = await notice.textContent();
  assert.ok(text.length < 1_000, `the notice is ${text.length} characters`);
  assert.match(text, /units: `9{40}… \(100000 characters\)` is not valid/);
  assert.equal(await page.locator('fieldset[data-setting="cell"] input:checked').inputValue(), 'lstm', 'the valid field applies');
  assert.equal(await page.evaluate(() => window.injected ?? null), null, 'no markup from the link ran');
  assert.equal(await page.locator('.notice img, .notice script').count(), 0);
  // The page keeps the phone's width: nothing is wider than the screen.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling');
  await screenshot(page, '48-absurd-link');
  // It trains.
  await pg.train().click();
  await pg.waitForStep(5);
  await pg.pause().click();
  assert.deepEqual(problems(messages), []);
  await context.close();
});

test('A typed sequence of 10,000 numbers (the box\'s limit) opens from a link; 10,001 are refused in the box\'s words', async () => {
  const numbers = Array.from({ length: 10_000 }, (_, i) => Math.sin(i * 0.01).toFixed(16));
  const open = async (values, { ready = true } = {}) => {
    // The page's own links carry a typed sequence behind `#`: servers refuse long request lines.
    const opened = await openPage(browser, `${server.url}?task=typed&units=8#series=${encodeURIComponent(values.join(', '))}`);
    if (ready) await new Playground(opened.page).ready();
    return opened;
  };
  const ok = await open(numbers);
  await ok.page.getByTestId('model').filter({ hasText: 'of 10000 values' }).waitFor({ timeout: 30_000 });
  assert.equal(await ok.page.getByTestId('notice').count(), 0, 'no notice');
  const written = new URL(ok.page.url());
  assert.ok(written.hash.startsWith('#series=') && written.search.length < 2_000, `the page's link keeps the sequence behind #: ${written.search.length} characters of query`);
  assert.deepEqual(problems(ok.messages), []);
  await ok.context.close();
  // Refused, the typed lesson waits for a sequence in its box, with the link's note above.
  const over = await open([...numbers, '1'], { ready: false });
  await over.page.getByTestId('notice').filter({ hasText: 'series: 10001 numbers is too many: at most 10000 fit in the playground.' }).waitFor();
  assert.deepEqual(problems(over.messages), []);
  await over.context.close();
});

test('Each chart saves as an SVG that stands alone (title, legend, inline styles) and as a PNG', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?units=16&engine=cpu`);
  const pg = new Playground(page);
  await pg.ready();
  await pg.train().click();
  await pg.waitForStep(50);
  await pg.pause().click();
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('loss-chart-svg').click()]);
  assert.equal(svg.suggestedFilename(), 'unroll-loss-chart.svg');
  const text = fs.readFileSync(await svg.path(), 'utf8');
  assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+(\.\d+)? \d+(\.\d+)?"/);
  assert.match(text, />Loss</, 'the title');
  assert.match(text, />training \(smoothed\)</, 'the legend');
  assert.ok((text.match(/<path /g) ?? []).length >= 2, 'the lines');
  assert.doesNotMatch(text, /class="/, 'no page classes: styles are inline');
  assert.match(text, /stroke:rgb\(37, 99, 235\)/, 'the training line keeps its colour');
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('generation-chart-png').click()]);
  assert.equal(png.suggestedFilename(), 'unroll-generation-chart.png');
  const bytes = fs.readFileSync(await png.path());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  assert.ok(bytes.readUInt32BE(16) >= 800, `twice the chart's width: ${bytes.readUInt32BE(16)} px`);
  // Kept beside the screenshots, to be looked at.
  fs.mkdirSync(process.env.UNROLL_SCREENSHOTS, { recursive: true });
  fs.writeFileSync(`${process.env.UNROLL_SCREENSHOTS}/55-saved-generation-chart.png`, bytes);
  assert.deepEqual(problems(messages), []);
  await context.close();
});
