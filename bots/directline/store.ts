import { randomBytes } from 'crypto';
import { EventEmitter } from 'events';

/** A participant as it appears in activities. */
export interface ActivityParty {
  id: string;
  name?: string;
  role?: string;
}

/**
 * An activity as kept in a conversation's log and sent to clients: a JSON Bot Framework activity
 * whose fields Direct Line always fills are mandatory. Other fields pass through untouched.
 */
export interface StoredActivity {
  type: string;
  id: string;
  /** ISO 8601, set by the endpoint. */
  timestamp: string;
  channelId: string;
  conversation: { id: string };
  from: ActivityParty;
  recipient?: ActivityParty;
  membersAdded?: ActivityParty[];
  locale?: string;
  replyToId?: string;
  serviceUrl?: string;
  text?: string;
  attachments?: unknown[];
  [field: string]: unknown;
}

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
  activity: StoredActivity;
}

/** A file uploaded by the user, served back under an unguessable URL. */
export interface StoredAttachment {
  contentType: string;
  name: string;
  data: Buffer;
}

/** What subscribers of a conversation hear: a logged activity, a transient one (typing), or the end. */
export type LiveEvent =
  | { kind: 'activity'; entry: ActivityEntry }
  | { kind: 'ephemeral'; activity: StoredActivity }
  | { kind: 'ended' };

/**
 * Persistence for the embedded Direct Line endpoint. Every method is async so that a shared
 * implementation (Redis: a list per conversation, INCR for the watermark, pub/sub for `subscribe`)
 * can replace the in-memory one without touching the endpoint.
 *
 * Promises: watermarks of one conversation strictly increase; `markStarted` returns true to exactly
 * one caller; unknown or expired conversations read as `undefined`, never throw.
 */
export interface DirectLineStore {
  /** Creates the conversation unless it exists; returns the stored record either way. */
  createConversation(record: ConversationRecord): Promise<ConversationRecord>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /** Marks the conversation started (recording the locale if given); true only for the first call. */
  markStarted(id: string, locale?: string): Promise<boolean>;
  /** Refreshes the idle timer. */
  touch(id: string): Promise<void>;
  /**
   * Appends an activity, assigning the next watermark and the id `<conversationId>|<seq>` (any id
   * it carries is replaced).
   * Publishes it to subscribers. `undefined` when the conversation is unknown.
   */
  appendActivity(conversationId: string, activity: StoredActivity): Promise<ActivityEntry | undefined>;
  /** Replaces an activity (same id) and moves it to the end of the log under a new watermark. */
  replaceActivity(conversationId: string, activity: StoredActivity): Promise<ActivityEntry | undefined>;
  /** Removes an activity from the log; false when it is not there. */
  deleteActivity(conversationId: string, activityId: string): Promise<boolean>;
  /** Entries with a watermark greater than `after` (all kept ones for `after` < 0), plus the current watermark. */
  getActivities(conversationId: string, after: number): Promise<{ entries: ActivityEntry[]; watermark: number } | undefined>;
  /** Publishes a transient activity (not logged, no watermark), as Direct Line does with typing. */
  publishEphemeral(conversationId: string, activity: StoredActivity): Promise<void>;
  /** Stores an attachment; returns its id, or `undefined` when the conversation is unknown. */
  putAttachment(conversationId: string, attachment: StoredAttachment): Promise<string | undefined>;
  getAttachment(conversationId: string, attachmentId: string): Promise<StoredAttachment | undefined>;
  /** Listens to a conversation's live events; returns the unsubscribe function. */
  subscribe(conversationId: string, listener: (event: LiveEvent) => void): () => void;
  /** Stops timers and releases resources. */
  close(): Promise<void>;
}

/** Bounds of {@link InMemoryDirectLineStore}. */
export interface InMemoryDirectLineStoreOptions {
  /** Activities kept per conversation; older ones are dropped (watermarks keep counting). Default 500. */
  maxActivitiesPerConversation?: number;
  /** Conversations idle longer than this are forgotten. Default 24 h. */
  idleTimeoutMs?: number;
  /** How often idle conversations are swept. Default min(idleTimeoutMs / 4, 10 min). */
  sweepIntervalMs?: number;
  /** Least recently active conversations are dropped beyond this many. Default 10 000. */
  maxConversations?: number;
  /** Uploaded files kept per conversation; the oldest are dropped. Default 10. */
  maxAttachmentsPerConversation?: number;
  now?: () => number;
}

interface Slot {
  record: ConversationRecord;
  entries: ActivityEntry[];
  seq: number;
  attachments: Map<string, StoredAttachment>;
}

/**
 * Single-process {@link DirectLineStore}. Memory is bounded by the caps in its options; the sweep
 * timer is unref'd so it never keeps the process alive, and `close()` stops it.
 */
export class InMemoryDirectLineStore implements DirectLineStore {
  private readonly slots = new Map<string, Slot>();
  private readonly events = new EventEmitter();
  private readonly timer: NodeJS.Timeout;
  private readonly maxActivities: number;
  private readonly idleMs: number;
  private readonly maxConversations: number;
  private readonly maxAttachments: number;
  private readonly now: () => number;

  constructor(options: InMemoryDirectLineStoreOptions = {}) {
    this.maxActivities = options.maxActivitiesPerConversation ?? 500;
    this.idleMs = options.idleTimeoutMs ?? 24 * 60 * 60 * 1000;
    this.maxConversations = options.maxConversations ?? 10_000;
    this.maxAttachments = options.maxAttachmentsPerConversation ?? 10;
    this.now = options.now ?? Date.now;
    this.events.setMaxListeners(0);
    const every = options.sweepIntervalMs ?? Math.min(this.idleMs / 4, 10 * 60 * 1000);
    this.timer = setInterval(() => this.sweep(), Math.max(every, 10));
    this.timer.unref();
  }

  /** Forgets conversations idle for longer than the timeout; returns their ids. */
  sweep(): string[] {
    const limit = this.now() - this.idleMs;
    const gone: string[] = [];
    for (const [id, slot] of this.slots) {
      if (slot.record.lastActiveAt <= limit) gone.push(id);
    }
    for (const id of gone) this.drop(id);
    return gone;
  }

  /** Number of conversations held; for tests and metrics. */
  get size(): number {
    return this.slots.size;
  }

  async createConversation(record: ConversationRecord): Promise<ConversationRecord> {
    const existing = this.slots.get(record.id);
    if (existing) return { ...existing.record };
    this.slots.set(record.id, { record: { ...record }, entries: [], seq: 0, attachments: new Map() });
    while (this.slots.size > this.maxConversations) {
      const oldest = this.slots.keys().next().value;
      if (oldest === undefined) break;
      this.drop(oldest);
    }
    return { ...record };
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

  async appendActivity(conversationId: string, activity: StoredActivity): Promise<ActivityEntry | undefined> {
    const slot = this.slots.get(conversationId);
    if (!slot) return undefined;
    slot.seq += 1;
    const entry: ActivityEntry = {
      watermark: slot.seq,
      activity: { ...activity, id: `${conversationId}|${String(slot.seq).padStart(7, '0')}` },
    };
    this.push(conversationId, slot, entry);
    return entry;
  }

  async replaceActivity(conversationId: string, activity: StoredActivity): Promise<ActivityEntry | undefined> {
    const slot = this.slots.get(conversationId);
    if (!slot) return undefined;
    const at = slot.entries.findIndex((e) => e.activity.id === activity.id);
    if (at < 0) return undefined;
    slot.entries.splice(at, 1);
    slot.seq += 1;
    const entry: ActivityEntry = { watermark: slot.seq, activity: { ...activity } };
    this.push(conversationId, slot, entry);
    return entry;
  }

  async deleteActivity(conversationId: string, activityId: string): Promise<boolean> {
    const slot = this.slots.get(conversationId);
    if (!slot) return false;
    const at = slot.entries.findIndex((e) => e.activity.id === activityId);
    if (at < 0) return false;
    slot.entries.splice(at, 1);
    return true;
  }

  async getActivities(conversationId: string, after: number): Promise<{ entries: ActivityEntry[]; watermark: number } | undefined> {
    const slot = this.slots.get(conversationId);
    if (!slot) return undefined;
    return { entries: slot.entries.filter((e) => e.watermark > after), watermark: slot.seq };
  }

  async publishEphemeral(conversationId: string, activity: StoredActivity): Promise<void> {
    const slot = this.slots.get(conversationId);
    if (!slot) return;
    this.bump(conversationId, slot);
    this.events.emit(conversationId, { kind: 'ephemeral', activity } satisfies LiveEvent);
  }

  async putAttachment(conversationId: string, attachment: StoredAttachment): Promise<string | undefined> {
    const slot = this.slots.get(conversationId);
    if (!slot) return undefined;
    const id = randomBytes(18).toString('base64url');
    slot.attachments.set(id, attachment);
    while (slot.attachments.size > this.maxAttachments) {
      const oldest = slot.attachments.keys().next().value;
      if (oldest === undefined) break;
      slot.attachments.delete(oldest);
    }
    return id;
  }

  async getAttachment(conversationId: string, attachmentId: string): Promise<StoredAttachment | undefined> {
    return this.slots.get(conversationId)?.attachments.get(attachmentId);
  }

  subscribe(conversationId: string, listener: (event: LiveEvent) => void): () => void {
    this.events.on(conversationId, listener);
    return () => this.events.off(conversationId, listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }

  private push(conversationId: string, slot: Slot, entry: ActivityEntry): void {
    slot.entries.push(entry);
    if (slot.entries.length > this.maxActivities) slot.entries.splice(0, slot.entries.length - this.maxActivities);
    this.bump(conversationId, slot);
    this.events.emit(conversationId, { kind: 'activity', entry } satisfies LiveEvent);
  }

  /** Keeps the Map in least-recently-active order so eviction takes the first key. */
  private bump(id: string, slot: Slot): void {
    slot.record.lastActiveAt = this.now();
    this.slots.delete(id);
    this.slots.set(id, slot);
  }

  private drop(id: string): void {
    if (!this.slots.delete(id)) return;
    this.events.emit(id, { kind: 'ended' } satisfies LiveEvent);
    this.events.removeAllListeners(id);
  }
}
