import { Writable } from 'stream';
import { createLogger, maskDigits } from '../../../services/logging/logger';

test('phone numbers are masked in messages and string fields; secrets are redacted', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => { lines.push(String(chunk)); cb(); } });
  const log = createLogger('info', sink);
  log.info({ conversationId: 'c1', text: 'my number is +370 612 34567', password: 'hunter2', caseId: 'C-1' }, 'customer wrote 861234567');
  const entry = JSON.parse(lines[0]) as Record<string, string>;
  expect(entry.text).toBe('my number is +***567');
  expect(entry.msg).toBe('customer wrote ***567');
  expect(entry.password).toBe('[redacted]');
  expect(entry.conversationId).toBe('c1');
  expect(entry.caseId).toBe('C-1');
});

test('short numbers (times, quantities) are left alone', () => {
  expect(maskDigits('2 parcels at 14:05, code 1234')).toBe('2 parcels at 14:05, code 1234');
});
