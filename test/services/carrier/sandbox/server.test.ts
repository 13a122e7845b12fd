/**
 * The sandbox server at the HTTP level (raw fetch on 127.0.0.1): protocol errors, idempotency,
 * auth, fault injection, latency, and agreement with openapi.yaml.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { PARCEL_STATUSES } from '../../../../services/carrier/types';
import { createSandboxServer, SANDBOX_FAULTS, type SandboxServer } from '../../../../services/carrier/sandbox/server';
import { SANDBOX_FIXTURES as F } from '../../../../services/carrier/sandbox/fixtures';

const NOW = new Date('2025-03-12T10:00:00Z');

describe('sandbox carrier server', () => {
  let sandbox: SandboxServer;
  let url: string;

  beforeEach(async () => {
    sandbox = createSandboxServer({ now: () => NOW });
    url = (await sandbox.listen(0, '127.0.0.1')).url;
  });
  afterEach(() => sandbox.close());

  const post = (path: string, body: string | object, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  test('listens on loopback with a free port and answers health', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('malformed JSON -> 400 invalid', async () => {
    const res = await post('/v1/phone-codes', '{"phone": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid', message: expect.stringMatching(/JSON/) });
  });

  test('a body of the wrong shape -> 400 invalid naming the field', async () => {
    const res = await post('/v1/phone-codes', { phone: '861234567', lang: 'lt' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid', message: expect.stringMatching(/^phone:/) });
    const res2 = await post('/v1/parcel-lookups', 'null');
    expect(res2.status).toBe(400);
  });

  test('unknown route -> 404 route_not_found (distinct from an unknown parcel); wrong method -> 405', async () => {
    const res = await fetch(`${url}/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'route_not_found' });
    const res2 = await fetch(`${url}/v1/parcels/CE000000005LT`);
    expect(await res2.json()).toMatchObject({ code: 'not_found' });
    const res3 = await fetch(`${url}/v1/parcel-lookups`);
    expect(res3.status).toBe(405);
    expect(await res3.json()).toMatchObject({ code: 'method_not_allowed' });
  });

  test('oversize body -> 413 payload_too_large', async () => {
    const res = await post('/v1/parcel-lookups', { proofToken: 'pt_abcdefghijklmnopqrstuvwx', recipientPhone: '+37061234568', lockerId: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'payload_too_large' });
  });

  /** A sender proof token over HTTP, the code read from the outbox. */
  async function senderToken(f: { trackingNumber: string; senderPhone: string }): Promise<string> {
    const challenge = (await (await post(`/v1/parcels/${f.trackingNumber}/codes`, { role: 'sender', lang: 'lt' })).json()) as { challengeId: string };
    const code = sandbox.carrier.outbox.latest(f.senderPhone)?.text.match(/\b(\d{6})\b/)?.[1];
    const check = (await (await post('/v1/code-verifications', { challengeId: challenge.challengeId, code })).json()) as { proofToken: string };
    return check.proofToken;
  }

  test('change requests require an Idempotency-Key', async () => {
    const f = F.readdressable;
    const res = await post(`/v1/parcels/${f.trackingNumber}/readdress`, { proofToken: await senderToken(f), newLockerId: F.lockers.ozas });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid', message: expect.stringMatching(/Idempotency-Key/) });
    expect(sandbox.carrier.parcels.get(f.trackingNumber)?.destinationLockerId).toBe(f.lockerId);
  });

  test('a repeated Idempotency-Key replays the first answer and applies the change once', async () => {
    const f = F.readdressable;
    const events = () => sandbox.carrier.parcels.get(f.trackingNumber)?.events.length;
    const before = events();
    const body = { proofToken: await senderToken(f), newLockerId: F.lockers.ozas };
    const first = await (await post(`/v1/parcels/${f.trackingNumber}/readdress`, body, { 'Idempotency-Key': 'k-1' })).json();
    const again = await post(`/v1/parcels/${f.trackingNumber}/readdress`, body, { 'Idempotency-Key': 'k-1' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(events()).toBe((before ?? 0) + 1);

    const conflict = await post(`/v1/parcels/${f.trackingNumber}/readdress`, { ...body, newLockerId: F.lockers.panorama }, { 'Idempotency-Key': 'k-1' });
    expect(conflict.status).toBe(422);
    expect(await conflict.json()).toMatchObject({ code: 'idempotency_conflict' });

    const fresh = await post(`/v1/parcels/${f.trackingNumber}/readdress`, { ...body, newLockerId: F.lockers.panorama }, { 'Idempotency-Key': 'k-2' });
    expect(fresh.status).toBe(200);
    expect((await fresh.json()).reference).not.toBe(first.reference);
  });

  test('business errors carry the contract codes and HTTP statuses', async () => {
    const f = F.outForDelivery;
    const wrong = await post(`/v1/parcels/${f.trackingNumber}/readdress`, { proofToken: await senderToken(f), newLockerId: F.lockers.ozas }, { 'Idempotency-Key': 'a' });
    expect(wrong.status).toBe(409);
    expect(await wrong.json()).toMatchObject({ code: 'wrong_status', status: 'out_for_delivery' });
    const notVerified = await post(`/v1/parcels/${f.trackingNumber}/phone`, { proofToken: await senderToken(F.readdressable), role: 'recipient', newPhone: '+37060000000' }, { 'Idempotency-Key': 'b' });
    expect(notVerified.status).toBe(403);
    expect(await notVerified.json()).toMatchObject({ code: 'not_verified' });
    const badLocker = await post(`/v1/parcels/${F.readdressable.trackingNumber}/readdress`, { proofToken: await senderToken(F.readdressable), newLockerId: 'LT-XXX-0000' }, { 'Idempotency-Key': 'c' });
    expect(badLocker.status).toBe(422);
    expect(await badLocker.json()).toMatchObject({ code: 'invalid' });
  });

  test('the parcel view never carries the real phones', async () => {
    for (const p of sandbox.carrier.parcels.values()) {
      const text = await (await fetch(`${url}/v1/parcels/${encodeURIComponent(p.trackingNumber)}`)).text();
      expect(text).not.toContain(p.senderPhone);
      expect(text).not.toContain(p.recipientPhone);
      expect(text).not.toContain(p.senderPhone.slice(-7));
    }
  });

  test('lockers are UTF-8 JSON with Lithuanian letters intact', async () => {
    const res = await fetch(`${url}/v1/lockers/${F.lockers.akropolisKlaipeda}`);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({ name: 'Akropolis Klaipėda paštomatas' });
  });

  test.each(SANDBOX_FAULTS.filter((f) => f !== 'timeout' && f !== 'reset'))('X-Sandbox-Fault: %s', async (fault) => {
    const res = await fetch(`${url}/v1/lockers/${F.lockers.ozas}`, { headers: { 'X-Sandbox-Fault': fault } });
    if (/^\d+$/.test(fault)) expect(res.status).toBe(Number(fault));
    else {
      expect(res.status).toBe(200);
      const text = await res.text();
      if (fault === 'malformed') expect(() => JSON.parse(text)).toThrow();
      else expect(JSON.parse(text)).not.toHaveProperty('id');
    }
  });

  test('timeout fault holds the request until close; reset drops the connection', async () => {
    const held = fetch(`${url}/v1/lockers`, { headers: { 'X-Sandbox-Fault': 'timeout' }, signal: AbortSignal.timeout(300) });
    await expect(held).rejects.toThrow();
    await expect(fetch(`${url}/v1/lockers`, { headers: { 'X-Sandbox-Fault': 'reset' } })).rejects.toThrow();
  });

  test('injected faults are consumed in order, then the server is healthy again', async () => {
    sandbox.injectFault('503', 2);
    expect((await fetch(`${url}/v1/health`)).status).toBe(503);
    expect((await fetch(`${url}/v1/health`)).status).toBe(503);
    expect((await fetch(`${url}/v1/health`)).status).toBe(200);
    sandbox.injectFault('500', 5);
    sandbox.clearFaults();
    expect((await fetch(`${url}/v1/health`)).status).toBe(200);
    expect(sandbox.requestCount).toBe(4);
  });
});

describe('sandbox options', () => {
  test('apiKey: requests without the bearer token -> 401 unauthorized', async () => {
    const sandbox = createSandboxServer({ apiKey: 'k3y' });
    const { url } = await sandbox.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`${url}/v1/health`)).status).toBe(401);
      expect((await fetch(`${url}/v1/health`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
      expect((await fetch(`${url}/v1/health`, { headers: { Authorization: 'Bearer k3y' } })).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  test('latencyMs delays answers; the fault header can be disabled', async () => {
    const sandbox = createSandboxServer({ latencyMs: 150, allowFaultHeader: false });
    const { url } = await sandbox.listen(0, '127.0.0.1');
    try {
      const started = Date.now();
      const res = await fetch(`${url}/v1/health`, { headers: { 'X-Sandbox-Fault': '503' } });
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await sandbox.close();
    }
  });

  test('the clock option drives the seed', () => {
    const a = createSandboxServer({ now: () => new Date('2025-03-12T10:00:00Z') });
    const b = createSandboxServer({ now: () => new Date('2025-09-01T10:00:00Z') });
    const tn = F.readdressable.trackingNumber;
    expect(a.carrier.parcels.get(tn)?.expectedDelivery).not.toBe(b.carrier.parcels.get(tn)?.expectedDelivery);
  });

  test('close() is safe before listen() and twice', async () => {
    const sandbox = createSandboxServer();
    await sandbox.close();
    await sandbox.listen(0, '127.0.0.1');
    await sandbox.close();
    await sandbox.close();
  });
});

describe('openapi.yaml', () => {
  const spec = readFileSync(join(__dirname, '../../../../services/carrier/openapi.yaml'), 'utf8');

  test('declares exactly the routes the sandbox serves', () => {
    const paths = [...spec.matchAll(/^ {2}(\/v1\/[^:]*):$/gm)].map((m) => m[1]).sort();
    expect(paths).toEqual(
      [
        '/v1/health',
        '/v1/lockers',
        '/v1/lockers/{id}',
        '/v1/parcels/{trackingNumber}',
        '/v1/parcels/{trackingNumber}/readdress',
        '/v1/parcels/{trackingNumber}/phone',
        '/v1/parcel-lookups',
        '/v1/parcels/{trackingNumber}/codes',
        '/v1/phone-codes',
        '/v1/code-verifications',
        '/v1/parcels/{trackingNumber}/pickup-sms',
      ].sort(),
    );
    expect(spec).toMatch(/^openapi: 3\.1\.\d+$/m);
  });

  test('lists every parcel status', () => {
    const line = spec.match(/enum: \[(registered[^\]]*)\]/);
    expect(line?.[1].split(', ')).toEqual([...PARCEL_STATUSES]);
  });
});
