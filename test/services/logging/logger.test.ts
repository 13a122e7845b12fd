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

/** Any phone-like run of 8+ digits (with spaces, dashes, a leading +) that survived masking. */
const RAW_PHONE = /\+?\d(?:[\s-]?\d){7,}/;

test('masking is recursive: nested objects, arrays, errors (message, stack, causes, fields); dialog state is dropped', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => { lines.push(String(chunk)); cb(); } });
  const log = createLogger('info', sink);
  const inner = Object.assign(new Error('carrier said no for 8 612 34567'), { code: 'E_PHONE', phone: '+37061234567' });
  const err = Object.assign(new Error('readdress failed for +370 612 34567', { cause: inner }), {
    dialogContext: { activeDialog: 'slot.phone', parent: 'readdress', stack: [{ id: 'readdress', state: { values: { phone: '+37061234567' } } }, { id: 'slot.phone', state: { options: { prompt: 'is +37061234567 yours?' } } }] },
  });
  const cyclic: Record<string, unknown> = { phone: '37061234567' };
  cyclic.self = cyclic;
  log.error({ err, activity: { from: { id: 'u' }, value: { contacts: [{ phone: '+370 612-34567' }, ['861234567']] } }, cyclic }, 'turn failed');
  const line = lines[0].replace(/"time":"[^"]*"/, '');
  expect(line).not.toMatch(RAW_PHONE);
  const entry = JSON.parse(lines[0]) as { err: { type: string; message: string; stack: string; dialogs: unknown; cause: { message: string; code: string; phone: string } }; activity: { value: { contacts: unknown[] } } };
  expect(entry.err.type).toBe('Error');
  expect(entry.err.message).toBe('readdress failed for +***567');
  expect(entry.err.stack).toMatch(/^Error: readdress failed for \+\*\*\*567/);
  expect(entry.err.dialogs).toEqual({ active: 'slot.phone', parent: 'readdress', stack: ['readdress', 'slot.phone'] });
  expect(entry.err.cause).toMatchObject({ message: 'carrier said no for ***567', code: 'E_PHONE', phone: '+***567' });
  expect(entry.activity.value.contacts).toEqual([{ phone: '+***567' }, ['***567']]);
  expect(line).not.toContain('"state"');
});
