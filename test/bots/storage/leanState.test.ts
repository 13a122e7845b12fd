/**
 * LeanConversationState / LeanUserState against botbuilder's own ConversationState / UserState:
 * the same storage keys, the same writes (only when something changed, or when forced), the same
 * per-turn cache, clear and delete — counted on a storage that records every call.
 */
import { ConversationState, MemoryStorage, TestAdapter, TurnContext, UserState, type Activity, type BotState, type Storage, type StoreItems } from 'botbuilder';
import { KeyValueBotStorage } from '../../../bots/storage/BotStorage';
import { LeanConversationState, LeanUserState } from '../../../bots/storage/leanState';
import { MemoryKeyValueStore } from '../../../services/state/MemoryKeyValueStore';

/** A storage that records what was read, written and deleted. */
class RecordingStorage implements Storage {
  readonly log: string[] = [];
  constructor(private readonly inner: Storage) {}
  read(keys: string[]): Promise<StoreItems> {
    this.log.push(`read ${keys.join(',')}`);
    return this.inner.read(keys);
  }
  write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...rest } = item as Record<string, unknown>;
      this.log.push(`write ${key} eTag=${String(eTag)} ${JSON.stringify(rest)}`);
    }
    return this.inner.write(changes);
  }
  delete(keys: string[]): Promise<void> {
    this.log.push(`delete ${keys.join(',')}`);
    return this.inner.delete(keys);
  }
}

const adapter = new TestAdapter(async () => undefined);
const turn = (conversation = 'c1', user = 'u1') =>
  new TurnContext(adapter, { type: 'message', id: 'a', channelId: 'webchat', conversation: { id: conversation }, from: { id: user }, recipient: { id: 'bot' }, text: 'hi' } as Activity);

/** A script of state operations over three turns; returns the storage log and what each turn saw. */
async function play(make: (storage: Storage) => BotState, inner: Storage): Promise<{ log: string[]; seen: unknown[] }> {
  const storage = new RecordingStorage(inner);
  const state = make(storage);
  const count = state.createProperty<number>('count');
  const list = state.createProperty<string[]>('list');
  const seen: unknown[] = [];

  // Turn 1: nothing stored yet; read twice (one storage read), change, save, save again (no write).
  let t = turn();
  seen.push(await count.get(t));
  await count.set(t, 1);
  await list.set(t, ['a']);
  seen.push(state.get(t));
  await state.saveChanges(t);
  await state.saveChanges(t);

  // Turn 2: loaded, read only: no write; forced: one write; mutated in place: one write.
  t = turn();
  seen.push(await count.get(t), await list.get(t));
  await state.saveChanges(t);
  await state.saveChanges(t, true);
  (await list.get(t))?.push('b');
  await state.saveChanges(t);
  await state.load(t, true);
  seen.push(await list.get(t));

  // Turn 3: clear forces a write of the empty state; then delete drops it.
  t = turn();
  await count.get(t);
  await state.clear(t);
  seen.push(state.get(t));
  await state.saveChanges(t);
  await count.set(t, 7);
  await state.delete(t);
  seen.push(state.get(t));
  seen.push(await count.get(t, 0));
  await state.saveChanges(t);

  // Another conversation / user: its own key.
  t = turn('c2', 'u2');
  await count.set(t, 2);
  await state.saveChanges(t);
  // saveChanges before anything loaded: nothing; forced: writes the empty state.
  t = turn('c3', 'u3');
  await state.saveChanges(t);
  await state.saveChanges(t, true);
  return { log: storage.log, seen };
}

describe.each([
  ['ConversationState', (s: Storage) => new ConversationState(s), (s: Storage) => new LeanConversationState(s)],
  ['ConversationState with a namespace', (s: Storage) => new ConversationState(s, 'noted'), (s: Storage) => new LeanConversationState(s, 'noted')],
  ['UserState', (s: Storage) => new UserState(s), (s: Storage) => new LeanUserState(s)],
] as const)('Lean %s does what botbuilder’s does', (_name, reference, lean) => {
  test.each([
    ['botbuilder MemoryStorage', () => new MemoryStorage()],
    ['KeyValueBotStorage', () => new KeyValueBotStorage(new MemoryKeyValueStore())],
  ] as const)('on %s: the same reads, writes, deletes and values', async (_storage, makeStorage) => {
    const expected = await play(reference, makeStorage());
    const actual = await play(lean, makeStorage());
    expect(actual).toEqual(expected);
    // The script does exercise writes and skipped writes.
    expect(actual.log.filter((l) => l.startsWith('write')).length).toBeGreaterThanOrEqual(5);
  });
});

test('a racing turn still fails with an eTag conflict instead of overwriting (KeyValueBotStorage)', async () => {
  const state = new LeanConversationState(new KeyValueBotStorage(new MemoryKeyValueStore()));
  const steps = state.createProperty<string[]>('steps');
  const [seed, a, b] = [turn(), turn(), turn()];
  await steps.set(seed, ['start']);
  await state.saveChanges(seed);
  await state.load(a);
  await state.load(b);
  await steps.set(a, ['start', 'A']);
  await steps.set(b, ['start', 'B']);
  await state.saveChanges(a);
  await expect(state.saveChanges(b)).rejects.toThrow(/eTag conflict/);
  const check = turn();
  expect(await steps.get(check)).toEqual(['start', 'A']);
});
