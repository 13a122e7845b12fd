/**
 * The proof step of a parcel change: the swappable part of `ParcelAccessDialog`. A proof dialog is
 * begun with `ProofOptions` under the id `PROOF_DIALOG` and ends with the `ProvenPhone` it has just
 * recorded in the conversation (`turn.conversation.rememberProof`), or with a `CaseExit` (gave up,
 * a person asked for, the carrier down). Parcel access and the changes only ever see the fact, so a
 * new method (a one-time code sent by SMS) replaces `parcelProof` and nothing else.
 */
import type { Dialog } from 'botbuilder-dialogs';
import type { PhoneRole } from '../../services/carrier/types';
import type { ProvenPhone } from '../../services/proof/types';
import { childRef } from '../childRef';
import type { DialogDeps } from '../deps';
import { PROOF_DIALOG } from '../ids';
import { isProvenPhone } from '../results';
import { SenderPhoneProofDialog } from './SenderPhoneProofDialog';

export interface ProofOptions {
  /** The parcel the customer wants to change. */
  trackingNumber: string;
  /** Whose phone must be proven (`sender` for the sender's changes). */
  role: PhoneRole;
}

/** The proof step as `ParcelAccessDialog` sees it. */
export const PROOF = childRef<ProofOptions, ProvenPhone>(PROOF_DIALOG, isProvenPhone);

/**
 * The proof method in use. Today: the sender's phone as registered on the parcel, checked by the
 * carrier (proof by knowledge, kept until one-time codes replace it; issue #9).
 */
export function parcelProof(deps: DialogDeps): Dialog {
  return new SenderPhoneProofDialog(deps);
}
