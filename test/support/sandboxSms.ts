/**
 * Reading one-time codes the way a tester does: from the sandbox carrier's SMS outbox over HTTP
 * (`GET <sandbox>/sandbox/sms?to=<E.164>`, newest first).
 */
import type { SandboxSms } from '../../services/carrier/sandbox/smsOutbox';

/** The messages the sandbox at `sandboxUrl` texted to `phone`, newest first. */
export async function sandboxSms(sandboxUrl: string, phone: string): Promise<SandboxSms[]> {
  const res = await fetch(`${sandboxUrl}/sandbox/sms?to=${encodeURIComponent(phone)}`);
  if (res.status !== 200) throw new Error(`sandboxSms(): the outbox answered ${res.status}`);
  return (await res.json()) as SandboxSms[];
}

/** The 6-digit code in the newest SMS to `phone`. */
export async function sandboxCode(sandboxUrl: string, phone: string): Promise<string> {
  const [newest] = await sandboxSms(sandboxUrl, phone);
  const code = newest?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error('sandboxCode(): no code in the newest SMS to that phone');
  return code;
}
