// The dark theme: a system that prefers dark gets dark surfaces and light inks everywhere, the
// charts included (the unrolled chain's heat maps stay a light sheet: their scales are centred on
// white), with text that keeps its contrast; a light system keeps the light page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, problems, screenshot } from './lib/harness.mjs';
import { Playground } from './lib/playground.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The WCAG contrast ratio of two CSS `rgb(…)` colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const colours = (page) => page.evaluate(() => {
  const css = (sel, prop) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`no ${sel} on the page`);
    return getComputedStyle(el)[prop];
  };
  return {
    page: css('html', 'backgroundColor'),
    panel: css('.toolbar', 'backgroundColor'),
    ink: css('[data-testid="step"]', 'color'),
    muted: css('.stats dt', 'color'),
    plot: css('[data-testid="loss-chart"] .plot-bg', 'fill'),
    line: document.querySelector('[data-testid="loss-chart"] path.series-train') && css('[data-testid="loss-chart"] path.series-train', 'stroke'),
  };
});

test('A system that prefers dark gets the dark theme, charts included, with readable text', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?units=16&engine=cpu`, { colorScheme: 'dark' });
  const pg = new Playground(page);
  await pg.ready();
  await pg.train().click();
  await pg.waitForStep(100);
  await pg.pause().click();
  const c = await colours(page);
  const dark = (rgb) => rgb.match(/[\d.]+/g).slice(0, 3).every((v) => Number(v) < 60);
  assert.ok(dark(c.page) && dark(c.panel) && dark(c.plot), JSON.stringify(c));
  assert.ok(contrast(c.ink, c.panel) >= 7, `ink on panel: ${contrast(c.ink, c.panel).toFixed(1)}`);
  assert.ok(contrast(c.muted, c.panel) >= 4.5, `muted on panel: ${contrast(c.muted, c.panel).toFixed(1)}`);
  assert.ok(contrast(c.line, c.plot) >= 3, `the training line on the plot: ${contrast(c.line, c.plot).toFixed(1)}`);
  await screenshot(page, '52-dark-sine');
  // The unrolled chain stays a light sheet in the dark page: its heat maps' colour scales are
  // centred on white, and its labels keep their dark ink on it.
  await page.getByTestId('tab-chain').click();
  const canvas = page.locator('canvas').first();
  await canvas.waitFor();
  await page.waitForTimeout(500);
  await screenshot(page, '53-dark-chain');
  assert.deepEqual(problems(messages), []);
  await context.close();

  const light = await openPage(browser, `${server.url}?units=16&engine=cpu`, { colorScheme: 'light' });
  await new Playground(light.page).ready();
  const l = await colours(light.page);
  assert.equal(l.page, 'rgb(245, 245, 242)', 'a light system keeps the light page');
  assert.ok(contrast(l.ink, l.panel) >= 7);
  await light.context.close();
});

test('The news lesson in the dark theme', async () => {
  const { page, messages, context } = await openPage(browser, `${server.url}?task=agnews&preset=rnn-title&epochs=1&vocab=5000`, { colorScheme: 'dark' });
  await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByTestId('test-summary').waitFor({ timeout: 120_000 });
  const bg = await page.evaluate(() => getComputedStyle(document.querySelector('[data-testid="confusion"] td.count')).backgroundColor);
  assert.ok(!/255, 255, 255/.test(bg), `the confusion matrix mixes into the dark panel: ${bg}`);
  await screenshot(page, '54-dark-news');
  assert.deepEqual(problems(messages), []);
  await context.close();
});
