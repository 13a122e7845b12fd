/**
 * The shape every case dialog shares: the slot prompts, its child dialogs and one waterfall whose
 * steps the subclass lists. Keeps each case dialog file about its own steps only.
 */
import { ComponentDialog, WaterfallDialog, type Dialog, type WaterfallStep } from 'botbuilder-dialogs';
import type { DialogDeps } from './deps';
import { slotPrompts } from './prompts/slots';

export abstract class CaseDialog<O extends object> extends ComponentDialog {
  protected constructor(
    id: string,
    protected readonly deps: DialogDeps,
    children: Dialog[] = [],
  ) {
    super(id);
    for (const p of slotPrompts(deps)) this.addDialog(p);
    for (const c of children) this.addDialog(c);
    this.addDialog(new WaterfallDialog<O>(`${id}.steps`, this.steps().map((s) => s.bind(this))));
    this.initialDialogId = `${id}.steps`;
  }

  /** The waterfall steps in order (methods of the subclass; bound by the base class). */
  protected abstract steps(): WaterfallStep<O>[];
}
