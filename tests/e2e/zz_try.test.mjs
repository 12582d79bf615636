import { test, before, after } from 'node:test';
import { startServer, launch, openPage, problems, screenshot } from '/work/main/tests/e2e/lib/harness.mjs';
import { Playground } from '/work/main/tests/e2e/lib/playground.mjs';
let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });
test('try', async () => {
  const { page, messages, context } = await openPage(browser, server.url + '?engine=webgpu&units=16&seq-len=10&warmup=2&lr=0.01');
  page.on('console', (m) => console.log('console:', m.text()));
  const pg = new Playground(page);
  await pg.ready();
  await pg.train().click();
  await pg.waitForStep(30);
  await pg.pause().click();
  await pg.train().waitFor();
  await new Promise(r => setTimeout(r, 2000));
  console.log('step', await pg.step());
  await pg.stepButton().click();
  for (let i = 0; i < 5; i++) { await new Promise(r => setTimeout(r, 1000)); console.log('step', await pg.step(), await pg.stepButton().isEnabled()); }
  await context.close();
});
