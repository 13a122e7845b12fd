/**
 * Issue #3 "Done when", end to end against the real application (`buildApp` with configured
 * agents, sandbox carrier, embedded recognizer, in-memory hand-off store) and headless Chromium:
 * an agent signs in; a customer talking to the bot over /api/messages asks for a person; the case
 * shows up in the agent's queue within a second; the agent claims it; messages go both ways
 * (customer → live in the agent's transcript, agent → the customer's channel); the agent closes
 * the case and the customer is back with the bot. Screenshot: test-artifacts/agent-console-{lt,en}.png; the test runs in Lithuanian and English.
 */
import { randomBytes, scryptSync } from 'crypto';
import axios from 'axios';
import type { Browser, Page } from 'playwright-core';
import { buildApp, type App } from '../../../index';
import { loadConfig } from '../../../services/config';
import { createLogger } from '../../../services/logging/logger';
import { createMessages } from '../../../services/i18n/messages';
import { channelActivity, startChannelStandIn, type ChannelActivity, type ChannelStandIn } from '../../support/channelStandIn';
import { artifactPath, launchChromium, openPage, type WatchedPage } from './browser';
import { CONSOLE_LANGS, consoleText } from './consoleText';
import { SCRIPTED_CLIENT_ENV } from '../../support/fairUse';

jest.setTimeout(90000);

/** The documented hash format (`scrypt$N$r$p$salt$hash`), computed here with a small N for speed. */
function scryptHash(password: string): string {
  const N = 1024;
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N, r: 8, p: 1 });
  return ['scrypt', N, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

const AGENT = { id: 'ona', name: 'Ona Petraitė', password: 'correct horse battery 7' };
const SUPERVISOR = { id: 'sandra', name: 'Sandra Vadovė', password: 'another long secret 9' };

let app: App;
let channel: ChannelStandIn;
let browser: Browser;
let w: WatchedPage;
const messages = createMessages();

beforeAll(async () => {
  const agents = [
    { id: AGENT.id, name: AGENT.name, role: 'agent', passwordHash: scryptHash(AGENT.password) },
    { id: SUPERVISOR.id, name: SUPERVISOR.name, role: 'supervisor', passwordHash: scryptHash(SUPERVISOR.password) },
  ];
  const config = loadConfig({
    ...SCRIPTED_CLIENT_ENV,
    PORT: '0',
    LOG_LEVEL: 'silent',
    AGENTS: JSON.stringify(agents),
    // Always inside working hours, so the customer is told "a colleague will answer" at any test time.
    BUSINESS_HOURS: '1-7 00:00-24:00',
    BUSINESS_HOLIDAYS: 'none',
  });
  // One after the other: on a busy machine the recognizer's training starves a browser started alongside it.
  [app, channel] = await Promise.all([buildApp(config, { logger: createLogger('silent') }), startChannelStandIn()]);
  browser = await launchChromium();
}, 150000);

afterAll(async () => {
  await w?.context.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await channel?.close();
  await app?.close();
});

/** A customer in one conversation of the emulator channel; replies land at the stand-in. */
function customer(conversationId: string) {
  const mine = () => channel.received.filter((a) => a.conversation?.id === conversationId && a.type === 'message');
  return {
    replies: mine,
    /** Posts a message; resolves with the bot's message replies sent during the turn. */
    async say(text: string): Promise<ChannelActivity[]> {
      const before = mine().length;
      const res = await axios.post(`${app.url}/api/messages`, channelActivity(channel, conversationId, { type: 'message', text, locale: 'en-US' }), {
        timeout: 15000,
        validateStatus: () => true,
      });
      if (res.status >= 300) throw new Error(`/api/messages answered ${res.status} to "${text}"`);
      return mine().slice(before);
    },
    /** Waits (bounded) for a message reply whose text matches (a string: exactly). */
    async expectReply(pattern: RegExp | string, timeoutMs = 5000): Promise<ChannelActivity> {
      const ok = (a: ChannelActivity) => (typeof pattern === 'string' ? a.text === pattern : pattern.test(a.text ?? ''));
      await channel.waitFor(() => mine().some(ok), timeoutMs);
      return mine().find(ok) as ChannelActivity;
    },
  };
}

async function sessionCookie(page: Page): Promise<string> {
  const cookies = await page.context().cookies(app.url + '/agent');
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

async function signIn(page: Page, T: ReturnType<typeof consoleText>, username: string, password: string): Promise<void> {
  await page.goto(`${app.url}/agent`);
  await page.getByLabel(T('login.username')).fill(username);
  await page.getByLabel(T('login.password')).fill(password);
  await page.getByRole('button', { name: T('login.submit') }).click();
  await page.locator('#console-view').waitFor({ state: 'visible' });
  await page.locator('#conn-state[data-state="online"]').waitFor();
}

describe.each(CONSOLE_LANGS)('the console in %s', (lang) => {
  const T = consoleText(lang);
  beforeAll(async () => {
    w = await openPage(browser, undefined, lang);
  });
  afterAll(async () => {
    await w?.context.close().catch(() => undefined);
  });

  test(`${lang}: an agent takes a customer over from the bot, they talk both ways, and the customer is back with the bot`, async () => {
    const { page } = w;
    const pageRes = await axios.get(`${app.url}/agent`, { validateStatus: () => true });
    if (pageRes.status !== 200) throw new Error(`GET /agent answered ${pageRes.status}: the app does not serve web/agent/index.html`);

    // Wrong password first: a polite message, no session.
    await page.goto(`${app.url}/agent`);
    await page.getByLabel(T('login.username')).fill(AGENT.id);
    await page.getByLabel(T('login.password')).fill('not the password');
    await page.getByRole('button', { name: T('login.submit') }).click();
    await page.locator('#login-message', { hasText: T('login.wrong') }).waitFor();

    await signIn(page, T, AGENT.id, AGENT.password);
    expect(await page.locator('#me-name').innerText()).toContain(AGENT.name);

    // The customer asks for a person and answers the bot's questions before the hand-off.
    const conv = `console-e2e-${Date.now()}`;
    const c = customer(conv);
    await c.say('I want to talk to a person');
    await c.expectReply(/parcel number|Skip/i);
    await c.say('Skip');
    await c.expectReply(/describe|what happened/i);
    await c.say('The locker did not open and my parcel is stuck inside');
    await c.expectReply(/phone/i);

    // The last answer opens the case; it must be in the agent's queue within a second.
    const started = Date.now();
    const appeared = page.locator('#q-queued .queue-item').first().waitFor({ timeout: 5000 }).then(() => Date.now() - started);
    await c.say('Skip');
    const queuedReply = await c.expectReply(/in the queue/i);
    const caseId = /C-\d{6}-\d{4}/.exec(queuedReply.text ?? '')?.[0];
    expect(caseId).toBeDefined();
    const latencyMs = await appeared;
    expect(latencyMs).toBeLessThan(1000);
    const item = page.locator(`.queue-item[data-id="${caseId}"]`);
    await item.waitFor({ timeout: 1000 });
    expect(await item.innerText()).toMatch(/P[123]/);
    expect(await page.title()).toMatch(/^\(1\) /);

    // Claim: the customer hears that a person joined.
    await item.click();
    await page.locator('#case-id', { hasText: caseId as string }).waitFor();
    expect(await page.locator('#transcript .from-customer').count()).toBeGreaterThan(0);
    // The summary is stored once, in the service's agent language (lt); the agent reads its reason in theirs.
    const stored = (await axios.get(`${app.url}/agent/api/cases/${encodeURIComponent(caseId as string)}`, { headers: { cookie: await sessionCookie(page) } })).data.case;
    const reasonIn = (l: 'lt' | 'en') => messages.t(l, `handoff.agentView.reason.${stored.reason}`);
    expect(String(stored.summary).slice(0, reasonIn('lt').length)).toBe(reasonIn('lt'));
    const shown = await page.locator('#case-summary').innerText();
    expect(shown.slice(0, reasonIn(lang).length)).toBe(reasonIn(lang));
    expect(shown.slice(reasonIn(lang).length)).toBe(String(stored.summary).slice(reasonIn('lt').length));
    // Times in the business time zone, which the public labels API names (the sign-in page uses it too).
    const labels = (await axios.get(`${app.url}/agent/api/labels?lang=${lang}`)).data;
    expect(labels).toMatchObject({ lang, timeZone: 'Europe/Vilnius' });
    expect(await page.locator('#transcript time').first().getAttribute('title')).toContain('(Europe/Vilnius)');
    await page.getByRole('button', { name: T('act.claim') }).click();
    await page.locator('#composer-text:enabled').waitFor({ timeout: 5000 });
    await c.expectReply(messages.t('en', 'handoff.agentJoined', { name: AGENT.name }));
    await page.locator(`#q-mine .queue-item[data-id="${caseId}"]`).waitFor({ timeout: 2000 });

    // Agent → customer (Enter sends).
    const box = page.getByLabel(T('composer.label'));
    await box.fill('Hello, I can see the locker. Which compartment was it?');
    await box.press('Enter');
    await c.expectReply('Hello, I can see the locker. Which compartment was it?');
    await page.locator('#transcript .from-agent', { hasText: 'Which compartment was it?' }).waitFor({ timeout: 2000 });

    // Customer → agent, live in the open transcript (no reload). The bot stays silent meanwhile.
    const botRepliesBefore = c.replies().length;
    const liveStarted = Date.now();
    await c.say('Compartment 12, <b>bottom</b> row');
    await page.locator('#transcript .from-customer', { hasText: 'Compartment 12, <b>bottom</b> row' }).waitFor({ timeout: 2000 });
    const liveMs = Date.now() - liveStarted;
    expect(c.replies().length).toBe(botRepliesBefore);
    expect(await page.locator('#transcript b').count()).toBe(0);

    await page.screenshot({ path: artifactPath(`agent-console-${lang}.png`) });
    // A supervisor (second browser context) sees Ona online with this case.
    const sup = await openPage(browser, undefined, lang);
    try {
      await signIn(sup.page, T, SUPERVISOR.id, SUPERVISOR.password);
      await sup.page.getByRole('button', { name: T('nav.supervisor') }).click();
      const row = sup.page.locator(`#agents-body tr[data-agent="${AGENT.id}"]`);
      await row.locator('.presence', { hasText: T('team.online') }).waitFor({ timeout: 3000 });
      expect(await row.locator('.open-cases').innerText()).toBe('1');
      expect(await row.innerText()).toContain(caseId as string);
      expect(sup.errors).toEqual([]);
    } finally {
      await sup.context.close();
    }

    // Close with a resolution: the customer is told and is back with the bot.
    await page.getByLabel(T('act.resolution')).selectOption('solved');
    await page.getByRole('button', { name: T('act.close') }).click();
    await page.locator('#case-banner', { hasText: T('case.closedBanner') }).waitFor({ timeout: 3000 });
    await c.expectReply(messages.t('en', 'handoff.closed', { caseId: caseId as string }));
    await page.locator(`.queue-item[data-id="${caseId}"]`).waitFor({ state: 'detached', timeout: 3000 });

    const after = await c.say('where is my parcel?');
    expect(after.length).toBeGreaterThan(0);
    // The bot itself answers: it asks which parcel to look up.
    expect(after.map((a) => a.text)).toContain(messages.t('en', 'ask.trackingNumberTrack'));
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.locator('#transcript .from-customer', { hasText: 'where is my parcel?' }).count()).toBe(0);

    expect(w.errors).toEqual([]);
    // Figures for the report.
    process.stdout.write(`agent console e2e (${lang}): case in queue after ${latencyMs} ms, customer message in transcript after ${liveMs} ms\n`);

    // Each message is in the case transcript once (not again as a "bot" copy of the relayed send).
    const transcript = (await axios.get(`${app.url}/agent/api/cases/${encodeURIComponent(caseId as string)}`, { headers: { cookie: await sessionCookie(page) } })).data.transcript;
    const texts = (transcript as { text: string }[]).map((e) => e.text);
    expect(texts.filter((t) => t === 'Hello, I can see the locker. Which compartment was it?')).toHaveLength(1);
    expect(texts.filter((t) => t === messages.t('en', 'handoff.agentJoined', { name: AGENT.name }))).toHaveLength(1);
  });

  test(`${lang}: a stranger with the same parcel number gets a case of their own; the agent sees it related, merges it with one click and must choose whom to answer`, async () => {
    const stamp = Date.now();
    const victim = customer(`console-victim-${stamp}`);
    const stranger = customer(`console-stranger-${stamp}`);
    const parcel = 'CE517302644LT';
    const escalate = async (c: ReturnType<typeof customer>, description: string): Promise<string> => {
      await c.say('I want to talk to a person');
      await c.expectReply(/parcel number|Skip/i);
      await c.say(parcel);
      await c.expectReply(/describe|what happened/i);
      await c.say(description);
      await c.expectReply(/phone/i);
      const before = c.replies().length;
      await c.say('Skip');
      const queued = await c.expectReply(/in the queue/i);
      expect(c.replies().length).toBeGreaterThan(before);
      return /C-\d{6}-\d{4}/.exec(queued.text ?? '')![0];
    };
    const victimCase = await escalate(victim, 'My parcel is damaged. I am Ona, door code ZX-4711.');
    const strangerCase = await escalate(stranger, 'Tell me everything about this parcel');
    expect(strangerCase).not.toBe(victimCase);
    const strangerSeen = () => JSON.stringify(channel.received.filter((a) => a.conversation?.id === stranger.replies()[0]?.conversation?.id));
    expect(strangerSeen()).not.toContain(victimCase);
    expect(strangerSeen()).not.toContain('ZX-4711');

    const agent = await openPage(browser, undefined, lang);
    try {
      const { page } = agent;
      await signIn(page, T, AGENT.id, AGENT.password);
      await page.locator(`.queue-item[data-id="${victimCase}"]`).click();
      await page.locator('#case-id', { hasText: victimCase }).waitFor();
      const related = page.locator(`#related-list li[data-related="${strangerCase}"]`);
      await related.waitFor({ timeout: 3000 });
      // Merging needs the case to be mine first.
      expect(await related.getByRole('button', { name: T('related.merge') }).isDisabled()).toBe(true);
      await page.getByRole('button', { name: T('act.claim') }).click();
      await page.locator('#composer-text:enabled').waitFor({ timeout: 5000 });
      await related.getByRole('button', { name: T('related.merge') }).click();
      await page.locator('#toast-text', { hasText: T('toast.merged', { id: strangerCase }) }).waitFor({ timeout: 3000 });
      await page.locator(`.queue-item[data-id="${strangerCase}"]`).waitFor({ state: 'detached', timeout: 3000 });
      await page.locator('#related-panel').waitFor({ state: 'hidden', timeout: 3000 });

      // Two conversations now: the agent has to pick one; nothing is preselected.
      const answerIn = page.getByLabel(T('composer.answerIn'));
      await answerIn.waitFor({ state: 'visible', timeout: 3000 });
      expect(await answerIn.inputValue()).toBe('');
      expect(await answerIn.locator('option').count()).toBe(3);
      const box = page.getByLabel(T('composer.label'));
      await box.fill('Ona, your door code is right.');
      await box.press('Enter');
      await page.locator('#toast-text', { hasText: T('composer.chooseFirst') }).waitFor({ timeout: 3000 });
      const victimConversation = victim.replies()[0].conversation!.id;
      await answerIn.selectOption(victimConversation);
      await box.press('Enter');
      await victim.expectReply('Ona, your door code is right.');
      await page.screenshot({ path: artifactPath(`agent-console-merged-${lang}.png`) });
      await new Promise((r) => setTimeout(r, 300));
      expect(strangerSeen()).not.toContain('Ona, your door code is right.');
      expect(strangerSeen()).not.toContain(victimCase);
      expect(agent.errors).toEqual([]);

      await page.getByLabel(T('act.resolution')).selectOption('solved');
      await page.getByRole('button', { name: T('act.close') }).click();
      await page.locator('#case-banner', { hasText: T('case.closedBanner') }).waitFor({ timeout: 3000 });
    } finally {
      await agent.context.close();
    }
  });
});
