/**
 * Which attachments the hand-off keeps, and how the console gets their bytes.
 *
 * An activity's `contentUrl` is whatever the client wrote into it, so an https address there can
 * be a tracking pixel or anything else on the internet. The hand-off keeps an attachment's
 * address only when the server can vouch for it:
 *
 * - `stored`: the embedded Direct Line stored the upload itself (`StoredAttachmentLookup`, an
 *   in-process port the Direct Line provides; none by default);
 * - `channel_cdn`: the channel's own CDN, for channels that deliver files that way (Messenger:
 *   Facebook's CDN hosts, https only).
 *
 * Everything else is kept as `dropped` (type and name only, no address): the console says
 * "attachment not kept". Kept attachments are served to agents by the server itself, behind the
 * agent session, with a type allow-list and a size limit (`AttachmentFetcher`); the console's
 * CSP is `img-src 'self'`, so its pages load nothing from elsewhere.
 */
import axios from 'axios';
import type { Attachment, KeptAttachment } from './types';

/** Bytes of an upload the bot stored itself. */
export interface StoredFile {
  contentType: string;
  data: Uint8Array;
  name?: string;
}

/** The embedded Direct Line's stored uploads by their URL (in-process). */
export type StoredAttachmentLookup = (url: string) => StoredFile | undefined | Promise<StoredFile | undefined>;

/** Types the console may show or download. */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'] as const;
/** Largest attachment the server hands to the console. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

const CHANNEL_CDN_HOSTS: Record<string, RegExp[]> = {
  facebook: [/(^|\.)fbcdn\.net$/i, /(^|\.)fbsbx\.com$/i],
  messenger: [/(^|\.)fbcdn\.net$/i, /(^|\.)fbsbx\.com$/i],
};

/** An https URL on the channel's own CDN (any known channel when `channel` is omitted). */
export function isChannelCdn(url: string, channel?: string): boolean {
  const hosts = channel === undefined ? Object.values(CHANNEL_CDN_HOSTS).flat() : CHANNEL_CDN_HOSTS[channel];
  if (!hosts) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && !u.username && !u.password && (u.port === '' || u.port === '443') && hosts.some((h) => h.test(u.hostname));
}

function shortName(name: unknown): string | undefined {
  return typeof name === 'string' && name.trim() ? name.trim().slice(0, 120) : undefined;
}

function shortType(type: unknown): string | undefined {
  return typeof type === 'string' && type ? type.slice(0, 100) : undefined;
}

/** What an incoming activity attachment looks like to the keeper. */
export interface IncomingAttachment {
  url: string;
  contentType?: string;
  name?: string;
}

export class AttachmentKeeper {
  constructor(private readonly stored?: StoredAttachmentLookup) {}

  /** Each incoming attachment as kept (with its address) or dropped (without), in order. */
  async keep(list: IncomingAttachment[], channel: string): Promise<Attachment[]> {
    const out: Attachment[] = [];
    for (const a of list) out.push(await this.keepOne(a, channel));
    return out;
  }

  private async keepOne(a: IncomingAttachment, channel: string): Promise<Attachment> {
    const name = shortName(a.name);
    const contentType = shortType(a.contentType);
    const dropped: Attachment = { kept: false, ...(contentType ? { contentType } : {}), ...(name ? { name } : {}) };
    if (typeof a.url !== 'string' || a.url.length > 2048) return dropped;
    if (this.stored) {
      const file = await this.stored(a.url);
      if (file) {
        const n = name ?? shortName(file.name);
        return { kept: true, source: 'stored', url: a.url, contentType: file.contentType, ...(n ? { name: n } : {}) };
      }
    }
    if (isChannelCdn(a.url, channel)) return { kept: true, source: 'channel_cdn', url: a.url, contentType: contentType ?? 'application/octet-stream', ...(name ? { name } : {}) };
    return dropped;
  }
}

export type FetchedAttachment = { ok: true; contentType: string; data: Buffer } | { ok: false; reason: 'gone' | 'too_large' | 'unsupported_type' };

/** Gets a kept attachment's bytes for the console, within the type and size limits. */
export class AttachmentFetcher {
  constructor(private readonly opts: { stored?: StoredAttachmentLookup; timeoutMs?: number; maxBytes?: number } = {}) {}

  async fetch(a: KeptAttachment): Promise<FetchedAttachment> {
    const max = this.opts.maxBytes ?? MAX_ATTACHMENT_BYTES;
    if (a.source === 'stored') {
      const file = this.opts.stored ? await this.opts.stored(a.url) : undefined;
      if (!file) return { ok: false, reason: 'gone' };
      return this.checked(file.contentType, Buffer.from(file.data), max);
    }
    // Re-checked here: a record written by an older version is never fetched from elsewhere.
    if (!isChannelCdn(a.url)) return { ok: false, reason: 'gone' };
    try {
      const res = await axios.get<ArrayBuffer>(a.url, {
        responseType: 'arraybuffer',
        timeout: this.opts.timeoutMs ?? 10_000,
        maxRedirects: 0,
        maxContentLength: max,
        validateStatus: () => true,
      });
      if (res.status !== 200) return { ok: false, reason: 'gone' };
      const type = String(res.headers['content-type'] ?? a.contentType).split(';')[0].trim().toLowerCase();
      return this.checked(type, Buffer.from(res.data), max);
    } catch (err) {
      if (err instanceof Error && /maxContentLength/.test(err.message)) return { ok: false, reason: 'too_large' };
      return { ok: false, reason: 'gone' };
    }
  }

  private checked(contentType: string, data: Buffer, max: number): FetchedAttachment {
    const type = contentType.split(';')[0].trim().toLowerCase();
    if (!(ATTACHMENT_TYPES as readonly string[]).includes(type)) return { ok: false, reason: 'unsupported_type' };
    if (data.length > max) return { ok: false, reason: 'too_large' };
    return { ok: true, contentType: type, data };
  }
}
