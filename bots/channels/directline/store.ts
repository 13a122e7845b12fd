/**
 * Conversations of the embedded Direct Line: records, activity logs with watermarks, uploads and
 * live events, behind the {@link DirectLineStore} port, with the in-memory implementation.
 *
 * Memory is bounded by budgets, never by evicting live customers to make room for strangers:
 * every conversation has a byte budget (activities + uploads), the store has a conversation cap
 * and a global byte budget; when a cap is reached, anonymous conversations (the user never wrote)
 * go first, then idle ones; when neither exists, the new conversation or upload is refused.
 */
import { randomBytes } from 'crypto';
import { EventEmitter } from 'events';
import type { ClientActivity } from './shaping';

/** What is known about one Direct Line conversation. */
export interface ConversationRecord {
  id: string;
  userId: string;
  userName?: string;
  locale?: string;
  /** True once a client has started it (and the bot got its conversationUpdate). */
  started: boolean;
  createdAt: number;
  lastActiveAt: number;
}

/** One log entry: the activity and its position, which is the watermark clients resume from. */
export interface ActivityEntry {
  watermark: number;
  activity: ClientActivity;
}

/** A file the user uploaded: its detected type, its name, its bytes and the conversation it belongs to. */
export interface StoredAttachment {
  conversationId: string;
  contentType: string;
  name: string;
  data: Buffer;
}

/**
 * What subscribers of a conversation hear: a logged activity, a transient one (typing), the end,
 * or `resync`: events may have been missed (a shared store's subscription was down), re-read the
 * log from your watermark.
 */
export type LiveEvent = { kind: 'activity'; entry: ActivityEntry } | { kind: 'ephemeral'; activity: ClientActivity } | { kind: 'ended' } | { kind: 'resync' };

/** The store's backend cannot be reached (Redis down or too slow): the request may be retried shortly. */
export class DirectLineStoreUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DirectLineStoreUnavailable';
  }
}

/** Why the store refused to take something. */
export type Refusal = 'unknown' | 'capacity' | 'count' | 'budget';

export type Stored<T> = { ok: true; value: T } | { ok: false; reason: Refusal };

/**
 * Persistence for the embedded Direct Line endpoint. Every method is async so that a shared
 * implementation (Redis) can replace the in-memory one without touching the endpoint.
 *
 * Promises: watermarks of one conversation strictly increase; `markStarted` returns true to exactly
 * one caller; unknown or expired conversations read as `undefined`, never throw; a live
 * conversation (its user wrote, and recently) is never evicted to make room for a new one.
 */
export interface DirectLineStore {
  /**
   * Creates the conversation unless it exists (then returns the stored record); `capacity` when full
   * of live customers. `anonymous` (default true): nobody has written in it yet, so it may be evicted
   * first; a conversation the bot must write into (an agent's reply) is created with false.
   * `restored` (default false): the conversation existed before and is brought back (from a token
   * or a bot reference, after a restart or an eviction); its watermarks then start at the store's
   * clock in milliseconds, above any watermark a client may still hold from before, so a client
   * resuming from its watermark misses nothing written since.
   */
  createConversation(record: ConversationRecord, anonymous?: boolean, restored?: boolean): Promise<Stored<ConversationRecord>>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /** Marks the conversation started (recording the locale if given); true only for the first call. */
  markStarted(id: string, locale?: string): Promise<boolean>;
  /** Refreshes the idle timer. */
  touch(id: string): Promise<void>;
  /**
   * Appends an activity, assigning the next watermark and the id `<conversationId>|<seq>`, and
   * publishes it. `fromUser` marks the conversation as no longer anonymous. The oldest activities
   * are dropped when the conversation's budget would be exceeded (watermarks keep counting).
   */
  appendActivity(conversationId: string, activity: Omit<ClientActivity, 'id'>, fromUser: boolean): Promise<ActivityEntry | undefined>;
  /** Replaces an activity (same id) and moves it to the end of the log under a new watermark. */
  replaceActivity(conversationId: string, activity: ClientActivity): Promise<ActivityEntry | undefined>;
  /** Removes an activity from the log; false when it is not there. */
  deleteActivity(conversationId: string, activityId: string): Promise<boolean>;
  /** Entries with a watermark greater than `after` (all kept ones for `after` < 0), plus the current watermark. */
  getActivities(conversationId: string, after: number): Promise<{ entries: ActivityEntry[]; watermark: number } | undefined>;
  /** Publishes a transient activity (not logged, no watermark), as Direct Line does with typing. */
  publishEphemeral(conversationId: string, activity: ClientActivity): Promise<void>;
  /** Whether one more upload of `bytes` would be taken now (checked before reading a body). */
  canUpload(conversationId: string, bytes: number): Promise<Refusal | undefined>;
  /** Stores an upload under a new random id (32 bytes, base64url) that says nothing of the conversation. */
  putAttachment(attachment: StoredAttachment): Promise<Stored<string>>;
  getAttachment(attachmentId: string): Promise<StoredAttachment | undefined>;
  /**
   * Listens to a conversation's live events, published by whichever instance wrote them, in log
   * order; returns the unsubscribe function.
   */
  subscribe(conversationId: string, listener: (event: LiveEvent) => void): () => void;
  /** Forgets conversations idle for longer than the timeout (with their uploads); returns their ids. Runs by itself too. */
  sweep(): string[] | Promise<string[]>;
  /** Usage figures (for tests, metrics and the flood script). */
  usage(): StoreUsage | Promise<StoreUsage>;
  /** Stops timers and releases resources. */
  close(): Promise<void>;
}

/** Bounds of {@link InMemoryDirectLineStore} (and of the Redis store). Defaults are the production limits. */
export interface InMemoryDirectLineStoreOptions {
  /** Bytes one conversation may hold, activities (as JSON) and uploads together. Default 2 MiB. */
  maxConversationBytes?: number;
  /** Part of that budget uploads may never take, so the chat itself goes on. Default 512 KiB. */
  activityReserveBytes?: number;
  /** Uploads kept per conversation. Default 5. */
  maxUploadsPerConversation?: number;
  /** Activities kept per conversation; older ones are dropped (watermarks keep counting). Default 500. */
  maxActivitiesPerConversation?: number;
  /** Conversations held at once. Default 10 000. */
  maxConversations?: number;
  /** Bytes held by all conversations together. Default 512 MiB. */
  maxTotalBytes?: number;
  /** Conversations idle longer than this are forgotten by the sweep. Default 60 min (twice a token's life). */
  idleTimeoutMs?: number;
  /** At capacity, a conversation idle this long may be evicted for a new one. Default 10 min. */
  evictIdleAfterMs?: number;
  /** How often idle conversations are swept. Default min(idleTimeoutMs / 4, 5 min). */
  sweepIntervalMs?: number;
  now?: () => number;
}

/** The limits of a Direct Line store, every one set. */
export type DirectLineStoreLimits = Required<Omit<InMemoryDirectLineStoreOptions, 'now' | 'sweepIntervalMs'>>;

/** `options`' limits with the defaults filled in; the memory and the Redis store share them. */
export function storeLimits(options: InMemoryDirectLineStoreOptions): DirectLineStoreLimits {
  return {
    maxConversationBytes: options.maxConversationBytes ?? 2 * 1024 * 1024,
    activityReserveBytes: options.activityReserveBytes ?? 512 * 1024,
    maxUploadsPerConversation: options.maxUploadsPerConversation ?? 5,
    maxActivitiesPerConversation: options.maxActivitiesPerConversation ?? 500,
    maxConversations: options.maxConversations ?? 10_000,
    maxTotalBytes: options.maxTotalBytes ?? 512 * 1024 * 1024,
    idleTimeoutMs: options.idleTimeoutMs ?? 60 * 60 * 1000,
    evictIdleAfterMs: options.evictIdleAfterMs ?? 10 * 60 * 1000,
  };
}


interface Slot {
  record: ConversationRecord;
  entries: { entry: ActivityEntry; bytes: number }[];
  seq: number;
  activityBytes: number;
  uploadBytes: number;
  uploads: string[];
}

/** Usage figures, for tests, metrics and the flood script. */
export interface StoreUsage {
  conversations: number;
  anonymous: number;
  bytes: number;
  attachments: number;
}

/** Single-process {@link DirectLineStore}; the sweep timer is unref'd and `close()` stops it. */
export class InMemoryDirectLineStore implements DirectLineStore {
  /** In least-recently-active order: the first key is the stalest. */
  private readonly slots = new Map<string, Slot>();
  /** Conversations whose user never wrote, oldest first: the first to go at capacity. */
  private readonly anonymous = new Set<string>();
  private readonly attachments = new Map<string, StoredAttachment>();
  private readonly events = new EventEmitter();
  private readonly timer: NodeJS.Timeout;
  private totalBytes = 0;
  private readonly o: DirectLineStoreLimits;
  private readonly now: () => number;

  constructor(options: InMemoryDirectLineStoreOptions = {}) {
    this.o = storeLimits(options);
    this.now = options.now ?? Date.now;
    this.events.setMaxListeners(0);
    const every = options.sweepIntervalMs ?? Math.min(this.o.idleTimeoutMs / 4, 5 * 60 * 1000);
    this.timer = setInterval(() => this.sweep(), Math.max(every, 10));
    this.timer.unref();
  }

  /** Forgets conversations idle for longer than the timeout (with their uploads); returns their ids. */
  sweep(): string[] {
    const limit = this.now() - this.o.idleTimeoutMs;
    const gone: string[] = [];
    for (const [id, slot] of this.slots) if (slot.record.lastActiveAt <= limit) gone.push(id);
    for (const id of gone) this.drop(id);
    return gone;
  }

  usage(): StoreUsage {
    return { conversations: this.slots.size, anonymous: this.anonymous.size, bytes: this.totalBytes, attachments: this.attachments.size };
  }

  async createConversation(record: ConversationRecord, anonymous = true, restored = false): Promise<Stored<ConversationRecord>> {
    const existing = this.slots.get(record.id);
    if (existing) return { ok: true, value: { ...existing.record } };
    while (this.slots.size >= this.o.maxConversations || this.totalBytes >= this.o.maxTotalBytes) {
      if (!this.evictOne()) return { ok: false, reason: 'capacity' };
    }
    const seq = restored ? Math.floor(this.now()) : 0;
    this.slots.set(record.id, { record: { ...record }, entries: [], seq, activityBytes: 0, uploadBytes: 0, uploads: [] });
    if (anonymous) this.anonymous.add(record.id);
    return { ok: true, value: { ...record } };
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const slot = this.slots.get(id);
    return slot ? { ...slot.record } : undefined;
  }

  async markStarted(id: string, locale?: string): Promise<boolean> {
    const slot = this.slots.get(id);
    if (!slot || slot.record.started) return false;
    slot.record.started = true;
    if (locale) slot.record.locale = locale;
    this.bump(id, slot);
    return true;
  }

  async touch(id: string): Promise<void> {
    const slot = this.slots.get(id);
    if (slot) this.bump(id, slot);
  }

  async appendActivity(conversationId: string, activity: Omit<ClientActivity, 'id'>, fromUser: boolean): Promise<ActivityEntry | undefined> {
    const slot = this.slots.get(conversationId);
    if (!slot) return undefined;
    if (fromUser) this.anonymous.delete(conversationId);
    slot.seq += 1;
    const entry: ActivityEntry = { watermark: slot.seq, activity: { ...activity, id: `${conversationId}|${String(slot.seq).padStart(7, '0')}` } };
    this.push(conversationId, slot, entry);
    return entry;
  }

  async replaceActivity(conversationId: string, activity: ClientActivity): Promise<ActivityEntry | undefined> {
    const slot = this.slots.get(conversationId);
    if (!slot) return undefined;
    const at = slot.entries.findIndex((e) => e.entry.activity.id === activity.id);
    if (at < 0) return undefined;
    const [old] = slot.entries.splice(at, 1);
    this.account(slot, -old.bytes, 0);
    slot.seq += 1;
    const entry: ActivityEntry = { watermark: slot.seq, activity: { ...activity } };
    this.push(conversationId, slot, entry);
    return entry;
  }

  async deleteActivity(conversationId: string, activityId: string): Promise<boolean> {
    const slot = this.slots.get(conversationId);
    if (!slot) return false;
    const at = slot.entries.findIndex((e) => e.entry.activity.id === activityId);
    if (at < 0) return false;
    const [old] = slot.entries.splice(at, 1);
    this.account(slot, -old.bytes, 0);
    return true;
  }

  async getActivities(conversationId: string, after: number): Promise<{ entries: ActivityEntry[]; watermark: number } | undefined> {
    const slot = this.slots.get(conversationId);
    if (!slot) return undefined;
    return { entries: slot.entries.filter((e) => e.entry.watermark > after).map((e) => e.entry), watermark: slot.seq };
  }

  async publishEphemeral(conversationId: string, activity: ClientActivity): Promise<void> {
    const slot = this.slots.get(conversationId);
    if (!slot) return;
    this.bump(conversationId, slot);
    this.events.emit(conversationId, { kind: 'ephemeral', activity } satisfies LiveEvent);
  }

  async canUpload(conversationId: string, bytes: number): Promise<Refusal | undefined> {
    const slot = this.slots.get(conversationId);
    if (!slot) return 'unknown';
    if (slot.uploads.length >= this.o.maxUploadsPerConversation) return 'count';
    if (slot.uploadBytes + bytes > this.o.maxConversationBytes - this.o.activityReserveBytes) return 'budget';
    while (this.totalBytes + bytes > this.o.maxTotalBytes) {
      if (!this.evictOne(conversationId)) return 'capacity';
    }
    return undefined;
  }

  async putAttachment(attachment: StoredAttachment): Promise<Stored<string>> {
    const refusal = await this.canUpload(attachment.conversationId, attachment.data.length);
    const slot = this.slots.get(attachment.conversationId);
    if (refusal || !slot) return { ok: false, reason: refusal ?? 'unknown' };
    const id = randomBytes(32).toString('base64url');
    this.attachments.set(id, attachment);
    slot.uploads.push(id);
    this.account(slot, 0, attachment.data.length);
    this.trim(slot);
    this.bump(attachment.conversationId, slot);
    return { ok: true, value: id };
  }

  async getAttachment(attachmentId: string): Promise<StoredAttachment | undefined> {
    return this.attachments.get(attachmentId);
  }

  subscribe(conversationId: string, listener: (event: LiveEvent) => void): () => void {
    this.events.on(conversationId, listener);
    return () => this.events.off(conversationId, listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }

  private push(conversationId: string, slot: Slot, entry: ActivityEntry): void {
    const bytes = Buffer.byteLength(JSON.stringify(entry.activity));
    slot.entries.push({ entry, bytes });
    this.account(slot, bytes, 0);
    this.trim(slot);
    this.bump(conversationId, slot);
    this.events.emit(conversationId, { kind: 'activity', entry } satisfies LiveEvent);
  }

  /** Drops the oldest activities (never the newest) until the conversation fits its budget and count. */
  private trim(slot: Slot): void {
    while (
      slot.entries.length > 1 &&
      (slot.entries.length > this.o.maxActivitiesPerConversation || slot.activityBytes + slot.uploadBytes > this.o.maxConversationBytes)
    ) {
      const old = slot.entries.shift();
      if (old) this.account(slot, -old.bytes, 0);
    }
  }

  private account(slot: Slot, activityDelta: number, uploadDelta: number): void {
    slot.activityBytes += activityDelta;
    slot.uploadBytes += uploadDelta;
    this.totalBytes += activityDelta + uploadDelta;
  }

  /** Evicts one anonymous conversation, else one idle one (never `except`); false when none may go. */
  private evictOne(except?: string): boolean {
    for (const id of this.anonymous) {
      if (id === except) continue;
      this.drop(id);
      return true;
    }
    const idleSince = this.now() - this.o.evictIdleAfterMs;
    for (const [id, slot] of this.slots) {
      if (slot.record.lastActiveAt > idleSince || id === except) continue;
      this.drop(id);
      return true;
    }
    return false;
  }

  /** Keeps the Map in least-recently-active order. */
  private bump(id: string, slot: Slot): void {
    slot.record.lastActiveAt = this.now();
    this.slots.delete(id);
    this.slots.set(id, slot);
  }

  private drop(id: string): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    this.slots.delete(id);
    this.anonymous.delete(id);
    for (const a of slot.uploads) this.attachments.delete(a);
    this.totalBytes -= slot.activityBytes + slot.uploadBytes;
    this.events.emit(id, { kind: 'ended' } satisfies LiveEvent);
    this.events.removeAllListeners(id);
  }
}
