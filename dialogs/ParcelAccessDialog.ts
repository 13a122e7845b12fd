/**
 * Finds the customer's parcel and proves they may change it: the tracking number (validated and
 * looked up), the parcel's status (must allow the action), then the proof step (`proof/proofStep.ts`,
 * swappable). Used by every dialog that changes a parcel. It always asks for a fresh proof: a fact
 * proven earlier (in this or another conversation) never authorizes a new change — one proof, one
 * change.
 */
import type { Dialog, DialogTurnResult } from 'botbuilder-dialogs';
import type { ParcelStatus, ParcelView } from '../services/carrier/types';
import type { ProvenPhone } from '../services/proof/types';
import { isOwnPhone } from '../services/nlu/entities/roles';
import { CasePart, type CaseValues, type Step } from './CaseDialog';
import { childRef } from './childRef';
import type { DialogDeps } from './deps';
import { PARCEL_ACCESS_DIALOG } from './ids';
import { PROOF, parcelProof, type ProofGrant } from './proof/proofStep';
import type { SlotAnswer } from './prompts/SlotPrompt';
import { LOOKUP_LIMIT, PARCEL_PROMPT } from './prompts/slots';
import { isParcelView, isProvenPhone, isRecord } from './results';
import { say, type Turn } from './turn';
import { askParcel } from './askParcel';

export interface ParcelAccessOptions {
  trackingNumber?: string;
  /** Statuses in which the action is possible. */
  allowed: ParcelStatus[];
  /** Message-key group explaining why the action is not possible, e.g. `readdress`. */
  purpose: 'readdress' | 'fixPhone';
}

/** The parcel and the proof that authorizes one change of it. */
export interface ParcelAccess {
  parcel: ParcelView;
  proof: ProvenPhone;
  /** The carrier's proof token for the change (dialog state only; never in fields, cases or logs). */
  proofToken: string;
  /** The number of the message after which the one-time code was asked (`Turn.messageNumber`). */
  codeAskedAfter?: number;
}

const isParcelAccess = (v: unknown): v is ParcelAccess =>
  isRecord(v) && isParcelView(v.parcel) && isProvenPhone(v.proof) && typeof v.proofToken === 'string';

/** Parcel access as the changes see it. */
export const PARCEL_ACCESS = childRef<ParcelAccessOptions, ParcelAccess>(PARCEL_ACCESS_DIALOG, isParcelAccess);

interface Values extends CaseValues {
  parcel?: ParcelView;
  codeAskedAfter?: number;
}

type S = Step<ParcelAccessOptions, Values, ParcelAccess>;

export class ParcelAccessDialog extends CasePart<ParcelAccessOptions, Values, ParcelAccess> {
  /** `proof`: the proof step (a dialog registered as `PROOF_DIALOG`), by default the current method. */
  constructor(deps: DialogDeps, proof: Dialog = parcelProof(deps)) {
    super(PARCEL_ACCESS_DIALOG, deps, [proof]);
  }

  protected start(): Values {
    return { fields: {} };
  }

  protected steps() {
    return [this.first(this.askParcel), this.after(PARCEL_PROMPT, this.checkStatus), this.after(PROOF, this.proven)];
  }

  private async askParcel(s: S): Promise<DialogTurnResult> {
    return askParcel(this.deps, s, s.options.trackingNumber, 'ask.trackingNumber');
  }

  private async checkStatus(s: S, answer: SlotAnswer<ParcelView>): Promise<DialogTurnResult> {
    if (!answer.ok && answer.reason === LOOKUP_LIMIT) {
      await s.say('track.limit');
      return s.leave({ status: 'done' });
    }
    if (!answer.ok) return s.giveUp(answer);
    const parcel = answer.value;
    s.values.parcel = parcel;
    s.values.fields.trackingNumber = parcel.trackingNumber;
    if (!s.options.allowed.includes(parcel.status)) {
      await sayNotPossible(s.turn, this.deps, s.options.purpose, parcel.trackingNumber, parcel.status);
      return s.leave({ status: 'done' });
    }
    const claimed = this.claimedPhone(s);
    // A person taking over ("I can't get the code") can reach the customer on it.
    if (claimed) s.values.fields.contactPhone = claimed;
    s.values.codeAskedAfter = s.turn.conversation.messageNumber;
    return s.ask(PROOF, { target: { kind: 'parcel', trackingNumber: parcel.trackingNumber, role: 'sender' }, claimed });
  }

  /** The customer's own phone as they wrote it in this case ("my phone 8 612 34567"), if they did. */
  private claimedPhone(s: S): string | undefined {
    const own = s.turn.conversation.given({ from: s.since }).phones.filter(isOwnPhone);
    return own[own.length - 1]?.e164;
  }

  private async proven(s: S, grant: ProofGrant): Promise<DialogTurnResult> {
    const parcel = s.values.parcel;
    if (!parcel) throw new Error('ParcelAccessDialog.proven(): no parcel in the values');
    return s.end({ parcel, proof: grant.fact, proofToken: grant.proofToken, codeAskedAfter: s.values.codeAskedAfter });
  }
}

/** Tells the customer the action is not possible for a parcel in `status` (the purpose's `notPossible` message). */
export async function sayNotPossible(
  turn: Turn,
  deps: DialogDeps,
  purpose: ParcelAccessOptions['purpose'],
  trackingNumber: string | undefined,
  status: ParcelStatus,
): Promise<void> {
  await say(turn, deps.messages, `${purpose}.notPossible`, { trackingNumber, status: deps.messages.t(turn.lang, `status.${status}`) });
}
