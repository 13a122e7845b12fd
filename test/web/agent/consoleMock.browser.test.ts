/**
 * The agent console in headless Chromium against the in-memory mock API: hostile customer text
 * stays text, new-case alerts (sound, desktop notification, title badge), conflicts and session
 * expiry are explained, the CSRF header goes on every POST, and the supervisor view.
 * The full flow against the real app is in console.browser.test.ts.
 */
import type { Browser, Page } from 'playwright-core';
import { MOCK_TIME_ZONE, startMockApi, type MockAgent, type MockApi } from './mockApi';
import { attachmentHref, attachmentRef } from '../../../services/handoff/caseView';
import { launchChromium, openPage, artifactPath, type WatchedPage } from './browser';
import { CONSOLE_LANGS, consoleText } from './consoleText';

jest.setTimeout(60000);

/** Replaces the desktop Notification and WebAudio APIs with recorders (headless has neither). */
const ALERT_STUBS = `
  window.__notes = []; window.__beeps = 0;
  class FakeNotification {
    constructor(title, opts) { window.__notes.push({ title, body: opts && opts.body }); }
    static async requestPermission() { FakeNotification.permission = 'granted'; return 'granted'; }
    close() {}
  }
  FakeNotification.permission = 'default';
  window.Notification = FakeNotification;
  class FakeAudioContext {
    constructor() { this.state = 'running'; this.currentTime = 0; this.destination = {}; }
    resume() { return Promise.resolve(); }
    createOscillator() { return { type: '', frequency: { value: 0 }, connect: (n) => n, start() { window.__beeps++; }, stop() {} }; }
    createGain() { return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (n) => n }; }
  }
  window.AudioContext = FakeAudioContext;
`;

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b> & <a href="javascript:window.__pwned=3">link</a>';

function agents(): MockAgent[] {
  return [
    { id: 'a-ona', name: 'Ona', role: 'agent', username: 'ona', password: 'ona-pass-1', online: true },
    { id: 'a-petras', name: 'Petras', role: 'agent', username: 'petras', password: 'petras-pass-1', online: true },
    { id: 'a-jonas', name: 'Jonas', role: 'agent', username: 'jonas', password: 'jonas-pass-1', online: false },
    { id: 'a-sandra', name: 'Sandra', role: 'supervisor', username: 'sandra', password: 'sandra-pass-1', online: true },
  ];
}

async function signIn(page: Page, T: ReturnType<typeof consoleText>, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/agent`);
  await page.getByLabel(T('login.username')).fill(username);
  await page.getByLabel(T('login.password')).fill(password);
  await page.getByRole('button', { name: T('login.submit') }).click();
  await page.locator('#console-view').waitFor({ state: 'visible' });
  await page.locator('#conn-state[data-state="online"]').waitFor();
}

/** The start of `text` up to the `§` filled in for a part that varies (e.g. "Overdue by 1m " of "Overdue by 1m 05s"). */
const upTo = (text: string) => text.slice(0, text.indexOf('§'));

describe.each(CONSOLE_LANGS)('agent console (mock API) in %s', (lang) => {
  const T = consoleText(lang);
  let browser: Browser;
  let mock: MockApi;
  let w: WatchedPage;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    mock = await startMockApi(agents());
    w = await openPage(browser, undefined, lang);
    await w.page.addInitScript({ content: ALERT_STUBS });
  });
  afterEach(async () => {
    await w?.context.close();
    await mock?.close();
  });

  it('explains a wrong password, alerts on a new case and never renders customer text as markup', async () => {
    const { page } = w;
    await page.goto(`${mock.url}/agent`);
    await page.getByLabel(T('login.username')).fill('ona');
    await page.getByLabel(T('login.password')).fill('wrong');
    await page.getByRole('button', { name: T('login.submit') }).click();
    await expectText(page, '#login-message', T('login.wrong'));
    expect(await page.getByLabel(T('login.password')).inputValue()).toBe('');

    await signIn(page, T, mock.url, 'ona', 'ona-pass-1');
    expect(await page.locator('#nav-supervisor').isHidden()).toBe(true);
    await page.getByRole('button', { name: T('notify.enable') }).click();
    await page.locator('#notify-btn').waitFor({ state: 'hidden' });

    const c = mock.createCase({
      summary: HOSTILE,
      priority: 1,
      kind: 'locker_fault',
      reason: 'locker_fault',
      channel: 'facebook',
      lang: 'en',
      firstResponseDueAt: new Date(Date.now() - 90_000).toISOString(),
      fields: {
        trackingNumber: 'LT<b>123</b>',
        description: HOSTILE,
        attachments: [
          { kept: false, contentType: 'image/png', name: '<i>evil</i>' },
          { kept: true, source: 'stored', url: 'https://bot.example.test/v3/attachments/1', contentType: 'image/png', name: 'photo' },
        ],
      },
    });
    const item = page.locator(`.queue-item[data-id="${c.id}"]`);
    await item.waitFor({ timeout: 1000 });
    await page.waitForFunction(() => (window as unknown as { __notes: unknown[] }).__notes.length === 1, undefined, { timeout: 2000 });
    const notes = await page.evaluate(() => (window as unknown as { __notes: { title: string; body: string }[] }).__notes);
    expect(notes[0].title).toContain(c.id);
    expect(await page.evaluate(() => (window as unknown as { __beeps: number }).__beeps)).toBeGreaterThanOrEqual(1);
    expect(await page.title()).toMatch(/^\(1\) /);
    expect(await item.locator('.prio').innerText()).toContain('P1');
    expect(await item.innerText()).toContain('Messenger');
    await expectText(page, `.queue-item[data-id="${c.id}"] .due.overdue`, upTo(T('due.overdue', { d: T('duration.ms', { m: 1, s: '§' }) })));
    expect(await item.locator('.qi-summary').innerText()).toBe(HOSTILE);

    await item.click();
    await expectText(page, '#case-id', c.id);
    expect(await page.locator('#case-fields').innerText()).toContain('LT<b>123</b>');
    const said = mock.customerSays(c.id, HOSTILE);
    await page.locator('#transcript .from-customer').waitFor({ timeout: 1000 });
    expect(await page.locator('#transcript .from-customer .msg-text').innerText()).toBe(said.text);
    expect(await page.locator('#transcript .from-customer time').getAttribute('title')).toContain(`(${MOCK_TIME_ZONE})`);

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#queue-lists b, #queue-lists img, #case-body b, #case-body script, #case-body i, #case-fields img').count()).toBe(0);
    // Attachments come from the server only (same origin, behind the session); a dropped one is a note without a link.
    const hrefs = await page.locator('#case-attachments a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual([`${mock.url}${attachmentHref(c.id, attachmentRef('https://bot.example.test/v3/attachments/1'))}`]);
    expect(await page.locator('#case-attachments').innerText()).toContain(T('attachment.notKept', { name: '<i>evil</i>' }));
    const foreign = await page.evaluate((origin) => Array.from(document.querySelectorAll('[src],[href]')).map((e) => e.getAttribute('src') ?? e.getAttribute('href') ?? '').filter((u) => u && !u.startsWith(origin) && !u.startsWith('/') && !u.startsWith('#')), mock.url);
    expect(foreign).toEqual([]);

    // Claim, then Shift+Enter makes a new line and Enter sends.
    await page.getByRole('button', { name: T('act.claim') }).click();
    const box = page.getByLabel(T('composer.label'));
    await page.locator('#composer-text:enabled').waitFor({ timeout: 3000 });
    await box.fill('<b>line1</b>');
    await box.press('Shift+Enter');
    await box.pressSequentially('line2');
    await box.press('Enter');
    await page.locator('#transcript .from-agent').waitFor({ timeout: 2000 });
    expect(mock.transcripts.get(c.id)?.at(-1)).toMatchObject({ from: 'agent', text: '<b>line1</b>\nline2', agentId: 'a-ona' });
    expect(await page.locator('#transcript .from-agent .msg-text').innerText()).toBe('<b>line1</b>\nline2');
    expect(await box.inputValue()).toBe('');
    await page.screenshot({ path: artifactPath(`agent-console-mock-${lang}.png`) });

    // Someone else wins the race for the next case.
    const raced = mock.createCase({ summary: 'Where is my parcel?', priority: 3 });
    await page.locator(`.queue-item[data-id="${raced.id}"]`).click();
    await expectText(page, '#case-id', raced.id);
    Object.assign(raced, { status: 'assigned', assignedTo: 'a-petras' });
    await page.getByRole('button', { name: T('act.claim') }).click();
    await expectText(page, '#toast-text', T('error.alreadyClaimed'));
    await expectText(page, '#case-banner', T('case.handledBy', { name: 'Petras' }));

    // Agents may not read the team list (403); colleagues holding cases are offered for transfer.
    await page.locator(`.queue-item[data-id="${c.id}"]`).click();
    await expectText(page, '#case-id', c.id);
    await page.locator('#act-transfer:enabled').waitFor({ timeout: 3000 });
    expect(await page.getByLabel(T('act.transferTo'), { exact: true }).locator('option').allInnerTexts()).toEqual(['Petras']);
    await page.getByRole('button', { name: T('act.transfer'), exact: true }).click();
    await expectText(page, '#toast-text', T('toast.transferred', { name: 'Petras' }));
    expect(mock.cases.get(c.id)?.assignedTo).toBe('a-petras');
    await page.locator(`#q-others .queue-item[data-id="${c.id}"]`).waitFor({ timeout: 2000 });
    await page.locator('#composer-text:disabled').waitFor({ timeout: 2000 });

    expect(mock.posts.length).toBeGreaterThanOrEqual(4);
    expect(mock.posts.filter((p) => p.csrf !== 'lockerdesk')).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(w.errors).toEqual([]);
  });

  it('shows the team to a supervisor, live presence, and reassigns a case', async () => {
    const { page } = w;
    const c1 = mock.createCase({ summary: 'Locker door stuck', priority: 1, status: 'assigned', assignedTo: 'a-ona' });
    mock.createCase({ summary: 'Change phone', priority: 2, status: 'assigned', assignedTo: 'a-ona' });
    mock.createCase({ summary: 'Readdress', priority: 2, status: 'assigned', assignedTo: 'a-petras' });
    mock.createCase({ summary: 'Waiting one', priority: 3 });

    await signIn(page, T, mock.url, 'sandra', 'sandra-pass-1');
    await page.getByRole('button', { name: T('nav.supervisor') }).click();
    const row = (id: string) => page.locator(`#agents-body tr[data-agent="${id}"]`);
    await row('a-ona').waitFor();
    expect(await row('a-ona').locator('.presence').innerText()).toBe(T('team.online'));
    expect(await row('a-ona').locator('.open-cases').innerText()).toBe('2');
    expect(await row('a-petras').locator('.open-cases').innerText()).toBe('1');
    expect(await row('a-jonas').locator('.presence').innerText()).toBe(T('team.offline'));
    expect(await row('a-ona').innerText()).toContain('Locker door stuck');
    await expectText(page, '#supervisor-updated', T('team.summary', { online: 3, total: 4, waiting: 1 }));

    // Only online agents are offered; Jonas is offline.
    const select = page.getByLabel(T('act.reassignCase', { id: c1.id }));
    const options = await select.locator('option').allInnerTexts();
    expect(options).toEqual(expect.arrayContaining(['Petras', 'Sandra']));
    expect(options).not.toContain('Jonas');
    await select.selectOption({ label: 'Petras' });
    await row('a-ona').getByRole('button', { name: T('act.reassign') }).first().click();
    await expectText(page, `#agents-body tr[data-agent="a-petras"] .open-cases`, '2');
    expect(mock.cases.get(c1.id)?.assignedTo).toBe('a-petras');
    expect(mock.posts.find((p) => p.path === `/cases/${c1.id}/reassign`)).toMatchObject({ csrf: 'lockerdesk', body: { agentId: 'a-petras' } });

    await page.screenshot({ path: artifactPath(`agent-console-supervisor-mock-${lang}.png`) });
    mock.setOnline('a-jonas', true);
    await expectText(page, '#agents-body tr[data-agent="a-jonas"] .presence', T('team.online'));
    expect(w.errors).toEqual([]);
  });

  it('executes a ready work order, keeps internal notes apart and inserts canned replies in the case language', async () => {
    const { page } = w;
    const c = mock.createCase({
      summary: 'Readdress CE482139075LT',
      priority: 2,
      kind: 'work_order',
      reason: 'needs_staff',
      lang: 'ru',
      customerKey: 'cust-wo',
      conversations: [],
      fields: {
        trackingNumber: 'CE482139075LT',
        workOrder: {
          action: 'readdress',
          trackingNumber: 'CE482139075LT',
          newLockerId: 'VLN-042',
          carrierReference: 'RD-1',
          workingDays: 5,
          chat: { conversationId: 'conv-wo', channel: 'webchat' },
          ready: true,
        },
        attachments: [],
      },
    });
    mock.createCase({ summary: 'An older question', customerKey: 'cust-wo', status: 'closed' });
    await signIn(page, T, mock.url, 'ona', 'ona-pass-1');
    await page.locator(`.queue-item[data-id="${c.id}"]`).click();
    const wo = page.locator('#workorder');
    await wo.waitFor();
    expect(await wo.innerText()).toContain(T('workorder.ready'));
    expect(await wo.innerText()).toContain('VLN-042');
    expect(await page.getByRole('button', { name: T('workorder.markDone') }).isDisabled()).toBe(true);
    expect(await page.locator('#earlier-list').innerText()).toContain('An older question');

    // Notes only once the case is mine (finding 12): the form is disabled before the claim.
    expect(await page.getByLabel(T('notes.newLabel')).isDisabled()).toBe(true);
    await page.getByRole('button', { name: T('act.claim') }).click();
    await page.locator('#composer-text:enabled').waitFor({ timeout: 3000 });

    // Internal note: listed under notes, never sent as a customer message.
    await page.getByLabel(T('notes.newLabel')).fill('Customer sounded <i>upset</i>');
    await page.getByRole('button', { name: T('notes.add') }).click();
    await expectText(page, '#notes-list', 'Customer sounded <i>upset</i>');
    expect(mock.cases.get(c.id)?.notes.map((n) => n.text)).toEqual(['Customer sounded <i>upset</i>']);
    expect(mock.transcripts.get(c.id) ?? []).toEqual([]);
    expect(await page.getByLabel(T('composer.cannedLang')).inputValue()).toBe('ru');
    await page.getByLabel(T('composer.cannedPick'), { exact: true }).selectOption({ label: 'Приветствие' });
    expect(await page.getByLabel(T('composer.label')).inputValue()).toBe('Здравствуйте! Это оператор LockerDesk.');

    await page.getByRole('button', { name: T('workorder.markDone') }).click();
    await expectText(page, '#case-banner', T('case.closedBanner'));
    expect(mock.cases.get(c.id)?.resolution?.code).toBe('work_order_done');
    await page.locator(`.queue-item[data-id="${c.id}"]`).waitFor({ state: 'detached', timeout: 2000 });
    expect(w.errors).toEqual([]);
  });

  it('sends an agent whose session expired back to sign-in with a message', async () => {
    const { page } = w;
    await signIn(page, T, mock.url, 'petras', 'petras-pass-1');
    mock.expireSessions();
    await expectText(page, '#login-message', T('login.expired'), 8000);
    expect(await page.locator('#console-view').isHidden()).toBe(true);
    await signIn(page, T, mock.url, 'petras', 'petras-pass-1');
    expect(await page.locator('#me-name').innerText()).toBe('Petras');

    // Switching the language re-renders the page in the other one and is remembered in this browser.
    const other = lang === 'lt' ? 'en' : 'lt';
    const O = consoleText(other);
    await page.locator('#label-lang').selectOption(other);
    await expectText(page, '#nav-cases', O('nav.cases'));
    expect(await page.locator('#queue-heading').innerText()).toContain(O('queue.title'));
    expect(await page.locator('#q-queued .queue-empty').innerText()).toBe(O('queue.emptyWaiting'));
    expect(await page.locator('html').getAttribute('lang')).toBe(other);
    expect(await page.evaluate(() => localStorage.getItem('ld.lang'))).toBe(other);
    // A new tab of the same browser (same localStorage, same session) opens in the chosen language.
    const tab = await w.context.newPage();
    try {
      await tab.goto(`${mock.url}/agent`);
      await tab.locator('#console-view').waitFor({ state: 'visible' });
      await expectText(tab, '#nav-cases', O('nav.cases'));
      await expectText(tab, '#q-queued .queue-empty', O('queue.emptyWaiting'));
    } finally {
      await tab.close();
    }

    // The sign-in page offers the choice too, before anyone is known.
    await page.getByRole('button', { name: O('top.signOut') }).click();
    await expectText(page, '#login-view h2', O('login.title'));
    expect(await page.locator('#login-view').getByLabel(O('top.langAria')).inputValue()).toBe(other);
    await page.locator('#login-view').getByLabel(O('top.langAria')).selectOption(lang);
    await expectText(page, '#login-view h2', T('login.title'));
    expect(await page.getByRole('button', { name: T('login.submit') }).isVisible()).toBe(true);
  });
});

/** Waits (bounded) until the element's text contains `text`. */
async function expectText(page: Page, selector: string, text: string, timeout = 3000): Promise<void> {
  try {
    await page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout });
  } catch {
    const actual = await page.locator(selector).allInnerTexts().catch(() => []);
    throw new Error(`expected ${selector} to contain ${JSON.stringify(text)}; it shows ${JSON.stringify(actual)}`);
  }
}
