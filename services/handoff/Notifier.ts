/**
 * Outgoing alerts to a team chat (Teams/Slack-style incoming webhook): a JSON POST
 * `{text, caseId, priority, summary, url}`. Alerts are best effort: a failing webhook is logged
 * and never fails the operation that triggered it.
 */
import axios from 'axios';
import type { Logger } from '../logging/logger';
import type { Priority } from './types';

export interface CaseAlert {
  text: string;
  caseId: string;
  priority: Priority;
  summary: string;
  /** Link to the case in the agent console. */
  url: string;
}

export interface AlertSink {
  alert(a: CaseAlert): Promise<void>;
}

export class WebhookNotifier implements AlertSink {
  constructor(
    private readonly opts: { url?: string; timeoutMs?: number; logger: Pick<Logger, 'warn' | 'info'> },
  ) {}

  async alert(a: CaseAlert): Promise<void> {
    if (!this.opts.url) return;
    try {
      const res = await axios.post(this.opts.url, a, {
        timeout: this.opts.timeoutMs ?? 5000,
        headers: { 'Content-Type': 'application/json' },
        validateStatus: () => true,
        maxRedirects: 0,
      });
      if (res.status < 200 || res.status >= 300) this.opts.logger.warn({ caseId: a.caseId, status: res.status }, 'WebhookNotifier.alert(): webhook refused the alert');
      else this.opts.logger.info({ caseId: a.caseId }, 'WebhookNotifier.alert(): alert sent');
    } catch (err) {
      this.opts.logger.warn({ caseId: a.caseId, err: err instanceof Error ? err.message : String(err) }, 'WebhookNotifier.alert(): webhook unreachable');
    }
  }
}
