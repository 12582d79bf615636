// The news lesson trained through the page to its test result, on each engine: the course's
// experiment (AG News as the site bundles it, preset rnn-title, 2 epochs, vocabulary 5,000) with
// `engine=cpu` and with `engine=webgpu`, from the Train click to the test summary. Run with
// `cargo xtask bench news-page [--json]` (it builds the site and passes the browser settings);
// `--engine cpu` or `--engine webgpu` runs one of them.
//
// Reported per engine: the test accuracy and mean loss the page prints (the CPU engine's are
// the very figures `unroll train` prints natively: 79.3 %, 0.588), the wall time from Train to
// the test summary, and the samples per second the page showed last. The WebGPU figures here
// are Chromium's SwiftShader, a CPU implementation of WebGPU: they say the engine reaches the
// same accuracy through the page, nothing of a GPU's speed.
import { startServer, launch, openPage } from '../tests/e2e/lib/harness.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const engineAt = args.indexOf('--engine');
const engines = engineAt >= 0 ? [args[engineAt + 1]] : ['cpu', 'webgpu'];
const QUERY = 'task=agnews&preset=rnn-title&epochs=2&vocab=5000';
const TIMEOUT_MS = 3 * 60 * 60 * 1000;

const server = await startServer();
const browser = await launch();
const rows = [];
try {
  for (const engine of engines) {
    const { page, context } = await openPage(browser, `${server.url}?${QUERY}&engine=${engine}`);
    await page.getByTestId('data-summary').filter({ hasText: '7,600 test rows' }).waitFor({ timeout: 120_000 });
    const backend = (await page.getByTestId('backend').textContent()).trim();
    if (engine === 'webgpu' && !backend.startsWith('WebGPU')) throw new Error(`no WebGPU engine in the page: ${backend}`);
    const t0 = Date.now();
    let lastShown = 0;
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    // Progress, once a minute, so a long run shows it is alive.
    const ticker = setInterval(async () => {
      try {
        const epoch = (await page.getByTestId('news-epoch').textContent()).trim();
        const batch = (await page.getByTestId('news-batch').textContent()).trim();
        lastShown = Number((await page.getByTestId('samples-per-sec').textContent()).replace(/,/g, '')) || lastShown;
        if (!json) console.error(`  ${engine}: epoch ${epoch}, batch ${batch}, ${lastShown} samples/s, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      } catch { /* the page is between renders */ }
    }, 60_000);
    try {
      await page.getByTestId('test-summary').waitFor({ timeout: TIMEOUT_MS });
    } finally {
      clearInterval(ticker);
    }
    const wall = (Date.now() - t0) / 1000;
    lastShown = Number((await page.getByTestId('samples-per-sec').textContent()).replace(/,/g, '')) || lastShown;
    const summary = (await page.getByTestId('test-summary').textContent()).trim();
    rows.push({
      engine,
      backend,
      test_accuracy: Number(/^Accuracy ([\d.]+) %/.exec(summary)?.[1]),
      mean_loss: Number(/mean loss ([\d.]+)\.$/.exec(summary)?.[1]),
      wall_s: wall,
      samples_per_sec_shown: lastShown,
      summary,
    });
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}

if (json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  console.log(`AG News, ${QUERY}, through the page (headless Chromium; WebGPU = SwiftShader here)`);
  console.log('engine   test accuracy  mean loss  wall (s)  samples/s shown');
  for (const r of rows) {
    console.log(`${r.engine.padEnd(8)} ${`${r.test_accuracy} %`.padStart(13)}  ${String(r.mean_loss).padStart(9)}  ${r.wall_s.toFixed(0).padStart(8)}  ${String(r.samples_per_sec_shown).padStart(15)}`);
  }
}
