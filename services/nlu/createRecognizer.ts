/**
 * Chooses the recognizer by configuration. The embedded one is always trained (it is the
 * default, and the fallback that answers within `cloudTimeoutMs` when a cloud recognizer is slow
 * or down); CLU and LUIS sit in front of it when configured. Entities always come from our own
 * deterministic extraction, whichever model classifies the intent.
 */
import type { Config } from '../config';
import type { LockerMention, Recognizer } from './types';
import { extractEntities } from './entities';
import { detectLanguage } from './language';
import { CluRecognizer } from './cloud/CluRecognizer';
import { LuisRecognizer } from './cloud/LuisRecognizer';
import { FallbackRecognizer } from './cloud/FallbackRecognizer';
import type { NluLogger } from './cloud/ports';

export function createRecognizer(
  config: Config['nlu'],
  embedded: Recognizer,
  resolveLockers: (text: string) => LockerMention[],
  logger: NluLogger,
): Recognizer {
  const extract = (text: string) => extractEntities(text, { resolveLockers });
  const common = { extractEntities: extract, detectLanguage: (text: string) => detectLanguage(text), timeoutMs: config.cloudTimeoutMs, maxChars: config.maxChars };
  if (config.recognizer === 'clu' && config.clu) {
    const { endpoint, key, project, deployment } = config.clu;
    const primary = new CluRecognizer({ endpoint, key, projectName: project, deploymentName: deployment, ...common });
    return new FallbackRecognizer({ primary, fallback: embedded, timeoutMs: config.cloudTimeoutMs, logger, primaryName: 'clu' });
  }
  if (config.recognizer === 'luis' && config.luis) {
    const { endpoint, appId, key, slot } = config.luis;
    const primary = new LuisRecognizer({ endpoint, appId, key, slot, ...common });
    return new FallbackRecognizer({ primary, fallback: embedded, timeoutMs: config.cloudTimeoutMs, logger, primaryName: 'luis' });
  }
  return embedded;
}
