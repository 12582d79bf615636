// Page object for the playground: stable hooks only (roles, accessible names, data-testid).

export class Playground {
  constructor(page) {
    this.page = page;
  }

  train() { return this.page.getByRole('button', { name: 'Train', exact: true }); }
  pause() { return this.page.getByRole('button', { name: 'Pause', exact: true }); }
  stepButton() { return this.page.getByRole('button', { name: 'Step', exact: true }); }
  resetButton() { return this.page.getByRole('button', { name: 'Reset', exact: true }); }

  /** The worker is up, the experiment configured and its first evaluation shown. */
  async ready() {
    await this.page.getByTestId('backend').filter({ hasNotText: 'starting' }).waitFor();
    await this.page.waitForFunction(() => !document.querySelector('[data-testid="train"]')?.disabled);
    await this.page.waitForFunction(() => Number.isFinite(Number(document.querySelector('[data-testid="heldout-mse"]')?.textContent)));
  }

  async step() { return Number(await this.page.getByTestId('step').textContent()); }
  async loss() { return Number(await this.page.getByTestId('loss').textContent()); }
  async text(testid) { return (await this.page.getByTestId(testid).textContent()).trim(); }

  /** Waits until the step counter reaches `n` (the worker reports ten times a second). */
  async waitForStep(n, timeout = 120_000) {
    await this.page.waitForFunction((n) => Number(document.querySelector('[data-testid="step"]')?.textContent) >= n, n, { timeout, polling: 100 });
  }

  async setSetting(key, value) {
    const input = this.page.locator(`input[data-setting="${key}"]`);
    await input.fill(String(value));
    await input.press('Enter');
    await input.blur();
  }

  /** The `d` attribute of the chart line with class `cls`, or '' if there is none. */
  async linePath(chart, cls) {
    const path = this.page.locator(`[data-testid="${chart}"] path.line.${cls}`);
    return (await path.count()) ? (await path.first().getAttribute('d')) ?? '' : '';
  }
}
