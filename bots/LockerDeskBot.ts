/**
 * The one bot class. Every turn it loads the typed turn (conversation and user scopes), recognizes
 * the message once (language, command, intent, entities), decides the answer language, runs the
 * root dialog (`RootDialogRunner`), and saves conversation and user state. New conversations get a
 * welcome with the main menu. No dialog-specific logic lives here.
 *
 * Errors inside the turn are answered here, where the typed turn (and so the customer's language)
 * is known: logged without dialog state, a polite message, the dialog stack reset, state saved.
 * The error is then rethrown as a `HandledTurnError` so middleware (metrics) still sees a failed
 * turn, and the adapter's `onTurnError` stays the last line for failures before the turn exists.
 */
import { ActivityHandler, type ConversationState, type StatePropertyAccessor, type TurnContext, type UserState } from 'botbuilder';
import type { Dialog, DialogState } from 'botbuilder-dialogs';
import { RootDialogRunner } from '../dialogs/RootDialogRunner';
import type { Messages } from '../services/i18n/messages';
import { chooseLanguage, localeLang } from '../services/i18n/languagePolicy';
import { detectCommand } from '../services/nlu/commands';
import type { Recognizer, RecognizerResult } from '../services/nlu/types';
import type { Logger } from '../services/logging/logger';
import { parcelKey } from '../services/reports/parcelKey';
import type { ReportSink } from '../services/reports/ReportRecorder';
import type { ConversationData, NotedData, UserData } from '../dialogs/state';
import { sayWithMenu } from '../dialogs/menu';
import { bindTurn, loadTurn, turnOf, type Turn, type TurnSettings, type TurnStores } from '../dialogs/turn';
import { CONVERSATION_PROPERTY, DIALOG_STATE_PROPERTY, NOTED_PROPERTY, USER_PROPERTY } from './stateKeys';
import { HandledTurnError, createTurnRecovery, isStorageOutage } from './turnErrorHandler';
import { TurnOutbox } from './TurnOutbox';

export interface LockerDeskBotOptions {
  conversationState: ConversationState;
  userState: UserState;
  /** The noted values' own state, on a store whose items expire an hour after their last write. */
  notedState: ConversationState;
  dialog: Dialog;
  recognizer: Recognizer;
  messages: Messages;
  logger: Logger;
  /** How long a proven fact stays valid (`PROOF_TTL_MINUTES`). */
  proofTtlMinutes: number;
  /** Clock (tests). */
  now?: () => Date;
  /** A typing indicator asked for is shown only when the turn is still running after this long. Default 300 ms. */
  typingDelayMs?: number;
  /** Told about every recognized message (metrics counts intents). Must not throw. */
  onRecognized?: (recognition: RecognizerResult) => void;
  /** Report events: a conversation's first message, the parcels its customer names. */
  reports?: ReportSink;
}

export class LockerDeskBot extends ActivityHandler {
  readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly stores: TurnStores;
  private readonly settings: TurnSettings;
  private readonly recover: (turn: Turn, error: unknown) => Promise<void>;

  constructor(private readonly opts: LockerDeskBotOptions) {
    super();
    this.stores = {
      conversation: opts.conversationState.createProperty<ConversationData>(CONVERSATION_PROPERTY),
      user: opts.userState.createProperty<UserData>(USER_PROPERTY),
      noted: opts.notedState.createProperty<NotedData>(NOTED_PROPERTY),
    };
    this.dialogState = opts.conversationState.createProperty<DialogState>(DIALOG_STATE_PROPERTY);
    const root = new RootDialogRunner(opts.dialog, this.dialogState);
    this.settings = { now: opts.now ?? (() => new Date()), proofTtlMs: opts.proofTtlMinutes * 60_000 };
    this.recover = createTurnRecovery({ messages: opts.messages, logger: opts.logger });

    this.onMessage(async (context, next) => {
      await this.understand(turnOf(context));
      await root.run(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).some((m) => m.id !== context.activity.recipient?.id);
      if (joined) await this.welcome(turnOf(context));
      await next();
    });
    this.onEvent(async (context, next) => {
      if (context.activity.name === 'webchat/join' || context.activity.name === 'setLanguage') await this.languageEvent(turnOf(context));
      await next();
    });
  }

  /**
   * One turn: load, handle, save. Errors of the handlers are answered in the customer's language
   * and rethrown as `HandledTurnError`; a failure to load state goes to the adapter's `onTurnError`.
   */
  override async run(context: TurnContext): Promise<void> {
    const outbox = TurnOutbox.open(context, {
      typingDelayMs: this.opts.typingDelayMs,
      onSendError: (err, activity) => this.opts.logger.warn({ err, conversationId: context.activity.conversation?.id, type: activity.type }, 'LockerDeskBot: activity not sent'),
    });
    let failure: unknown;
    let turn: Turn | undefined;
    try {
      turn = await loadTurn(context, this.stores, this.settings);
      bindTurn(turn);
      await super.run(context);
      await outbox.flush();
    } catch (err) {
      if (!turn) {
        // State could not be loaded: the adapter's onTurnError answers, directly.
        outbox.close();
        throw err;
      }
      failure = err;
      await this.recover(turn, err);
      if (!isStorageOutage(err)) await this.dialogState.delete(context);
      await outbox.flush().catch((sendErr: unknown) => this.opts.logger.warn({ err: sendErr, conversationId: turn?.conversationId }, 'LockerDeskBot: error answer not sent'));
    } finally {
      outbox.close();
    }
    // Three separate items (a round trip each with Redis), written at once; each keeps its own
    // eTag check, so a conflict on one loses only that one's changes. The first failure is answered.
    const saved = await Promise.allSettled([this.opts.conversationState.saveChanges(context, false), this.opts.userState.saveChanges(context, false), this.opts.notedState.saveChanges(context, false)]);
    const saveError = saved.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (saveError) {
      if (failure === undefined) await this.recover(turn, saveError.reason);
      failure ??= saveError.reason;
    }
    if (failure !== undefined) throw new HandledTurnError(failure);
  }

  /** Web Chat announces its locale (and the widget's language picker) with a `webchat/join` event. */
  private async languageEvent(turn: Turn): Promise<void> {
    const activity = turn.context.activity;
    const value: unknown = activity.value;
    const given = typeof value === 'object' && value !== null ? { ...value } : {};
    const language = 'language' in given && typeof given.language === 'string' ? given.language : undefined;
    const locale = 'locale' in given && typeof given.locale === 'string' ? given.locale : undefined;
    const lang = localeLang(language ?? locale ?? activity.locale);
    if (!lang) return;
    const explicit = activity.name === 'setLanguage';
    if (explicit || !turn.user.lang) turn.user.useLanguage(lang, explicit || turn.user.langChosen);
    if (explicit) await sayWithMenu(turn, this.opts.messages, 'main.languageSwitchedMenu');
  }

  private async understand(turn: Turn): Promise<void> {
    const context = turn.context;
    const count = turn.conversation.countTurn();
    const text = (context.activity.text ?? '').trim();
    const command = text ? detectCommand(text) : undefined;
    let recognition: RecognizerResult | undefined;
    if (text) {
      try {
        recognition = await this.opts.recognizer.recognize(text, { lang: turn.user.lang });
      } catch (err) {
        this.opts.logger.error({ err, conversationId: turn.conversationId }, 'LockerDeskBot.understand(): recognizer failed');
      }
    }
    if (recognition) this.opts.onRecognized?.(recognition);
    const dialogState = await this.dialogState.get(context, { dialogStack: [] });
    const decision = chooseLanguage({
      inFlow: dialogState.dialogStack.length > 0,
      current: turn.user.lang,
      chosen: turn.user.langChosen,
      command,
      detected: recognition ? { lang: recognition.lang, score: recognition.langScore } : undefined,
      text,
      locale: context.activity.locale,
    });
    turn.user.useLanguage(decision.lang, decision.chosen);
    turn.understood({ text, recognition, command });
    this.report(turn, count, recognition);
    this.opts.logger.debug(
      {
        conversationId: turn.conversationId,
        channel: context.activity.channelId,
        turn: count,
        lang: decision.lang,
        intent: recognition?.intent,
        score: recognition?.score,
        command: typeof command === 'object' ? `lang:${command.lang}` : command,
      },
      'turn',
    );
  }

  /** A conversation starts with its customer's first message; parcel numbers are kept hashed. */
  private report(turn: Turn, count: number, recognition: RecognizerResult | undefined): void {
    const reports = this.opts.reports;
    if (!reports) return;
    const at = turn.now().toISOString();
    const conversationId = turn.conversationId;
    if (count === 1) reports.record({ type: 'conversation_started', at, conversationId, channel: turn.context.activity.channelId ?? 'unknown', lang: turn.lang });
    const parcels = new Set((recognition?.entities.trackingNumbers ?? []).filter((t) => t.valid).map((t) => parcelKey(t.value)));
    for (const parcel of parcels) reports.record({ type: 'parcel', at, conversationId, parcel });
  }

  private async welcome(turn: Turn): Promise<void> {
    if (!turn.conversation.welcomeOnce()) return;
    turn.user.useLanguage(turn.lang, turn.user.langChosen);
    await sayWithMenu(turn, this.opts.messages, 'welcome.text');
  }
}
