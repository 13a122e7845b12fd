/**
 * Single-process `CaseStore` for tests and local runs without Redis. Same rules as
 * `RedisCaseStore` (both apply `caseRules`); atomicity comes from never awaiting between reading
 * and writing. Values are copied in and out as JSON.
 */
import {
  buildCase,
  caseDay,
  claimed,
  closed,
  compareQueue,
  deriveEffects,
  formatCaseId,
  isOpen,
  joinCase,
  matchKeysFor,
  patched,
  released,
  transferred,
  type Effect,
} from './caseRules';
import {
  CaseNotFoundError,
  caseStoreSettings,
  type AppendResult,
  type CaseStore,
  type CaseStoreOptions,
  type CreateOrJoinResult,
} from './CaseStore';
import type { AgentPresence, Case, CaseInput, CasePatch, OwnershipRecord, TranscriptEntry, TranscriptTarget } from './types';

interface Expiring<T> {
  value: T;
  expiresAt?: number;
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export class MemoryCaseStore implements CaseStore {
  private readonly s: Required<CaseStoreOptions>;
  private readonly cases = new Map<string, Case>();
  private readonly openIndex = new Map<string, string>();
  private readonly queued = new Set<string>();
  private readonly daySeq = new Map<string, number>();
  private readonly caseTx = new Map<string, TranscriptEntry[]>();
  private readonly buffers = new Map<string, Expiring<TranscriptEntry[]>>();
  private readonly ownership = new Map<string, Expiring<OwnershipRecord>>();
  private readonly refs = new Map<string, Expiring<Record<string, unknown>>>();
  private readonly lastCustomer = new Map<string, number>();
  private readonly presence = new Map<string, number>();

  constructor(opts: CaseStoreOptions = {}) {
    this.s = caseStoreSettings(opts);
  }

  async createOrJoin(input: CaseInput): Promise<CreateOrJoinResult> {
    const found = this.openCaseFor(matchKeysFor(input));
    if (found) {
      const next = joinCase(found, input);
      this.commit(found, next);
      return { case: copy(next), joined: true };
    }
    const at = input.at ?? this.s.now();
    const day = caseDay(at, this.s.timeZone);
    const seq = (this.daySeq.get(day) ?? 0) + 1;
    this.daySeq.set(day, seq);
    const c = buildCase(formatCaseId(at, seq, this.s.timeZone), input, this.s.now());
    this.commit(undefined, c);
    return { case: copy(c), joined: false };
  }

  async get(id: string): Promise<Case | undefined> {
    const c = this.cases.get(id);
    return c && copy(c);
  }

  async update(id: string, patch: CasePatch): Promise<Case> {
    const c = this.mustGet(id, 'MemoryCaseStore.update()');
    const next = patched(c, patch);
    this.commit(c, next);
    return copy(next);
  }

  async listQueue(): Promise<Case[]> {
    return this.queueOrder().map(copy);
  }

  async position(id: string): Promise<number | undefined> {
    const i = this.queueOrder().findIndex((c) => c.id === id);
    return i < 0 ? undefined : i + 1;
  }

  async claim(id: string, agentId: string, at?: Date): Promise<boolean> {
    return this.transition(id, (c) => claimed(c, agentId, at ?? this.s.now()));
  }

  async transfer(id: string, fromAgent: string, toAgent: string, at?: Date): Promise<boolean> {
    return this.transition(id, (c) => transferred(c, fromAgent, toAgent, at ?? this.s.now()));
  }

  async release(id: string): Promise<boolean> {
    return this.transition(id, released);
  }

  async close(id: string, agentId: string, resolutionCode: string, at?: Date): Promise<boolean> {
    return this.transition(id, (c) => closed(c, agentId, resolutionCode, at ?? this.s.now()));
  }

  async listByAgent(agentId: string): Promise<Case[]> {
    return [...this.cases.values()]
      .filter((c) => c.status === 'assigned' && c.assignedTo === agentId)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(copy);
  }

  async listByCustomer(customerKey: string): Promise<Case[]> {
    return [...this.cases.values()]
      .filter((c) => c.customerKey === customerKey)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id.localeCompare(a.id))
      .map(copy);
  }

  async addNote(id: string, agentId: string, text: string, at?: Date): Promise<Case> {
    const c = this.mustGet(id, 'MemoryCaseStore.addNote()');
    const next: Case = { ...c, notes: [...c.notes, { at: (at ?? this.s.now()).toISOString(), agentId, text }] };
    this.commit(c, next);
    return copy(next);
  }

  async appendTranscript(target: TranscriptTarget, entry: TranscriptEntry): Promise<AppendResult> {
    const caseId = 'caseId' in target ? target.caseId : this.openIndex.get(`conv:${target.conversationId}`);
    if (caseId !== undefined) {
      const list = this.caseTx.get(caseId) ?? [];
      list.push(copy(entry));
      this.caseTx.set(caseId, list);
      return { caseId, seq: list.length };
    }
    const conversationId = 'conversationId' in target ? target.conversationId : '';
    const list = this.live(this.buffers, conversationId) ?? [];
    list.push(copy(entry));
    list.splice(0, Math.max(0, list.length - this.s.preCaseBufferSize));
    this.buffers.set(conversationId, { value: list, expiresAt: this.s.now().getTime() + this.s.preCaseBufferTtlMs });
    return { seq: list.length };
  }

  async transcript(target: TranscriptTarget, opts: { fromSeq?: number } = {}): Promise<TranscriptEntry[]> {
    const from = Math.max(1, opts.fromSeq ?? 1) - 1;
    const caseId = 'caseId' in target ? target.caseId : this.openIndex.get(`conv:${target.conversationId}`);
    const list = caseId !== undefined ? this.caseTx.get(caseId) : 'conversationId' in target ? this.live(this.buffers, target.conversationId) : undefined;
    return copy((list ?? []).slice(from));
  }

  async findOpenCase(conversationId: string): Promise<Case | undefined> {
    const id = this.openIndex.get(`conv:${conversationId}`);
    return id === undefined ? undefined : this.get(id);
  }

  async getOwnership(conversationId: string): Promise<OwnershipRecord> {
    return copy(this.live(this.ownership, conversationId) ?? { state: 'bot' });
  }

  async setOwnership(conversationId: string, record: OwnershipRecord): Promise<void> {
    this.putOwnership(conversationId, copy(record));
  }

  async saveReference(conversationId: string, ref: Record<string, unknown>): Promise<void> {
    this.refs.set(conversationId, { value: copy(ref), expiresAt: this.s.now().getTime() + this.s.referenceTtlMs });
  }

  async getReference(conversationId: string): Promise<Record<string, unknown> | undefined> {
    const ref = this.live(this.refs, conversationId);
    return ref && copy(ref);
  }

  async recordCustomerMessage(conversationId: string, at: Date): Promise<void> {
    this.lastCustomer.set(conversationId, Math.max(at.getTime(), this.lastCustomer.get(conversationId) ?? 0));
  }

  async lastCustomerMessageAt(conversationId: string): Promise<Date | undefined> {
    const ms = this.lastCustomer.get(conversationId);
    return ms === undefined ? undefined : new Date(ms);
  }

  async setPresence(agentId: string, online: boolean, at?: Date): Promise<void> {
    if (online) this.presence.set(agentId, (at ?? this.s.now()).getTime());
    else this.presence.delete(agentId);
  }

  async heartbeat(agentId: string, at?: Date): Promise<void> {
    await this.setPresence(agentId, true, at);
  }

  async onlineAgents(now?: Date): Promise<AgentPresence[]> {
    const since = (now ?? this.s.now()).getTime() - this.s.presenceTtlMs;
    return [...this.presence.entries()]
      .filter(([, seen]) => seen > since)
      .sort((a, b) => b[1] - a[1])
      .map(([agentId, seen]) => ({ agentId, lastSeenAt: new Date(seen).toISOString() }));
  }

  async isOnline(agentId: string, now?: Date): Promise<boolean> {
    const seen = this.presence.get(agentId);
    return seen !== undefined && seen > (now ?? this.s.now()).getTime() - this.s.presenceTtlMs;
  }

  private openCaseFor(keys: string[]): Case | undefined {
    for (const key of keys) {
      const id = this.openIndex.get(key);
      const c = id === undefined ? undefined : this.cases.get(id);
      if (c && isOpen(c)) return c;
    }
    return undefined;
  }

  private mustGet(id: string, where: string): Case {
    const c = this.cases.get(id);
    if (!c) throw new CaseNotFoundError(id, where);
    return c;
  }

  private transition(id: string, step: (c: Case) => Case | undefined): boolean {
    const c = this.cases.get(id);
    const next = c && step(c);
    if (!c || !next) return false;
    this.commit(c, next);
    return true;
  }

  private queueOrder(): Case[] {
    return [...this.queued].map((id) => this.cases.get(id)).filter((c): c is Case => c !== undefined).sort(compareQueue);
  }

  private live<T>(map: Map<string, Expiring<T>>, key: string): T | undefined {
    const e = map.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== undefined && e.expiresAt <= this.s.now().getTime()) {
      map.delete(key);
      return undefined;
    }
    return e.value;
  }

  private putOwnership(conversationId: string, record: OwnershipRecord): void {
    const expiresAt = record.state === 'closed' ? this.s.now().getTime() + this.s.closedOwnershipTtlMs : undefined;
    this.ownership.set(conversationId, { value: record, expiresAt });
  }

  private commit(before: Case | undefined, after: Case): void {
    this.cases.set(after.id, copy(after));
    for (const fx of deriveEffects(before, after)) this.apply(fx);
  }

  private apply(fx: Effect): void {
    switch (fx.t) {
      case 'queueAdd':
        this.queued.add(fx.caseId);
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
      case 'agentAdd':
      case 'agentRemove':
      case 'customerAdd':
        return; // listByAgent/listByCustomer scan the cases
      case 'ownership':
        this.putOwnership(fx.conversationId, fx.record);
        return;
      case 'adoptBuffer': {
        const buffered = this.live(this.buffers, fx.conversationId);
        this.buffers.delete(fx.conversationId);
        if (buffered?.length) this.caseTx.set(fx.caseId, [...(this.caseTx.get(fx.caseId) ?? []), ...buffered]);
        return;
      }
    }
  }
}
