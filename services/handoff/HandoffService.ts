/**
 * The hand-off use cases, free of Bot Framework types, split along their seams:
 *
 * - `customers` (`CustomerSide`): escalate, work orders, ownership, recording messages;
 * - `desk` (`AgentDesk`): what an agent does with a case, and who may;
 * - `supervision` (`Supervision`): overview, presence, alerts, offline agents;
 * - `text` (`CaseText`): summaries and labels agents read;
 * - `personalData` (`PersonalData`): retention and erasure of cases.
 *
 * The store, the bus and the agent directory stay inside: the middleware, the agent API and the
 * gateway use these purpose-named methods. The bot side (`bots/handoff/`) turns TurnContexts into
 * these calls and delivers the proactive messages queued in the `DeliveryOutbox`.
 *
 * Promises:
 * - a conversation joins an open case only on a fact proven in it or its own channel identity; a
 *   parcel number alone opens a new, related case, and the newcomer learns nothing of the other;
 * - every message to or from a customer after escalation is in the case transcript before any
 *   event about it is published;
 * - every change an agent makes is published on the event bus (all instances, all consoles);
 * - nothing from a case is ever sent to a customer's channel but this case's own messages to this
 *   case's own conversations;
 * - the customer is never told to go elsewhere: every message here keeps them in this chat.
 */
import { AgentDesk } from './AgentDesk';
import type { CaseText } from './CaseText';
import { CustomerSide } from './CustomerSide';
import type { EventHandler, Unsubscribe } from './EventBus';
import { HandoffCore, type HandoffServiceOptions } from './HandoffCore';
import { PersonalData } from './PersonalData';
import { Supervision } from './Supervision';

export type { ActionResult, AgentActionError, HandoffServiceOptions, HandoffSignal } from './HandoffCore';
export type { EscalationInput, EscalationLimited, EscalationResult, IncomingEntry, RelayedMessage, WorkOrderDraft, WorkOrderInput } from './CustomerSide';

export class HandoffService {
  readonly customers: CustomerSide;
  readonly desk: AgentDesk;
  readonly supervision: Supervision;
  readonly text: CaseText;
  /** Retention and data-subject erasure of cases (`PersonalData`). */
  readonly personalData: PersonalData;
  private readonly core: HandoffCore;

  constructor(o: HandoffServiceOptions) {
    this.core = new HandoffCore(o);
    this.customers = new CustomerSide(this.core);
    this.desk = new AgentDesk(this.core);
    this.supervision = new Supervision(this.core, o.unclaimedAlertMinutes);
    this.text = this.core.text;
    this.personalData = new PersonalData(this.core);
  }

  /** Hand-off events of every instance (for the console streams), in publish order. */
  subscribe(handler: EventHandler): Promise<Unsubscribe> {
    return this.core.bus.subscribe(handler);
  }
}
