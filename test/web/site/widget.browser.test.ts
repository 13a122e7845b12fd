/**
 * The demo help page and its chat widget in headless Chromium against the real app (sandbox
 * carrier, embedded recognizer, embedded Direct Line): a customer readdresses a parcel by clicking
 * and typing in Lithuanian, switches the page to English, reloads and keeps the conversation; the
 * widget shows a polite retry when the token endpoint is down; it works embedded in a page of an
 * allowed origin with hostile styles, and not in a page of any other origin; a visitor id forged in
 * localStorage is replaced by the server. Nothing may be loaded from outside the loopback servers.
 */
import { existsSync, mkdirSync } from 'fs';
import { createServer, type Server as HttpServer } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { buildApp, type App } from '../../../index';
import { loadConfig } from '../../../services/config';
import { SANDBOX_FIXTURES } from '../../../services/carrier/sandbox/fixtures';
import { SCRIPTED_CLIENT_ENV } from '../../support/fairUse';
import { sandboxCode } from '../../support/sandboxSms';

const CHROMIUM_PATH = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');
const STEP_MS = 15_000;
const F = SANDBOX_FIXTURES.readdressable;

jest.setTimeout(180_000);

let app: App;
let browser: Browser;
/** A shop site whose origin is in DIRECTLINE_ALLOWED_ORIGINS, and one whose origin is not. */
let shop: HostPage;
let stranger: HostPage;

beforeAll(async () => {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`browser tests need Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  [shop, stranger] = await Promise.all([startHostPage(), startHostPage()]);
  // The browser first: building the app trains the recognizer synchronously, and a blocked event
  // loop on a busy machine would make playwright's launch handshake time out.
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    timeout: 30_000,
  });
  app = await buildApp(loadConfig({ ...SCRIPTED_CLIENT_ENV, PORT: '0', LOG_LEVEL: 'silent', DIRECTLINE_ALLOWED_ORIGINS: shop.origin }));
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await shop?.close();
  await stranger?.close();
});

interface Watched {
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for. */
  requests: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
}

/** A fresh browser profile whose requests may only reach the given loopback origins. */
async function openContext(allowedOrigins: string[], viewport = { width: 1280, height: 860 }): Promise<Watched> {
  const context = await browser.newContext({ viewport, locale: 'lt-LT' });
  const requests: string[] = [];
  const errors: string[] = [];
  await context.route(
    (url) => !allowedOrigins.includes(url.origin) && url.protocol !== 'data:' && url.protocol !== 'blob:',
    (route) => {
      errors.push(`blocked external request: ${route.request().url()}`);
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return { context, page, requests, errors };
}

const widget = (page: Page): Locator => page.locator('#lockerdesk-widget');
const panel = (page: Page): Locator => page.locator('#ldw-panel');

/** Bot message texts, in order. */
async function botTexts(page: Page): Promise<string[]> {
  return panel(page)
    .locator('.webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content')
    .allInnerTexts();
}

/** Runs `act`, then waits for a new bot message containing one of `fragments`; returns that message. */
async function expectReply(page: Page, fragments: string[], act: () => Promise<void>): Promise<string> {
  const before = (await botTexts(page)).length;
  await act();
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    const fresh = (await botTexts(page)).slice(before);
    const hit = fresh.find((text) => fragments.some((f) => text.includes(f)));
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) {
      throw new Error(`no bot reply containing ${JSON.stringify(fragments)}; new bot text: ${JSON.stringify(fresh)}`);
    }
    await page.waitForTimeout(100);
  }
}

/** Waits until some bot message contains `fragment`; returns how many do. */
async function waitForBotText(page: Page, fragment: string): Promise<number> {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    const count = (await botTexts(page)).filter((t) => t.includes(fragment)).length;
    if (count > 0) return count;
    if (Date.now() > deadline) throw new Error(`no bot message contains ${JSON.stringify(fragment)}; bot said: ${JSON.stringify(await botTexts(page))}`);
    await page.waitForTimeout(100);
  }
}

async function type(page: Page, text: string): Promise<void> {
  const input = panel(page).locator('.webchat__send-box-text-box__input');
  await input.fill(text);
  await input.press('Enter');
}

/** The customer-facing text must not show template placeholders, JSON or markup. */
async function expectCleanTranscript(page: Page): Promise<void> {
  const text = await panel(page).locator('.webchat__basic-transcript').innerText();
  expect(text).not.toMatch(/[{}]|<\/?[a-z][^>]*>|\bundefined\b|\[object |\b(welcome|menu|ask|invalid|buttons|readdress|lockers|main|track)\.[A-Za-z_]+/);
}

/** A suggested-action button (the row above the send box). */
const suggested = (page: Page, name: string | RegExp): Locator =>
  panel(page).locator('.webchat__suggested-actions').getByRole('button', typeof name === 'string' ? { name, exact: true } : { name });

async function expectButtonsVisible(page: Page, names: string[]): Promise<void> {
  for (const name of names) {
    const button = suggested(page, name);
    await expect(button.isVisible()).resolves.toBe(true);
    const box = await button.boundingBox();
    expect(box && box.width > 20 && box.height > 20).toBe(true);
  }
}

test('customer readdresses a parcel through the widget, switches to English, reloads and keeps the conversation', async () => {
  const { context, page, requests, errors } = await openContext([new URL(app.url).origin]);
  try {
    const response = await page.goto(`${app.url}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.locator('h1').innerText()).resolves.toBe('Kuo galime padėti?');

    const launcher = widget(page).locator('.ldw-launcher');
    await launcher.waitFor({ state: 'visible' });
    await expect(launcher.innerText()).resolves.toContain('Pagalba');
    expect(requests.some((u) => u.includes('/webchat/webchat.js'))).toBe(false);

    await launcher.click();
    await expect(panel(page).locator('.ldw-title').innerText()).resolves.toBe('LockerDesk pagalbininkas');
    await waitForBotText(page, 'Sveiki! Esu paštomatų pagalbininkas');
    await expectButtonsVisible(page, ['Pakeisti paštomatą', 'Kur mano siunta?', 'Kalbėti su žmogumi']);
    await expect(panel(page).locator('.webchat__upload-button').count()).resolves.toBeGreaterThan(0);
    expect(await page.evaluate(() => localStorage.getItem('lockerdesk:visitor'))).toMatch(/^v1\.dl_[A-Za-z0-9_-]{22}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);

    await expectReply(page, ['Parašykite siuntos numerį'], () => suggested(page, 'Pakeisti paštomatą').click());
    const sent = await expectReply(page, ['6 skaitmenų kodą'], () => type(page, F.trackingNumber));
    expect(sent).toContain('+370 6** **567');
    expect(sent).not.toContain(F.senderPhone);
    const code = await sandboxCode(app.carrierUrl, F.senderPhone);
    await expectReply(page, ['Į kurį paštomatą nukreipti siuntą?'], () => type(page, `${code.slice(0, 3)} ${code.slice(3)}`));

    let confirm = await expectReply(page, ['Tinka šie paštomatai', 'Ar nukreipti siuntą'], () => type(page, 'akropolis klaipeda'));
    if (!confirm.includes('Ar nukreipti siuntą')) {
      await panel(page).screenshot({ path: join(ARTIFACTS, 'widget-lockers.png') });
      confirm = await expectReply(page, ['Ar nukreipti siuntą'], () => chooseLocker(page, 'Akropolis Klaipėda'));
    }
    expect(confirm).toContain(F.trackingNumber);
    expect(confirm).toContain('Akropolis Klaipėda');

    const done = await expectReply(page, ['Jūsų prašymas užregistruotas', 'Atlikta!'], () => suggested(page, 'Taip').click());
    expect(done).toContain('Jūsų prašymas užregistruotas');
    expect(done).toContain('Akropolis Klaipėda');
    await expectCleanTranscript(page);
    await panel(page).screenshot({ path: join(ARTIFACTS, 'widget.png') });

    await expectReply(page, ['continue in English'], () => page.selectOption('#site-lang', 'en').then(() => undefined));
    await expect(page.locator('h1').innerText()).resolves.toBe('How can we help?');
    await expect(panel(page).locator('.ldw-title').innerText()).resolves.toBe('LockerDesk assistant');
    await expect(panel(page).locator('.ldw-lang').inputValue()).resolves.toBe('en');
    await expectButtonsVisible(page, ['Change parcel locker', 'Where is my parcel?']);
    // The parcel of the readdress is offered back (issue 11: values from earlier are confirmed, not asked again).
    await expectReply(page, [`Is it parcel ${F.trackingNumber}, the one you mentioned earlier?`], () => type(page, 'where is my parcel'));
    await expectCleanTranscript(page);
    await page.screenshot({ path: join(ARTIFACTS, 'widget-page.png') });

    const visitor = await page.evaluate(() => localStorage.getItem('lockerdesk:visitor'));
    await page.reload();
    await waitForBotText(page, 'the one you mentioned earlier');
    await expect(waitForBotText(page, 'Jūsų prašymas užregistruotas')).resolves.toBe(1);
    await expect(waitForBotText(page, 'Sveiki! Esu paštomatų pagalbininkas')).resolves.toBe(1);
    await expect(page.locator('h1').innerText()).resolves.toBe('How can we help?');
    expect(await page.evaluate(() => localStorage.getItem('lockerdesk:visitor'))).toBe(visitor);
    await expectReply(page, ['the one you mentioned earlier', 'Which parcel shall I look up'], () => type(page, 'where is my parcel'));

    await panel(page).locator('.ldw-close').click();
    await expect(panel(page).isVisible()).resolves.toBe(false);
    await expect(page.locator('.ldw-launcher').isVisible()).resolves.toBe(true);

    const origin = new URL(app.url).origin;
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    expect(requests.some((u) => u.startsWith(`${origin}/webchat/webchat.js?v=`))).toBe(true);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a page left open past half the token lifetime refreshes its Direct Line token and keeps chatting', async () => {
  const origin = new URL(app.url).origin;
  const { context, page, errors } = await openContext([origin]);
  try {
    const refreshes: number[] = [];
    page.on('response', (r) => {
      if (r.url() === `${origin}/v3/directline/tokens/refresh`) refreshes.push(r.status());
    });
    await page.clock.install();
    await page.goto(`${app.url}/`);
    await widget(page).locator('.ldw-launcher').click();
    await waitForBotText(page, 'Sveiki! Esu paštomatų pagalbininkas');
    expect(refreshes).toEqual([]);

    await page.clock.fastForward('16:00');
    const deadline = Date.now() + STEP_MS;
    while (refreshes.length === 0 && Date.now() < deadline) await page.waitForTimeout(100);
    expect(refreshes).toEqual([200]);
    await expectReply(page, ['Kurią siuntą patikrinti?'], () => type(page, 'kur mano siunta'));
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

/** Clicks the locker whether it is offered as a suggested action or as a hero card with a "Rinktis" button. */
async function chooseLocker(page: Page, name: string): Promise<void> {
  const button = suggested(page, new RegExp(name));
  if ((await button.count()) > 0) {
    await button.first().click();
    return;
  }
  const card = panel(page).locator('.ac-adaptiveCard, .webchat__carousel-layout__attachment, .webchat__stacked-layout__attachment').filter({ hasText: name }).last();
  await card.getByRole('button').first().click();
}

test('token endpoint down or failing: a polite message in the page language and a working retry', async () => {
  const origin = new URL(app.url).origin;
  const { context, page, errors } = await openContext([origin], { width: 390, height: 760 });
  try {
    let mode: 'offline' | 'failing' | 'up' = 'offline';
    await context.route(`${origin}/api/directline/token`, (route) =>
      mode === 'offline' ? route.abort('internetdisconnected') : mode === 'failing' ? route.fulfill({ status: 503, body: '{}' }) : route.continue(),
    );
    await page.goto(`${app.url}/`);
    await page.selectOption('#site-lang', 'ru');
    await widget(page).locator('.ldw-launcher').click();

    const status = panel(page).locator('.ldw-status');
    await status.getByText('Не удалось подключиться к чату').waitFor();
    const retry = panel(page).getByRole('button', { name: 'Повторить' });
    await expect(retry.isVisible()).resolves.toBe(true);
    const box = await panel(page).boundingBox();
    expect(box).toEqual(expect.objectContaining({ x: 0, y: 0, width: 390, height: 760 }));
    await page.screenshot({ path: join(ARTIFACTS, 'widget-error-mobile.png') });

    mode = 'failing';
    await retry.click();
    await status.getByText('Не удалось подключиться к чату').waitFor();

    mode = 'up';
    await retry.click();
    await waitForBotText(page, 'Здравствуйте! Я помощник по постоматам');
    await expect(status.isVisible()).resolves.toBe(false);
    await expectButtonsVisible(page, ['Сменить постомат']);
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|503/.test(e))).toEqual([]);
  } finally {
    await context.close();
  }
});

test('embedded in an allowed site: loads everything from the bot origin and survives hostile host styles', async () => {
  const host = shop;
  host.html = (
    `<!doctype html><html lang="de"><head><meta charset="utf-8"><style>
      * { font-size: 40px; margin: 30px; }
      button { display: none; background: red; }
      h2 { text-transform: uppercase; color: red; }
      div { padding: 50px; }
    </style></head><body><p>Shop</p>
    <script src="${app.url}/widget.js" data-lang="en" async></script></body></html>`
  );
  const { context, page, errors } = await openContext([new URL(app.url).origin, host.origin]);
  try {
    await page.goto(host.origin);
    const launcher = widget(page).locator('.ldw-launcher');
    await launcher.waitFor({ state: 'visible' });
    await expect(launcher.innerText()).resolves.toBe('Help');
    const box = await launcher.boundingBox();
    expect(box && box.height <= 60).toBe(true);
    await launcher.click();
    await expect(panel(page).locator('.ldw-title').innerText()).resolves.toBe('LockerDesk assistant');
    await waitForBotText(page, 'the parcel-locker assistant');
    await expectButtonsVisible(page, ['Change parcel locker']);
    await expectReply(page, ['Which parcel shall I look up'], () => type(page, 'where is my parcel'));
    await page.screenshot({ path: join(ARTIFACTS, 'widget-embedded.png') });
    await expectOnTop(page, '#ldw-panel .ldw-close svg');
    await expectOnTop(page, '#ldw-panel .ldw-header img');
    await expectOnTop(page, '#ldw-panel .ldw-webchat img[src$="bot-avatar.svg"]');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('embedded in a site whose origin is not allowed: the token route refuses it, no CORS answer, a polite message', async () => {
  stranger.html = `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body><p>Copycat</p>
    <script src="${app.url}/widget.js" data-lang="en" data-open="true" async></script></body></html>`;
  const { context, page, errors } = await openContext([new URL(app.url).origin, stranger.origin]);
  try {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(stranger.origin);
    await panel(page).locator('.ldw-status').getByText('Could not connect to the chat').waitFor();
    expect(requests.some((u) => u.includes('/v3/directline/'))).toBe(false);
    // What the copycat page's script gets, asked directly: a refusal without a CORS grant, so the browser shows it nothing.
    for (const method of ['OPTIONS', 'POST']) {
      const res = await fetch(`${app.url}/api/directline/token`, { method, headers: { Origin: stranger.origin, 'Access-Control-Request-Method': 'POST', 'Content-Type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
      expect({ method, status: res.status, acao: res.headers.get('access-control-allow-origin') }).toEqual({ method, status: 403, acao: null });
      expect(await res.text()).not.toContain('token"');
    }
    expect(errors.filter((e) => !/CORS|403|Failed to fetch|ERR_FAILED|blocked/i.test(e))).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a visitor id forged in localStorage is replaced by a new one; Direct Line never sees the forged id', async () => {
  const origin = new URL(app.url).origin;
  const victim = await openContext([origin]);
  let victimVisitor = '';
  try {
    await victim.page.goto(`${app.url}/`);
    await widget(victim.page).locator('.ldw-launcher').click();
    await waitForBotText(victim.page, 'Sveiki! Esu paštomatų pagalbininkas');
    victimVisitor = (await victim.page.evaluate(() => localStorage.getItem('lockerdesk:visitor'))) ?? '';
  } finally {
    await victim.context.close();
  }
  const [, victimId, issued, signature] = victimVisitor.split('.');
  expect(victimId).toMatch(/^dl_/);

  const attacker = await openContext([origin]);
  try {
    const forged = `v1.${victimId}.${issued}.${signature.slice(0, -2)}AA`;
    await attacker.page.addInitScript(
      ([v, id]) => {
        if (!sessionStorage.getItem('seeded')) {
          localStorage.setItem('lockerdesk:visitor', v);
          localStorage.setItem('lockerdesk:userId', id);
          sessionStorage.setItem('seeded', '1');
        }
      },
      [forged, victimId],
    );
    const issuedIds: string[] = [];
    attacker.page.on('response', async (r) => {
      if (r.url() === `${origin}/api/directline/token` && r.status() === 200) issuedIds.push(((await r.json()) as { userId: string }).userId);
    });
    await attacker.page.goto(`${app.url}/`);
    await widget(attacker.page).locator('.ldw-launcher').click();
    await waitForBotText(attacker.page, 'Sveiki! Esu paštomatų pagalbininkas');
    expect(issuedIds).toHaveLength(1);
    expect(issuedIds[0]).toMatch(/^dl_/);
    expect(issuedIds[0]).not.toBe(victimId);
    const stored = await attacker.page.evaluate(() => [localStorage.getItem('lockerdesk:visitor'), localStorage.getItem('lockerdesk:userId')]);
    expect(stored[0]?.startsWith(`v1.${issuedIds[0]}.`)).toBe(true);
    expect(stored[1]).toBeNull();
    expect(attacker.errors).toEqual([]);
  } finally {
    await attacker.context.close();
  }
});

/** The element is drawn where it sits: nothing (host margins pushing it away, initials) covers its centre. */
async function expectOnTop(page: Page, selector: string): Promise<void> {
  const onTop = await page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const parentBox = el.parentElement?.getBoundingClientRect();
    const inside = !!parentBox && r.left >= parentBox.left - 1 && r.right <= parentBox.right + 1 && r.top >= parentBox.top - 1 && r.bottom <= parentBox.bottom + 1;
    return r.width > 0 && inside && !!hit && (hit === el || el.contains(hit));
  });
  expect({ selector, onTop }).toEqual({ selector, onTop: true });
}

interface HostPage {
  origin: string;
  /** What the page serves; set by each test. */
  html: string;
  close(): Promise<void>;
}

async function startHostPage(): Promise<HostPage> {
  const host: HostPage = { origin: '', html: '<!doctype html><p>empty</p>', close: async () => undefined };
  const server: HttpServer = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(host.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  host.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return host;
}
