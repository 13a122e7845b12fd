/**
 * Supervision of the hand-off: the overview (open cases in queue order, every agent's load),
 * agent presence, webhook alerts for unclaimed priority-1 cases, and returning cases of agents who
 * went offline to the queue. Background jobs here run on every instance and are safe to: each
 * alert and each "offline since" mark is a once-flag shared by all instances.
 */
import type { AgentRole } from './agentAuth';
import { toSummary, type CaseSummary } from './caseView';
import type { HandoffCore } from './HandoffCore';
import type { Case } from './types';

export interface AgentOverview {
  id: string;
  name: string;
  role: AgentRole;
  online: boolean;
  openCases: number;
  cases: CaseSummary[];
}

export class Supervision {
  constructor(
    private readonly core: HandoffCore,
    private readonly unclaimedAlertMinutes = 10,
  ) {}

  /** Queued cases in queue order, then cases with agents (oldest first). */
  async openCases(): Promise<CaseSummary[]> {
    const { core } = this;
    const now = core.now();
    const queued = await core.store.listQueue();
    const out = queued.map((c, i) => toSummary(c, { now, position: i + 1, agentName: core.agentName }));
    const assigned: Case[] = [];
    for (const a of core.agents.list()) assigned.push(...(await core.store.listByAgent(a.id)));
    assigned.sort((a, b) => Date.parse(a.queuedAt) - Date.parse(b.queuedAt) || a.id.localeCompare(b.id));
    for (const c of assigned) out.push(toSummary(c, { now, agentName: core.agentName }));
    return out;
  }

  async agentsOverview(): Promise<AgentOverview[]> {
    const { core } = this;
    const now = core.now();
    const out: AgentOverview[] = [];
    for (const a of core.agents.list()) {
      const cases = await core.store.listByAgent(a.id);
      out.push({ ...a, online: await core.store.isOnline(a.id, now), openCases: cases.length, cases: cases.map((c) => toSummary(c, { now, agentName: core.agentName })) });
    }
    return out;
  }

  async setPresence(agentId: string, online: boolean): Promise<void> {
    const { core } = this;
    const was = await core.store.isOnline(agentId, core.now());
    await core.store.setPresence(agentId, online, core.now());
    if (was !== online) await core.bus.publish({ type: 'presence', agentId, online, at: core.now().toISOString() });
  }

  async isOnline(agentId: string): Promise<boolean> {
    return this.core.store.isOnline(agentId, this.core.now());
  }

  /** One webhook per priority-1 case left unclaimed too long; returns how many alerts went out. */
  async alertUnclaimed(): Promise<number> {
    const { core } = this;
    const minutes = this.unclaimedAlertMinutes;
    const limit = core.now().getTime() - minutes * 60_000;
    let sent = 0;
    for (const c of await core.store.listQueue()) {
      if (c.priority !== 1) break;
      if (Date.parse(c.queuedAt) > limit) continue;
      if (!(await core.flags.setOnce(`alert:unclaimed:${c.id}`, 30 * 86_400_000)).first) continue;
      await core.alert(c, 'handoff.alert.unclaimed', { minutes });
      sent += 1;
    }
    return sent;
  }

  /**
   * Cases held by an agent who has been offline longer than `graceMs` go back to the queue at their
   * original place, so no customer waits on someone who left. Returns the released case ids.
   */
  async releaseFromOfflineAgents(graceMs = 5 * 60_000): Promise<string[]> {
    const { core } = this;
    const now = core.now();
    const released: string[] = [];
    for (const a of core.agents.list()) {
      const flag = `offline-since:${a.id}`;
      if (await core.store.isOnline(a.id, now)) {
        await core.flags.clear(flag);
        continue;
      }
      const cases = await core.store.listByAgent(a.id);
      if (!cases.length) continue;
      const since = Number((await core.flags.setOnce(flag, 7 * 86_400_000, String(now.getTime()))).value);
      if (now.getTime() - since < graceMs) continue;
      for (const c of cases) {
        if (!(await core.store.release(c.id)).ok) continue;
        await core.publish('case.released', c.id, { agentId: a.id });
        released.push(c.id);
      }
      await core.flags.clear(flag);
    }
    if (released.length) core.logger.warn({ released }, 'Supervision: cases of offline agents returned to the queue');
    return released;
  }
}
