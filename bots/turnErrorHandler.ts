/**
 * What happens when a turn fails. Two lines of defence:
 *
 * - `createTurnRecovery`, used by `LockerDeskBot.run` while the typed turn is in scope: logs with
 *   ids (never dialog state, which holds phones), tells the customer something useful in *their*
 *   language; the bot then resets only the dialog stack and saves the rest (language, proven facts).
 * - `createTurnErrorHandler`, the adapter's `onTurnError`: the last line, for failures before the
 *   bot has a turn (state storage down while loading, a middleware bug). It answers in the channel's
 *   locale and lets a `HandledTurnError` (already answered by the bot) pass silently.
 *
 * The customer never sees a stack trace.
 */
import type { ConversationState, TurnContext } from 'botbuilder';
import type { Messages } from '../services/i18n/messages';
import { serializeError, type Logger } from '../services/logging/logger';
import { DEFAULT_LANG, type Lang } from '../services/i18n/langs';
import { localeLang } from '../services/i18n/languagePolicy';
import { isRecord } from '../dialogs/results';
import type { Turn } from '../dialogs/turn';
import { DIALOG_STATE_PROPERTY } from './stateKeys';

/**
 * Errors that mean shared storage is unreachable: the customer should just try again shortly.
 * Includes what ioredis throws with `connectRedis` options (no offline queue, no retries per
 * request, command timeout): "Stream isn't writeable and enableOfflineQueue options is false",
 * MaxRetriesPerRequestError, "Command timed out".
 */
export function isStorageOutage(error: unknown): boolean {
  const e = isRecord(error) || error instanceof Error ? error : undefined;
  const part = (key: string) => {
    const v: unknown = e ? Reflect.get(e, key) : undefined;
    return typeof v === 'string' ? v : '';
  };
  const text = `${part('name')} ${part('message')} ${part('code')}`;
  return /redis|ECONNREFUSED|ECONNRESET|Connection is closed|StorageUnavailable|ETIMEDOUT|MaxRetriesPerRequest|enableOfflineQueue|Stream isn't writeable|Command timed out/i.test(text);
}

/** A turn error the bot has already logged and answered; rethrown so middleware sees the turn failed. */
export class HandledTurnError extends Error {
  constructor(override readonly cause: unknown) {
    super('LockerDeskBot.run(): the turn failed and the customer was told');
    this.name = 'HandledTurnError';
  }
}

/**
 * An error as it may be logged (see `serializeError` in services/logging): type, message, code,
 * stack and — for botbuilder's dialog errors — the ids of the dialogs on the stack, but never
 * `dialogContext`'s state (prompt options and values hold phone numbers and names).
 */
export function loggableError(error: unknown): Record<string, unknown> {
  return serializeError(error);
}

interface ErrorDeps {
  messages: Messages;
  logger: Logger;
}

async function tell(deps: ErrorDeps, context: TurnContext, lang: Lang, storage: boolean): Promise<void> {
  if (context.activity.type !== 'message') return;
  try {
    await context.sendActivity(deps.messages.t(lang, storage ? 'errors.tryAgainShortly' : 'errors.generic'));
  } catch (sendError) {
    deps.logger.error({ err: loggableError(sendError), conversationId: context.activity.conversation?.id }, 'turn error: could not tell the customer');
  }
}

function logFailure(deps: ErrorDeps, context: TurnContext, error: unknown, where: string): boolean {
  const activity = context.activity;
  const storage = isStorageOutage(error);
  deps.logger.error(
    { err: loggableError(error), conversationId: activity.conversation?.id, activityId: activity.id, channel: activity.channelId, storageOutage: storage },
    `${where}: unhandled error in turn`,
  );
  return storage;
}

/** For `LockerDeskBot.run`: log the failure and tell the customer, in the turn's language. */
export function createTurnRecovery(deps: ErrorDeps): (turn: Turn, error: unknown) => Promise<void> {
  return async (turn, error) => {
    const storage = logFailure(deps, turn.context, error, 'LockerDeskBot.run()');
    await tell(deps, turn.context, turn.lang, storage);
  };
}

/** The adapter's `onTurnError`: failures outside the bot's turn. */
export function createTurnErrorHandler(deps: ErrorDeps & { conversationState: ConversationState }) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    if (error instanceof HandledTurnError) return;
    const storage = logFailure(deps, context, error, 'onTurnError');
    await tell(deps, context, localeLang(context.activity.locale) ?? DEFAULT_LANG, storage);
    if (storage) return;
    try {
      await deps.conversationState.createProperty(DIALOG_STATE_PROPERTY).delete(context);
      await deps.conversationState.saveChanges(context, true);
    } catch (resetError) {
      deps.logger.error({ err: loggableError(resetError), conversationId: context.activity.conversation?.id }, 'onTurnError: could not reset the dialog stack');
    }
  };
}
