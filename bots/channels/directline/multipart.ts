/** One part of a multipart/form-data body. */
export interface FormPart {
  /** The form field name (`activity`, `file`). */
  name: string;
  /** The file name, when the part is a file. */
  filename?: string;
  contentType: string;
  data: Buffer;
}

/** The boundary of a `multipart/form-data` Content-Type, or `undefined` when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const m = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * Splits a complete, size-checked multipart/form-data body into parts. Enough for the Direct Line
 * upload call (an `activity` JSON part plus `file` parts); returns `undefined` on malformed input.
 */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) return undefined;
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return parts;
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') return undefined;
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) return undefined;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) return undefined;
    const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
    let name: string | undefined;
    let filename: string | undefined;
    let contentType = 'application/octet-stream';
    for (const line of headers) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-disposition') {
        name = /\bname="([^"]*)"/i.exec(value)?.[1];
        filename = /\bfilename="([^"]*)"/i.exec(value)?.[1];
      } else if (key === 'content-type') {
        contentType = value;
      }
    }
    if (name === undefined) return undefined;
    parts.push({ name, filename, contentType, data: body.subarray(headerEnd + 4, next) });
    pos = next + 2;
  }
}

/** The file types customers may upload: photos of a parcel or a locker, and PDF receipts. */
export const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'] as const;
export type UploadType = (typeof UPLOAD_TYPES)[number];

/**
 * The type of a file judged by its first bytes (magic numbers), whatever the client declared;
 * `undefined` for anything that is not one of {@link UPLOAD_TYPES}.
 */
export function sniffUploadType(data: Buffer): UploadType | undefined {
  const starts = (hex: string, at = 0) => data.length >= at + hex.length / 2 && data.subarray(at, at + hex.length / 2).equals(Buffer.from(hex, 'hex'));
  if (starts('ffd8ff')) return 'image/jpeg';
  if (starts('89504e470d0a1a0a')) return 'image/png';
  if (starts('474946383761') || starts('474946383961')) return 'image/gif';
  if (starts('52494646') && starts('57454250', 8)) return 'image/webp';
  if (starts('255044462d')) return 'application/pdf';
  return undefined;
}
