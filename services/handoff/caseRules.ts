/**
 * The rules of the case life cycle as pure functions, shared by every `CaseStore`
 * implementation so memory and Redis cannot drift apart:
 *
 * - how a case is joined (`joinKeysFor`: the same conversation, the same channel identity, a
 *   phone proven in the conversation) and how it is only *related* (`relateKeysFor`: the parcel
 *   number, which anyone who saw a label knows and which therefore never joins);
 * - which transitions are allowed (`claimed`, `transferred`, `released`, `closed`, `merged`),
 *   each returning the next case or `undefined` when the transition does not apply;
 * - which derived structures change with a case (`deriveEffects`): queue membership and order,
 *   the open-case index, the related-case index, agent and customer lists, conversation
 *   ownership. Stores persist a case together with its effects atomically;
 * - the size limit of a transcript entry (`capEntry`).
 */
import type {
  Attachment,
  Case,
  CaseConversation,
  CaseFields,
  CaseInput,
  CasePatch,
  CaseStatus,
  JoinVia,
  Ownership,
  OwnershipRecord,
  TranscriptEntry,
} from './types';
import { PRIORITY_BY_KIND, type Priority } from './vocabulary';

/** Upper-case letters and digits only: "ab 123-456 lt" and "AB123456LT" match. */
export function normaliseTrackingNumber(value: string | undefined): string | undefined {
  const n = value?.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return n ? n : undefined;
}

/** A phone already in E.164 (separators tolerated), else undefined: only such phones join cases. */
export function normaliseE164(value: string | undefined): string | undefined {
  const n = value?.replace(/[\s\-().]/g, '');
  return n && /^\+[1-9]\d{6,14}$/.test(n) ? n : undefined;
}

/**
 * Keys under which an open case is *joined*, most specific first: the conversation itself, a
 * phone proven in the conversation (`verifiedPhone`, set by the gateway from `CustomerRef.proven`
 * only), the channel identity. Never the parcel number and never an unproven phone: knowing
 * those is not being the customer.
 */
export function joinKeysFor(input: { conversationId?: string; customerKey: string; fields?: Partial<CaseFields> }): string[] {
  const keys: string[] = [];
  if (input.conversationId) keys.push(`conv:${input.conversationId}`);
  const tel = normaliseE164(input.fields?.verifiedPhone);
  if (tel) keys.push(`tel:${tel}`);
  if (input.customerKey) keys.push(`cust:${input.customerKey}`);
  return keys;
}

/** Why a join key matched, for the conversation record. */
export function joinVia(key: string): JoinVia {
  if (key.startsWith('conv:')) return 'same_conversation';
  if (key.startsWith('tel:')) return 'proven_phone';
  return 'same_customer';
}

/** Keys under which open cases are *related* (shown to agents side by side, never joined). */
export function relateKeysFor(fields: Partial<CaseFields> | undefined): string[] {
  const trk = normaliseTrackingNumber(fields?.trackingNumber);
  return trk ? [`trk:${trk}`] : [];
}

/** `C-YYMMDD-NNNN`, the day taken in `timeZone`. Sorts by day, then by number within the day. */
export function formatCaseId(at: Date, seq: number, timeZone: string): string {
  return `C-${caseDay(at, timeZone)}-${String(seq).padStart(4, '0')}`;
}

const caseDayFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYMMDD` in `timeZone`: the per-day counter's name. */
export function caseDay(at: Date, timeZone: string): string {
  let format = caseDayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: '2-digit', month: '2-digit', day: '2-digit' });
    caseDayFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}${get('month')}${get('day')}`;
}

/** Queue order: priority first, then FIFO by `queuedAt`. Fits a sorted-set score exactly. */
export function queueScore(c: Pick<Case, 'priority' | 'queuedAt'>): number {
  return c.priority * 1e13 + Date.parse(c.queuedAt);
}

export function ownershipFor(status: CaseStatus): Ownership {
  return status === 'queued' ? 'queued' : status === 'assigned' ? 'agent' : 'closed';
}

/** The ownership record a conversation of `c` has. */
export function ownershipOf(c: Pick<Case, 'id' | 'status'>): OwnershipRecord {
  return c.status === 'queued' ? { state: 'queued', caseId: c.id } : c.status === 'assigned' ? { state: 'agent', caseId: c.id } : { state: 'closed', caseId: c.id };
}

export function isOpen(c: Case): boolean {
  return c.status !== 'closed';
}

/** Case ids are `C-` plus digits and dashes; anything else is not looked up at all. */
export function isCaseId(value: unknown): value is string {
  return typeof value === 'string' && /^C-\d{6}-\d{4,6}$/.test(value);
}

/** Same address = same attachment; a dropped one is never a duplicate of anything. */
function sameAttachment(a: Attachment, b: Attachment): boolean {
  return a.kept && b.kept && a.url === b.url;
}

function appendAttachments(list: Attachment[], more: Attachment[] | undefined): Attachment[] {
  const out = [...list];
  for (const a of more ?? []) if (!a.kept || !out.some((x) => sameAttachment(x, a))) out.push(a);
  return out;
}

function cleanFields(fields: Partial<CaseFields> | undefined): CaseFields {
  const f: CaseFields = { ...fields, attachments: [...(fields?.attachments ?? [])] };
  for (const k of Object.keys(f) as Array<keyof CaseFields>) if (f[k] === undefined) delete f[k];
  return f;
}

/** Missing fields of `base` filled from `incoming` (never overwritten); attachments appended. */
function fillFields(base: CaseFields, incoming: Partial<CaseFields> | undefined): CaseFields {
  const fields: CaseFields = { ...base, attachments: appendAttachments(base.attachments, incoming?.attachments) };
  for (const [k, v] of Object.entries(cleanFields(incoming)) as Array<[keyof CaseFields, CaseFields[keyof CaseFields]]>) {
    if (k === 'attachments') continue;
    if (fields[k] === undefined) Object.assign(fields, { [k]: v });
  }
  return fields;
}

function union(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

function conversationKeys(c: Case): string[] {
  return c.conversations.map((x) => `conv:${x.id}`);
}

/** Join keys of a case: its conversations', its proven phone, its customer's. */
function caseJoinKeys(c: Case, extra: string[] = []): string[] {
  return union(c.matchKeys, conversationKeys(c), joinKeysFor({ customerKey: c.customerKey, fields: c.fields }), extra);
}

/**
 * A new queued case. `related` are the open cases found by the parcel number: they are linked,
 * never joined.
 */
export function buildCase(id: string, input: CaseInput, now: Date, related: string[] = []): Case {
  const at = (input.at ?? now).toISOString();
  const fields = cleanFields(input.fields);
  const conversations: CaseConversation[] = input.conversationId
    ? [{ id: input.conversationId, channel: input.channel, joinedAt: at, via: 'opened', toldCaseId: id }]
    : [];
  const c: Case = {
    id,
    status: 'queued',
    priority: input.priority ?? PRIORITY_BY_KIND[input.kind],
    kind: input.kind,
    reason: input.reason,
    createdAt: at,
    queuedAt: at,
    firstResponseDueAt: input.firstResponseDueAt,
    channel: input.channel,
    lang: input.lang,
    customerKey: input.customerKey,
    conversations,
    fields,
    summary: input.summary,
    notes: [],
    related: related.filter((r) => r !== id).slice(0, MAX_RELATED),
    matchKeys: joinKeysFor({ ...input, fields }),
    relateKeys: relateKeysFor(fields),
  };
  if (c.firstResponseDueAt === undefined) delete c.firstResponseDueAt;
  return c;
}

/**
 * The case after another escalation joined it (a key of `joinKeysFor` matched): the
 * conversation is added, missing fields are filled (never overwritten), new attachments
 * appended. Priority and `queuedAt` stay: writing again never moves a case up the queue.
 */
export function joinCase(c: Case, input: CaseInput, via: JoinVia, now: Date): Case {
  const fields = fillFields(c.fields, input.fields);
  const conversations = [...c.conversations];
  if (input.conversationId && !conversations.some((x) => x.id === input.conversationId)) {
    conversations.push({ id: input.conversationId, channel: input.channel, joinedAt: (input.at ?? now).toISOString(), via, toldCaseId: c.id });
  }
  const next: Case = { ...c, conversations, fields };
  next.matchKeys = caseJoinKeys(next, joinKeysFor({ ...input, fields }));
  next.relateKeys = union(c.relateKeys, relateKeysFor(fields));
  return next;
}

/**
 * Related links kept per case. Bounds what one parcel number can make anyone write: a flood of
 * cases about a victim's parcel never grows the victim's case without limit.
 */
export const MAX_RELATED = 20;

/** Links `relatedId` to `c` (both directions are written by the store in one step). */
export function relatedTo(c: Case, relatedId: string): Case {
  if (c.related.includes(relatedId) || c.id === relatedId || c.related.length >= MAX_RELATED) return c;
  return { ...c, related: [...c.related, relatedId] };
}

export function patched(c: Case, patch: CasePatch): Case {
  const { fields, ...rest } = patch;
  const changes = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Omit<CasePatch, 'fields'>;
  let nextFields = c.fields;
  if (fields) {
    const { attachments, ...plain } = fields;
    nextFields = cleanFields({ ...c.fields, ...plain, attachments: appendAttachments(c.fields.attachments, attachments) });
  }
  const next: Case = { ...c, ...changes, fields: nextFields };
  if (isOpen(next)) {
    next.matchKeys = caseJoinKeys(next);
    next.relateKeys = union(c.relateKeys, relateKeysFor(next.fields));
  }
  return next;
}

/** Only a queued case can be claimed. */
export function claimed(c: Case, agentId: string, at: Date): Case | undefined {
  if (c.status !== 'queued') return undefined;
  return { ...c, status: 'assigned', assignedTo: agentId, assignedAt: at.toISOString() };
}

/** Only the agent holding the case can hand it over. */
export function transferred(c: Case, fromAgent: string, toAgent: string, at: Date): Case | undefined {
  if (c.status !== 'assigned' || c.assignedTo !== fromAgent) return undefined;
  return { ...c, assignedTo: toAgent, assignedAt: at.toISOString() };
}

/** Back to the queue with the original `queuedAt`: same place as before it was claimed. */
export function released(c: Case): Case | undefined {
  if (c.status !== 'assigned') return undefined;
  const next: Case = { ...c, status: 'queued' };
  delete next.assignedTo;
  delete next.assignedAt;
  return next;
}

export function closed(c: Case, agentId: string, code: string, at: Date): Case | undefined {
  if (c.status === 'closed') return undefined;
  const iso = at.toISOString();
  return { ...c, status: 'closed', closedAt: iso, resolution: { code, at: iso, agentId } };
}

export function withNote(c: Case, agentId: string, text: string, at: Date): Case {
  return { ...c, notes: [...c.notes, { at: at.toISOString(), agentId, text }] };
}

/** Why two cases cannot be merged (checked by `merged`). */
export type MergeRefusal = 'same_case' | 'closed' | 'work_order';

/**
 * Merging `other` into `kept` (an agent judged them the same customer's):
 *
 * - `other`'s conversations move into `kept` (each remembering the case id its customer was
 *   told, `toldCaseId`), and with them their join keys, so the customer writing again reaches
 *   `kept`;
 * - missing fields of `kept` are filled from `other`, attachments and notes appended;
 * - related links are united (minus the two cases themselves);
 * - when both are queued, `kept` takes the better queue place of the two (lower priority number,
 *   earlier `queuedAt`): nobody loses their place by a merge;
 * - `other` closes with the system code `merged` and `mergedInto`; `kept` lists it in `merges`;
 *   both record who merged and when. (The stores also append `other`'s transcript to `kept`'s.)
 */
export function merged(kept: Case, other: Case, by: string, at: Date): { kept: Case; other: Case } | MergeRefusal {
  if (kept.id === other.id) return 'same_case';
  if (!isOpen(kept) || !isOpen(other)) return 'closed';
  if (kept.kind === 'work_order' || other.kind === 'work_order') return 'work_order';
  const iso = at.toISOString();
  const moved: CaseConversation[] = other.conversations
    .filter((x) => !kept.conversations.some((k) => k.id === x.id))
    .map((x) => ({ ...x, via: 'merged' as const, joinedAt: iso }));
  let priority: Priority = kept.priority;
  let queuedAt = kept.queuedAt;
  if (kept.status === 'queued' && other.status === 'queued') {
    priority = Math.min(kept.priority, other.priority) as Priority;
    if (Date.parse(other.queuedAt) < Date.parse(queuedAt)) queuedAt = other.queuedAt;
  }
  const nextKept: Case = {
    ...kept,
    priority,
    queuedAt,
    conversations: [...kept.conversations, ...moved],
    fields: fillFields(kept.fields, other.fields),
    notes: [...kept.notes, ...other.notes],
    related: union(kept.related, other.related)
      .filter((id) => id !== kept.id && id !== other.id)
      .slice(0, MAX_RELATED),
    merges: [...(kept.merges ?? []), { caseId: other.id, at: iso, by }],
  };
  nextKept.matchKeys = caseJoinKeys(nextKept, other.matchKeys);
  nextKept.relateKeys = union(kept.relateKeys, other.relateKeys);
  const closedOther = closed(other, by, 'merged', at);
  if (!closedOther) return 'closed';
  return { kept: nextKept, other: { ...closedOther, mergedInto: { caseId: kept.id, at: iso, by } } };
}

/** Largest transcript entry text in UTF-8 bytes; longer texts are cut and marked (`cut`). */
export const MAX_ENTRY_BYTES = 4096;
/** Attachments kept per transcript entry. */
export const MAX_ENTRY_ATTACHMENTS = 10;

/**
 * The entry as a transcript keeps it: text at most `MAX_ENTRY_BYTES` of UTF-8 (cut at a
 * character boundary, the original length recorded in `cut` so the console can say so), at most
 * `MAX_ENTRY_ATTACHMENTS` attachments. A customer cannot grow a case by one huge message.
 */
export function capEntry(entry: TranscriptEntry): TranscriptEntry {
  let next = entry;
  if (Buffer.byteLength(entry.text, 'utf8') > MAX_ENTRY_BYTES) {
    let text = Buffer.from(entry.text, 'utf8').subarray(0, MAX_ENTRY_BYTES).toString('utf8');
    if (text.endsWith('\uFFFD')) text = text.slice(0, -1);
    next = { ...entry, text, cut: { originalChars: entry.text.length } };
  }
  if (next.attachments && next.attachments.length > MAX_ENTRY_ATTACHMENTS) next = { ...next, attachments: next.attachments.slice(0, MAX_ENTRY_ATTACHMENTS) };
  return next;
}

/** A change to a structure derived from cases, applied in the same atomic step as the case. */
export type Effect =
  | { t: 'queueAdd'; caseId: string; score: number }
  | { t: 'queueRemove'; caseId: string }
  /** Only if the key is not taken: an open case never steals another case's key. */
  | { t: 'indexAdd'; key: string; caseId: string }
  /** Only if the key still points to this case. */
  | { t: 'indexRemove'; key: string; caseId: string }
  /** The set of open cases under a relate key (`trk:…`). */
  | { t: 'relAdd'; key: string; caseId: string }
  | { t: 'relRemove'; key: string; caseId: string }
  | { t: 'agentAdd'; agentId: string; caseId: string }
  | { t: 'agentRemove'; agentId: string; caseId: string }
  | { t: 'customerAdd'; customerKey: string; caseId: string; score: number }
  | { t: 'ownership'; conversationId: string; record: OwnershipRecord }
  /** Move what the conversation said to the bot before the case existed into the case transcript. */
  | { t: 'adoptBuffer'; conversationId: string; caseId: string };

export function deriveEffects(before: Case | undefined, after: Case): Effect[] {
  const fx: Effect[] = [];
  const id = after.id;
  const wasOpen = before !== undefined && isOpen(before);

  if (after.status === 'queued') {
    if (!before || before.status !== 'queued' || queueScore(before) !== queueScore(after)) {
      fx.push({ t: 'queueAdd', caseId: id, score: queueScore(after) });
    }
  } else if (before?.status === 'queued') fx.push({ t: 'queueRemove', caseId: id });

  if (isOpen(after)) {
    const had = new Set(wasOpen ? before.matchKeys : []);
    for (const key of after.matchKeys) if (!had.has(key)) fx.push({ t: 'indexAdd', key, caseId: id });
    const hadRel = new Set(wasOpen ? before.relateKeys : []);
    for (const key of after.relateKeys) if (!hadRel.has(key)) fx.push({ t: 'relAdd', key, caseId: id });
  } else if (wasOpen) {
    for (const key of union(before.matchKeys, after.matchKeys)) fx.push({ t: 'indexRemove', key, caseId: id });
    for (const key of union(before.relateKeys, after.relateKeys)) fx.push({ t: 'relRemove', key, caseId: id });
  }

  const beforeAgent = before?.status === 'assigned' ? before.assignedTo : undefined;
  const afterAgent = after.status === 'assigned' ? after.assignedTo : undefined;
  if (beforeAgent !== afterAgent) {
    if (beforeAgent) fx.push({ t: 'agentRemove', agentId: beforeAgent, caseId: id });
    if (afterAgent) fx.push({ t: 'agentAdd', agentId: afterAgent, caseId: id });
  }

  if (!before && after.customerKey) fx.push({ t: 'customerAdd', customerKey: after.customerKey, caseId: id, score: Date.parse(after.createdAt) });

  const state = ownershipFor(after.status);
  for (const conv of after.conversations) {
    const known = before !== undefined && before.conversations.some((x) => x.id === conv.id);
    if (!known || ownershipFor(before.status) !== state) fx.push({ t: 'ownership', conversationId: conv.id, record: ownershipOf(after) });
    if (!known) fx.push({ t: 'adoptBuffer', conversationId: conv.id, caseId: id });
  }
  return fx;
}
