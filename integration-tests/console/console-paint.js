// Measures the console's containers view in headless Chromium for `bin/vnet bench console`: how long from
// navigation until the first page of containers is painted, what the API call behind it took, and how long a
// re-sort and the next page take. Prints one JSON object. Environment: VNET_CONSOLE (the console's URL, security
// off), CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';

const BASE = process.env.VNET_CONSOLE;
if (!BASE) throw new Error('VNET_CONSOLE is not set');
const WAIT = 180_000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.setDefaultTimeout(WAIT);
  await page.goto(BASE + '#/containers', { waitUntil: 'commit' });
  // The frame in which the first rows exist: its time is when they are painted.
  const shown = await page.waitForFunction(() => document.querySelectorAll('tr[data-uuid]').length > 0
    && performance.now(), null, { polling: 'raf', timeout: WAIT });
  const rowsPaintedMs = await shown.jsonValue();
  const figures = await page.evaluate(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    const calls = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/containers?'));
    return {
      firstContentfulPaintMs: paint ? paint.startTime : -1,
      containersApiMs: calls.length ? Math.max(...calls.map((c) => c.duration)) : -1,
      rows: document.querySelectorAll('tr[data-uuid]').length,
      range: document.querySelector('[data-testid=range]').textContent,
    };
  });

  const firstRow = () => page.locator('tr[data-uuid]').first().getAttribute('data-uuid');
  const timed = async (action) => {
    const before = await firstRow();
    const started = Date.now();
    await action();
    await page.waitForFunction((uuid) => {
      const row = document.querySelector('tr[data-uuid]');
      return row && row.dataset.uuid !== uuid;
    }, before, { polling: 'raf', timeout: WAIT });
    return Date.now() - started;
  };
  const sortMs = await timed(() => page.click('th button[data-key=sort-uuid]'));
  const nextPageMs = await timed(() => page.click('button[data-key=next]'));
  console.log(JSON.stringify({ rowsPaintedMs, ...figures, sortMs, nextPageMs }));
} finally {
  await browser.close();
}
