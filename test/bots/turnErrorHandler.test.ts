/**
 * An error no dialog handles: the customer gets a polite message in their language (never a stack
 * trace), the error is logged with ids, only the dialog stack is reset, and the conversation goes on.
 */
import { Writable } from 'stream';
import { SANDBOX_FIXTURES as F } from '../../services/carrier/sandbox/fixtures';
import { createLogger } from '../../services/logging/logger';
import { isStorageOutage } from '../../bots/turnErrorHandler';
import { conversation, createWorld, hasMessage, type World } from '../support/botHarness';
import { LINES } from '../dialogs/testData';

let world: World;
beforeAll(async () => {
  world = await createWorld();
}, 60000);
afterAll(async () => world.close());

test.each([['lt'], ['en'], ['ru']] as const)('a bug in a dialog (%s): polite message, logged with ids, flow reset, language kept', async (lang) => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => { lines.push(String(chunk)); cb(); } });
  const broken = {
    ...world.deps,
    logger: createLogger('error', sink),
    lockers: { ...world.lockers, search: () => { throw new Error('index corrupted'); }, get: (id: string) => world.lockers.get(id), size: () => 0, extractMentions: () => [] },
  };
  const c = conversation(world, { deps: broken });
  const L = LINES[lang];
  await c.say(L.readdress);
  await c.say(F.readdressable.trackingNumber);
  await c.say(F.readdressable.senderPhone);
  const replies = await c.say(L.lockerQuery);
  expect(hasMessage(world.messages, lang, replies, 'errors.generic')).toBe(true);
  expect(replies.map((r) => r.text).join(' ')).not.toMatch(/index corrupted|Error|at /);
  const logged = lines.map((l) => JSON.parse(l) as { msg: string; conversationId?: string; err?: { message: string } });
  expect(logged.some((l) => l.msg.includes('onTurnError') && l.conversationId && /index corrupted/.test(JSON.stringify(l.err)))).toBe(true);
  // the conversation goes on with a fresh dialog stack, in the same language
  expect(hasMessage(world.messages, lang, await c.say(L.trackPrefilled(F.inLocker.trackingNumber)), 'track.status.in_locker')).toBe(true);
});

test('storage outages are told apart from bugs', () => {
  expect(isStorageOutage(new Error('Connection is closed.'))).toBe(true);
  expect(isStorageOutage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }))).toBe(true);
  expect(isStorageOutage(new Error('Cannot read properties of undefined'))).toBe(false);
});
