/**
 * Names shared by everything that talks LUIS or CLU: the cloud recognizers, the project's own
 * LUIS-compatible endpoint and the project exporters. Keeping them in one place is what makes an
 * exported app, our endpoint and the adapters agree with each other.
 */
import { isIntent, type Intent } from '../types';

/** Entity names as they appear in CLU projects, LUIS apps and LUIS v3 responses. */
export const CLOUD_ENTITY = {
  tracking: 'TrackingNumber',
  phone: 'Phone',
  locker: 'Locker',
} as const;

/** Name of LUIS's prebuilt phone entity, read as `Phone` by the LUIS adapter. */
export const LUIS_PREBUILT_PHONE = 'phonenumber';

/** LUIS and CLU both require an intent literally called `None`; every other intent keeps our name. */
export const CLOUD_NONE_INTENT = 'None';

/** Our intent as named in a cloud project. */
export function intentToCloud(intent: Intent): string {
  return intent === 'none' ? CLOUD_NONE_INTENT : intent;
}

/**
 * A cloud intent name mapped to ours: first `aliases` (for legacy apps with their own names; keys
 * compared case-insensitively, and they win over our own names), then our names case-insensitively
 * with spaces/dots/dashes read as `_`; anything else is `none`, so an unknown cloud intent can
 * never start a self-service flow.
 */
export function intentFromCloud(name: string | undefined, aliases: Readonly<Record<string, Intent>> = {}): Intent {
  if (!name) return 'none';
  const key = name.trim().toLowerCase();
  for (const [alias, intent] of Object.entries(aliases)) {
    if (alias.toLowerCase() === key) return intent;
  }
  const normalized = key.replace(/[\s.\-]+/g, '_');
  return isIntent(normalized) ? normalized : 'none';
}

/**
 * Regex sources for tracking numbers as customers type them: UPU S10 (`CE 482 139 075 LT`, groups
 * optionally separated by a space or dash) and the carrier's 14-digit numbers. Written without
 * flags or look-behind so LUIS and CLU regex components accept them.
 */
export const TRACKING_REGEX = {
  s10: '\\b[A-Za-z]{2}[ -]?\\d{3}[ -]?\\d{3}[ -]?\\d{3}[ -]?[A-Za-z]{2}\\b',
  numeric14: '\\b\\d{14}\\b',
} as const;

/**
 * Cloud intent scores mapped to ours, best first. Several cloud intents that map to the same one of
 * ours (e.g. two unknown intents -> `none`) keep the highest score. The top intent is the cloud's
 * own `topIntent` (CLU applies the project's confidence threshold to it), with its score from the
 * list, or the best score when the list does not carry it.
 */
export function rankCloudIntents(
  topIntent: string | undefined,
  scores: readonly { name: string; score: number }[],
  aliases: Readonly<Record<string, Intent>> = {},
): { intent: Intent; score: number; intents: { intent: Intent; score: number }[] } {
  const best = new Map<Intent, number>();
  for (const { name, score } of scores) {
    const intent = intentFromCloud(name, aliases);
    const s = Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
    best.set(intent, Math.max(best.get(intent) ?? 0, s));
  }
  const intents = [...best.entries()].map(([intent, score]) => ({ intent, score })).sort((a, b) => b.score - a.score);
  const intent = topIntent !== undefined ? intentFromCloud(topIntent, aliases) : (intents[0]?.intent ?? 'none');
  const score = best.get(intent) ?? intents[0]?.score ?? 0;
  if (!best.has(intent)) intents.unshift({ intent, score });
  return { intent, score, intents };
}
