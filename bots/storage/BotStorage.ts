/**
 * botbuilder `Storage` over a `KeyValueStore`: with a `RedisKeyValueStore` this is the shared
 * state storage for ConversationState/UserState across bot instances; with a
 * `MemoryKeyValueStore` it behaves like botbuilder's `MemoryStorage`.
 *
 * @example
 * const storage = new KeyValueBotStorage(new RedisKeyValueStore(redis, { prefix: 'ld:state:', ttlMs: 30 * 86_400_000 }));
 * const conversationState = new ConversationState(storage);
 */
import type { Storage, StoreItems } from 'botbuilder';
import type { KeyValueStore } from '../../services/state/EtagStore';

export class KeyValueBotStorage implements Storage {
  constructor(private readonly store: KeyValueStore) {}

  read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('KeyValueBotStorage.read(): keys are required');
    return this.store.read(keys);
  }

  write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('KeyValueBotStorage.write(): changes are required');
    return this.store.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('KeyValueBotStorage.delete(): keys are required');
    return this.store.delete(keys);
  }
}
