/**
 * `ConversationState` and `UserState` with cheaper change detection.
 *
 * botbuilder's `BotState` decides whether to write by hashing the state: on load, before each
 * save and again after it, it serialises the state with botbuilder-stdlib's `stringify` (a
 * `JSON.stringify` whose replacer function runs for every key, to catch circular structures and
 * `_replacer` hooks) and takes a SHA-256 of the text. With three states per turn that was ~3% of
 * a turn's CPU. Here the serialised text itself is the "hash": one plain `JSON.stringify` on
 * load and one on save, compared as strings; after a write the text just compared is kept.
 * The state we keep is plain JSON (it is stored as JSON), so nothing the replacer handled can
 * occur in it, and equal texts mean equal states exactly as equal hashes did.
 *
 * Everything else is `BotState`'s contract: the state is cached per turn (by this instance's own
 * key), `load(context, true)` reads again, `saveChanges(context, true)` writes even when nothing
 * changed, `clear` forces the next save, `delete` drops the cache and the stored item, and the
 * written item carries eTag `'*'` (which `KeyValueBotStorage` turns into a conditional write).
 */
import { ConversationState, UserState, type Storage, type StorageKeyFactory, type TurnContext } from 'botbuilder';

interface Cached {
  state: Record<string, unknown>;
  /** The state's JSON (without its eTag) when it was loaded or last written; '' forces a write. */
  json: string;
}

/** The state's JSON, leaving out the storage's eTag as botbuilder's change hash does. */
function stateJson(state: Record<string, unknown>): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}

/** The per-turn cache and the load/save logic both state classes delegate to. */
class LeanStateCache {
  private readonly key = Symbol('leanState');

  constructor(
    private readonly storage: Storage,
    private readonly storageKey: StorageKeyFactory,
  ) {}

  async load(context: TurnContext, force: boolean): Promise<Record<string, unknown>> {
    const cached = context.turnState.get<Cached | undefined>(this.key);
    if (cached && !force) return cached.state;
    const key = await this.storageKey(context);
    const items = await this.storage.read([key]);
    const state = (items[key] as Record<string, unknown> | undefined) ?? {};
    context.turnState.set(this.key, { state, json: stateJson(state) } satisfies Cached);
    return state;
  }

  async saveChanges(context: TurnContext, force: boolean): Promise<void> {
    let cached = context.turnState.get<Cached | undefined>(this.key);
    if (!cached && !force) return;
    const json = cached ? stateJson(cached.state) : '{}';
    if (!force && cached?.json === json) return;
    cached ??= { state: {}, json: '' };
    const key = await this.storageKey(context);
    cached.state.eTag = '*';
    await this.storage.write({ [key]: cached.state });
    cached.json = json;
    context.turnState.set(this.key, cached);
  }

  clear(context: TurnContext): Promise<void> {
    context.turnState.set(this.key, { state: {}, json: '' } satisfies Cached);
    return Promise.resolve();
  }

  async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.key);
    const key = await this.storageKey(context);
    await this.storage.delete([key]);
  }

  get(context: TurnContext): Record<string, unknown> | undefined {
    return context.turnState.get<Cached | undefined>(this.key)?.state;
  }
}

// Two small subclasses that delegate, rather than one mixin: a TypeScript mixin's result does not
// keep ConversationState's and UserState's private members, so it would not be assignable to them.

/** `ConversationState` (same storage key, `namespace` included) with string-compared change detection. */
export class LeanConversationState extends ConversationState {
  private readonly cache = new LeanStateCache(this.storage, this.storageKey);
  override load(context: TurnContext, force = false) { return this.cache.load(context, force); }
  override saveChanges(context: TurnContext, force = false) { return this.cache.saveChanges(context, force); }
  override clear(context: TurnContext) { return this.cache.clear(context); }
  override delete(context: TurnContext) { return this.cache.delete(context); }
  override get(context: TurnContext) { return this.cache.get(context); }
}

/** `UserState` (same storage key, `namespace` included) with string-compared change detection. */
export class LeanUserState extends UserState {
  private readonly cache = new LeanStateCache(this.storage, this.storageKey);
  override load(context: TurnContext, force = false) { return this.cache.load(context, force); }
  override saveChanges(context: TurnContext, force = false) { return this.cache.saveChanges(context, force); }
  override clear(context: TurnContext) { return this.cache.clear(context); }
  override delete(context: TurnContext) { return this.cache.delete(context); }
  override get(context: TurnContext) { return this.cache.get(context); }
}
