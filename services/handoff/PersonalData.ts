/**
 * The hand-off's part of personal-data handling (issue 9): retention of closed cases and
 * data-subject erasure of a customer's cases. Nothing here logs a phone or a channel user id;
 * callers log counts.
 *
 * - Retention (`eraseClosedBefore`): closed cases whose `closedAt` is older than the cut-off go with
 *   their transcripts, and their conversations' hand-off records (ownership, reference, buffer).
 * - Erasure (`eraseCustomer`): every case (open or closed) of a channel identity, or naming a phone
 *   in its fields (sender, recipient, contact, proven phone, a work order's phones); open ones leave the
 *   queue and the consoles are told (`case.closed`). Returns the conversations and identities the
 *   cases held, so the caller can erase the bot's state of them too.
 * - `runRetentionOnce`: the periodic job, safe with several instances: a once-per-period flag on
 *   the shared `OnceFlags` lets exactly one instance run each period.
 */
import { normaliseE164 } from './caseRules';
import type { HandoffCore } from './HandoffCore';
import type { Case } from './types';

/** Whose data to erase: a phone (E.164, separators tolerated) or a channel user id. */
export type ErasureSubject = { phone: string } | { userId: string };

export interface ErasedCases {
  cases: number;
  /** Conversations of the erased cases, with their channel (for the bot's state keys). */
  conversations: { id: string; channel: string }[];
  /** Channel identities of the erased cases (`customerKey` with the case's channel). */
  identities: { channel: string; userId: string }[];
}

function phonesOf(c: Case): string[] {
  const f = c.fields;
  const wo = f.workOrder;
  const raw = [f.senderPhone, f.recipientPhone, f.contactPhone, f.verifiedPhone, wo?.senderPhone, wo?.action === 'change_phone' ? wo.newPhone : undefined];
  return raw.map((p) => normaliseE164(p)).filter((p): p is string => Boolean(p));
}

export class PersonalData {
  constructor(private readonly core: HandoffCore) {}

  /** The channel identity behind a case (what a supervisor's block names); undefined for work orders and unknown cases. */
  async customerOf(caseId: string): Promise<{ channel: string; userId: string } | undefined> {
    const c = await this.core.store.get(caseId);
    if (!c?.customerKey) return undefined;
    return { channel: c.conversations[0]?.channel ?? c.channel, userId: c.customerKey };
  }

  async eraseCustomer(subject: ErasureSubject): Promise<ErasedCases> {
    const phone = 'phone' in subject ? normaliseE164(subject.phone) : undefined;
    if ('phone' in subject && !phone) throw new Error('PersonalData.eraseCustomer(): the phone must be in E.164 (+370…)');
    const userId = 'userId' in subject ? subject.userId.trim() : undefined;
    if ('userId' in subject && !userId) throw new Error('PersonalData.eraseCustomer(): empty channel user id');
    const matches: Case[] = [];
    await this.core.store.forEachCase((c) => {
      if ((userId && c.customerKey === userId) || (phone && phonesOf(c).includes(phone))) matches.push(c);
    });
    return this.erase(matches);
  }

  /** Erases closed cases closed before `before`; how many. */
  async eraseClosedBefore(before: Date): Promise<ErasedCases> {
    const old: Case[] = [];
    const cut = before.getTime();
    await this.core.store.forEachCase((c) => {
      if (c.status === 'closed' && Date.parse(c.closedAt ?? c.createdAt) < cut) old.push(c);
    });
    return this.erase(old);
  }

  /**
   * Runs `eraseClosedBefore(now - retentionDays)` unless another instance (or this one) already
   * ran it in the current period; undefined when skipped.
   */
  async runRetentionOnce(retentionDays: number, periodMs: number): Promise<ErasedCases | undefined> {
    const now = this.core.now();
    const period = Math.floor(now.getTime() / periodMs);
    if (!(await this.core.flags.setOnce(`retention:${period}`, periodMs)).first) return undefined;
    const result = await this.eraseClosedBefore(new Date(now.getTime() - retentionDays * 86_400_000));
    this.core.logger.info({ retention: { retentionDays, cases: result.cases, conversations: result.conversations.length } }, 'PersonalData: retention run: closed cases past the retention period deleted');
    return result;
  }

  private async erase(cases: Case[]): Promise<ErasedCases> {
    const out: ErasedCases = { cases: 0, conversations: [], identities: [] };
    for (const c of cases) {
      if (!(await this.core.store.eraseCase(c.id))) continue;
      out.cases++;
      for (const conv of c.conversations) if (!out.conversations.some((x) => x.id === conv.id)) out.conversations.push({ id: conv.id, channel: conv.channel });
      if (c.customerKey && !out.identities.some((x) => x.userId === c.customerKey && x.channel === c.channel)) out.identities.push({ channel: c.channel, userId: c.customerKey });
      if (c.status !== 'closed') await this.core.publish('case.closed', c.id);
    }
    return out;
  }
}
