/**
 * How a case dialog ended, returned to the main dialog, which decides what comes next
 * (an "anything else?" menu, or a hand-off to a person).
 */
import type { EscalationReason } from './deps';
import type { CollectedFields } from './state';

export type CaseResult =
  /** The case is finished (solved or explained); the customer may ask something else. */
  | { status: 'done' }
  /** A person should take over, with what was collected so far. */
  | { status: 'escalate'; reason: EscalationReason; fields: CollectedFields }
  /** The case was handed to a person; the bot stays quiet now. */
  | { status: 'handed_off' };

export function isCaseResult(value: unknown): value is CaseResult {
  return !!value && typeof value === 'object' && typeof (value as { status?: unknown }).status === 'string';
}
