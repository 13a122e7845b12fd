/**
 * Single-process `CaseStore` for tests and local runs without Redis. Same rules as
 * `RedisCaseStore` (both apply `caseRules`); atomicity comes from never awaiting between reading
 * and writing. Values are copied in and out as JSON. Everything that expires in Redis expires
 * here too (`ExpiringMap`, swept on writes): pre-case buffers, closed ownership, references,
 * last-message times, presence.
 */
import {
  buildCase,
  capEntry,
  caseDay,
  claimed,
  closed,
  deriveEffects,
  formatCaseId,
  isOpen,
  joinCase,
  joinKeysFor,
  joinVia,
  merged,
  patched,
  relatedTo,
  relateKeysFor,
  released,
  transferred,
  withNote,
  type Effect,
} from './caseRules';
import {
  caseStoreSettings,
  type AppendResult,
  type CaseChange,
  type CaseStore,
  type CaseStoreOptions,
  type CreateOrJoinResult,
  type MergeChange,
} from './CaseStore';
import { ExpiringMap } from './expiringMap';
import type { AgentPresence, Case, CaseInput, CasePatch, OwnershipRecord, TranscriptEntry, TranscriptTarget } from './types';

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Queue order of (case id, queue score) entries: by score, equal scores by id, as a Redis sorted set orders its members. */
const byQueueOrder = ([a, sa]: [string, number], [b, sb]: [string, number]): number => sa - sb || (a < b ? -1 : a > b ? 1 : 0);

export class MemoryCaseStore implements CaseStore {
  private readonly s: Required<CaseStoreOptions>;
  private readonly cases = new Map<string, Case>();
  private readonly openIndex = new Map<string, string>();
  private readonly relIndex = new Map<string, Set<string>>();
  /** Queued case id → its queue score (`queueScore`), as the Redis store's sorted set holds them. */
  private readonly queued = new Map<string, number>();
  private readonly daySeq = new Map<string, number>();
  private readonly caseTx = new Map<string, TranscriptEntry[]>();
  private readonly buffers: ExpiringMap<TranscriptEntry[]>;
  private readonly ownership: ExpiringMap<OwnershipRecord>;
  private readonly refs: ExpiringMap<Record<string, unknown>>;
  private readonly lastCustomer: ExpiringMap<number>;
  private readonly presence: ExpiringMap<number>;

  constructor(opts: CaseStoreOptions = {}) {
    this.s = caseStoreSettings(opts);
    const clock = () => this.s.now().getTime();
    const map = <V>() => new ExpiringMap<V>(clock, this.s.sweepEveryMs);
    this.buffers = map();
    this.ownership = map();
    this.refs = map();
    this.lastCustomer = map();
    this.presence = map();
  }

  async forEachCase(visit: (c: Case) => void | Promise<void>): Promise<void> {
    for (const c of [...this.cases.values()]) await visit(copy(c));
  }

  async eraseCase(id: string): Promise<boolean> {
    const c = this.cases.get(id);
    if (!c) return false;
    this.cases.delete(id);
    this.caseTx.delete(id);
    this.queued.delete(id);
    for (const key of c.matchKeys) if (this.openIndex.get(key) === id) this.openIndex.delete(key);
    for (const key of c.relateKeys) this.relIndex.get(key)?.delete(id);
    for (const conv of c.conversations) await this.eraseConversation(conv.id);
    return true;
  }

  async eraseConversation(conversationId: string): Promise<void> {
    this.ownership.delete(conversationId);
    this.refs.delete(conversationId);
    this.lastCustomer.delete(conversationId);
    this.buffers.delete(conversationId);
  }

  /** Sweeps every expiring structure now; returns how many entries went (tests, diagnostics). */
  sweep(): number {
    return [this.buffers, this.ownership, this.refs, this.lastCustomer, this.presence].reduce((n, m) => n + m.sweep(), 0);
  }

  /** Entries held in the expiring structures (live or not yet swept). */
  expiringEntries(): number {
    return [this.buffers, this.ownership, this.refs, this.lastCustomer, this.presence].reduce((n, m) => n + m.size, 0);
  }

  async createOrJoin(input: CaseInput): Promise<CreateOrJoinResult> {
    const found = this.openCaseFor(joinKeysFor(input));
    if (found) {
      const next = joinCase(found.case, input, joinVia(found.key), this.s.now());
      this.commit(found.case, next);
      return { case: copy(next), joined: true };
    }
    const at = input.at ?? this.s.now();
    const day = caseDay(at, this.s.timeZone);
    const seq = (this.daySeq.get(day) ?? 0) + 1;
    this.daySeq.set(day, seq);
    const id = formatCaseId(at, seq, this.s.timeZone);
    const related = this.relatedOpenCases(relateKeysFor(input.fields));
    const c = buildCase(id, input, this.s.now(), related.map((r) => r.id));
    for (const r of related) this.commit(r, relatedTo(r, id));
    this.commit(undefined, c);
    return { case: copy(c), joined: false };
  }

  async get(id: string): Promise<Case | undefined> {
    const c = this.cases.get(id);
    return c && copy(c);
  }

  async getMany(ids: string[]): Promise<Case[]> {
    return ids.map((id) => this.cases.get(id)).filter((c): c is Case => c !== undefined).map(copy);
  }

  async update(id: string, patch: CasePatch): Promise<CaseChange> {
    return this.transition(id, (c) => patched(c, patch));
  }

  async listQueue(): Promise<Case[]> {
    return this.queueOrder().map(copy);
  }

  async position(id: string): Promise<number | undefined> {
    // What ZRANK does: count the queued cases ahead, without sorting the queue on every customer message.
    const mine = this.queued.get(id);
    if (mine === undefined || !this.cases.has(id)) return undefined;
    const me: [string, number] = [id, mine];
    let ahead = 0;
    for (const entry of this.queued) if (byQueueOrder(entry, me) < 0 && this.cases.has(entry[0])) ahead += 1;
    return ahead + 1;
  }

  async claim(id: string, agentId: string, at?: Date): Promise<CaseChange> {
    return this.transition(id, (c) => claimed(c, agentId, at ?? this.s.now()));
  }

  async transfer(id: string, fromAgent: string, toAgent: string, at?: Date): Promise<CaseChange> {
    return this.transition(id, (c) => transferred(c, fromAgent, toAgent, at ?? this.s.now()));
  }

  async release(id: string): Promise<CaseChange> {
    return this.transition(id, released);
  }

  async close(id: string, agentId: string, resolutionCode: string, at?: Date): Promise<CaseChange> {
    return this.transition(id, (c) => closed(c, agentId, resolutionCode, at ?? this.s.now()));
  }

  async merge(keptId: string, otherId: string, by: string, marker: TranscriptEntry, at?: Date): Promise<MergeChange> {
    const kept = this.cases.get(keptId);
    const other = this.cases.get(otherId);
    if (!kept || !other) return { ok: false, reason: 'not_found' };
    const result = merged(kept, other, by, at ?? this.s.now());
    if (typeof result === 'string') return { ok: false, reason: result };
    this.commit(other, result.other);
    this.commit(kept, result.kept);
    const tx = this.caseTx.get(keptId) ?? [];
    tx.push(capEntry(copy(marker)), ...copy(this.caseTx.get(otherId) ?? []));
    this.caseTx.set(keptId, tx);
    return { ok: true, kept: copy(result.kept), merged: copy(result.other) };
  }

  async listByAgent(agentId: string): Promise<Case[]> {
    return [...this.cases.values()]
      .filter((c) => c.status === 'assigned' && c.assignedTo === agentId)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(copy);
  }

  async listByCustomer(customerKey: string): Promise<Case[]> {
    if (!customerKey) return [];
    return [...this.cases.values()]
      .filter((c) => c.customerKey === customerKey)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id.localeCompare(a.id))
      .map(copy);
  }

  async addNote(id: string, agentId: string, text: string, at?: Date): Promise<CaseChange> {
    return this.transition(id, (c) => withNote(c, agentId, text, at ?? this.s.now()));
  }

  async appendTranscript(target: TranscriptTarget, entry: TranscriptEntry): Promise<AppendResult> {
    const capped = capEntry(copy(entry));
    const caseId = 'caseId' in target ? target.caseId : this.openIndex.get(`conv:${target.conversationId}`);
    if (caseId !== undefined) {
      const list = this.caseTx.get(caseId) ?? [];
      list.push(capped);
      this.caseTx.set(caseId, list);
      return { caseId, seq: list.length };
    }
    const conversationId = 'conversationId' in target ? target.conversationId : '';
    const list = this.buffers.get(conversationId) ?? [];
    list.push(capped);
    list.splice(0, Math.max(0, list.length - this.s.preCaseBufferSize));
    this.buffers.set(conversationId, list, this.s.preCaseBufferTtlMs);
    return { seq: list.length };
  }

  async transcript(target: TranscriptTarget, opts: { fromSeq?: number } = {}): Promise<TranscriptEntry[]> {
    const from = Math.max(1, opts.fromSeq ?? 1) - 1;
    const caseId = 'caseId' in target ? target.caseId : this.openIndex.get(`conv:${target.conversationId}`);
    const list = caseId !== undefined ? this.caseTx.get(caseId) : 'conversationId' in target ? this.buffers.get(target.conversationId) : undefined;
    return copy((list ?? []).slice(from));
  }

  async findOpenCase(conversationId: string): Promise<Case | undefined> {
    const id = this.openIndex.get(`conv:${conversationId}`);
    return id === undefined ? undefined : this.get(id);
  }

  async getOwnership(conversationId: string): Promise<OwnershipRecord> {
    return copy(this.ownership.get(conversationId) ?? { state: 'bot' });
  }

  async setOwnership(conversationId: string, record: OwnershipRecord): Promise<void> {
    this.putOwnership(conversationId, copy(record));
  }

  async saveReference(conversationId: string, ref: Record<string, unknown>): Promise<void> {
    this.refs.set(conversationId, copy(ref), this.s.referenceTtlMs);
  }

  async getReference(conversationId: string): Promise<Record<string, unknown> | undefined> {
    const ref = this.refs.get(conversationId);
    return ref && copy(ref);
  }

  async recordCustomerMessage(conversationId: string, at: Date): Promise<void> {
    this.lastCustomer.set(conversationId, Math.max(at.getTime(), this.lastCustomer.get(conversationId) ?? 0), this.s.lastMessageTtlMs);
  }

  async lastCustomerMessageAt(conversationId: string): Promise<Date | undefined> {
    const ms = this.lastCustomer.get(conversationId);
    return ms === undefined ? undefined : new Date(ms);
  }

  async setPresence(agentId: string, online: boolean, at?: Date): Promise<void> {
    if (online) this.presence.set(agentId, (at ?? this.s.now()).getTime(), 100 * this.s.presenceTtlMs);
    else this.presence.delete(agentId);
  }

  async heartbeat(agentId: string, at?: Date): Promise<void> {
    await this.setPresence(agentId, true, at);
  }

  async onlineAgents(now?: Date): Promise<AgentPresence[]> {
    const since = (now ?? this.s.now()).getTime() - this.s.presenceTtlMs;
    return this.presence
      .entries()
      .filter(([, seen]) => seen > since)
      .sort((a, b) => b[1] - a[1])
      .map(([agentId, seen]) => ({ agentId, lastSeenAt: new Date(seen).toISOString() }));
  }

  async isOnline(agentId: string, now?: Date): Promise<boolean> {
    const seen = this.presence.get(agentId);
    return seen !== undefined && seen > (now ?? this.s.now()).getTime() - this.s.presenceTtlMs;
  }

  private openCaseFor(keys: string[]): { case: Case; key: string } | undefined {
    for (const key of keys) {
      const id = this.openIndex.get(key);
      const c = id === undefined ? undefined : this.cases.get(id);
      if (c && isOpen(c)) return { case: c, key };
    }
    return undefined;
  }

  private relatedOpenCases(keys: string[]): Case[] {
    const ids = new Set<string>();
    for (const key of keys) for (const id of this.relIndex.get(key) ?? []) ids.add(id);
    return [...ids]
      .sort()
      .map((id) => this.cases.get(id))
      .filter((c): c is Case => c !== undefined && isOpen(c));
  }

  private transition(id: string, step: (c: Case) => Case | undefined): CaseChange {
    const c = this.cases.get(id);
    if (!c) return { ok: false, reason: 'not_found' };
    const next = step(c);
    if (!next) return { ok: false, reason: 'conflict', current: copy(c) };
    this.commit(c, next);
    return { ok: true, case: copy(next) };
  }

  private queueOrder(): Case[] {
    return [...this.queued]
      .sort(byQueueOrder)
      .map(([id]) => this.cases.get(id))
      .filter((c): c is Case => c !== undefined);
  }

  private putOwnership(conversationId: string, record: OwnershipRecord): void {
    this.ownership.set(conversationId, record, record.state === 'closed' ? this.s.closedOwnershipTtlMs : undefined);
  }

  private commit(before: Case | undefined, after: Case): void {
    this.cases.set(after.id, copy(after));
    for (const fx of deriveEffects(before, after)) this.apply(fx);
  }

  private apply(fx: Effect): void {
    switch (fx.t) {
      case 'queueAdd':
        this.queued.set(fx.caseId, fx.score);
        return;
      case 'queueRemove':
        this.queued.delete(fx.caseId);
        return;
      case 'indexAdd':
        if (!this.openIndex.has(fx.key)) this.openIndex.set(fx.key, fx.caseId);
        return;
      case 'indexRemove':
        if (this.openIndex.get(fx.key) === fx.caseId) this.openIndex.delete(fx.key);
        return;
      case 'relAdd': {
        const set = this.relIndex.get(fx.key) ?? new Set<string>();
        set.add(fx.caseId);
        this.relIndex.set(fx.key, set);
        return;
      }
      case 'relRemove': {
        const set = this.relIndex.get(fx.key);
        set?.delete(fx.caseId);
        if (set && !set.size) this.relIndex.delete(fx.key);
        return;
      }
      case 'agentAdd':
      case 'agentRemove':
      case 'customerAdd':
        return; // listByAgent/listByCustomer scan the cases
      case 'ownership':
        this.putOwnership(fx.conversationId, fx.record);
        return;
      case 'adoptBuffer': {
        const buffered = this.buffers.get(fx.conversationId);
        this.buffers.delete(fx.conversationId);
        if (buffered?.length) this.caseTx.set(fx.caseId, [...(this.caseTx.get(fx.caseId) ?? []), ...buffered]);
        return;
      }
    }
  }
}
