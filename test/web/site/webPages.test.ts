/**
 * registerWebPages over real HTTP on loopback: what each route serves, its caching and security
 * headers, ETag revalidation, gzip, and that nothing outside the site folder is reachable.
 */
import type { AddressInfo } from 'net';
import { gunzipSync } from 'zlib';
import axios, { type AxiosResponse } from 'axios';
import * as restify from 'restify';
import { registerWebPages } from '../../../bots/http/webPages';
import { formatBusinessHours } from '../../../services/i18n/businessHours';
import { LANGS } from '../../../services/i18n/langs';
import { createMessages } from '../../../services/i18n/messages';
import { loadConfig } from '../../../services/config';

let server: restify.Server;
let base: string;

beforeAll(async () => {
  server = restify.createServer({ name: 'web-pages-test', handleUncaughtExceptions: false });
  registerWebPages(server, { directLineUrl: 'https://europe.directline.botframework.com/v3/directline' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const get = (path: string, headers: Record<string, string> = {}): Promise<AxiosResponse<Buffer>> =>
  axios.get<Buffer>(`${base}${path}`, { headers: { 'Accept-Encoding': 'identity', ...headers }, responseType: 'arraybuffer', decompress: false, validateStatus: () => true });

test('the demo page: HTML, no-cache, a CSP that allows only its own scripts and Direct Line hosts', async () => {
  const res = await get('/');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-cache');
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toContain("script-src 'self';");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+ .*wss:\/\/europe\.directline\.botframework\.com/);
  const html = Buffer.from(res.data).toString('utf8');
  expect(html).toContain('<script src="/widget.js" data-lang="lt" async></script>');
  expect(html).not.toMatch(/https?:\/\/(?!bot\.example)/);
});

test('widget.js names the Web Chat bundle by version, and the bundle is cached for a year and gzipped', async () => {
  const widget = await get('/widget.js');
  expect(widget.status).toBe(200);
  expect(widget.headers['content-type']).toBe('text/javascript; charset=utf-8');
  expect(widget.headers['access-control-allow-origin']).toBe('*');
  const source = Buffer.from(widget.data).toString('utf8');
  const version = /webchat\/webchat\.js\?v=([^']+)'/.exec(source)?.[1];
  expect(version).toMatch(/^4\.18\.\d+$/);
  expect(source).not.toContain('__WEBCHAT_VERSION__');

  const bundle = await get(`/webchat/webchat.js?v=${version}`, { 'Accept-Encoding': 'gzip' });
  expect(bundle.status).toBe(200);
  expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(bundle.headers['content-encoding']).toBe('gzip');
  const plain = gunzipSync(Buffer.from(bundle.data));
  expect(plain.length).toBeGreaterThan(1_000_000);
  expect(plain.length / bundle.data.byteLength).toBeGreaterThan(3);
  expect(plain.includes('renderWebChat')).toBe(true);
});

test('assets revalidate with their ETag', async () => {
  const first = await get('/site/assets/widget.css');
  expect(first.status).toBe(200);
  expect(first.headers['cache-control']).toBe('public, max-age=300');
  const etag = String(first.headers.etag);
  expect(etag).toMatch(/^".+"$/);
  const again = await get('/site/assets/widget.css', { 'If-None-Match': etag });
  expect(again.status).toBe(304);
  expect(again.data.byteLength).toBe(0);
  const zipped = await get('/site/assets/widget.css', { 'Accept-Encoding': 'gzip' });
  expect(zipped.headers['content-encoding']).toBe('gzip');
  const zippedTag = String(zipped.headers.etag);
  expect(zippedTag).not.toBe(etag);
  await expect(get('/site/assets/widget.css', { 'Accept-Encoding': 'gzip', 'If-None-Match': zippedTag })).resolves.toHaveProperty('status', 304);
  await expect(get('/site/assets/widget.css', { 'Accept-Encoding': 'gzip', 'If-None-Match': etag })).resolves.toHaveProperty('status', 200);
  const svg = await get('/site/assets/bot-avatar.svg');
  expect(svg.headers['content-type']).toBe('image/svg+xml');
});

test.each(['/site/assets/nope.js', '/site/assets/..%2Fpackage.json', '/site/assets/%2E%2E%2F%2E%2E%2Fpackage.json', '/site/assets/../../package.json'])(
  '%s is not served',
  async (path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(Buffer.from(res.data).toString('utf8')).not.toContain('"dependencies"');
  },
);

describe('the agents\' hours on the page are the configured ones', () => {
  let other: restify.Server;
  let otherBase: string;
  beforeAll(async () => {
    const messages = createMessages();
    const config = loadConfig({ BUSINESS_HOURS: '1-6 09:30-17:00' });
    other = restify.createServer({ name: 'web-pages-hours', handleUncaughtExceptions: false });
    registerWebPages(other, { businessHours: Object.fromEntries(LANGS.map((l) => [l, formatBusinessHours(messages, l, config.business)])) });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => other.close(() => resolve())));
  const text = async (path: string) => Buffer.from((await axios.get<Buffer>(`${otherBase}${path}`, { responseType: 'arraybuffer' })).data).toString('utf8');

  test('the page and its strings in lt, en and ru show BUSINESS_HOURS, never a hard-coded schedule or a placeholder', async () => {
    const html = await text('/');
    expect(html).toContain('dirba I–VI 09:30–17:00.');
    const strings = await text('/site/assets/i18n.js');
    expect(strings).toContain('dirba I–VI 09:30–17:00.');
    expect(strings).toContain('work Mon–Sat 09:30–17:00.');
    expect(strings).toContain('работают Пн–Сб 09:30–17:00.');
    for (const body of [html, strings]) {
      expect(body).not.toMatch(/__BUSINESS_HOURS_/);
      expect(body).not.toMatch(/8[–:-]20|9[–:-]15/);
    }
  });

  test('without configured hours the config default is shown', async () => {
    const html = Buffer.from((await get('/')).data).toString('utf8');
    expect(html).toContain('dirba I–V 08:00–19:00.');
  });
});
