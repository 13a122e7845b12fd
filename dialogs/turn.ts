/**
 * The typed turn: one object per turn that the bot creates, loads and saves, and that dialogs read
 * and change through typed methods (`turn.user.lang`, `turn.conversation.rememberProof(…)`).
 *
 * Modelled on teams-ai's `TurnState<TConversation, TUser, TTemp>`: three scopes — what belongs to
 * the conversation, what belongs to the customer, and what is computed for this turn only. Unlike
 * teams-ai's open records, each scope here has purpose-named methods, because the rules belong with
 * the data: a proven fact always gets its expiry and stays in its conversation, the language is
 * always a supported one, the recognition is set once by the bot.
 *
 * How dialogs reach it: botbuilder-dialogs hands a dialog only a DialogContext, whose `context` is
 * the turn's TurnContext. The bot binds its Turn to that TurnContext once (`bindTurn`) and dialogs
 * ask `turnOf(context)`. The binding is a module-private WeakMap, not a key in `context.turnState`:
 * no other layer can read or overwrite it, it goes away with the TurnContext, and `turnOf` throws
 * instead of making up defaults when a dialog runs without a turn (a wiring bug tests must see).
 * Case dialogs get it handed in their step context (`s.turn`), so most code never calls `turnOf`.
 */
import { ActionTypes, MessageFactory, TurnContext, type Activity, type CardAction, type StatePropertyAccessor } from 'botbuilder';
import type { RecognizerResult } from '../services/nlu/types';
import type { Command } from '../services/nlu/commands';
import { DEFAULT_LANG, type Lang } from '../services/i18n/langs';
import { localeLang } from '../services/i18n/languagePolicy';
import type { MessageParams, Messages } from '../services/i18n/messages';
import { liveFacts, type ProvenFact, type ProvenPhone } from '../services/proof/types';
import type { CustomerRef } from './deps';
import { phoneRoles, type RoledPhone } from '../services/nlu/entities/roles';
import { wantedLocker, type WantedLocker } from '../services/nlu/entities/lockerRoles';
import type { ConversationData, Given, GivenValues, NotedData, UserData } from './state';

/** At most this many proven facts are kept per conversation (the newest). */
const MAX_PROVEN = 5;
/** At most this many phones the customer wrote are kept per conversation (the newest). */
const MAX_GIVEN_PHONES = 4;
/**
 * How long a value the customer wrote is remembered, and the expiry of the noted values' store
 * (personal data kept no longer than a visit needs; the conversation state lives up to 30 days).
 */
export const GIVEN_TTL_MS = 60 * 60_000;

/** The values the customer wrote in a range of messages (the newest of each kind). */
export interface GivenInRange {
  trackingNumber?: string;
  /** Oldest first. */
  phones: RoledPhone[];
  locker?: WantedLocker;
}

/** What the turn needs from its environment. */
export interface TurnSettings {
  /** The clock (injectable for tests). */
  now(): Date;
  /** How long a proven fact stays valid (`PROOF_TTL_MINUTES`), in milliseconds. */
  proofTtlMs: number;
}

/** The accessors the bot loads the turn's scopes from. */
export interface TurnStores {
  conversation: StatePropertyAccessor<ConversationData>;
  user: StatePropertyAccessor<UserData>;
  /** The noted values, from a store of their own with a one-hour expiry. */
  noted: StatePropertyAccessor<NotedData>;
}

/** Computed for this turn only; never saved. */
export interface TurnTemp {
  /** The message text, trimmed ('' for other activities and empty messages). */
  readonly text: string;
  /** Recognition of the text (absent for non-message activities, empty text or a recognizer failure). */
  readonly recognition?: RecognizerResult;
  /** A whole-message command ("atšaukti", "english"), recognised before anything else. */
  readonly command?: Command;
}

/** A fact as a proof step establishes it; the conversation adds when it was proven and when it expires. */
export type ProofClaim = Omit<ProvenPhone, 'provenAt' | 'expiresAt'>;

/** The conversation's scope: bookkeeping and the facts proven in this conversation. */
export class ConversationScope {
  /**
   * @param notes where the noted values live: the bot's own short-lived store; defaults to `data`
   * (a scope on its own, in tests).
   */
  constructor(
    private readonly data: ConversationData,
    private readonly settings: TurnSettings,
    private readonly notes: NotedData = data as NotedData,
  ) {}

  /** Counts this turn; returns the count (for logs). */
  countTurn(): number {
    this.data.turns = (this.data.turns ?? 0) + 1;
    return this.data.turns;
  }

  /** True the first time it is asked in a conversation: the welcome is sent once. */
  welcomeOnce(): boolean {
    if (this.data.welcomed) return false;
    this.data.welcomed = true;
    return true;
  }

  /**
   * Records that the customer has just proven `claim` in this conversation. The fact expires after
   * `PROOF_TTL_MINUTES`, or at `until` when that is sooner (the carrier's proof expiry); expired
   * facts are dropped and at most a few are kept.
   *
   * @example
   * const fact = turn.conversation.rememberProof({ kind: 'phone', e164, role: 'sender', trackingNumber }, proven.fact.expiresAt);
   */
  rememberProof(claim: ProofClaim, until?: string): ProvenPhone {
    const now = this.settings.now();
    const expiresMs = Math.min(now.getTime() + this.settings.proofTtlMs, until ? Date.parse(until) || Infinity : Infinity);
    const fact: ProvenPhone = { ...claim, provenAt: now.toISOString(), expiresAt: new Date(expiresMs).toISOString() };
    this.data.proven = [...liveFacts(this.data.proven, now), fact].slice(-MAX_PROVEN);
    return fact;
  }

  /** Facts proven in this conversation that have not expired, oldest first. */
  get proven(): ProvenFact[] {
    return liveFacts(this.data.proven, this.settings.now());
  }

  /**
   * Notes the values of the message just understood (its number is `messageNumber` from now on):
   * the parcel number, the phones with the roles their words give them, the locker asked for.
   */
  noteGiven(temp: TurnTemp): void {
    this.data.messages = (this.data.messages ?? 0) + 1;
    this.forgetStale();
    const given: GivenValues = (this.notes.given ??= {});
    const r = temp.recognition;
    if (!r) return;
    const message = this.data.messages;
    const at = this.settings.now().toISOString();
    const tracking = r.entities.trackingNumbers.find((t) => t.valid)?.value;
    if (tracking) given.trackingNumber = { value: tracking, message, at };
    // The roles need the words around each number: read again only when the message has a phone.
    if (r.entities.phones.length) {
      const accepted = new Set(r.entities.phones.map((p) => p.e164));
      const phones = phoneRoles(temp.text).filter((p) => accepted.has(p.e164));
      if (phones.length) given.phones = [...(given.phones ?? []), ...phones.map((value) => ({ value, message, at }))].slice(-MAX_GIVEN_PHONES);
    }
    const locker = wantedLocker(r.entities);
    if (locker) given.locker = { value: locker, message, at };
  }

  /**
   * Drops the noted values older than `GIVEN_TTL_MS`: as every turn loads (a message or not) and
   * before a message's values are noted, so they leave the noted values' store at its next write,
   * not only when read.
   */
  forgetStale(): void {
    const given = this.notes.given;
    if (!given) return;
    const fresh = this.fresh();
    if (given.trackingNumber && !fresh(given.trackingNumber.at)) delete given.trackingNumber;
    if (given.locker && !fresh(given.locker.at)) delete given.locker;
    if (given.phones?.some((p) => !fresh(p.at))) given.phones = given.phones.filter((p) => fresh(p.at));
  }

  /** Whether a value written at `at` is still remembered. */
  private fresh(): (at: string) => boolean {
    const oldest = this.settings.now().getTime() - GIVEN_TTL_MS;
    return (at) => Date.parse(at) >= oldest;
  }

  /** The number of the current message (0 before any), to tell what was given since a case began. */
  get messageNumber(): number {
    return this.data.messages ?? 0;
  }

  /** What the customer wrote from message `from` on (inclusive), or before it (`before`). */
  given(range: { from: number } | { before: number }): GivenInRange {
    const g = this.notes.given;
    const fresh = this.fresh();
    const inRange = (v: Given<unknown>) => fresh(v.at) && ('from' in range ? v.message >= range.from : v.message < range.before);
    const pick = <T>(v: Given<T> | undefined): T | undefined => (v && inRange(v) ? v.value : undefined);
    return {
      trackingNumber: pick(g?.trackingNumber),
      phones: (g?.phones ?? []).filter(inRange).map((p) => p.value),
      locker: pick(g?.locker),
    };
  }

  /** True while `fact` (as returned by `rememberProof`) is proven here and has not expired. */
  holds(fact: ProvenFact): boolean {
    return this.proven.some((f) => f.kind === fact.kind && f.e164 === fact.e164 && f.role === fact.role && f.provenAt === fact.provenAt);
  }
}

/** The customer's scope: preferences only. */
export class UserScope {
  constructor(private readonly data: UserData) {}

  /** The language the customer speaks with the bot, once known. */
  get lang(): Lang | undefined {
    return this.data.lang;
  }

  /** True when the customer chose the language explicitly. */
  get langChosen(): boolean {
    return !!this.data.langChosen;
  }

  /** Speak `lang` from now on; `chosen` marks an explicit choice (a command, the widget's picker). */
  useLanguage(lang: Lang, chosen: boolean): void {
    this.data.lang = lang;
    this.data.langChosen = chosen;
  }
}

/** One turn of one conversation, as the bot and the dialogs see it. */
export class Turn {
  readonly conversation: ConversationScope;
  readonly user: UserScope;
  private current: TurnTemp = { text: '' };
  private recognized = false;

  constructor(
    readonly context: TurnContext,
    data: { conversation: ConversationData; user: UserData; noted: NotedData },
    private readonly settings: TurnSettings,
  ) {
    this.conversation = new ConversationScope(data.conversation, settings, data.noted);
    this.conversation.forgetStale();
    this.user = new UserScope(data.user);
  }

  /** This turn's text, recognition and command. */
  get temp(): TurnTemp {
    return this.current;
  }

  /** Sets what the bot understood of this turn's message; once per turn. */
  understood(temp: TurnTemp): void {
    if (this.recognized) throw new Error('Turn.understood(): the turn was already understood');
    this.recognized = true;
    this.current = temp;
    if (temp.text) this.conversation.noteGiven(temp);
  }

  /** The language to answer in: the customer's, else the channel's locale, else the default. */
  get lang(): Lang {
    return this.user.lang ?? localeLang(this.context.activity.locale) ?? DEFAULT_LANG;
  }

  now(): Date {
    return this.settings.now();
  }

  get conversationId(): string {
    return this.context.activity.conversation.id;
  }

  /**
   * Who is asking, for the hand-off gateway: the conversation, the channel identity, a reference
   * for proactive replies and the facts this conversation has proven that are still valid.
   */
  customerRef(): CustomerRef {
    const a = this.context.activity;
    return {
      conversationId: a.conversation.id,
      customerKey: a.from?.id ?? a.conversation.id,
      channel: a.channelId,
      reference: { ...TurnContext.getConversationReference(a) },
      proven: this.conversation.proven,
    };
  }
}

/** Loads the turn's scopes through the bot's state accessors (saving stays with the bot's BotStates). */
export async function loadTurn(context: TurnContext, stores: TurnStores, settings: TurnSettings): Promise<Turn> {
  // The three states are separate items (one round trip each with Redis): read them at once.
  const [conversation, user, noted] = await Promise.all([stores.conversation.get(context, {}), stores.user.get(context, {}), stores.noted.get(context, {})]);
  // Conversation states saved before the noted values had a store of their own held them (and
  // the message count): keep the count, drop the values before anything else can fail and save.
  const legacy: unknown = Reflect.get(conversation, 'given');
  if (legacy !== undefined) {
    const count = typeof legacy === 'object' && legacy !== null ? Reflect.get(legacy, 'messages') : undefined;
    if (conversation.messages === undefined && typeof count === 'number') conversation.messages = count;
    Reflect.deleteProperty(conversation, 'given');
  }
  // Profiles saved before proofs were bound to conversations held proven phones: drop them.
  Reflect.deleteProperty(user, 'verifiedPhones');
  return new Turn(context, { conversation, user, noted }, settings);
}

const turns = new WeakMap<TurnContext, Turn>();

/** Binds `turn` to its TurnContext for the dialogs of this turn. Called by the bot (and test clients) only. */
export function bindTurn(turn: Turn): void {
  turns.set(turn.context, turn);
}

/** The typed turn of `context`; throws when the dialogs run without one. */
export function turnOf(context: TurnContext): Turn {
  const turn = turns.get(context);
  if (!turn) throw new Error('turnOf(): no Turn bound to this TurnContext (dialogs run through LockerDeskBot or a test client that binds one)');
  return turn;
}

/** A button: `title` shown, the same text sent back when clicked (works on every channel). */
export interface Button {
  title: string;
  /** What the click sends; defaults to the title. */
  value?: string;
}

/** Builds a message with optional suggested-action buttons. */
export function message(text: string, buttons: Button[] = []): Partial<Activity> {
  if (!buttons.length) return MessageFactory.text(text);
  const actions: CardAction[] = buttons.map((b) => ({ type: ActionTypes.ImBack, title: b.title, value: b.value ?? b.title }));
  return MessageFactory.suggestedActions(actions, text);
}

/** Sends the message `key` in the turn's language. */
export async function say(turn: Turn, messages: Messages, key: string, params?: MessageParams, buttons: Button[] = []): Promise<void> {
  await turn.context.sendActivity(message(messages.t(turn.lang, key, params), buttons));
}

/** Shows the typing indicator while a slow call runs (channels that support it). */
export async function typing(turn: Turn): Promise<void> {
  await turn.context.sendActivity({ type: 'typing' });
}
