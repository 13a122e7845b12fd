/**
 * The proof step of a parcel change or a lookup: the swappable part of `ParcelAccessDialog` and
 * `FindTrackingDialog`. A proof dialog is begun with `ProofOptions` under the id `PROOF_DIALOG` and
 * ends with a `ProofGrant` — the `ProvenPhone` it has just recorded in the conversation
 * (`turn.conversation.rememberProof`) and the carrier's proof token for the one `…WithProof` call
 * it authorizes — or with a `CaseExit` (a limit reached, the code cannot be received, a person asked
 * for, the carrier down). The token stays in dialog state: never in a case, a log or user state.
 */
import type { Dialog } from 'botbuilder-dialogs';
import type { ProofTarget } from '../../services/proof/ProofService';
import type { ProvenPhone } from '../../services/proof/types';
import { childRef } from '../childRef';
import type { DialogDeps } from '../deps';
import { PROOF_DIALOG } from '../ids';
import { isProvenPhone, isRecord } from '../results';
import { CodeProofDialog } from './CodeProofDialog';

export interface ProofOptions {
  /** Whose phone must be proven: the `role` phone on a parcel (`sender` for the sender's changes), or a phone the customer typed. */
  target: ProofTarget;
  /**
   * A phone the customer said is theirs ("my phone 8 612 34567"). The code still goes only to the
   * target; when the masked forms differ, the customer is told the code goes to the phone on file.
   */
  claimed?: string;
}

/** What a proof step ends with. */
export interface ProofGrant {
  /** The fact, as recorded in the conversation (it may go to a case). */
  fact: ProvenPhone;
  /** The carrier's credential for the `…WithProof` call (dialog state only). */
  proofToken: string;
}

export const isProofGrant = (v: unknown): v is ProofGrant => isRecord(v) && isProvenPhone(v.fact) && typeof v.proofToken === 'string' && v.proofToken.length > 0;

/** The proof step as its parents see it. */
export const PROOF = childRef<ProofOptions, ProofGrant>(PROOF_DIALOG, isProofGrant);

/** The proof method in use: a one-time code texted by the carrier (proof by possession; issue #9). */
export function parcelProof(deps: DialogDeps): Dialog {
  return new CodeProofDialog(deps);
}
