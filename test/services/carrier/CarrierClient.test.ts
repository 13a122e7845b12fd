/**
 * CarrierClient transport behaviour: retries, timeouts, idempotency keys, error mapping and
 * response validation, against the sandbox and against small local HTTP servers that count
 * requests or misbehave on purpose (all on 127.0.0.1, port 0).
 */
import { createServer, request, type Agent, type IncomingHttpHeaders, type Server, type ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';
import { CarrierClient, type CarrierCallEvent } from '../../../services/carrier/CarrierClient';
import { CarrierError, type CarrierErrorCode } from '../../../services/carrier/types';
import { createSandboxServer, type SandboxServer } from '../../../services/carrier/sandbox/server';
import { SANDBOX_FIXTURES as F } from '../../../services/carrier/sandbox/fixtures';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Stub {
  url: string;
  seen: Seen[];
  /** TCP connections the server accepted. */
  connections: () => number;
  close(): Promise<void>;
}

/** A local server that records every request and answers with `respond` (or never, if it returns false). */
async function stub(respond: (req: Seen, res: ServerResponse) => boolean | void): Promise<Stub> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      respond(s, res);
    });
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function failure(promise: Promise<unknown>): Promise<CarrierError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CarrierError) return err;
    throw err;
  }
  throw new Error('expected a CarrierError, the call succeeded');
}

const NOW = new Date('2025-03-12T10:00:00Z');
const VALID_VIEW = {
  trackingNumber: 'CE482139075LT',
  status: 'in_transit',
  destinationLockerId: 'LT-VLN-0001',
  expectedDelivery: '2025-03-14',
  events: [{ at: '2025-03-11T08:00:00.000Z', status: 'registered' }],
  recipientPhoneMasked: '+370 6** **678',
  senderPhoneMasked: '+370 6** **567',
};

describe('CarrierClient against the sandbox', () => {
  let sandbox: SandboxServer;
  let url: string;
  let events: CarrierCallEvent[];
  const client = (extra: Partial<ConstructorParameters<typeof CarrierClient>[0]> = {}) =>
    new CarrierClient({ baseUrl: url, timeoutMs: 1000, retries: 2, retryBaseDelayMs: 5, onCall: (e) => events.push(e), ...extra });

  beforeEach(async () => {
    sandbox = createSandboxServer({ now: () => NOW });
    url = (await sandbox.listen(0, '127.0.0.1')).url;
    events = [];
  });
  afterEach(() => sandbox.close());

  /** A proof for the sender (`parcel`) or of a typed sender phone, the code read from the sandbox outbox; counts the requests it makes. */
  async function proofFor(subject: { trackingNumber: string; senderPhone: string } | { phone: string }): Promise<string> {
    const c = client();
    const challenge = 'phone' in subject ? await c.requestPhoneCode(subject.phone, 'lt') : await c.requestParcelCode(subject.trackingNumber, 'sender', 'lt');
    const to = 'phone' in subject ? subject.phone : subject.senderPhone;
    const code = sandbox.carrier.outbox.latest(to)?.text.match(/\b(\d{6})\b/)?.[1] ?? '';
    const check = await c.verifyCode(challenge.challengeId, code);
    if (!check.verified) throw new Error('proofFor(): the code did not verify');
    return check.proofToken;
  }

  test('a GET is retried after a 503 and then succeeds', async () => {
    sandbox.injectFault('503', 1);
    const view = await client().getParcel(F.readdressable.trackingNumber);
    expect(view.trackingNumber).toBe(F.readdressable.trackingNumber);
    expect(sandbox.requestCount).toBe(2);
    expect(events.map((e) => e.outcome)).toEqual(['retry', 'ok']);
    expect(events[0]).toMatchObject({ method: 'getParcel', attempt: 1, httpStatus: 503, code: 'unavailable' });
  });

  test.each(['502', '504', 'reset'] as const)('a GET is retried after %s', async (fault) => {
    sandbox.injectFault(fault, 1);
    expect((await client().listLockers()).length).toBeGreaterThanOrEqual(300);
    expect(sandbox.requestCount).toBe(2);
  });

  test('a GET gives up after 1 + retries attempts with unavailable', async () => {
    sandbox.injectFault('503', 10);
    const err = await failure(client({ retries: 2 }).getLocker(F.lockers.ozas));
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/^CarrierClient\.getLocker\(\): HTTP 503/);
    expect(sandbox.requestCount).toBe(3);
    expect(events.map((e) => e.outcome)).toEqual(['retry', 'retry', 'error']);
  });

  test('a 500 is unavailable but not retried', async () => {
    sandbox.injectFault('500', 1);
    expect((await failure(client().getParcel(F.inLocker.trackingNumber))).code).toBe('unavailable');
    expect(sandbox.requestCount).toBe(1);
  });

  test('readdressWithProof is never retried, and a failed readdress changes nothing', async () => {
    const f = F.readdressable;
    const token = await proofFor(f);
    const before = sandbox.requestCount;
    sandbox.injectFault('503', 1);
    const err = await failure(client().readdressWithProof(f.trackingNumber, token, F.lockers.ozas));
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/^CarrierClient\.readdressWithProof\(\):/);
    expect(sandbox.requestCount - before).toBe(1);
    expect(sandbox.carrier.parcels.get(f.trackingNumber)?.destinationLockerId).toBe(f.lockerId);
  });

  test('changePhoneWithProof is never retried, even after a connection reset', async () => {
    const f = F.inLocker;
    const token = await proofFor(f);
    const before = sandbox.requestCount;
    sandbox.injectFault('reset', 1);
    const err = await failure(client().changePhoneWithProof(f.trackingNumber, token, 'recipient', '+37069999999'));
    expect(err.code).toBe('unavailable');
    expect(sandbox.requestCount - before).toBe(1);
  });

  test('findParcelsWithProof is retried (safe)', async () => {
    const { senderPhone, recipientPhone, lockerId } = F.sharedLookup;
    const token = await proofFor({ phone: senderPhone });
    const before = sandbox.requestCount;
    sandbox.injectFault('504', 1);
    expect(await client().findParcelsWithProof(token, recipientPhone, lockerId)).toHaveLength(2);
    expect(sandbox.requestCount - before).toBe(2);
  });

  test('the knowledge-based routes are gone (API 2.0): verify-sender is 404, a phone instead of a proof is 400', async () => {
    const f = F.readdressable;
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-1' }, body: JSON.stringify(body) });
    expect((await post(`/v1/parcels/${f.trackingNumber}/verify-sender`, { phone: f.senderPhone })).status).toBe(404);
    const readdress = await post(`/v1/parcels/${f.trackingNumber}/readdress`, { senderPhone: f.senderPhone, newLockerId: F.lockers.ozas });
    expect(readdress.status).toBe(400);
    expect(await readdress.json()).toMatchObject({ code: 'invalid' });
    expect((await post(`/v1/parcels/${f.trackingNumber}/phone`, { senderPhone: f.senderPhone, role: 'recipient', newPhone: '+37069999999' })).status).toBe(400);
    const { senderPhone, recipientPhone, lockerId } = F.sharedLookup;
    const lookup = await post('/v1/parcel-lookups', { senderPhone, recipientPhone, lockerId });
    expect(lookup.status).toBe(400);
    expect(JSON.stringify(await lookup.json())).not.toContain('CE');
    expect(sandbox.carrier.parcels.get(f.trackingNumber)?.destinationLockerId).toBe(f.lockerId);
    expect(sandbox.carrier.parcels.get(f.trackingNumber)?.recipientPhone).toBe(f.recipientPhone);
  });

  test.each(['malformed', 'wrong-shape'] as const)('a %s 200 response -> unexpected, not retried', async (fault) => {
    sandbox.injectFault(fault, 1);
    const err = await failure(client().getParcel(F.readdressable.trackingNumber));
    expect(err.code).toBe('unexpected');
    expect(err.message).toMatch(/^CarrierClient\.getParcel\(\): (HTTP 200 with a body that is not JSON|response does not match the contract)/);
    expect(sandbox.requestCount).toBe(1);
  });

  test('the fault header works too (for tests that cannot reach the server object)', async () => {
    const res = await fetch(`${url}/v1/lockers`, { headers: { 'X-Sandbox-Fault': '503' } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'unavailable' });
  });

  test('invalid input rejected by the carrier (400) -> invalid', async () => {
    const err = await failure(client().requestPhoneCode('861234567', 'lt'));
    expect(err.code).toBe('invalid');
    expect(err.message).toMatch(/^CarrierClient\.requestPhoneCode\(\): HTTP 400 invalid: phone:/);
    const err2 = await failure(client().findParcelsWithProof('pt_abcdefghijklmnopqrstuvwx', 'not a phone', F.lockers.ozas));
    expect(err2.code).toBe('invalid');
  });

  test('every error message names the method', async () => {
    const f = F.outForDelivery;
    const outForDelivery = await proofFor(f);
    const delivered = await proofFor(F.delivered);
    const checks: Array<[Promise<unknown>, string, CarrierErrorCode]> = [
      [client().getLocker('LT-XXX-9999'), 'getLocker', 'not_found'],
      [client().getParcel('CE000000005LT'), 'getParcel', 'not_found'],
      [client().requestParcelCode('CE000000005LT', 'sender', 'lt'), 'requestParcelCode', 'not_found'],
      [client().readdressWithProof(f.trackingNumber, outForDelivery, F.lockers.ozas), 'readdressWithProof', 'wrong_status'],
      [client().readdressWithProof(f.trackingNumber, 'pt_unknownunknownunknown0', F.lockers.ozas), 'readdressWithProof', 'not_verified'],
      [client().changePhoneWithProof(F.delivered.trackingNumber, delivered, 'sender', '+37060000000'), 'changePhoneWithProof', 'wrong_status'],
    ];
    for (const [promise, method, code] of checks) {
      const err = await failure(promise);
      expect(err.code).toBe(code);
      expect(err.message.startsWith(`CarrierClient.${method}():`)).toBe(true);
    }
  });

  test('an API key is sent as a bearer token; a wrong key -> unexpected (misconfiguration)', async () => {
    await sandbox.close();
    sandbox = createSandboxServer({ now: () => NOW, apiKey: 's3cret' });
    url = (await sandbox.listen(0, '127.0.0.1')).url;
    expect((await client({ apiKey: 's3cret' }).getLocker(F.lockers.ozas)).name).toBe('Ozas paštomatas');
    const err = await failure(client({ apiKey: 'wrong' }).getLocker(F.lockers.ozas));
    expect(err.code).toBe('unexpected');
    expect(err.message).toMatch(/HTTP 401 unauthorized/);
    expect((await failure(client().listLockers())).code).toBe('unexpected');
  });

  test('a timeout is bounded per attempt and retried for safe calls only', async () => {
    sandbox.injectFault('timeout', 2);
    const started = Date.now();
    const err = await failure(client({ timeoutMs: 200, retries: 1 }).getParcel(F.readdressable.trackingNumber));
    const elapsed = Date.now() - started;
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/timed out after 200 ms/);
    expect(sandbox.requestCount).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('CarrierClient against local stub servers', () => {
  let server: Stub | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('GETs are retried on 503 (1 + retries requests); a change is sent exactly once with an Idempotency-Key', async () => {
    server = await stub((_req, res) => json(res, 503, { code: 'unavailable', message: 'maintenance' }));
    const client = new CarrierClient({ baseUrl: server.url, timeoutMs: 500, retries: 3, retryBaseDelayMs: 1 });
    expect((await failure(client.getParcel('CE482139075LT'))).code).toBe('unavailable');
    expect(server.seen).toHaveLength(4);
    expect(server.seen.every((s) => s.method === 'GET' && s.headers['idempotency-key'] === undefined)).toBe(true);

    server.seen.length = 0;
    expect((await failure(client.readdressWithProof('CE482139075LT', 'pt_abcdefghijklmnopqrstuvwx', 'LT-VLN-0003'))).code).toBe('unavailable');
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]).toMatchObject({ method: 'POST', url: '/v1/parcels/CE482139075LT/readdress' });
    expect(JSON.parse(server.seen[0].body)).toEqual({ proofToken: 'pt_abcdefghijklmnopqrstuvwx', newLockerId: 'LT-VLN-0003' });
    const key1 = server.seen[0].headers['idempotency-key'];
    expect(key1).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    await failure(client.changePhoneWithProof('CE482139075LT', 'pt_abcdefghijklmnopqrstuvwx', 'recipient', '+37062345678'));
    expect(server.seen).toHaveLength(2);
    expect(server.seen[1].url).toBe('/v1/parcels/CE482139075LT/phone');
    expect(server.seen[1].headers['idempotency-key']).toBeDefined();
    expect(server.seen[1].headers['idempotency-key']).not.toBe(key1);
  });

  test('code requests, code checks and the pickup SMS re-send are sent once; codes and tokens only in bodies', async () => {
    server = await stub((_req, res) => json(res, 503, { code: 'unavailable', message: 'maintenance' }));
    const client = new CarrierClient({ baseUrl: server.url, timeoutMs: 500, retries: 3, retryBaseDelayMs: 1 });
    await failure(client.requestParcelCode('CE482139075LT', 'sender', 'lt'));
    await failure(client.requestPhoneCode('+37061234567', 'en'));
    await failure(client.verifyCode('ch_abcdefghijklmnopqrstuvwx', '123456'));
    await failure(client.readdressWithProof('CE482139075LT', 'pt_abcdefghijklmnopqrstuvwx', 'LT-VLN-0003'));
    await failure(client.changePhoneWithProof('CE482139075LT', 'pt_abcdefghijklmnopqrstuvwx', 'recipient', '+37062345678'));
    await failure(client.resendPickupSms('CE845613209LT'));
    expect(server.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /v1/parcels/CE482139075LT/codes',
      'POST /v1/phone-codes',
      'POST /v1/code-verifications',
      'POST /v1/parcels/CE482139075LT/readdress',
      'POST /v1/parcels/CE482139075LT/phone',
      'POST /v1/parcels/CE845613209LT/pickup-sms',
    ]);
    expect(server.seen.every((s) => typeof s.headers['idempotency-key'] === 'string')).toBe(true);
    expect(JSON.parse(server.seen[2].body)).toEqual({ challengeId: 'ch_abcdefghijklmnopqrstuvwx', code: '123456' });
    expect(JSON.parse(server.seen[3].body)).toEqual({ proofToken: 'pt_abcdefghijklmnopqrstuvwx', newLockerId: 'LT-VLN-0003' });
    expect(server.seen.some((s) => /123456|pt_|ch_|\+370/.test(s.url))).toBe(false);

    server.seen.length = 0;
    await failure(client.findParcelsWithProof('pt_abcdefghijklmnopqrstuvwx', '+37062345678', 'LT-VLN-0003'));
    expect(server.seen).toHaveLength(4);
  });

  test("the caller's idempotency key is sent as Idempotency-Key; a malformed one is refused before any request", async () => {
    server = await stub((_req, res) => json(res, 200, { outcome: 'done', reference: 'RD-1' }));
    const client = new CarrierClient({ baseUrl: server.url, timeoutMs: 500, retries: 0 });
    await client.readdressWithProof('CE482139075LT', 'pt_abcdefghijklmnopqrstuvwx', 'LT-VLN-0003', { idempotencyKey: 'conv-1:readdress:LT-VLN-0003' });
    await client.readdressWithProof('CE482139075LT', 'pt_abcdefghijklmnopqrstuvwx', 'LT-VLN-0003', { idempotencyKey: 'conv-1:readdress:LT-VLN-0003' });
    await client.changePhoneWithProof('CE482139075LT', 'pt_abcdefghijklmnopqrstuvwx', 'recipient', '+37062345678', { idempotencyKey: 'k2' });
    expect(server.seen.map((s) => s.headers['idempotency-key'])).toEqual(['conv-1:readdress:LT-VLN-0003', 'conv-1:readdress:LT-VLN-0003', 'k2']);
    for (const bad of ['', 'with space', 'x'.repeat(201), 'ąčę']) {
      const err = await failure(client.readdressWithProof('CE482139075LT', 'pt_abcdefghijklmnopqrstuvwx', 'LT-VLN-0003', { idempotencyKey: bad }));
      expect(err.code).toBe('invalid');
      expect(err.message).toMatch(/^CarrierClient\.readdressWithProof\(\): the idempotency key/);
    }
    expect(server.seen).toHaveLength(3);
  });

  test('a server that never answers: timeoutMs bounds the call', async () => {
    server = await stub(() => false);
    const client = new CarrierClient({ baseUrl: server.url, timeoutMs: 200, retries: 0 });
    const started = Date.now();
    const err = await failure(client.listLockers());
    expect(err.code).toBe('unavailable');
    expect(err.message).toBe('CarrierClient.listLockers(): timed out after 200 ms');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(server.seen).toHaveLength(1);
  });

  test('a wave of calls shares a bounded pool of keep-alive connections instead of opening one per call', async () => {
    server = await stub((_req, res) => {
      setTimeout(() => json(res, 200, VALID_VIEW), 5);
    });
    const client = new CarrierClient({ baseUrl: server.url, timeoutMs: 5000, retries: 0, maxSockets: 4 });
    try {
      const views = await Promise.all(Array.from({ length: 40 }, () => client.getParcel('CE482139075LT')));
      expect(views.every((v) => v?.trackingNumber === 'CE482139075LT')).toBe(true);
      expect(server.seen).toHaveLength(40);
      expect(server.connections()).toBeLessThanOrEqual(4);
      // The next calls reuse the open connections.
      await Promise.all(Array.from({ length: 8 }, () => client.getParcel('CE482139075LT')));
      expect(server.connections()).toBeLessThanOrEqual(4);
    } finally {
      client.close();
    }
  });

  test('an idle pooled connection is closed by the client before a server would close it under a request', async () => {
    server = await stub((_req, res) => json(res, 200, VALID_VIEW));
    const client = new CarrierClient({ baseUrl: server.url, timeoutMs: 2000, retries: 0, idleSocketMs: 100 });
    try {
      await client.getParcel('CE482139075LT');
      await client.getParcel('CE482139075LT');
      expect(server.connections()).toBe(1);
      await new Promise((r) => setTimeout(r, 400));
      await client.getParcel('CE482139075LT');
      expect(server.connections()).toBe(2);
    } finally {
      client.close();
    }
  });

  test('a call waiting for a free connection behind a hung one still times out after timeoutMs', async () => {
    server = await stub(() => false);
    const client = new CarrierClient({ baseUrl: server.url, timeoutMs: 300, retries: 0, maxSockets: 1 });
    // The pool's only connection is held by a request that never ends (no deadline of its own).
    const { agents } = client as unknown as { agents: { http: Agent } };
    const hog = request(`${server.url}/v1/lockers`, { agent: agents.http });
    hog.on('error', () => undefined);
    hog.end();
    try {
      while (server.seen.length < 1) await new Promise((r) => setTimeout(r, 5));
      const started = Date.now();
      const queued = await failure(client.getLocker('LT-VLN-0001'));
      expect(queued.code).toBe('unavailable');
      expect(queued.message).toBe('CarrierClient.getLocker(): timed out after 300 ms');
      // Its wait for the connection counted into its timeout (a timer from the socket on would
      // wait for ever here), and it never reached the server.
      expect(Date.now() - started).toBeLessThan(1500);
      expect(server.seen).toHaveLength(1);
    } finally {
      hog.destroy();
      client.close();
    }
  });

  test('a readdress that times out is not retried', async () => {
    server = await stub(() => false);
    const client = new CarrierClient({ baseUrl: server.url, timeoutMs: 200, retries: 3, retryBaseDelayMs: 1 });
    expect((await failure(client.readdressWithProof('CE482139075LT', 'pt_abcdefghijklmnopqrstuvwx', 'LT-VLN-0003'))).code).toBe('unavailable');
    expect(server.seen).toHaveLength(1);
  });

  test('connection refused -> unavailable', async () => {
    server = await stub(() => undefined);
    const deadUrl = server.url;
    await server.close();
    server = undefined;
    const err = await failure(new CarrierClient({ baseUrl: deadUrl, timeoutMs: 500, retries: 1, retryBaseDelayMs: 1 }).getLocker('LT-VLN-0001'));
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/^CarrierClient\.getLocker\(\): network error ECONNREFUSED/);
  });

  test('tracking numbers and locker ids are URL-encoded; a base path is kept', async () => {
    server = await stub((_req, res) => json(res, 200, VALID_VIEW));
    const client = new CarrierClient({ baseUrl: `${server.url}/carrier/`, timeoutMs: 500, retries: 0 });
    await client.getParcel('CE 482/139?075#LT');
    await failure(client.getLocker('LT/VLN 1'));
    expect(server.seen.map((s) => s.url)).toEqual(['/carrier/v1/parcels/CE%20482%2F139%3F075%23LT', '/carrier/v1/lockers/LT%2FVLN%201']);
  });

  test.each([
    [404, { code: 'not_found', message: 'x' }, 'not_found'],
    [404, { code: 'route_not_found', message: 'wrong base URL?' }, 'unexpected'],
    [404, 'Not Found', 'unexpected'],
    [409, { code: 'wrong_status', status: 'delivered' }, 'wrong_status'],
    [409, { code: 'wrong_status' }, 'unexpected'],
    [409, { code: 'wrong_status', status: 'lost_in_space' }, 'unexpected'],
    [403, { code: 'not_verified', message: 'no' }, 'not_verified'],
    [403, { code: 'forbidden', message: 'ip not allowed' }, 'unexpected'],
    [400, { code: 'invalid', message: 'bad phone' }, 'invalid'],
    [422, { code: 'invalid', message: 'unknown locker' }, 'invalid'],
    [401, { code: 'unauthorized', message: 'no key' }, 'unexpected'],
    [408, { code: 'timeout' }, 'unavailable'],
    [429, { code: 'rate_limited' }, 'rate_limited'],
    [429, { code: 'slow_down' }, 'unavailable'],
    [410, { code: 'challenge_expired' }, 'challenge_expired'],
    [410, { code: 'gone' }, 'unexpected'],
    [423, { code: 'challenge_locked' }, 'challenge_locked'],
    [500, '<html>oops</html>', 'unavailable'],
    [302, '', 'unexpected'],
    [418, { code: 'teapot' }, 'unexpected'],
  ] as const)('HTTP %i %j -> %s', async (status, body, code) => {
    server = await stub((_req, res) => {
      if (typeof body === 'string') {
        res.writeHead(status, status === 302 ? { Location: '/elsewhere' } : { 'Content-Type': 'text/html' });
        res.end(body);
      } else json(res, status, body);
    });
    const client = new CarrierClient({ baseUrl: server.url, timeoutMs: 500, retries: 2, retryBaseDelayMs: 1 });
    const err = await failure(client.readdressWithProof('CE482139075LT', 'pt_abcdefghijklmnopqrstuvwx', 'LT-VLN-0003'));
    expect(err.code).toBe(code);
    expect(err.message.startsWith(`CarrierClient.readdressWithProof(): HTTP ${status}`)).toBe(true);
    if (code === 'wrong_status') expect(err.status).toBe('delivered');
    expect(server.seen).toHaveLength(1);
  });

  test.each([
    ['a missing field', { ...VALID_VIEW, status: undefined }],
    ['an unknown status', { ...VALID_VIEW, status: 'teleported' }],
    ['a bad date', { ...VALID_VIEW, expectedDelivery: '14/03/2025' }],
    ['an array', [VALID_VIEW]],
    ['null', null],
  ])('a 200 with %s -> unexpected', async (_what, body) => {
    server = await stub((_req, res) => json(res, 200, body));
    const err = await failure(new CarrierClient({ baseUrl: server.url, retries: 0 }).getParcel('CE482139075LT'));
    expect(err.code).toBe('unexpected');
    expect(err.message).toMatch(/^CarrierClient\.getParcel\(\): response does not match the contract/);
  });

  test('unknown extra fields are tolerated and dropped', async () => {
    server = await stub((_req, res) => json(res, 200, { ...VALID_VIEW, pickupCode: '123456', extra: 1 }));
    const view = await new CarrierClient({ baseUrl: server.url, retries: 0 }).getParcel('CE482139075LT');
    expect(view).toEqual(VALID_VIEW);
  });

  test('a ChangeOutcome must be one of the two shapes', async () => {
    server = await stub((_req, res) => json(res, 200, { outcome: 'maybe', reference: 'X' }));
    const err = await failure(new CarrierClient({ baseUrl: server.url, retries: 0 }).changePhoneWithProof('CE482139075LT', 'pt_abcdefghijklmnopqrstuvwx', 'sender', '+37061234568'));
    expect(err.code).toBe('unexpected');
  });

  test('a response larger than maxResponseBytes -> unexpected', async () => {
    server = await stub((_req, res) => json(res, 200, { lockers: [], padding: 'x'.repeat(5000) }));
    const err = await failure(new CarrierClient({ baseUrl: server.url, retries: 2, maxResponseBytes: 1000 }).listLockers());
    expect(err.code).toBe('unexpected');
    expect(server.seen).toHaveLength(1);
  });

  test('rejects a base URL that is not http(s)', () => {
    expect(() => new CarrierClient({ baseUrl: 'ftp://carrier' })).toThrow(/baseUrl/);
  });
});
