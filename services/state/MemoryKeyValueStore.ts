/**
 * In-process `KeyValueStore` for tests and local runs. Values are kept as JSON text, so what
 * goes in is serialised exactly as it would be for Redis and callers never share objects.
 */
import { randomUUID } from 'crypto';
import { EtagConflictError, isConditional, withoutEtag, type KeyValueStore, type StoreItem } from './EtagStore';

export class MemoryKeyValueStore implements KeyValueStore {
  private readonly items = new Map<string, { eTag: string; json: string }>();

  async read(keys: string[]): Promise<Record<string, StoreItem>> {
    if (!Array.isArray(keys)) throw new TypeError('MemoryKeyValueStore.read(): keys must be an array');
    const out: Record<string, StoreItem> = {};
    for (const key of keys) {
      const stored = this.items.get(key);
      if (stored) out[key] = { ...(JSON.parse(stored.json) as Record<string, unknown>), eTag: stored.eTag };
    }
    return out;
  }

  async write(changes: Record<string, StoreItem>): Promise<Record<string, string>> {
    if (!changes || typeof changes !== 'object') throw new TypeError('MemoryKeyValueStore.write(): changes must be an object');
    const eTags: Record<string, string> = {};
    for (const [key, item] of Object.entries(changes)) {
      const stored = this.items.get(key);
      if (stored && isConditional(item.eTag) && item.eTag !== stored.eTag) {
        throw new EtagConflictError(key, 'MemoryKeyValueStore.write()');
      }
      eTags[key] = randomUUID();
      this.items.set(key, { eTag: eTags[key], json: JSON.stringify(withoutEtag(item)) });
    }
    return eTags;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }
}
