/**
 * The report counters keep fixed label sets: a channel, intent, reason or language outside the
 * known lists is counted as `other`, so no client can create new series.
 */
import { Metrics } from '../../bots/http/metrics';
import type { ReportEvent } from '../../services/reports/events';

const at = new Date().toISOString();

test('unknown label values are counted as "other"; known ones by name', async () => {
  const m = new Metrics();
  const events: ReportEvent[] = [
    { type: 'conversation_started', at, conversationId: 'a', channel: 'webchat', lang: 'lt' },
    { type: 'conversation_started', at, conversationId: 'b', channel: 'evil-<script>-1', lang: 'lt' },
    { type: 'request', at, conversationId: 'a', intent: 'made_up_intent', lang: 'lt' },
    { type: 'handoff', at, conversationId: 'a', caseId: 'C-1', reason: 'free text reason', priority: 9, joined: false },
    { type: 'unrecognized', at, conversationId: 'a', lang: 'xx' as 'lt', text: 'x' },
  ];
  for (const e of events) m.reportEvent(e);
  const text = await m.registry.metrics();
  expect(text).toMatch(/lockerdesk_conversations_total\{channel="webchat"\} 1/);
  expect(text).toMatch(/lockerdesk_conversations_total\{channel="other"\} 1/);
  expect(text).toMatch(/lockerdesk_requests_total\{intent="other"\} 1/);
  expect(text).toMatch(/lockerdesk_handoffs_total\{reason="other"\} 1/);
  expect(text).toMatch(/lockerdesk_unrecognized_messages_total\{lang="other"\} 1/);
  expect(text).not.toMatch(/evil|made_up|free text|lang="xx"/);
});
