/**
 * The supervisor tools of the agent console in headless Chromium against the real application,
 * in Lithuanian (the default) and English: block a case's customer from the case (the reason goes
 * to the audit shown in the supervisor view, and the customer gets one notice, then nothing),
 * unblock, clear a code lock, erase a customer by phone. Every text checked is read from the
 * server's message files, so the page shows what `console.supervisor.*` says in that language.
 */
import { randomBytes, scryptSync } from 'crypto';
import axios from 'axios';
import type { Browser, Page } from 'playwright-core';
import { buildApp, type App } from '../../../index';
import { loadConfig } from '../../../services/config';
import { createLogger } from '../../../services/logging/logger';
import { createMessages } from '../../../services/i18n/messages';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';
import { channelActivity, startChannelStandIn, type ChannelActivity, type ChannelStandIn } from '../../support/channelStandIn';
import { consoleText, type ConsoleLang } from './consoleText';
import { artifactPath, launchChromium, openPage, type WatchedPage } from './browser';
import { SCRIPTED_CLIENT_ENV } from '../../support/fairUse';

jest.setTimeout(120000);

function scryptHash(password: string): string {
  const salt = randomBytes(16);
  return ['scrypt', 1024, 8, 1, salt.toString('base64'), scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64')].join('$');
}

const SUPERVISOR = { id: 'sandra', name: 'Sandra Vadovė', password: 'another long secret 9' };
const messages = createMessages();
let app: App;
let channel: ChannelStandIn;
let browser: Browser;
let w: WatchedPage;

beforeAll(async () => {
  const config = loadConfig({
    ...SCRIPTED_CLIENT_ENV,
    PORT: '0',
    LOG_LEVEL: 'silent',
    AGENTS: JSON.stringify([{ id: SUPERVISOR.id, name: SUPERVISOR.name, role: 'supervisor', passwordHash: scryptHash(SUPERVISOR.password) }]),
    BUSINESS_HOURS: '1-7 00:00-24:00',
    BUSINESS_HOLIDAYS: 'none',
  });
  [app, channel] = await Promise.all([buildApp(config, { logger: createLogger('silent') }), startChannelStandIn()]);
  browser = await launchChromium();
  w = await openPage(browser);
}, 150000);

afterAll(async () => {
  await w?.context.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await channel?.close();
  await app?.close();
});

function customer(conversationId: string) {
  const mine = () => channel.received.filter((a) => a.conversation?.id === conversationId && a.type === 'message');
  return {
    replies: mine,
    async say(text: string): Promise<ChannelActivity[]> {
      const before = mine().length;
      const res = await axios.post(`${app.url}/api/messages`, channelActivity(channel, conversationId, { type: 'message', text, locale: 'en-US' }), { timeout: 15000, validateStatus: () => true });
      if (res.status >= 300) throw new Error(`/api/messages answered ${res.status}`);
      return mine().slice(before);
    },
  };
}

async function escalate(conversationId: string, phone = 'Skip'): Promise<string> {
  const c = customer(conversationId);
  await c.say('I want to talk to a person');
  await c.say('Skip');
  await c.say('The locker did not open and my parcel is stuck inside');
  const replies = await c.say(phone);
  const id = replies.map((r) => /C-\d{6}-\d{4}/.exec(r.text ?? '')?.[0]).find(Boolean);
  if (!id) throw new Error('no case id');
  return id;
}

async function signIn(page: Page, lang: ConsoleLang): Promise<void> {
  const T = consoleText(lang);
  await page.goto(`${app.url}/agent`);
  await page.getByLabel(T('login.username')).fill(SUPERVISOR.id);
  await page.getByLabel(T('login.password')).fill(SUPERVISOR.password);
  await page.getByRole('button', { name: T('login.submit') }).click();
  await page.locator('#console-view').waitFor({ state: 'visible' });
  await page.locator('#conn-state[data-state="online"]').waitFor();
}

const t = (lang: 'lt' | 'en', key: string) => messages.t(lang, `console.supervisor.${key}`);

for (const lang of ['lt', 'en'] as const) {
  test(`supervisor tools in ${lang}: block from a case (audit with who and why), unblock, clear a code lock, erase by phone`, async () => {
    const { page } = w;
    const conv = `sup-${lang}-${Date.now()}`;
    const caseId = await escalate(conv);
    const phone = lang === 'lt' ? '+37061288001' : '+37061288002';
    const erasable = await escalate(`${conv}-erase`, phone);
    let lockId = '';
    for (let i = 0; i < 10 && !lockId; i++) {
      const o = await app.proof.start({ conversationId: `${conv}-proof`, target: { kind: 'parcel', trackingNumber: F.readdressable.trackingNumber, role: 'sender' }, lang: 'lt' });
      if (o.outcome === 'locked') lockId = o.lockId;
    }
    expect(lockId).toBeTruthy();

    await page.addInitScript((l) => localStorage.setItem('ld.lang', l), lang);
    await signIn(page, lang);
    await page.locator(`.queue-item[data-id="${caseId}"]`).click();
    await page.locator('#case-id', { hasText: caseId }).waitFor();

    // Block from the case: the reason asked for goes to the audit.
    const reason = lang === 'lt' ? 'grasina darbuotojams' : 'threatens staff';
    page.once('dialog', (d) => void d.accept(reason));
    await page.getByRole('button', { name: t(lang, 'block') }).click();
    await page.locator('#toast-text', { hasText: t(lang, 'blocked') }).waitFor();
    const c = customer(conv);
    expect((await c.say('hello?')).map((a) => a.text)).toEqual([messages.t('en', 'fairuse.blocked')]);
    expect(await c.say('where is my parcel?')).toEqual([]);

    await page.locator('#nav-supervisor').click();
    await page.locator('#sup-blocks-h', { hasText: t(lang, 'blocksTitle') }).waitFor();
    const blockRow = page.locator('#sup-blocks-list li[data-identity]');
    await blockRow.waitFor();
    expect(await blockRow.innerText()).toContain(reason);
    const audit = page.locator('#sup-audit-body tr').first();
    expect(await audit.innerText()).toContain(t(lang, 'action.block'));
    expect(await audit.innerText()).toContain(SUPERVISOR.name);
    expect(await audit.innerText()).toContain(reason);

    // The code lock, then clear it.
    const lock = page.locator(`#sup-locks-list li[data-lock="${lockId}"]`);
    await lock.waitFor();
    await lock.getByRole('button', { name: t(lang, 'clear') }).click();
    await page.locator('#toast-text', { hasText: t(lang, 'cleared') }).waitFor();
    await lock.waitFor({ state: 'detached' });

    // Unblock with a reason; the customer is answered again.
    page.once('dialog', (d) => void d.accept(lang === 'lt' ? 'atsiprašė telefonu' : 'apologised'));
    await blockRow.getByRole('button', { name: t(lang, 'unblock') }).click();
    await page.locator('#sup-blocks-list li.hint', { hasText: t(lang, 'blocksEmpty') }).waitFor();
    expect(await page.locator('#sup-audit-body tr').first().innerText()).toContain(t(lang, 'action.unblock'));
    expect((await c.say('hello again')).length).toBeGreaterThan(0);

    // Erase by phone: the case leaves the console.
    await page.getByLabel(t(lang, 'erasePhone')).fill(phone);
    await page.locator('#erase-confirm').check();
    await page.getByRole('button', { name: t(lang, 'erase'), exact: true }).click();
    await page.locator('#toast-text', { hasText: /1/ }).waitFor();
    expect(await page.locator('#toast-text').innerText()).toMatch(lang === 'lt' ? /^Ištrinta: atvejų 1/ : /^Erased: 1 cases/);
    await page.locator(`.queue-item[data-id="${erasable}"]`).waitFor({ state: 'detached' });
    await page.screenshot({ path: artifactPath(`agent-console-supervisor-${lang}.png`), fullPage: true });
    expect(w.errors).toEqual([]);
    await page.getByRole('button', { name: consoleText(lang)('top.signOut') }).click().catch(() => undefined);
  });
}
