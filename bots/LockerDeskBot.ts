/**
 * The one bot class. Every turn it loads the customer's profile, recognizes the message once
 * (language, command, intent, entities), decides the answer language, runs the root dialog with
 * `runDialog`, and saves conversation and user state. New conversations get a welcome with the
 * main menu. No dialog-specific logic lives here.
 */
import { ActivityHandler, type ConversationState, type StatePropertyAccessor, type TurnContext, type UserState } from 'botbuilder';
import { runDialog, type Dialog, type DialogState } from 'botbuilder-dialogs';
import type { Messages } from '../services/i18n/messages';
import { chooseLanguage, localeLang } from '../services/i18n/languagePolicy';
import { detectCommand } from '../services/nlu/commands';
import type { Recognizer, RecognizerResult } from '../services/nlu/types';
import type { Logger } from '../services/logging/logger';
import type { UserProfile, ConversationFlags } from '../dialogs/state';
import { sayWithMenu } from '../dialogs/menu';
import { setTurnInfo } from '../dialogs/turn';

export interface LockerDeskBotOptions {
  conversationState: ConversationState;
  userState: UserState;
  dialog: Dialog;
  recognizer: Recognizer;
  messages: Messages;
  logger: Logger;
}

export const PROFILE_PROPERTY = 'profile';
export const DIALOG_STATE_PROPERTY = 'dialogState';
export const FLAGS_PROPERTY = 'flags';

export class LockerDeskBot extends ActivityHandler {
  readonly profile: StatePropertyAccessor<UserProfile>;
  readonly dialogState: StatePropertyAccessor<DialogState>;
  readonly flags: StatePropertyAccessor<ConversationFlags>;

  constructor(private readonly opts: LockerDeskBotOptions) {
    super();
    this.profile = opts.userState.createProperty<UserProfile>(PROFILE_PROPERTY);
    this.dialogState = opts.conversationState.createProperty<DialogState>(DIALOG_STATE_PROPERTY);
    this.flags = opts.conversationState.createProperty<ConversationFlags>(FLAGS_PROPERTY);

    this.onMessage(async (context, next) => {
      await this.prepareTurn(context);
      await runDialog(opts.dialog, context, this.dialogState);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).some((m) => m.id !== context.activity.recipient?.id);
      if (joined) await this.welcome(context);
      await next();
    });

    this.onEvent(async (context, next) => {
      // Web Chat announces its locale (and the widget's language picker) with a `webchat/join` event.
      if (context.activity.name === 'webchat/join' || context.activity.name === 'setLanguage') {
        const profile = await this.profile.get(context, {});
        const value = context.activity.value as { language?: string; locale?: string } | undefined;
        const lang = localeLang(value?.language ?? value?.locale ?? context.activity.locale);
        if (lang) {
          const explicit = context.activity.name === 'setLanguage';
          if (explicit || !profile.lang) Object.assign(profile, { lang, langChosen: explicit || profile.langChosen });
          if (explicit) {
            setTurnInfo(context, { lang, profile });
            await sayWithMenu(context, opts.messages, 'main.languageSwitchedMenu');
          }
        }
      }
      await next();
    });
  }

  /** Saves state after every turn, also when the handlers above threw nothing. */
  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.opts.conversationState.saveChanges(context, false);
    await this.opts.userState.saveChanges(context, false);
  }

  private async prepareTurn(context: TurnContext): Promise<void> {
    const profile = await this.profile.get(context, {});
    const flags = await this.flags.get(context, {});
    flags.turns = (flags.turns ?? 0) + 1;
    const text = (context.activity.text ?? '').trim();
    const command = text ? detectCommand(text) : undefined;
    let recognition: RecognizerResult | undefined;
    if (text) {
      try {
        recognition = await this.opts.recognizer.recognize(text, { lang: profile.lang });
      } catch (err) {
        this.opts.logger.error({ err, conversationId: context.activity.conversation?.id }, 'LockerDeskBot.prepareTurn(): recognizer failed');
      }
    }
    const dialogState = await this.dialogState.get(context, { dialogStack: [] });
    const decision = chooseLanguage({
      inFlow: dialogState.dialogStack.length > 0,
      current: profile.lang,
      chosen: profile.langChosen,
      command,
      detected: recognition ? { lang: recognition.lang, score: recognition.langScore } : undefined,
      text,
      locale: context.activity.locale,
    });
    profile.lang = decision.lang;
    profile.langChosen = decision.chosen;
    setTurnInfo(context, { lang: decision.lang, recognition, command, profile });
    this.opts.logger.debug(
      {
        conversationId: context.activity.conversation?.id,
        channel: context.activity.channelId,
        lang: decision.lang,
        intent: recognition?.intent,
        score: recognition?.score,
        command: typeof command === 'object' ? `lang:${command.lang}` : command,
      },
      'turn',
    );
  }

  private async welcome(context: TurnContext): Promise<void> {
    const flags = await this.flags.get(context, {});
    if (flags.welcomed) return;
    flags.welcomed = true;
    const profile = await this.profile.get(context, {});
    const lang = profile.lang ?? localeLang(context.activity.locale) ?? 'lt';
    profile.lang = lang;
    setTurnInfo(context, { lang, profile });
    await sayWithMenu(context, this.opts.messages, 'welcome.text');
  }
}
