/**
 * The rules of the case life cycle as pure functions, shared by every `CaseStore`
 * implementation so memory and Redis cannot drift apart:
 *
 * - how a case is found again (`matchKeysFor`) and joined (`joinCase`);
 * - which transitions are allowed (`claimed`, `transferred`, `released`, `closed`), each returning
 *   the next case or `undefined` when the transition does not apply;
 * - which derived structures change with a case (`deriveEffects`): queue membership and order,
 *   the open-case index, agent and customer lists, conversation ownership. Stores persist a case
 *   together with its effects atomically.
 */
import {
  type Case,
  type CaseFields,
  type CaseInput,
  type CasePatch,
  type CaseStatus,
  type Ownership,
  type OwnershipRecord,
} from './types';
import { PRIORITY_BY_KIND } from './vocabulary';

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
 * Keys under which an open case is found, most specific first. A conversation belongs to at most
 * one open case, so its own key wins; then the parcel; then the verified phone; then the customer.
 * Unverified sender/recipient phones never match: that would let anyone join someone's case.
 */
export function matchKeysFor(input: { conversationId: string; customerKey: string; fields?: Partial<CaseFields> }): string[] {
  const keys = [`conv:${input.conversationId}`];
  const trk = normaliseTrackingNumber(input.fields?.trackingNumber);
  if (trk) keys.push(`trk:${trk}`);
  const tel = normaliseE164(input.fields?.verifiedPhone);
  if (tel) keys.push(`tel:${tel}`);
  if (input.customerKey) keys.push(`cust:${input.customerKey}`);
  return keys;
}

/** `C-YYMMDD-NNNN`, the day taken in `timeZone`. Sorts by day, then by number within the day. */
export function formatCaseId(at: Date, seq: number, timeZone: string): string {
  return `C-${caseDay(at, timeZone)}-${String(seq).padStart(4, '0')}`;
}

/** `YYMMDD` in `timeZone`: the per-day counter's name. */
export function caseDay(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: '2-digit', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}${get('month')}${get('day')}`;
}

/** Queue order: priority first, then FIFO by `queuedAt`. Fits a sorted-set score exactly. */
export function queueScore(c: Pick<Case, 'priority' | 'queuedAt'>): number {
  return c.priority * 1e13 + Date.parse(c.queuedAt);
}

export function compareQueue(a: Case, b: Case): number {
  return queueScore(a) - queueScore(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function ownershipFor(status: CaseStatus): Ownership {
  return status === 'queued' ? 'queued' : status === 'assigned' ? 'agent' : 'closed';
}

export function isOpen(c: Case): boolean {
  return c.status !== 'closed';
}

function cleanFields(fields: Partial<CaseFields> | undefined): CaseFields {
  const f: CaseFields = { ...fields, attachments: [...(fields?.attachments ?? [])] };
  for (const k of Object.keys(f) as Array<keyof CaseFields>) if (f[k] === undefined) delete f[k];
  return f;
}

export function buildCase(id: string, input: CaseInput, now: Date): Case {
  const at = (input.at ?? now).toISOString();
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
    conversationIds: [input.conversationId],
    fields: cleanFields(input.fields),
    summary: input.summary,
    notes: [],
    matchKeys: matchKeysFor(input),
  };
  if (c.firstResponseDueAt === undefined) delete c.firstResponseDueAt;
  return c;
}

/**
 * The case after another message/escalation joined it: the conversation is added, missing
 * fields are filled (never overwritten), new attachments appended. Priority and `queuedAt` stay:
 * writing again never moves a case up the queue.
 */
export function joinCase(c: Case, input: CaseInput): Case {
  const fields: CaseFields = { ...c.fields, attachments: [...c.fields.attachments] };
  const incoming = cleanFields(input.fields);
  for (const [k, v] of Object.entries(incoming) as Array<[keyof CaseFields, CaseFields[keyof CaseFields]]>) {
    if (k === 'attachments') continue;
    if (fields[k] === undefined) Object.assign(fields, { [k]: v });
  }
  for (const a of incoming.attachments) if (!fields.attachments.some((x) => x.url === a.url)) fields.attachments.push(a);
  const keys = new Set(c.matchKeys);
  for (const k of matchKeysFor({ conversationId: input.conversationId, customerKey: input.customerKey, fields })) keys.add(k);
  return {
    ...c,
    conversationIds: c.conversationIds.includes(input.conversationId) ? c.conversationIds : [...c.conversationIds, input.conversationId],
    fields,
    matchKeys: [...keys],
  };
}

export function patched(c: Case, patch: CasePatch): Case {
  const { fields, ...rest } = patch;
  const changes = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Omit<CasePatch, 'fields'>;
  const next: Case = { ...c, ...changes, fields: fields ? cleanFields({ ...c.fields, ...fields }) : c.fields };
  if (fields?.attachments === undefined) next.fields.attachments = c.fields.attachments;
  if (isOpen(next)) {
    const keys = new Set(c.matchKeys);
    for (const k of matchKeysFor({ conversationId: c.conversationIds[0], customerKey: c.customerKey, fields: next.fields })) keys.add(k);
    next.matchKeys = [...keys];
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

/** A change to a structure derived from cases, applied in the same atomic step as the case. */
export type Effect =
  | { t: 'queueAdd'; caseId: string; score: number }
  | { t: 'queueRemove'; caseId: string }
  /** Only if the key is not taken: an open case never steals another case's key. */
  | { t: 'indexAdd'; key: string; caseId: string }
  /** Only if the key still points to this case. */
  | { t: 'indexRemove'; key: string; caseId: string }
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
  } else if (wasOpen) {
    for (const key of new Set([...before.matchKeys, ...after.matchKeys])) fx.push({ t: 'indexRemove', key, caseId: id });
  }

  const beforeAgent = before?.status === 'assigned' ? before.assignedTo : undefined;
  const afterAgent = after.status === 'assigned' ? after.assignedTo : undefined;
  if (beforeAgent !== afterAgent) {
    if (beforeAgent) fx.push({ t: 'agentRemove', agentId: beforeAgent, caseId: id });
    if (afterAgent) fx.push({ t: 'agentAdd', agentId: afterAgent, caseId: id });
  }

  if (!before) fx.push({ t: 'customerAdd', customerKey: after.customerKey, caseId: id, score: Date.parse(after.createdAt) });

  const state = ownershipFor(after.status);
  for (const conversationId of after.conversationIds) {
    const known = before !== undefined && before.conversationIds.includes(conversationId);
    if (!known || ownershipFor(before.status) !== state) {
      fx.push({ t: 'ownership', conversationId, record: { state, caseId: id } });
    }
    if (!known) fx.push({ t: 'adoptBuffer', conversationId, caseId: id });
  }
  return fx;
}
