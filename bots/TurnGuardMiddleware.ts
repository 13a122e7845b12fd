/**
 * The first middleware of every adapter (issue #8 finding 11): a channel retry delivering the same
 * activity again runs no second turn, and one conversation's turns never overlap — in this process
 * (a queue per conversation) and, with Redis, across instances (a short renewed lease). Without
 * it, a confirmation delivered twice made the carrier change twice and said "Done!" twice, and two
 * quick messages could race on the same conversation state.
 *
 * - Duplicates are recognised by channel, conversation and activity id, for a TTL (see
 *   {@link TurnCoordinator}); the duplicate's turn is skipped silently (the HTTP answer is 200, so
 *   the channel stops retrying). A turn that fails forgets its claim, so a retry runs it again.
 * - Proactive turns (`ContinueConversation`, the hand-off's agent replies) are neither
 *   de-duplicated nor queued: they are this process's own, and a customer's turn may wait for one.
 *   Invokes are queued but not de-duplicated (their caller waits for the invoke response).
 */
import { ActivityEventNames, ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { TurnCoordinator } from '../services/state/TurnCoordinator';
import type { Logger } from '../services/logging/logger';

export class TurnGuardMiddleware implements Middleware {
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly coordinator: TurnCoordinator,
    private readonly logger: Logger,
  ) {}

  /** Turns (of every kind) running now. */
  get running(): number {
    return this.inFlight;
  }

  /** Resolves when no turn runs (shutdown: finish the turns in flight). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    this.inFlight += 1;
    try {
      await this.guarded(context, next);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  private async guarded(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const a = context.activity;
    const conversationId = a.conversation?.id;
    if (!conversationId || (a.type === ActivityTypes.Event && a.name === ActivityEventNames.ContinueConversation)) return next();
    const conversationKey = `${a.channelId}:${conversationId}`;
    const claimKey = a.id && a.type !== ActivityTypes.Invoke ? `${conversationKey}:${a.id}` : undefined;
    if (!claimKey) {
      await this.coordinator.exclusive(conversationKey, next);
      return;
    }
    // A turn that fails forgets its own claim there, so the channel's retry runs it again.
    const ran = await this.coordinator.claimExclusive(claimKey, conversationKey, next);
    if (ran.duplicate) this.logger.info({ conversationId, activityId: a.id, channel: a.channelId }, 'TurnGuard: duplicate activity skipped');
  }
}
