/**
 * `npm run erase -- --phone +370… | --channel-id …`: erases a customer's transcripts, cases and
 * state for a data-subject request (`services/privacy/Eraser`) on the shared Redis (`REDIS_URL`,
 * `REDIS_PREFIX`, as the running bot uses them). Running bots need no restart: the consoles are
 * told that erased open cases closed. Prints the report (a request id and counts) and logs it —
 * never the phone or the id itself. Without `REDIS_URL` the state lives inside the bot process:
 * use the supervisor console's erase action there.
 */
import { loadConfig, type Env } from '../services/config';
import { WorkingCalendar } from '../services/calendar/workingCalendar';
import { AgentDirectory } from '../services/handoff/agentAuth';
import { DeliveryOutbox } from '../services/handoff/DeliveryOutbox';
import { HandoffService } from '../services/handoff/HandoffService';
import type { ErasureSubject } from '../services/handoff/PersonalData';
import { createFairUse } from '../services/fairuse';
import { createMessages } from '../services/i18n/messages';
import type { Logger } from '../services/logging/logger';
import { Eraser, type EraseReport } from '../services/privacy/Eraser';
import { openHandoffInfrastructure, stateKeyEraser } from '../bots/handoff';

export const ERASE_USAGE = 'usage: npm run erase -- --phone +370XXXXXXXX | --channel-id <channel user id>';

/** The subject named on the command line, or an error message. */
export function parseEraseArgs(argv: string[]): ErasureSubject | string {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i >= 0) return argv[i + 1];
    const eq = argv.find((a) => a.startsWith(`${flag}=`));
    return eq?.slice(flag.length + 1);
  };
  const phone = value('--phone');
  const channelId = value('--channel-id');
  if ((phone === undefined) === (channelId === undefined)) return ERASE_USAGE;
  if (phone !== undefined) return /^\+[1-9]\d{6,14}$/.test(phone.replace(/[\s\-().]/g, '')) ? { phone } : 'the phone must be in E.164, e.g. +37061234567';
  return channelId && channelId.trim() ? { userId: channelId } : ERASE_USAGE;
}

/** Runs one erasure against the configured Redis and returns its report. */
export async function runErase(argv: string[], env: Env, logger: Logger): Promise<EraseReport> {
  const subject = parseEraseArgs(argv);
  if (typeof subject === 'string') throw new Error(subject);
  const config = loadConfig(env);
  if (!config.redis) throw new Error('REDIS_URL is not set: without Redis the data lives in the bot process; use the supervisor console (Supervision → Erase)');
  const infra = await openHandoffInfrastructure(config, logger);
  try {
    const outbox = new DeliveryOutbox({ queue: infra.ports.outbox, leases: infra.ports.leases }, async () => 'undelivered');
    const service = new HandoffService({
      store: infra.store,
      bus: infra.bus,
      flags: infra.ports.flags,
      calendar: new WorkingCalendar(config.business),
      messages: createMessages(),
      agents: new AgentDirectory([]),
      alerts: { alert: async () => undefined },
      outbox,
      logger,
    });
    const fairUse = createFairUse({ settings: config.fairUse, redis: infra.redis ? { client: infra.redis, prefix: config.redis.prefix } : undefined, logger });
    const eraser = new Eraser({ personalData: service.personalData, state: stateKeyEraser(infra), flags: fairUse.flags, logger });
    return await eraser.erase(subject, 'cli');
  } finally {
    await infra.close();
  }
}
