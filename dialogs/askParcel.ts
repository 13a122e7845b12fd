/**
 * The parcel-number question every parcel case starts with: a number the customer already gave
 * (`known`, e.g. in their first message) is looked up and skips the prompt — with the parcel, or
 * with a fatal failure (the carrier or the lookup limit) — while a number the carrier does not
 * know is said and asked for again with `questionKey`. A number written earlier in the
 * conversation (another case, the first message) is offered as "Is it CE…?" instead of asking;
 * "yes" looks it up like a typed one, and every change still needs its own proof.
 */
import type { DialogTurnResult } from 'botbuilder-dialogs';
import type { Step } from './CaseDialog';
import type { DialogDeps } from './deps';
import { loadParcel, PARCEL_PROMPT } from './prompts/slots';
import { recallTracking } from './recall';

export async function askParcel<O, V, Out>(deps: DialogDeps, s: Step<O, V, Out>, known: string | undefined, questionKey: string): Promise<DialogTurnResult> {
  if (known) {
    const outcome = await loadParcel(deps, s.turn, known);
    if (outcome.ok) return s.skip(PARCEL_PROMPT, { ok: true, value: outcome.value });
    if (outcome.fatal) return s.skip(PARCEL_PROMPT, { ok: false, reason: outcome.reason, fatal: true });
    await s.say(`invalid.tracking.${outcome.reason}`, { trackingNumber: known });
  }
  return s.ask(PARCEL_PROMPT, { questionKey, recall: recallTracking(s.turn, s.since) });
}
