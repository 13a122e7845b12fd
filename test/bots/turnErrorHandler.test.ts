/**
 * An error no dialog handles: the customer gets a polite message in their language (never a stack
 * trace), the error is logged with ids but without dialog state, only the dialog stack is reset,
 * and the conversation goes on. The adapter's onTurnError stays the last line and lets a turn the
 * bot already answered pass.
 */
import { Writable } from 'stream';
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { createLogger } from '../../services/logging/logger';
import { HandledTurnError, isStorageOutage, loggableError } from '../../bots/turnErrorHandler';
import { conversation, createWorld, hasMessage, type World } from '../support/botHarness';
import { LINES } from '../dialogs/testData';

let world: World;
beforeAll(async () => {
  world = await createWorld();
}, 60000);
afterAll(async () => world.close());

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write: (chunk, _enc, cb) => {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger('error', sink) };
}

test.each([['lt'], ['en'], ['ru']] as const)('a bug in a dialog (%s): polite message, logged with ids and no dialog state, flow reset, language kept', async (lang) => {
  const { lines, logger } = capture();
  const broken = {
    ...world.deps,
    logger,
    lockers: {
      ...world.lockers,
      search: () => {
        // The error text itself carries a phone (as a careless message might), and so does its cause.
        throw new Error(`index corrupted near ${F.readdressable.senderPhone}`, { cause: Object.assign(new Error(`lookup of ${F.readdressable.senderPhone} failed`), { phone: F.readdressable.senderPhone }) });
      },
      get: (id: string) => world.lockers.get(id),
      size: () => 0,
      extractMentions: () => [],
    },
  };
  const c = conversation(world, { deps: broken });
  const L = LINES[lang];
  await c.say(L.readdress);
  await c.say(F.readdressable.trackingNumber);
  await c.say(await world.lastCode(F.readdressable.senderPhone));
  const replies = await c.say(L.lockerQuery);
  expect(hasMessage(world.messages, lang, replies, 'errors.generic')).toBe(true);
  expect(replies.map((r) => r.text).join(' ')).not.toMatch(/index corrupted|Error|at /);
  const logged: { msg: string; conversationId?: string; err?: { message?: string; dialogs?: { stack: string[] } } }[] = lines.map((l) => JSON.parse(l));
  const failure = logged.find((l) => l.msg.includes('unhandled error in turn'));
  expect(failure?.conversationId).toBe(c.conversationId);
  expect(failure?.err?.message).toMatch(/index corrupted/);
  expect(failure?.err?.dialogs?.stack).toContain('slot.lockerQuery'); // the dialog ids, for finding the bug
  // The dialog state (the sender phone, the parcel) is not in the log, masked or not.
  expect(lines.join('\n')).not.toContain(F.readdressable.senderPhone.slice(-6));
  expect(lines.join('\n')).not.toContain(F.readdressable.trackingNumber);
  // No raw phone number in any captured line (masked ones end in ***NNN).
  for (const line of lines) expect(line.replace(/"time":"[^"]*"/, '')).not.toMatch(/\+?\d(?:[\s-]?\d){7,}/);
  // the conversation goes on with a fresh dialog stack, in the same language
  expect(hasMessage(world.messages, lang, await c.say(L.trackPrefilled(F.inLocker.trackingNumber)), 'track.status.in_locker')).toBe(true);
});

test('middleware sees the failed turn; the adapter handler does not answer it a second time', async () => {
  const { logger } = capture();
  const broken = { ...world.deps, logger, carrier: { ...world.carrier, getParcel: () => Promise.reject(new TypeError('boom')) } };
  const c = conversation(world, { deps: broken });
  const seen: unknown[] = [];
  c.adapter.use({
    onTurn: async (_context, next) => {
      try {
        await next();
      } catch (err) {
        seen.push(err);
        throw err;
      }
    },
  });
  await c.say(LINES.en.track);
  const replies = await c.say(F.inLocker.trackingNumber);
  expect(seen).toHaveLength(0); // a carrier failure is a prompt outcome, not a bug
  expect(hasMessage(world.messages, 'en', replies, 'main.offerHuman.carrier_unavailable')).toBe(true);

  const buggy = { ...world.deps, logger, lockers: { ...world.lockers, search: () => { throw new Error('index corrupted'); }, get: (id: string) => world.lockers.get(id), size: () => 0, extractMentions: () => [] } };
  const d = conversation(world, { deps: buggy });
  d.adapter.use({
    onTurn: async (_context, next) => {
      try {
        await next();
      } catch (err) {
        seen.push(err);
        throw err;
      }
    },
  });
  await d.say(LINES.en.readdress);
  await d.say(F.readdressable.trackingNumber);
  await d.say(await world.lastCode(F.readdressable.senderPhone));
  const failed = await d.say(LINES.en.lockerQuery);
  expect(seen).toHaveLength(1);
  expect(seen[0]).toBeInstanceOf(HandledTurnError);
  expect(failed.filter((r) => hasMessage(world.messages, 'en', [r], 'errors.generic'))).toHaveLength(1);
});

test('errors are logged without botbuilder dialog state', () => {
  const err = Object.assign(new Error('failed in dialog'), {
    dialogContext: { activeDialog: 'slot.phone', parent: 'readdress', stack: [{ id: 'readdress.steps', state: { values: { fields: { senderPhone: '+37061234567' } } } }] },
  });
  const out = JSON.stringify(loggableError(err));
  expect(out).toContain('readdress.steps');
  expect(out).toContain('failed in dialog');
  expect(out).not.toContain('61234567');
});

test('storage outages are told apart from bugs', () => {
  expect(isStorageOutage(new Error('Connection is closed.'))).toBe(true);
  expect(isStorageOutage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }))).toBe(true);
  expect(isStorageOutage(new Error('Cannot read properties of undefined'))).toBe(false);
});
