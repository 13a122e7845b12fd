/**
 * Loopback helpers for the Messenger tests: a stand-in for the Graph Send API that records what
 * it receives, a bounded HTTP client, and Messenger webhook payload builders in Meta's shapes.
 */
import { createHmac } from 'crypto';
import http from 'http';
import { AddressInfo } from 'net';

export const PAGE_ID = '104857600000001';
export const PSID = '6543210987654321';
export const APP_SECRET = 'test-app-secret-1234567890';
export const PAGE_TOKEN = 'EAAtestPageAccessTokenSECRET';
export const VERIFY_TOKEN = 'lockerdesk-verify';

export interface SendApiCall {
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

export interface GraphStandIn {
  url: string;
  calls: SendApiCall[];
  /** PSIDs for which the stand-in answers with a Graph error. */
  failFor: Set<string>;
  close(): Promise<void>;
}

export async function startGraphStandIn(): Promise<GraphStandIn> {
  const calls: SendApiCall[] = [];
  const failFor = new Set<string>();
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://localhost');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        /* recorded as {} */
      }
      calls.push({ path: u.pathname, query: u.searchParams, body });
      const recipient = (body.recipient as { id?: string } | undefined)?.id ?? '';
      res.setHeader('Content-Type', 'application/json');
      if (failFor.has(recipient)) {
        res.statusCode = 400;
        res.end(
          JSON.stringify({
            error: { message: '(#100) No matching user found', type: 'OAuthException', code: 100, error_subcode: 2018001, fbtrace_id: 'AbCdEf' },
          }),
        );
        return;
      }
      n += 1;
      res.end(JSON.stringify(body.sender_action ? { recipient_id: recipient } : { recipient_id: recipient, message_id: `m_out_${n}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v21.0`,
    calls,
    failFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One HTTP request on loopback, failing after `timeoutMs`. */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, timeout: options.timeoutMs ?? 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export function sign(body: Buffer | string, secret = APP_SECRET): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** POSTs a webhook body signed with the app secret (unless headers override the signature). */
export function postSigned(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<HttpResult> {
  return request(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sign(body), ...headers },
    body,
  });
}

let ts = 1_700_000_000_000;

export function webhook(...messaging: Record<string, unknown>[]): Record<string, unknown> {
  ts += 1000;
  return { object: 'page', entry: [{ id: PAGE_ID, time: ts, messaging }] };
}

function base(): Record<string, unknown> {
  ts += 1;
  return { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: ts };
}

export const events = {
  text: (mid: string, text: string) => ({ ...base(), message: { mid, text } }),
  quickReply: (mid: string, title: string, payload: string) => ({ ...base(), message: { mid, text: title, quick_reply: { payload } } }),
  postback: (mid: string, title: string, payload: string) => ({ ...base(), postback: { mid, title, payload } }),
  image: (mid: string, url: string) => ({ ...base(), message: { mid, attachments: [{ type: 'image', payload: { url } }] } }),
  echo: (mid: string, text: string) => ({
    sender: { id: PAGE_ID },
    recipient: { id: PSID },
    timestamp: ts++,
    message: { mid, is_echo: true, app_id: 1517776481860111, text },
  }),
  delivery: (mids: string[]) => ({ ...base(), delivery: { mids, watermark: ts } }),
  read: () => ({ ...base(), read: { watermark: ts } }),
};
