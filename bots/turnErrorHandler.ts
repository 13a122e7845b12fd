/**
 * The adapter's last line of defence: an error no dialog handled. It logs with ids (never the
 * stack to the customer), tells the customer something useful in their language, and resets only
 * the dialog stack so the conversation can go on. User state (language, verified phones) is kept.
 */
import type { ConversationState, TurnContext } from 'botbuilder';
import type { Messages } from '../services/i18n/messages';
import type { Logger } from '../services/logging/logger';
import { localeLang } from '../services/i18n/languagePolicy';
import { turnInfo } from '../dialogs/turn';
import { DIALOG_STATE_PROPERTY } from './LockerDeskBot';

/**
 * Errors that mean shared storage is unreachable: the customer should just try again shortly.
 * Includes what ioredis throws with `connectRedis` options (no offline queue, no retries per
 * request, command timeout): "Stream isn't writeable and enableOfflineQueue options is false",
 * MaxRetriesPerRequestError, "Command timed out".
 */
export function isStorageOutage(error: unknown): boolean {
  const e = error as { name?: string; message?: string; code?: string } | undefined;
  const text = `${e?.name ?? ''} ${e?.message ?? ''} ${e?.code ?? ''}`;
  return /redis|ECONNREFUSED|ECONNRESET|Connection is closed|StorageUnavailable|ETIMEDOUT|MaxRetriesPerRequest|enableOfflineQueue|Stream isn't writeable|Command timed out/i.test(text);
}

export function createTurnErrorHandler(deps: { messages: Messages; logger: Logger; conversationState: ConversationState }) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const activity = context.activity;
    const storage = isStorageOutage(error);
    deps.logger.error(
      {
        err: error,
        conversationId: activity.conversation?.id,
        activityId: activity.id,
        channel: activity.channelId,
        storageOutage: storage,
      },
      'onTurnError: unhandled error in turn',
    );
    const info = turnInfo(context);
    const lang = info.profile.lang ?? localeLang(activity.locale) ?? info.lang;
    try {
      if (activity.type === 'message') {
        await context.sendActivity(deps.messages.t(lang, storage ? 'errors.tryAgainShortly' : 'errors.generic'));
      }
    } catch (sendError) {
      deps.logger.error({ err: sendError, conversationId: activity.conversation?.id }, 'onTurnError: could not tell the customer');
    }
    if (!storage) {
      try {
        await deps.conversationState.createProperty(DIALOG_STATE_PROPERTY).delete(context);
        await deps.conversationState.saveChanges(context, true);
      } catch (resetError) {
        deps.logger.error({ err: resetError, conversationId: activity.conversation?.id }, 'onTurnError: could not reset the dialog stack');
      }
    }
  };
}
