/**
 * A child dialog as its parent sees it: its id, the options it is begun with and the result it ends
 * with. Parents begin children and read their results only through a ref, so both ends are typed
 * and botbuilder's `result: any` is checked in one place (`accepts`) instead of cast in every step.
 */
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { isCaseResult, type CaseResult } from './results';

export interface ChildRef<O extends object, R> {
  readonly id: string;
  /** True when `value` is this child's own result (exits are handled before, see `CaseExit`). */
  readonly accepts: (value: unknown) => value is R;
  /** What the child's `beginDialog` receives for typed `options` (e.g. an optional prompt adds `optional: true`). */
  readonly prepare: (options: O) => object;
}

/**
 * A ref to the dialog registered under `id`.
 *
 * @example
 * export const LOCKER_PICKER = childRef<LockerPickerOptions, string>(LOCKER_PICKER_DIALOG, isString);
 */
export function childRef<O extends object, R>(id: string, accepts: (value: unknown) => value is R, prepare: (options: O) => object = (o) => o): ChildRef<O, R> {
  return { id, accepts, prepare };
}

/** A ref to a case dialog: it ends with a `CaseResult`, which the main dialog routes on. */
export function caseRef<O extends object>(id: string): ChildRef<O, CaseResult> {
  return childRef<O, CaseResult>(id, isCaseResult);
}

/** Begins `child` on `dc` with typed options. */
export function beginChild<O extends object, R>(dc: DialogContext, child: ChildRef<O, R>, options: NoInfer<O>): Promise<DialogTurnResult> {
  return dc.beginDialog(child.id, child.prepare(options));
}
