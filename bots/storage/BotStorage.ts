/**
 * botbuilder `Storage` over a `KeyValueStore`: with a `RedisKeyValueStore` this is the shared
 * state storage for ConversationState/UserState across bot instances; with a
 * `MemoryKeyValueStore` it behaves like botbuilder's `MemoryStorage`.
 *
 * Real eTags (issue #8 finding 11): botbuilder's `BotState.saveChanges` always writes with eTag
 * `'*'` (last writer wins). It does, however, write back the very object `read` returned (the
 * turn's cached state). So this storage remembers, per object it handed out, the eTag it was read
 * with (and after each write, the new one), and turns a `'*'` write of such an object into a
 * conditional write. A turn that saves state another turn changed since it loaded it fails with
 * an `EtagConflictError` instead of silently overwriting. Brand-new state (no stored item yet)
 * is written unconditionally, as botbuilder's `MemoryStorage` does.
 *
 * @example
 * const storage = new KeyValueBotStorage(new RedisKeyValueStore(redis, { prefix: 'ld:state:', ttlMs: 30 * 86_400_000 }));
 * const conversationState = new ConversationState(storage);
 */
import type { Storage, StoreItems } from 'botbuilder';
import type { KeyValueStore, StoreItem } from '../../services/state/EtagStore';

export class KeyValueBotStorage implements Storage {
  /** The eTag each handed-out state object was read or last written with. */
  private readonly eTags = new WeakMap<object, string>();

  constructor(private readonly store: KeyValueStore) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('KeyValueBotStorage.read(): keys are required');
    const items = await this.store.read(keys);
    for (const item of Object.values(items)) if (item.eTag) this.eTags.set(item, item.eTag);
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('KeyValueBotStorage.write(): changes are required');
    const effective: Record<string, StoreItem> = {};
    for (const [key, item] of Object.entries(changes as Record<string, StoreItem>)) {
      const known = item && typeof item === 'object' ? this.eTags.get(item) : undefined;
      effective[key] = known && (item.eTag === '*' || item.eTag === undefined) ? { ...item, eTag: known } : item;
    }
    const written = await this.store.write(effective);
    for (const [key, item] of Object.entries(changes as Record<string, StoreItem>)) {
      if (item && typeof item === 'object' && written[key]) this.eTags.set(item, written[key]);
    }
  }

  delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('KeyValueBotStorage.delete(): keys are required');
    return this.store.delete(keys);
  }
}
