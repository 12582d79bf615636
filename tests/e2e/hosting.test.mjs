// The site as a course hosts it: `dist/` copied into a folder of a plain static server, with and
// without the cross-origin isolation headers. Every file the page, its workers and the news
// lesson fetch is found under that folder (nothing is asked of the server's root), the links it
// writes keep the folder, and it trains: on two workers where the host isolates the page, on one
// where it does not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, problems } from './lib/harness.mjs';
import { Playground } from './lib/playground.mjs';

const PREFIX = '/courses/rnn-2027/unroll/';
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const isolated of [false, true]) {
  test(`From a sub-path ${isolated ? 'with' : 'without'} COOP/COEP: it loads, trains on ${isolated ? 'two workers' : 'one worker'}, and loads the news bundle`, async () => {
    const server = await startServer({ isolated, prefix: PREFIX });
    try {
      const { page, messages, context } = await openPage(browser, `${server.url}?units=16&engine=cpu`);
      const outside = [];
      context.on('request', (r) => { if (!new URL(r.url()).pathname.startsWith(PREFIX)) outside.push(r.url()); });
      const pg = new Playground(page);
      await pg.ready();
      const backend = page.getByTestId('backend');
      if (isolated) await backend.filter({ hasText: '2 workers' }).waitFor({ timeout: 20_000 });
      else assert.doesNotMatch(await pg.text('backend'), /2 workers/);
      await pg.train().click();
      await pg.waitForStep(50);
      await pg.pause().click();
      assert.ok((await pg.loss()) < 1, `loss ${await pg.loss()}`);
      assert.ok(new URL(page.url()).pathname === PREFIX && /units=16/.test(page.url()), `the link keeps the folder: ${page.url()}`);
      // The news lesson's bundled data and pretrained model come from the same folder.
      await page.getByRole('radio', { name: 'News headlines' }).check();
      await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 60_000 });
      assert.deepEqual(outside, [], 'nothing is fetched outside the folder');
      assert.deepEqual(problems(messages), []);
      await context.close();
    } finally {
      await server.close();
    }
  });
}
