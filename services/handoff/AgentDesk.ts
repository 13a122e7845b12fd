/**
 * The agent desk: what an agent does with a case — read it, claim, reply, note, transfer,
 * release, close, hand back to the bot, complete a work order, merge related cases — and the
 * rules of who may:
 *
 * - only the agent holding a case, or a supervisor, closes it, returns it to the bot, merges into
 *   it or adds notes; agents choose only agent resolution codes (`AGENT_RESOLUTION_CODES`);
 *   system codes (`customer_left`, `merged`, …) are set by the system alone;
 * - a work order still in the queue may be completed by any agent (doing it is taking it);
 * - a reply goes to the conversation the agent names; when a case has one conversation that is
 *   the one, when it has several the agent must name it — never "whoever wrote last";
 * - every message to a customer goes to a conversation of the case it is about and names only the
 *   case id that conversation's customer was told.
 */
import type { AgentIdentity } from './agentAuth';
import type { FetchedAttachment } from './attachments';
import { AttachmentFetcher } from './attachments';
import { isCaseId } from './caseRules';
import type { CaseChange } from './CaseStore';
import { attachmentRef, toCaseView, toSummary, toTranscriptView, type CaseDetail, type CaseSummary, type TranscriptView } from './caseView';
import type { ActionResult, AgentActionError, HandoffCore } from './HandoffCore';
import type { Case, KeptAttachment, TranscriptEntry } from './types';
import { isAgentResolutionCode } from './vocabulary';

/** How long the once-flags behind "first claim" and "first reply" report events live. */
const REPORT_FLAG_TTL_MS = 90 * 86_400_000;
/** How long the customer's next message is read as the answer to the rating question. */
const RATING_ANSWER_TTL_MS = 24 * 3600_000;
/** Closes after which the customer is asked to rate the help (not spam, duplicates, no reply). */
const RATED_RESOLUTIONS: readonly string[] = ['solved', 'information_given'];

/** The holder of the case or a supervisor. */
export function mayManage(c: Case, agent: AgentIdentity): boolean {
  return agent.role === 'supervisor' || (c.status === 'assigned' && c.assignedTo === agent.id);
}

function failure(change: Exclude<CaseChange, { ok: true }>, conflict: AgentActionError): { ok: false; error: AgentActionError } {
  if (change.reason === 'not_found') return { ok: false, error: 'not_found' };
  return { ok: false, error: change.current.status === 'closed' ? 'closed' : conflict };
}

export class AgentDesk {
  private readonly fetcher: AttachmentFetcher;

  constructor(private readonly core: HandoffCore) {
    this.fetcher = new AttachmentFetcher({ stored: core.o.storedAttachments });
  }

  /** A case id from the API is looked up only when it looks like one. */
  private async find(id: string): Promise<Case | undefined> {
    return isCaseId(id) ? this.core.store.get(id) : undefined;
  }

  async summaryOf(id: string): Promise<CaseSummary | undefined> {
    const c = await this.find(id);
    if (!c) return undefined;
    const position = c.status === 'queued' ? await this.core.store.position(c.id) : undefined;
    return toSummary(c, { now: this.core.now(), position, agentName: this.core.agentName });
  }

  async caseDetail(id: string): Promise<CaseDetail | undefined> {
    const { store, outbox } = this.core;
    const c = await this.find(id);
    if (!c) return undefined;
    const entries = await store.transcript({ caseId: id });
    const states = await outbox.states(id);
    const transcript: TranscriptView[] = entries.map((e, i) => toTranscriptView(id, e, i + 1, states[i + 1]));
    const now = this.core.now();
    const sum = (x: Case) => toSummary(x, { now, agentName: this.core.agentName });
    const earlier = c.customerKey ? (await store.listByCustomer(c.customerKey)).filter((x) => x.id !== id) : [];
    const related = await store.getMany(c.related);
    const last: Record<string, string | undefined> = {};
    for (const x of c.conversations) last[x.id] = (await store.lastCustomerMessageAt(x.id))?.toISOString();
    return {
      case: toCaseView(c, { agentName: this.core.agentName, lastCustomerMessageAt: last }),
      transcript,
      earlier: earlier.map(sum),
      related: related.map(sum),
    };
  }

  async claim(id: string, agent: AgentIdentity): Promise<ActionResult<Case>> {
    const { core } = this;
    if (!isCaseId(id)) return { ok: false, error: 'not_found' };
    const change = await core.store.claim(id, agent.id, core.now());
    if (!change.ok) return failure(change, 'already_claimed');
    const c = change.case;
    const now = core.now();
    if ((await core.flags.setOnce(`report:claimed:${id}`, REPORT_FLAG_TTL_MS)).first) {
      const waitSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(c.queuedAt)) / 1000));
      core.reports.record({ type: 'case_claimed', at: now.toISOString(), caseId: id, priority: c.priority, waitSeconds, waitWorkingSeconds: core.workingSeconds(c.queuedAt, now) });
    }
    await core.publish('case.claimed', id, { agentId: agent.id });
    for (const conv of c.conversations) {
      await core.sendBot(c, conv.id, 'handoff.agentJoined', { name: agent.name });
      await core.signal(conv.id, 'accepted');
    }
    return { ok: true, value: c };
  }

  /** An agent's reply, to the conversation the agent names (required when the case has several). */
  async agentMessage(id: string, agent: AgentIdentity, text: string, conversationId?: string): Promise<ActionResult<TranscriptView>> {
    const { core } = this;
    const c = await this.find(id);
    if (!c) return { ok: false, error: 'not_found' };
    if (c.status !== 'assigned' || c.assignedTo !== agent.id) return { ok: false, error: 'not_assigned' };
    if (!c.conversations.length) return { ok: false, error: 'no_chat' };
    let target: string;
    if (conversationId !== undefined) {
      if (!c.conversations.some((x) => x.id === conversationId)) return { ok: false, error: 'unknown_conversation' };
      target = conversationId;
    } else if (c.conversations.length === 1) target = c.conversations[0].id;
    else return { ok: false, error: 'conversation_required' };
    const now = core.now();
    const entry: TranscriptEntry = { at: now.toISOString(), from: 'agent', text, agentId: agent.id, conversationId: target };
    const seq = await core.appendAndPublish(id, target, entry);
    if ((await core.flags.setOnce(`report:first-reply:${id}`, REPORT_FLAG_TTL_MS)).first) {
      const breached = c.firstResponseDueAt !== undefined && now.getTime() > Date.parse(c.firstResponseDueAt);
      core.reports.record({ type: 'first_reply', at: now.toISOString(), caseId: id, priority: c.priority, workingSeconds: core.workingSeconds(c.queuedAt, now), breached });
    }
    const delivery = await core.outbox.submit({ conversationId: target, caseId: id, seq, from: 'agent', text });
    return { ok: true, value: toTranscriptView(id, entry, seq, delivery) };
  }

  async addNote(id: string, agent: AgentIdentity, text: string): Promise<ActionResult<Case>> {
    const { core } = this;
    const c = await this.find(id);
    if (!c) return { ok: false, error: 'not_found' };
    if (!mayManage(c, agent)) return { ok: false, error: 'forbidden' };
    const change = await core.store.addNote(id, agent.id, text, core.now());
    if (!change.ok) return failure(change, 'forbidden');
    await core.publish('case.updated', id, { agentId: agent.id });
    return { ok: true, value: change.case };
  }

  /** To another online agent; only the agent holding the case may hand it over. */
  async transfer(id: string, agent: AgentIdentity, targetId: string): Promise<ActionResult<Case>> {
    const { core } = this;
    const target = core.agents.get(targetId);
    if (!target || !(await core.store.isOnline(target.id, core.now()))) return { ok: false, error: 'agent_offline' };
    if (!isCaseId(id)) return { ok: false, error: 'not_found' };
    const change = await core.store.transfer(id, agent.id, target.id, core.now());
    if (!change.ok) return failure(change, 'not_assigned');
    await core.publish('case.transferred', id, { agentId: target.id });
    return { ok: true, value: change.case };
  }

  /** Supervisor: give a queued or assigned case to an online agent. */
  async reassign(id: string, targetId: string): Promise<ActionResult<Case>> {
    const { core } = this;
    const target = core.agents.get(targetId);
    if (!target || !(await core.store.isOnline(target.id, core.now()))) return { ok: false, error: 'agent_offline' };
    for (let attempt = 0; attempt < 5; attempt++) {
      const c = await this.find(id);
      if (!c) return { ok: false, error: 'not_found' };
      if (c.status === 'closed') return { ok: false, error: 'closed' };
      if (c.status === 'assigned' && c.assignedTo === target.id) return { ok: true, value: c };
      const change =
        c.status === 'queued' ? await core.store.claim(id, target.id, core.now()) : await core.store.transfer(id, c.assignedTo ?? '', target.id, core.now());
      if (change.ok) {
        await core.publish('case.transferred', id, { agentId: target.id });
        return { ok: true, value: change.case };
      }
    }
    return { ok: false, error: 'already_claimed' };
  }

  /** Back to the queue at its original place (the holder, or a supervisor). */
  async release(id: string, agent: AgentIdentity): Promise<ActionResult<Case>> {
    const c = await this.find(id);
    if (!c) return { ok: false, error: 'not_found' };
    if (c.status !== 'assigned' || !mayManage(c, agent)) return { ok: false, error: 'not_assigned' };
    const change = await this.core.store.release(id);
    if (!change.ok) return failure(change, 'not_assigned');
    await this.core.publish('case.released', id, { agentId: agent.id });
    return { ok: true, value: change.case };
  }

  /** Closes with an agent resolution code; the customer is told and is back with the bot. */
  async close(id: string, agent: AgentIdentity, resolution: string): Promise<ActionResult<Case>> {
    if (!isAgentResolutionCode(resolution)) return { ok: false, error: 'invalid_resolution' };
    return this.end(id, agent, resolution, 'handoff.closed');
  }

  async returnToBot(id: string, agent: AgentIdentity): Promise<ActionResult<Case>> {
    return this.end(id, agent, 'returned_to_bot', 'handoff.returnedToBot');
  }

  /** Staff carried out the change: the customer hears it in their chat; the case closes. */
  async workOrderDone(id: string, agent: AgentIdentity): Promise<ActionResult<Case>> {
    const { core } = this;
    const c = await this.find(id);
    if (!c) return { ok: false, error: 'not_found' };
    const wo = c.fields.workOrder;
    if (!wo) return { ok: false, error: 'not_work_order' };
    if (c.status === 'closed') return { ok: false, error: 'closed' };
    if (c.status !== 'queued' && !mayManage(c, agent)) return { ok: false, error: 'forbidden' };
    const updated = await core.store.update(id, { fields: { workOrder: { ...wo, done: true } } });
    if (!updated.ok) return failure(updated, 'closed');
    const now = core.now();
    const change = await core.store.close(id, agent.id, 'work_order_done', now);
    if (!change.ok) return failure(change, 'closed');
    core.reports.record({ type: 'case_closed', at: now.toISOString(), caseId: id, priority: c.priority, resolution: 'work_order_done', workingSeconds: core.workingSeconds(c.createdAt, now) });
    await core.publish('case.closed', id, { agentId: agent.id });
    await core.sendBot(change.case, wo.chat.conversationId, 'handoff.workOrderDone', { trackingNumber: wo.trackingNumber });
    return { ok: true, value: change.case };
  }

  /**
   * Merges `otherId` into `keptId` (see `caseRules.merged`): the agent must hold `keptId` (or be a
   * supervisor), and `otherId` must be queued, held by the same agent, or the actor a supervisor.
   * Both cases get a system line in their transcript with who merged; conversations that moved
   * hear only that a colleague joined (when the kept case is with an agent).
   */
  async merge(keptId: string, otherId: string, agent: AgentIdentity): Promise<ActionResult<{ kept: Case; merged: Case }>> {
    const { core } = this;
    const [kept, other] = [await this.find(keptId), await this.find(otherId)];
    if (!kept || !other) return { ok: false, error: 'not_found' };
    if (!mayManage(kept, agent)) return { ok: false, error: 'forbidden' };
    if (other.status === 'assigned' && !mayManage(other, agent)) return { ok: false, error: 'forbidden' };
    const now = core.now();
    const marker: TranscriptEntry = { at: now.toISOString(), from: 'system', text: core.text.mergedFrom(otherId, agent.name), agentId: agent.id };
    const change = await core.store.merge(keptId, otherId, agent.id, marker, now);
    if (!change.ok) return { ok: false, error: change.reason === 'not_found' ? 'not_found' : 'not_mergeable' };
    await core.store.appendTranscript({ caseId: otherId }, { at: now.toISOString(), from: 'system', text: core.text.mergedInto(keptId, agent.name), agentId: agent.id });
    core.logger.info({ caseId: keptId, mergedCaseId: otherId, agentId: agent.id }, 'AgentDesk.merge(): cases merged');
    await core.publish('case.closed', otherId, { agentId: agent.id });
    await core.publish('case.updated', keptId, { agentId: agent.id });
    const moved = change.kept.conversations.filter((x) => x.via === 'merged' && other.conversations.some((o) => o.id === x.id));
    if (change.kept.status === 'assigned' && other.status !== 'assigned') {
      const holder = change.kept.assignedTo ? core.agents.get(change.kept.assignedTo) : undefined;
      for (const conv of moved) if (holder) await core.sendBot(change.kept, conv.id, 'handoff.agentJoined', { name: holder.name });
    }
    return { ok: true, value: { kept: change.kept, merged: change.merged } };
  }

  /** A kept attachment's bytes for the console, by the ref the console got in the case view. */
  async attachment(id: string, ref: string): Promise<FetchedAttachment | { ok: false; reason: 'not_found' }> {
    const c = await this.find(id);
    if (!c || !/^[0-9a-f]{24}$/.test(ref)) return { ok: false, reason: 'not_found' };
    const kept = (list: { kept: boolean }[] | undefined) => (list ?? []).filter((a): a is KeptAttachment => a.kept);
    const candidates: KeptAttachment[] = kept(c.fields.attachments);
    if (!candidates.some((a) => attachmentRef(a.url) === ref)) {
      for (const e of await this.core.store.transcript({ caseId: id })) candidates.push(...kept(e.attachments));
    }
    const found = candidates.find((a) => attachmentRef(a.url) === ref);
    if (!found) return { ok: false, reason: 'not_found' };
    return this.fetcher.fetch(found);
  }

  /**
   * The rating question after an agent's close, unless the previous chance in this conversation
   * already asked (never twice in a row). The customer's next message is read as the answer.
   */
  private async askRating(c: Case, conversationId: string): Promise<void> {
    const { core } = this;
    const ratings = core.o.ratings;
    if (!ratings) return;
    try {
      if (!(await ratings.opportunity(conversationId))) return;
      await ratings.expect(conversationId, 'agent', RATING_ANSWER_TTL_MS);
      const buttons = [1, 2, 3, 4, 5].map((n) => ({ title: core.messages.t(c.lang, `rating.score.${n}`), value: String(n) }));
      await core.sendBot(c, conversationId, 'rating.askAgent', {}, buttons);
    } catch (err) {
      core.logger.warn({ err, caseId: c.id, conversationId }, 'AgentDesk.askRating(): rating question not sent');
    }
  }

  /** Closing by the holder or a supervisor, with the customer told in each of the case's conversations. */
  private async end(id: string, agent: AgentIdentity, code: string, messageKey: string): Promise<ActionResult<Case>> {
    const { core } = this;
    const c = await this.find(id);
    if (!c) return { ok: false, error: 'not_found' };
    if (c.status === 'closed') return { ok: false, error: 'closed' };
    if (!mayManage(c, agent)) return { ok: false, error: 'forbidden' };
    const now = core.now();
    const change = await core.store.close(id, agent.id, code, now);
    if (!change.ok) return failure(change, 'closed');
    const closed = change.case;
    core.reports.record({ type: 'case_closed', at: now.toISOString(), caseId: id, priority: closed.priority, resolution: code, workingSeconds: core.workingSeconds(closed.createdAt, now) });
    await core.publish('case.closed', id, { agentId: agent.id });
    for (const conv of closed.conversations) {
      await core.sendBot(closed, conv.id, messageKey);
      await core.signal(conv.id, 'completed');
      if (RATED_RESOLUTIONS.includes(code)) await this.askRating(closed, conv.id);
    }
    return { ok: true, value: change.case };
  }
}
