/**
 * botbuilder's MemoryStorage is the reference: every assertion runs against it as well, so the
 * Redis-backed Storage is held to exactly botbuilder's behaviour.
 */
import { ConversationState, MemoryStorage, TestAdapter, TurnContext, type Activity, type Storage } from 'botbuilder';
import { KeyValueBotStorage } from '../../../bots/storage/BotStorage';
import { MemoryKeyValueStore } from '../../../services/state/MemoryKeyValueStore';
import { RedisKeyValueStore } from '../../../services/state/RedisKeyValueStore';
import { useRedis } from '../../setup/redis';

type Target = 'botbuilder MemoryStorage' | 'KeyValueBotStorage(memory)' | 'KeyValueBotStorage(redis)';
const TARGETS: Target[] = ['botbuilder MemoryStorage', 'KeyValueBotStorage(memory)', 'KeyValueBotStorage(redis)'];

function storageFactory(target: Target): () => Storage {
  if (target === 'botbuilder MemoryStorage') return () => new MemoryStorage();
  if (target === 'KeyValueBotStorage(memory)') return () => new KeyValueBotStorage(new MemoryKeyValueStore());
  const env = useRedis('redis');
  return () => new KeyValueBotStorage(new RedisKeyValueStore(env.client, { prefix: `${env.prefix}state:` }));
}

describe.each(TARGETS)('Bot Framework Storage semantics: %s', (target) => {
  const makeStorage = storageFactory(target);
  let storage: Storage;
  beforeEach(() => {
    storage = makeStorage();
  });

  it('returns written items with an eTag and omits unknown keys', async () => {
    await storage.write({ 'webchat/conversations/c1': { count: 1, list: [1, 2] } });
    const items = await storage.read(['webchat/conversations/c1', 'nope']);
    expect(Object.keys(items)).toEqual(['webchat/conversations/c1']);
    expect(items['webchat/conversations/c1']).toMatchObject({ count: 1, list: [1, 2] });
    expect(typeof items['webchat/conversations/c1'].eTag).toBe('string');
  });

  it('changes the eTag on every write and accepts the current one', async () => {
    await storage.write({ k: { v: 1 } });
    const a = (await storage.read(['k'])).k;
    await storage.write({ k: { ...a, v: 2 } });
    const b = (await storage.read(['k'])).k;
    expect(b.eTag).not.toBe(a.eTag);
    expect(b.v).toBe(2);
  });

  it('rejects a stale eTag with an "eTag conflict" error and keeps the stored item', async () => {
    await storage.write({ k: { v: 1 } });
    const stale = (await storage.read(['k'])).k;
    await storage.write({ k: { ...stale, v: 2 } });
    await expect(storage.write({ k: { ...stale, v: 3 } })).rejects.toThrow(/eTag conflict/);
    expect((await storage.read(['k'])).k.v).toBe(2);
  });

  it("overwrites with eTag '*' or without an eTag", async () => {
    await storage.write({ k: { v: 1 } });
    await storage.write({ k: { v: 2, eTag: '*' } });
    await storage.write({ k: { v: 3 } });
    expect((await storage.read(['k'])).k.v).toBe(3);
  });

  it('writes an absent key even with an eTag', async () => {
    await storage.write({ k: { v: 1, eTag: '12345' } });
    expect((await storage.read(['k'])).k.v).toBe(1);
  });

  it('deletes items, ignoring unknown keys', async () => {
    await storage.write({ a: { v: 1 }, b: { v: 2 } });
    await storage.delete(['a', 'unknown']);
    expect(Object.keys(await storage.read(['a', 'b']))).toEqual(['b']);
  });

  it('rejects a read without keys', async () => {
    await expect(Promise.resolve().then(() => storage.read(undefined as unknown as string[]))).rejects.toThrow();
  });

  it('keeps ConversationState across turns', async () => {
    const conversationState = new ConversationState(storage);
    const counter = conversationState.createProperty<number>('counter');
    const adapter = new TestAdapter(async (context) => {
      const n = (await counter.get(context, 0)) + 1;
      await counter.set(context, n);
      await context.sendActivity(`turn ${n}`);
      await conversationState.saveChanges(context);
    });
    await adapter.send('hi').assertReply('turn 1').send('again').assertReply('turn 2').send('more').assertReply('turn 3');
  });
});

describe.each(['memory', 'redis'] as const)('KeyValueBotStorage saves bot state with real eTags (%s)', (backend) => {
  const env = backend === 'redis' ? useRedis('redis') : undefined;
  const make = () => new KeyValueBotStorage(backend === 'redis' && env ? new RedisKeyValueStore(env.client, { prefix: `${env.prefix}state:` }) : new MemoryKeyValueStore());

  /** Two turns of one conversation that both loaded state before either saved (two instances, no lease). */
  test("the second of two racing turns fails with an eTag conflict instead of overwriting the first one's change", async () => {
    const storage = make();
    const state = new ConversationState(storage);
    const step = state.createProperty<string[]>('steps');
    const adapter = new TestAdapter(async () => undefined);
    const turn = (id: string) => new TurnContext(adapter, { type: 'message', id, channelId: 'test', conversation: { id: 'c' }, from: { id: 'u' }, recipient: { id: 'bot' }, text: id } as Activity);
    const contexts = [turn('one'), turn('two')];
    // Seed stored state, then let both turns load it.
    await state.load(contexts[0]);
    await step.set(contexts[0], ['start']);
    await state.saveChanges(contexts[0]);
    const [a, b] = [contexts[0], contexts[1]];
    await state.load(a, true);
    await state.load(b, true);
    await step.set(a, ['start', 'A']);
    await step.set(b, ['start', 'B']);
    await state.saveChanges(a);
    await expect(state.saveChanges(b)).rejects.toThrow(/eTag conflict/);
    await state.load(a, true);
    expect(await step.get(a)).toEqual(['start', 'A']);
    // The winner keeps saving within its turn (its eTag follows each write).
    await step.set(a, ['start', 'A', 'A2']);
    await state.saveChanges(a);
    await step.set(a, ['start', 'A', 'A2', 'A3']);
    await state.saveChanges(a);
    await state.load(b, true);
    expect(await step.get(b)).toEqual(['start', 'A', 'A2', 'A3']);
  });
});
