/**
 * The sandbox's one-time codes and SMS outbox at the HTTP level (raw fetch on 127.0.0.1): the
 * outbox route (newest first, tolerant `to`, loopback only), code expiry on an injected clock,
 * 3 tries, statuses and bodies of the new errors, idempotent repeats of proof-authorized changes,
 * and the SMS log lines (phone masked).
 */
import { networkInterfaces } from 'os';
import { Writable } from 'stream';
import { createLogger } from '../../../../services/logging/logger';
import { createSandboxServer, type SandboxServer } from '../../../../services/carrier/sandbox/server';
import { SANDBOX_FIXTURES as F } from '../../../../services/carrier/sandbox/fixtures';
import type { SandboxSms } from '../../../../services/carrier/sandbox/smsOutbox';

const NOW = new Date('2025-03-12T10:00:00Z');
const MINUTE = 60_000;

function captureLogs(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('sandbox one-time codes and SMS outbox over HTTP', () => {
  let sandbox: SandboxServer;
  let url: string;
  let clock: Date;
  let logs: { lines: string[]; stream: Writable };

  beforeEach(async () => {
    clock = NOW;
    logs = captureLogs();
    sandbox = createSandboxServer({ now: () => clock, logger: createLogger('info', logs.stream) });
    url = (await sandbox.listen(0, '127.0.0.1')).url;
  });
  afterEach(() => sandbox.close());

  const post = (path: string, body: object | undefined, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const outbox = async (to: string): Promise<SandboxSms[]> => {
    const res = await fetch(`${url}/sandbox/sms?to=${encodeURIComponent(to)}`);
    expect(res.status).toBe(200);
    return (await res.json()) as SandboxSms[];
  };
  const codeIn = (sms: SandboxSms | undefined) => sms?.text.match(/\b(\d{6})\b/)?.[1] ?? '';
  const requestCode = async (trackingNumber: string, role = 'sender', lang = 'lt') => {
    const res = await post(`/v1/parcels/${trackingNumber}/codes`, { role, lang });
    expect(res.status).toBe(200);
    return (await res.json()) as { challengeId: string; phoneMasked: string; phoneKey: string; expiresAt: string };
  };
  const verify = (challengeId: string, code: string) => post('/v1/code-verifications', { challengeId, code });

  test('the outbox lists the messages to one number, newest first, as [{to, text, at}]', async () => {
    const f = F.readdressable;
    await requestCode(f.trackingNumber, 'sender', 'lt');
    clock = new Date(NOW.getTime() + MINUTE);
    await requestCode(f.trackingNumber, 'sender', 'en');
    clock = new Date(NOW.getTime() + 2 * MINUTE);
    await requestCode(f.trackingNumber, 'sender', 'ru');
    const list = await outbox(f.senderPhone);
    expect(list.map((m) => m.at)).toEqual([2, 1, 0].map((m) => new Date(NOW.getTime() + m * MINUTE).toISOString()));
    expect(list.every((m) => m.to === f.senderPhone && Object.keys(m).sort().join() === 'at,text,to')).toBe(true);
    expect(list[0].text).toMatch(/Код/);
    expect(list[2].text).toMatch(/kodas/);
    expect(await outbox(f.recipientPhone)).toEqual([]);
  });

  test('`to` is read as testers type it; a missing or malformed `to` is a 400', async () => {
    const f = F.inLocker;
    await requestCode(f.trackingNumber);
    const variants = [`?to=${f.senderPhone}`, `?to=${encodeURIComponent(f.senderPhone)}`, `?to=${f.senderPhone.slice(1)}`];
    for (const q of variants) {
      const res = await fetch(`${url}/sandbox/sms${q}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as SandboxSms[])[0].to).toBe(f.senderPhone);
    }
    for (const q of ['', '?to=', '?to=8612', '?to=%3Cscript%3E']) {
      const res = await fetch(`${url}/sandbox/sms${q}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe('invalid');
      expect(body.message).not.toContain('script');
    }
  });

  test('the outbox answers loopback clients only', async () => {
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    const open = createSandboxServer({ now: () => clock });
    const { url: anyUrl } = await open.listen(0, '0.0.0.0');
    try {
      const port = new URL(anyUrl).port;
      await fetch(`http://127.0.0.1:${port}/v1/parcels/${F.inLocker.trackingNumber}/codes`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ role: 'sender', lang: 'lt' }),
      });
      const local = await fetch(`http://127.0.0.1:${port}/sandbox/sms?to=%2B37061112233`);
      expect(local.status).toBe(200);
      expect(await local.json()).toHaveLength(1);
      if (!lan) return; // no non-loopback interface on this machine: nothing more to show
      const res = await fetch(`http://${lan.address}:${port}/sandbox/sms?to=%2B37061112233`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'route_not_found' });
    } finally {
      await open.close();
    }
  });

  test('a code expires on the injected clock (410 challenge_expired); a used code is 410 too', async () => {
    const f = F.readdressable;
    const challenge = await requestCode(f.trackingNumber);
    const code = codeIn((await outbox(f.senderPhone))[0]);
    expect(challenge.expiresAt).toBe(new Date(NOW.getTime() + 5 * MINUTE).toISOString());
    clock = new Date(NOW.getTime() + 5 * MINUTE - 1);
    const again = await requestCode(f.trackingNumber);
    const code2 = codeIn((await outbox(f.senderPhone))[0]);
    clock = new Date(NOW.getTime() + 5 * MINUTE);
    const expired = await verify(challenge.challengeId, code);
    expect(expired.status).toBe(410);
    expect(await expired.json()).toMatchObject({ code: 'challenge_expired' });
    const ok = await verify(again.challengeId, code2);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ verified: true, phoneE164: f.senderPhone });
    expect((await verify(again.challengeId, code2)).status).toBe(410);
  });

  test('three tries per code, then 423 challenge_locked; malformed codes are 400 and spend no try', async () => {
    const f = F.inLocker;
    const challenge = await requestCode(f.trackingNumber);
    const code = codeIn((await outbox(f.senderPhone))[0]);
    const wrong = code === '999999' ? '888888' : '999999';
    for (const bad of ['12345', '1234567', 'abcdef', '12 345']) expect((await verify(challenge.challengeId, bad)).status).toBe(400);
    const left = [];
    for (let i = 0; i < 3; i++) left.push(((await (await verify(challenge.challengeId, wrong)).json()) as { attemptsLeft: number }).attemptsLeft);
    expect(left).toEqual([2, 1, 0]);
    const locked = await verify(challenge.challengeId, code);
    expect(locked.status).toBe(423);
    expect(await locked.json()).toMatchObject({ code: 'challenge_locked' });
    expect((await verify('ch_neverissuedneverissued', code)).status).toBe(404);
  });

  test('the carrier limit is a 429 rate_limited', async () => {
    const f = F.readdressableNow;
    for (let i = 0; i < 10; i++) await requestCode(f.trackingNumber);
    const res = await post(`/v1/parcels/${f.trackingNumber}/codes`, { role: 'sender', lang: 'lt' });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ code: 'rate_limited' });
  });

  test('proof-authorized changes need an Idempotency-Key; a repeat replays the first answer, once applied', async () => {
    const f = F.readdressable;
    const challenge = await requestCode(f.trackingNumber);
    const check = (await (await verify(challenge.challengeId, codeIn((await outbox(f.senderPhone))[0]))).json()) as { proofToken: string };
    const body = { proofToken: check.proofToken, newLockerId: F.lockers.ozas };
    const noKey = await post(`/v1/parcels/${f.trackingNumber}/readdress`, body);
    expect(noKey.status).toBe(400);
    const events = () => sandbox.carrier.parcels.get(f.trackingNumber)?.events.length ?? 0;
    const before = events();
    const first = await post(`/v1/parcels/${f.trackingNumber}/readdress`, body, { 'Idempotency-Key': 'conv-1:rd' });
    const firstBody = await first.json();
    const replays = await Promise.all(Array.from({ length: 5 }, () => post(`/v1/parcels/${f.trackingNumber}/readdress`, body, { 'Idempotency-Key': 'conv-1:rd' })));
    for (const r of replays) expect(await r.json()).toEqual(firstBody);
    expect(events()).toBe(before + 1);
    const conflict = await post(`/v1/parcels/${f.trackingNumber}/readdress`, { ...body, newLockerId: F.lockers.panorama }, { 'Idempotency-Key': 'conv-1:rd' });
    expect(conflict.status).toBe(422);
    expect(await conflict.json()).toMatchObject({ code: 'idempotency_conflict' });
  });

  test('pickup SMS re-send: 200 {sent, phoneMasked}, 409 with the status when not in the locker; no body needed', async () => {
    const res = await post(`/v1/parcels/${F.inLocker.trackingNumber}/pickup-sms`, undefined);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sent: true, phoneMasked: '+370 6** **344' });
    const wrong = await post(`/v1/parcels/${F.readdressable.trackingNumber}/pickup-sms`, undefined);
    expect(wrong.status).toBe(409);
    expect(await wrong.json()).toMatchObject({ code: 'wrong_status', status: 'in_transit' });
  });

  test('every SMS is logged with the phone masked (the code may appear); no log line has a raw phone', async () => {
    await requestCode(F.readdressable.trackingNumber);
    await post(`/v1/parcels/${F.inLocker.trackingNumber}/pickup-sms`, undefined);
    await post('/v1/phone-codes', { phone: F.sharedLookup.senderPhone, lang: 'en' });
    const smsLines = logs.lines.filter((l) => l.includes('SMS sent'));
    expect(smsLines).toHaveLength(3);
    const parsed = smsLines.map((l) => JSON.parse(l) as { sms: { to: string; kind: string; text: string } });
    expect(parsed.map((p) => p.sms.to)).toEqual(['+370 6** **567', '+370 6** **344', '+370 6** **101']);
    expect(parsed.map((p) => p.sms.kind)).toEqual(['code', 'pickup', 'code']);
    expect(parsed[0].sms.text).toContain(codeIn((await outbox(F.readdressable.senderPhone))[0]));
    for (const line of logs.lines) expect(line).not.toMatch(/\+?370\d{8}/);
  });
});
