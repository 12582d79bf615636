// Test harness: a static server for the built site, Debian's Chromium through playwright-core,
// console capture and screenshots. Paths and flags come from `cargo xtask test` (environment).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the end-to-end tests with \`cargo xtask test\``);
  return v;
};

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.png': 'image/png', '.gz': 'application/gzip', '.txt': 'text/plain; charset=utf-8',
};

// What makes the page cross-origin isolated (SharedArrayBuffer, so the engine worker gets its
// helper worker): the headers `cargo xtask serve` sends too (Trunk.toml).
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/** Serves the built site (UNROLL_DIST) on a free loopback port; `isolated: false` leaves out the
 * cross-origin isolation headers (a host that does not send them: one worker); `prefix` serves it
 * from a sub-path (a course's folder on a static host), and nothing outside it. */
export async function startServer({ isolated = true, prefix = '/' } = {}) {
  const root = path.resolve(env('UNROLL_DIST'));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith(prefix)) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
    let file = path.join(root, decodeURIComponent(url.pathname.slice(prefix.length - 1)));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...(isolated ? ISOLATION : {}),
      });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}${prefix}`, close: () => new Promise((r) => server.close(r)) };
}

/** Serves one HTML page at `/` on its own loopback port: another origin than the site's (a
 * course's page that embeds the playground). `html` is the page, or a function of the server's
 * own origin that returns it. */
export async function startPageServer(html) {
  const server = http.createServer((req, res) => {
    const body = typeof html === 'function' ? html(`http://127.0.0.1:${server.address().port}`) : html;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return { url, origin: new URL(url).origin, close: () => new Promise((r) => server.close(r)) };
}

/** Debian's Chromium, headless, with the project's flags. */
export async function launch() {
  return chromium.launch({
    executablePath: env('UNROLL_CHROMIUM'),
    headless: true,
    args: JSON.parse(env('UNROLL_CHROMIUM_ARGS')),
  });
}

/** A page that records console messages and uncaught errors. */
export async function openPage(browser, url, { viewport = { width: 1280, height: 720 }, permissions = [], colorScheme = 'light', locale = 'en-US' } = {}) {
  const context = await browser.newContext({ viewport, permissions, colorScheme, locale });
  const page = await context.newPage();
  const messages = [];
  page.on('console', (m) => messages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => messages.push({ type: 'pageerror', text: String(e) }));
  await page.goto(url);
  return { page, context, messages };
}

/** Console errors and warnings, and uncaught exceptions (none is expected: the worker loader is
 * our own, so not even wasm-bindgen's deprecation warning for Trunk's shim is left). */
export function problems(messages) {
  return messages.filter((m) => ['error', 'warning', 'pageerror'].includes(m.type));
}

/** Saves a full-page screenshot under UNROLL_SCREENSHOTS (git-ignored). */
export async function screenshot(page, name) {
  const dir = env('UNROLL_SCREENSHOTS');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** `worker.evaluate(fn)`, or null when the worker does not answer within `ms` (a worker busy in a
 * synchronous loop, as the helper is while it watches the shared buffer, answers nothing). */
const evaluateOrNull = (worker, fn, ms) =>
  Promise.race([worker.evaluate(fn).catch(() => null), new Promise((r) => setTimeout(() => r(null), ms))]);

/** The page's worker whose `self.name` passes `wanted` (the helper is `unroll-helper`, the engine
 * worker has no name), waiting up to about `tries` rounds for one that answers; null if none. */
export async function findWorker(page, wanted, tries = 100) {
  for (let i = 0; i < tries; i++) {
    for (const w of page.workers()) {
      const name = await evaluateOrNull(w, () => self.name, 300);
      if (name !== null && wanted(name)) return w;
    }
    await page.waitForTimeout(100);
  }
  return null;
}
