// Drives the vnet console in headless Chromium for ConsoleIT, in two phases (the test restarts the killed agent
// between them). Every wait is bounded; a failure exits 1 with what was expected. Environment:
//   VNET_CONSOLE   the coordinator's console, e.g. http://127.0.0.1:8080/
//   OPERATOR, VIEWER   a token with every permission, and a read-only one (admin:read, migration:view, events:watch)
//   CONTAINER      the ha container's uuid;  FIRST, SECOND  the agent it runs on first, and the other one
//   FIRST_PID      the process id of FIRST (phase 1 kills it with SIGKILL)
//   SHOTS          where screenshots go
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const BASE = env('VNET_CONSOLE');
const CONTAINER = env('CONTAINER');
const FIRST = env('FIRST');
const SECOND = env('SECOND');
const SHOTS = env('SHOTS');
const WAIT = 60_000;
mkdirSync(SHOTS, { recursive: true });

const step = (text) => console.log(JSON.stringify({ step: text, at: new Date().toISOString() }));

async function browser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

async function signIn(context, token) {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('pageerror', (e) => console.log(JSON.stringify({ pageerror: String(e) })));
  await page.goto(BASE);
  await page.locator('#token').waitFor();
  await page.fill('#token', token);
  await page.click('#signin-form button[type=submit]');
  await page.locator('#nav').waitFor();
  await page.locator('[data-testid=live]', { hasText: 'live' }).waitFor();
  return page;
}

const shot = (page, name) => page.screenshot({ path: join(SHOTS, name + '.png') });
const agentOf = (page) => page.locator('[data-testid=detail-agent]');

async function phase1() {
  const chromium = await browser();
  const context = await chromium.newContext({ viewport: { width: 1280, height: 860 } });
  const first = await context.newPage();
  await first.goto(BASE);
  await first.locator('#token').waitFor({ timeout: WAIT });
  await shot(first, 'signin');
  await first.close();

  const page = await signIn(context, env('OPERATOR'));
  step('signed in');
  await page.locator('[data-testid=leader]').filter({ hasNotText: '—' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.chart polyline.requests').length === 1);
  await shot(page, 'overview');

  await page.click('nav a[data-view=nodes]');
  for (const agent of [FIRST, SECOND]) {
    await page.locator(`[data-testid=node][data-agent="${agent}"] [data-testid=node-state]`, { hasText: 'active' })
      .waitFor();
  }
  step('both nodes active');
  await shot(page, 'nodes');

  await page.click('nav a[data-view=containers]');
  await page.locator(`tr[data-uuid="${CONTAINER}"]`).waitFor();
  await shot(page, 'containers');
  await page.click(`tr[data-uuid="${CONTAINER}"] a`);
  await agentOf(page).filter({ hasText: FIRST }).waitFor();
  step('detail shows the container on ' + FIRST);

  // The same document must see the move: no reload, no navigation.
  await page.evaluate(() => { window.vnetMarker = 'before the kill'; });
  process.kill(Number(env('FIRST_PID')), 'SIGKILL');
  step('killed ' + FIRST);
  await agentOf(page).filter({ hasText: SECOND }).waitFor();
  await page.locator('[data-testid=history-row]').filter({ hasText: `${FIRST} → ${SECOND}` }).waitFor();
  await page.locator('[data-testid=notice]').first().waitFor();
  if (await page.evaluate(() => window.vnetMarker) !== 'before the kill') throw new Error('the page was reloaded');
  step('migration and history row shown live');
  await shot(page, 'container-detail');
  await chromium.close();
}

async function phase2() {
  const chromium = await browser();
  const context = await chromium.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await signIn(context, env('OPERATOR'));
  await page.goto(BASE + '#/containers/' + encodeURIComponent(CONTAINER));
  await agentOf(page).filter({ hasText: SECOND }).waitFor();
  await page.locator('[data-testid=migrate]:enabled').waitFor();
  await page.click('[data-testid=migrate]');
  await page.locator(`[data-testid=migrate-target] option[value="${FIRST}"]`).waitFor({ state: 'attached' });
  await page.selectOption('[data-testid=migrate-target]', FIRST);
  await shot(page, 'migrate-confirmation');
  await page.click('#confirm-ok');
  await agentOf(page).filter({ hasText: FIRST }).waitFor();
  await page.locator('[data-testid=history-row]').filter({ hasText: `${SECOND} → ${FIRST}` })
    .filter({ hasText: 'manual' }).waitFor();
  step('migrated back with the button');

  await page.click('nav a[data-view=nodes]');
  await page.click(`[data-testid=node][data-agent="${SECOND}"] [data-testid=drain]`);
  await page.fill('#drain-deadline', '5');
  await page.click('#confirm-ok');
  await page.locator(`[data-testid=node][data-agent="${SECOND}"] [data-testid=node-state]`, { hasText: 'draining' })
    .waitFor();
  step('drained ' + SECOND);
  await shot(page, 'nodes-draining');

  const readOnly = await chromium.newContext({ viewport: { width: 1280, height: 860 } });
  const viewer = await signIn(readOnly, env('VIEWER'));
  await viewer.goto(BASE + '#/containers/' + encodeURIComponent(CONTAINER));
  await agentOf(viewer).filter({ hasText: FIRST }).waitFor();
  if (await viewer.locator('[data-testid=migrate]').count() !== 0) throw new Error('a read-only token sees Migrate');
  if (await viewer.locator('[data-testid=delete]').count() !== 0) throw new Error('a read-only token sees Delete');
  const refused = await viewer.evaluate(async ([uuid, token]) => {
    const response = await fetch('api/v1/containers/' + encodeURIComponent(uuid) + '/migrate', {
      method: 'POST', headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' }, body: '{}' });
    return { status: response.status, body: await response.json() };
  }, [CONTAINER, env('VIEWER')]);
  if (refused.status !== 403 || refused.body.code !== 'PERMISSION_DENIED') {
    throw new Error('the API let a read-only token migrate: ' + JSON.stringify(refused));
  }
  step('read-only: no migrate button, and the API answers 403');
  await shot(viewer, 'container-detail-read-only');
  await chromium.close();
}

const phases = { phase1, phase2 };
const phase = phases[process.argv[2]];
if (!phase) {
  console.error('usage: node console-e2e.js phase1|phase2');
  process.exit(2);
}
phase().then(() => step('done'), (e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
