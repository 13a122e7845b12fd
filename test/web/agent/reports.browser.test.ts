/**
 * The reports page end to end: the real application (sandbox carrier, embedded recognizer,
 * in-memory stores, demo sign-in links), a few scripted conversations over /api/messages (a flow
 * completed and rated, a message the bot does not understand, a hand-off claimed, answered and
 * closed by an agent and rated), then headless Chromium as a supervisor: the charts are drawn with
 * data, the CSV downloads, an unrecognised message is labelled and downloaded as training data,
 * the page text follows the chosen language, and an agent is refused. Screenshot:
 * test-artifacts/reports.png.
 */
import { readFileSync } from 'fs';
import axios from 'axios';
import type { Browser } from 'playwright-core';
import { buildApp, type App } from '../../../index';
import { loadConfig } from '../../../services/config';
import { createLogger } from '../../../services/logging/logger';
import { createMessages } from '../../../services/i18n/messages';
import { parseTrainingTsv } from '../../../services/nlu/trainingData';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';
import { channelActivity, startChannelStandIn, type ChannelStandIn } from '../../support/channelStandIn';
import { SCRIPTED_CLIENT_ENV } from '../../support/fairUse';
import { artifactPath, launchChromium, openPage, type WatchedPage } from './browser';

jest.setTimeout(120_000);

let app: App;
let channel: ChannelStandIn;
let browser: Browser;
let w: WatchedPage;
/** The demo agent's session (its single-use link is spent in beforeAll). */
let agentCookie = '';
const messages = createMessages();
const GIBBERISH = 'blorp zzkx qwv';

const post = (id: string, text: string) => axios.post(`${app.url}/api/messages`, channelActivity(channel, id, { type: 'message', text, locale: 'en-GB' }));
const token = (role: string) => app.handoff.demoLinks!.find((l) => l.role === role)!.path.split('#setup=')[1];

beforeAll(async () => {
  const config = loadConfig({ ...SCRIPTED_CLIENT_ENV, PORT: '0', LOG_LEVEL: 'silent', BUSINESS_HOURS: '1-7 00:00-24:00', BUSINESS_HOLIDAYS: 'none' });
  [app, channel] = await Promise.all([buildApp(config, { logger: createLogger('silent') }), startChannelStandIn()]);

  await post('web-a', `where is my parcel ${F.delivered.trackingNumber}?`);
  await post('web-a', '5');
  await post('web-a', messages.t('en', 'rating.noComment'));
  await post('web-b', GIBBERISH);
  await post('web-c', 'I want to talk to a person');
  await post('web-c', 'skip');
  await post('web-c', 'I have a question about an invoice from last month');
  await post('web-c', 'skip');
  const setup = await axios.post(`${app.url}/agent/api/setup`, { token: token('agent') }, { headers: { 'x-requested-with': 'lockerdesk' } });
  agentCookie = String(setup.headers['set-cookie']?.[0]).split(';')[0];
  const headers = { cookie: agentCookie, 'x-requested-with': 'lockerdesk' };
  const queue = (await axios.get(`${app.url}/agent/api/queue`, { headers })).data as { cases: { id: string }[] };
  const caseId = queue.cases[0].id;
  await axios.post(`${app.url}/agent/api/cases/${caseId}/claim`, {}, { headers });
  await axios.post(`${app.url}/agent/api/cases/${caseId}/messages`, { text: 'Hello, let me check the invoice.' }, { headers });
  await axios.post(`${app.url}/agent/api/cases/${caseId}/close`, { resolution: 'solved' }, { headers });
  await channel.waitFor((all) => all.some((a) => a.conversation?.id === 'web-c' && (a.suggestedActions?.actions.length ?? 0) === 5), 10_000);
  await post('web-c', '4');
  await app.reports.recorder.idle();

  browser = await launchChromium();
  w = await openPage(browser, () => localStorage.setItem('ld.lang', 'en'));
}, 150_000);

afterAll(async () => {
  await w?.context.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await channel?.close();
  await app?.close();
});

test('a supervisor sees the charts drawn with data, downloads the CSV, labels a message and downloads it as training data', async () => {
  const { page } = w;
  await page.goto(`${app.url}/agent#setup=${token('supervisor')}`);
  await page.locator('#nav-reports').waitFor({ state: 'visible', timeout: 15_000 });
  expect(await page.locator('#nav-reports').getAttribute('href')).toBe('/agent/reports');
  await page.click('#nav-reports');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });

  expect(await page.locator('h1 .brand-sub').textContent()).toBe(messages.t('en', 'reports.title'));
  expect(await page.locator('#tile-conversations').textContent()).toBe('3');
  expect(await page.locator('#tile-containment').textContent()).toBe('66.7 %');

  // Each chart is a chart.js instance with at least one non-zero value.
  const drawn = await page.evaluate(() => {
    const lib = (globalThis as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: unknown[] }[] } } | undefined } }).Chart;
    return Array.from(document.querySelectorAll('canvas')).map((c) => {
      const chart = lib.getChart(c);
      const values = chart ? chart.data.datasets.flatMap((d) => d.data.map(Number)) : [];
      // Waiting and first-response times of a case claimed at once are 0: that chart only needs its points.
      return [c.id, c.id === 'chart-times' ? values.length > 0 : values.some((v) => v > 0), c.width > 0 && c.height > 0];
    });
  });
  expect(drawn).toEqual(['chart-containment', 'chart-times', 'chart-reasons', 'chart-intents', 'chart-ratings', 'chart-flows'].map((id) => [id, true, true]));

  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#csv-link')]);
  const csvText = readFileSync((await csv.path())!, 'utf8');
  expect(csvText.split('\r\n')[0]).toMatch(/^period,conversations,contained,containment_rate,handoffs,/);
  expect(csvText).toMatch(/\r\ntotal,3,2,0\.6667,1,/);

  await page.selectOption('#unrecognized-lang', 'en');
  const row = page.locator('#unrecognized-rows tr', { hasText: GIBBERISH });
  await row.waitFor();
  expect(await row.locator('td.count').textContent()).toBe('1');
  await row.locator('select').selectOption('none');
  await row.locator('button').click();
  await row.locator('.saved', { hasText: messages.t('en', 'reports.labelled') }).waitFor();
  const [training] = await Promise.all([page.waitForEvent('download'), page.click('#training-link')]);
  expect(training.suggestedFilename()).toBe('en.tsv');
  const tsv = readFileSync((await training.path())!, 'utf8');
  expect(parseTrainingTsv(tsv, 'en')).toEqual([{ intent: 'none', text: GIBBERISH, lang: 'en' }]);

  await page.screenshot({ path: artifactPath('reports.png'), fullPage: true });

  await page.selectOption('#report-lang', 'lt');
  await page.locator('h1 .brand-sub', { hasText: messages.t('lt', 'reports.title') }).waitFor();
  expect(await page.locator('[data-label="containment"]').first().textContent()).toBe(messages.t('lt', 'reports.containment'));
  expect(w.errors).toEqual([]);
});

test('an agent opening the page is told it is for supervisors and gets no figures; without a session it goes to sign-in', async () => {
  const agent = await openPage(browser, () => localStorage.setItem('ld.lang', 'en'));
  try {
    const [name, value] = agentCookie.split('=');
    await agent.context.addCookies([{ name, value, url: app.url }]);
    await agent.page.goto(`${app.url}/agent/reports`);
    await agent.page.locator('#report-message', { hasText: messages.t('en', 'reports.notAllowed') }).waitFor();
    expect(await agent.page.locator('#report-body').isHidden()).toBe(true);
    expect(await agent.page.locator('#tile-conversations').textContent()).toBe('–');
    const api = await agent.page.evaluate(async () => (await fetch('/agent/api/reports')).status);
    expect(api).toBe(403);
    expect(agent.errors).toEqual([]);
  } finally {
    await agent.context.close();
  }
  const anonymous = await openPage(browser);
  try {
    await anonymous.page.goto(`${app.url}/agent/reports`);
    await anonymous.page.waitForURL(`${app.url}/agent`);
  } finally {
    await anonymous.context.close();
  }
});
