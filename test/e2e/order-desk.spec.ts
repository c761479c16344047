import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../support/chromium.js';
import { postRaw } from '../support/http-client.js';
import { buildSampleApp, removeBuild, type SampleAppProcess, startSampleApp } from '../support/sample-app-process.js';

/**
 * The sample app as users get it (`npm start`'s build, run as a process) in
 * headless Chromium: the desk page, a second user's page, the operator's
 * panel, and a server restart on the same port and SQLite file.
 */
const ARTIFACTS = resolve(import.meta.dirname, '../../test-results/e2e');
const FILL_AFTER_MS = '1500';

let build: string;
let dbFile: string;
let app: SampleAppProcess;
let port: number;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function openPage(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}${path}`);
  return page;
}

/** Signs in with a demo-token button and waits until the socket is live. */
async function signIn(page: Page, token: string, live = true): Promise<void> {
  await page.click(`#signin button[data-token="${token}"]`);
  await page.waitForSelector('#signin', { state: 'hidden' });
  if (live) await page.waitForSelector('#conn[data-state="open"]');
}

const screenshot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

async function http(method: string, params: unknown, token = 'alice-token'): Promise<unknown> {
  const reply = await postRaw(`http://127.0.0.1:${port}/rpc`, JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }), { authorization: `Bearer ${token}` });
  return (reply.json as { result: unknown }).result;
}

/** The order ids in the page's table, in table order. */
const tableIds = (page: Page) => page.$$eval('#orders tbody tr', (rows) => rows.map((row) => Number((row as HTMLElement).dataset['orderId'])));

describeWithChromium('the order desk in headless Chromium')('order desk e2e (sample app process + Chromium)', () => {
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    build = await buildSampleApp();
    dbFile = join(build, 'desk.sqlite');
    app = await startSampleApp(build, { DB_FILE: dbFile, FILL_AFTER_MS });
    port = app.port;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    if (app && app.child.exitCode === null && app.child.signalCode === null) {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    const crash = app?.crash();
    removeBuild(build);
    expect(crash).toBeUndefined();
  }, 30_000);

  it('signs in, shows -32602 messages next to the fields, and an order reaches "filled" live; a second user sees the alert', async () => {
    alice = await openPage('/');
    bob = await openPage('/');
    await signIn(alice, 'alice-token');
    await signIn(bob, 'bob-token');
    expect(await alice.textContent('#user')).toBe('alice (trader)');

    await alice.fill('#order-form [name=symbol]', 'acme');
    await alice.fill('#order-form [name=qty]', '0');
    await alice.click('#order-form button[type=submit]');
    await alice.waitForSelector('[data-error-for="symbol"]:not(:empty)');
    expect(await alice.textContent('[data-error-for="symbol"]')).toBe('symbol must be 1 to 10 capital letters');
    expect(await alice.textContent('[data-error-for="qty"]')).toBe('qty must not be less than 1');
    expect(await alice.textContent('[data-error-for="price"]')).toBe('');
    expect(await alice.textContent('#message')).toContain('-32602');

    await alice.fill('#order-form [name=symbol]', 'ACME');
    await alice.fill('#order-form [name=qty]', '10');
    await alice.click('#order-form button[type=submit]');
    await alice.waitForSelector('#orders tbody tr[data-order-id]');
    const [id] = await tableIds(alice);
    expect(await alice.textContent('[data-error-for="symbol"]')).toBe('');
    // Filled by the server's background process, pushed through order.watch: no reload.
    await alice.waitForSelector(`#orders tr[data-order-id="${id}"][data-status="filled"]`);
    // Bob's page heard of it on the desk topic.
    await bob.waitForSelector(`#alerts li[data-order-id="${id}"]`);
    expect(await bob.textContent(`#alerts li[data-order-id="${id}"]`)).toBe(`alice: buy 10 ACME @ 12.5 filled (order #${id})`);
    expect(await bob.$$eval('#orders tbody tr', (rows) => rows.length)).toBe(0);
    await screenshot(alice, 'desk');
  }, 60_000);

  it('refuses the admin action to a trader with a visible reason', async () => {
    await alice.click('#all-orders');
    await alice.waitForSelector('#message[data-kind="error"]');
    expect(await alice.textContent('#message')).toBe(
      'order.all refused (-32003 Forbidden resource): your role may not call this method (it is guarded per method on the server)',
    );
    await screenshot(alice, 'desk-refused');
  }, 30_000);

  it('the operator panel lists both browser connections; disconnecting bob closes his page socket', async () => {
    const refused = await openPage('/admin');
    await signIn(refused, 'bob-token', false);
    await refused.waitForSelector('#message[data-kind="error"]');
    expect(await refused.textContent('#message')).toContain('admin.inspect refused (-32003');
    expect(await refused.isHidden('#panel')).toBe(true);
    await refused.context().close();
    contexts.splice(contexts.indexOf(refused.context()), 1);

    const panel = await openPage('/admin');
    await signIn(panel, 'admin-token');
    await panel.waitForSelector('#connections tr[data-principal="alice"]');
    await panel.waitForSelector('#connections tr[data-principal="bob"]');
    expect(await panel.$$eval('#topics tbody tr', (rows) => rows.map((row) => row.textContent))).toEqual(['desk3']);
    await panel.waitForSelector('#calls tbody tr');
    expect(await panel.$$eval('#calls tbody td:first-child', (cells) => cells.map((cell) => cell.textContent))).toEqual(
      expect.arrayContaining(['order.submit', 'order.watch', 'admin.inspect']),
    );
    await screenshot(panel, 'panel');

    await panel.click('#connections tr[data-principal="bob"] button[data-user="bob"]');
    await bob.waitForSelector('#conn[data-state="closed"]');
    expect(await bob.textContent('#conn')).toContain('4004');
    await panel.waitForSelector('#connections tr[data-principal="bob"]', { state: 'detached' });
    expect(await panel.textContent('#message')).toBe('bob logged out: 1 socket(s) closed with 4004');
    // Everyone else is served on.
    expect(await alice.getAttribute('#conn', 'data-state')).toBe('open');
  }, 60_000);

  it('after a server restart (same port, same SQLite file) the page reconnects and the table catches up: no duplicate, no missing row', async () => {
    await alice.click('#order-form button[type=submit]');
    await alice.click('#order-form button[type=submit]');
    await alice.waitForFunction(() => document.querySelectorAll('#orders tbody tr').length === 3);

    app.child.kill('SIGTERM');
    await app.exited;
    expect(app.crash()).toBeUndefined();
    await alice.waitForSelector('#conn[data-state="reconnecting"]');

    app = await startSampleApp(build, { DB_FILE: dbFile, FILL_AFTER_MS, PORT: String(port) });
    expect(app.port).toBe(port);
    // Placed elsewhere while the page was away: it must show up too.
    const placed = (await http('order.submit', { symbol: 'AWAY', side: 'sell', qty: 3, price: 7 })) as { id: number };

    await alice.waitForSelector('#conn[data-state="open"]');
    const orders = () => http('order.list', {}) as Promise<Array<{ id: number; status: string }>>;
    expect((await orders()).map((order) => order.id)).toContain(placed.id);
    // Every order of alice filled, as SQLite says, and the table shows exactly those.
    await alice.waitForSelector(`#orders tr[data-order-id="${placed.id}"][data-status="filled"]`);
    await alice.waitForFunction(() => document.querySelectorAll('#orders tr[data-status="open"]').length === 0);
    const stored = await orders();
    expect(stored.every((order) => order.status === 'filled')).toBe(true);
    expect(await tableIds(alice)).toEqual(stored.map((order) => order.id).sort((a, b) => b - a));
    await screenshot(alice, 'desk-after-restart');
  }, 90_000);

  it('the API page lists the methods rpc.discover describes and calls any method', async () => {
    const api = await openPage('/api');
    await signIn(api, 'alice-token', false);
    await api.waitForSelector('#api-source:not(:empty)');
    const discovery = await api.getAttribute('#methods', 'data-discovery');
    // The sample app serves discovery: the listing, not the "discovery is off" fallback.
    expect(discovery).not.toBe('unavailable');
    expect(await api.$$eval('#methods .method', (boxes) => boxes.map((box) => (box as HTMLElement).dataset['method']))).toContain('order.submit');
    await api.fill('#free-method', 'order.getStatus');
    await api.fill('#free-params', '{"id": 999999}');
    await api.click('#free-call');
    await api.waitForSelector('#free-result:not(:empty)');
    expect(await api.textContent('#free-result')).toContain('order.getStatus refused (-32004');
    await screenshot(api, 'api');
  }, 30_000);
});
