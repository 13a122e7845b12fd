/**
 * The sandbox as `npm start` runs it: with SANDBOX_PORT it listens on that port, on 127.0.0.1
 * only, and its routes (the carrier API and the SMS outbox with codes in it) are never served on
 * the bot's public port.
 */
import { networkInterfaces } from 'os';
import { buildApp, type App } from '../../../../index';
import { loadConfig } from '../../../../services/config';
import { SANDBOX_FIXTURES as F } from '../../../../services/carrier/sandbox/fixtures';
import { freePort } from '../../../setup/redis';
import { captureLogger } from '../../proof/support';

let app: App;
let sandboxPort: number;
const logs = captureLogger();

beforeAll(async () => {
  sandboxPort = await freePort();
  app = await buildApp(loadConfig({ PORT: '0', SANDBOX_PORT: String(sandboxPort), LOG_LEVEL: 'info' }), { logger: logs.logger });
}, 60000);
afterAll(() => app.close());

test('the sandbox listens on SANDBOX_PORT on 127.0.0.1 and says where its SMS outbox is', async () => {
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  expect((await fetch(`${sandboxUrl}/v1/health`)).status).toBe(200);
  const res = await fetch(`${sandboxUrl}/v1/parcels/${F.inLocker.trackingNumber}/codes`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: 'sender', lang: 'en' }),
  });
  expect(res.status).toBe(200);
  const outbox = (await (await fetch(`${sandboxUrl}/sandbox/sms?to=${encodeURIComponent(F.inLocker.senderPhone)}`)).json()) as Array<{ text: string }>;
  expect(outbox[0].text).toMatch(/\b\d{6}\b/);
  expect(logs.lines.some((l) => l.includes(`${sandboxUrl}/sandbox/sms?to=`))).toBe(true);
  expect(logs.lines.some((l) => l.includes('"component":"carrier-sandbox"') && l.includes('SMS sent'))).toBe(true);
});

test("the bot's port serves neither the outbox nor the carrier API", async () => {
  expect(new URL(app.url).port).not.toBe(String(sandboxPort));
  for (const path of [`/sandbox/sms?to=${encodeURIComponent(F.inLocker.senderPhone)}`, `/v1/parcels/${F.inLocker.trackingNumber}`, '/v1/lockers']) {
    const res = await fetch(`${app.url}${path}`);
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(text).not.toMatch(/\b\d{6}\b/);
    expect(text).not.toMatch(/in_locker|PhoneMasked|"lockers"|"text"/);
  }
});

test('the sandbox port is not reachable from another interface', async () => {
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!lan) return; // only loopback on this machine
  await expect(fetch(`http://${lan.address}:${sandboxPort}/v1/health`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
});
