/**
 * The public web pages: the demo help page at `/`, the embeddable `/widget.js`, its assets under
 * `/site/assets/`, and Web Chat's UMD bundle at `/webchat/webchat.js`, served from node_modules so
 * no page ever loads code from a CDN.
 */
import { createHash } from 'crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'fs';
import { readFile } from 'fs/promises';
import { dirname, extname, join, resolve } from 'path';
import { promisify } from 'util';
import { gzip as gzipCallback } from 'zlib';
import type { Request, Response, Server } from 'restify';
import { LANGS, type Lang } from '../../services/i18n/langs';
import type { Logger } from '../../services/logging/logger';

const gzip = promisify(gzipCallback);

/** Options of {@link registerWebPages}; all optional. */
export interface WebPagesOptions {
  /** Folder holding index.html, widget.js and the assets. Default: the project's `web/site`. */
  siteDir?: string;
  /** Web Chat's UMD bundle. Default: `dist/webchat.js` of the installed botframework-webchat. */
  webChatBundle?: string;
  /**
   * Direct Line base the demo page may talk to besides its own origin (e.g. a regional Azure
   * domain); Azure's global and regional `directline.botframework.com` hosts are always allowed.
   */
  directLineUrl?: string;
  /**
   * The agents' configured hours per language, as customers read them (`formatBusinessHours`):
   * they replace `__BUSINESS_HOURS_<LANG>__` in the page and its strings, so the page never
   * states other hours than the bot's calendar. Default: Mon–Fri 08:00–19:00 (the config default).
   */
  businessHours?: Partial<Record<Lang, string>>;
  logger?: Logger;
}

const DEFAULT_HOURS: Record<Lang, string> = { lt: 'I–V 08:00–19:00', en: 'Mon–Fri 08:00–19:00', ru: 'Пн–Пт 08:00–19:00' };

/** Fills the business-hours placeholders of a page file. */
function withHours(hours: Partial<Record<Lang, string>> | undefined): (text: string) => string {
  return (text) => text.replace(/__BUSINESS_HOURS_([A-Z]{2})__/g, (whole, code: string) => {
    const lang = LANGS.find((l) => l === code.toLowerCase());
    return lang ? (hours?.[lang] ?? DEFAULT_HOURS[lang]) : whole;
  });
}

interface Asset {
  body: Buffer;
  gzipped?: Buffer;
  etag: string;
  type: string;
}

interface Served {
  file: string;
  cacheControl: string;
  /** Rewrites the file once when it is first read. */
  transform?: (text: string) => string;
  /** Lets other origins embed it (widget.js and what it loads run on customers' sites). */
  crossOrigin?: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.webmanifest']);
const SHORT_CACHE = 'public, max-age=300';
/** The bundle URL carries Web Chat's version (`?v=`), so a new version is a new URL. */
const LONG_CACHE = 'public, max-age=31536000, immutable';
const AZURE_DIRECT_LINE = ['https://directline.botframework.com', 'wss://directline.botframework.com', 'https://*.directline.botframework.com', 'wss://*.directline.botframework.com'];
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const VERSION_PLACEHOLDER = '__WEBCHAT_VERSION__';

/**
 * Registers `GET /`, `GET /widget.js`, `GET /site/assets/:name` and `GET /webchat/webchat.js`.
 * Files are read once, on first request, then served from memory with an ETag (304 on
 * `If-None-Match`) and gzip when the client accepts it. Only files present in the site folder at
 * registration are reachable, so no request path ever reaches the file system.
 *
 * @example registerWebPages(server, { directLineUrl: config.channels.directLineUrl, logger });
 */
export function registerWebPages(server: Server, options: WebPagesOptions = {}): void {
  const siteDir = options.siteDir ?? findSiteDir();
  if (!existsSync(join(siteDir, 'index.html'))) throw new Error(`registerWebPages(): no index.html in ${siteDir}`);
  const webChat = options.webChatBundle ?? webChatBundlePath();
  const webChatVersion = readWebChatVersion(webChat);
  const connectExtra = [...AZURE_DIRECT_LINE, ...directLineOrigins(options.directLineUrl)];

  const fillHours = withHours(options.businessHours);
  const assets = new Map<string, Served>();
  for (const name of readdirSync(siteDir)) {
    const file = join(siteDir, name);
    if (TYPES[extname(name)] && statSync(file).isFile()) assets.set(name, { file, cacheControl: SHORT_CACHE, crossOrigin: true, transform: name === 'i18n.js' ? fillHours : undefined });
  }
  const page: Served = { file: join(siteDir, 'index.html'), cacheControl: 'no-cache', transform: fillHours };
  const widget: Served = {
    file: join(siteDir, 'widget.js'),
    cacheControl: SHORT_CACHE,
    crossOrigin: true,
    transform: (text) => text.split(VERSION_PLACEHOLDER).join(encodeURIComponent(webChatVersion)),
  };
  const bundle: Served = { file: webChat, cacheControl: LONG_CACHE, crossOrigin: true };

  const cache = new Map<string, Promise<Asset>>();
  const load = (served: Served): Promise<Asset> => {
    let loaded = cache.get(served.file);
    if (!loaded) {
      loaded = readAsset(served);
      cache.set(served.file, loaded);
      loaded.catch(() => cache.delete(served.file));
    }
    return loaded;
  };

  const serve = async (req: Request, res: Response, served: Served | undefined, extraHeaders: Record<string, string> = {}): Promise<void> => {
    if (!served) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('Not found');
      return;
    }
    let asset: Asset;
    try {
      asset = await load(served);
    } catch (err) {
      options.logger?.error({ err, file: served.file }, 'registerWebPages(): could not read a page asset');
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal error');
      return;
    }
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = acceptsGzip && asset.gzipped ? asset.gzipped : asset.body;
    const zipped = body === asset.gzipped;
    // Each encoding is its own representation, so each gets its own strong ETag.
    const etag = zipped ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
    const headers: Record<string, string> = {
      'Content-Type': asset.type,
      'Cache-Control': served.cacheControl,
      ETag: etag,
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
      ...extraHeaders,
    };
    if (served.crossOrigin) {
      headers['Access-Control-Allow-Origin'] = '*';
      headers['Cross-Origin-Resource-Policy'] = 'cross-origin';
    }
    if (String(req.headers['if-none-match'] ?? '').split(/\s*,\s*/).includes(etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    if (zipped) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(body);
  };

  server.get('/', async (req: Request, res: Response) =>
    serve(req, res, page, {
      'Content-Security-Policy': pagePolicy(req, connectExtra),
      'Referrer-Policy': 'strict-origin-when-cross-origin',
    }),
  );
  server.get('/widget.js', async (req: Request, res: Response) => serve(req, res, widget));
  server.get('/webchat/webchat.js', async (req: Request, res: Response) => serve(req, res, bundle));
  server.get('/site/assets/:name', async (req: Request, res: Response) => serve(req, res, assets.get(String(req.params.name ?? ''))));
}

async function readAsset(served: Served): Promise<Asset> {
  const ext = extname(served.file);
  let body = await readFile(served.file);
  if (served.transform) body = Buffer.from(served.transform(body.toString('utf8')), 'utf8');
  const asset: Asset = {
    body,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    type: TYPES[ext] ?? 'application/octet-stream',
  };
  if (COMPRESSIBLE.has(ext) && body.length > 1024) asset.gzipped = await gzip(body, { level: 9 });
  return asset;
}

/** The demo page runs only its own scripts; Web Chat needs inline styles (emotion) and data:/blob: images. */
function pagePolicy(req: Request, connectExtra: string[]): string {
  const host = String(req.headers.host ?? '');
  const sockets = HOST.test(host) ? [`ws://${host}`, `wss://${host}`] : [];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' blob:",
    `connect-src 'self' ${[...sockets, ...connectExtra].join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

function directLineOrigins(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const { protocol, host } = new URL(url);
    return protocol === 'https:' ? [`https://${host}`, `wss://${host}`] : [`http://${host}`, `ws://${host}`];
  } catch {
    throw new Error(`registerWebPages(): directLineUrl is not a URL: ${url}`);
  }
}

/** The project's web/site, whether running from sources (bots/) or compiled (dist/bots/). */
function findSiteDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'web', 'site');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`registerWebPages(): web/site not found above ${__dirname}; pass siteDir`);
}

/** botframework-webchat exports no subpaths, so the bundle is found next to its main entry. */
function webChatBundlePath(): string {
  const main = require.resolve('botframework-webchat');
  let dir = dirname(main);
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'dist', 'webchat.js');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`registerWebPages(): dist/webchat.js not found near ${main}; pass webChatBundle`);
}

function readWebChatVersion(bundle: string): string {
  const pkg = resolve(dirname(bundle), '..', 'package.json');
  try {
    const parsed: unknown = JSON.parse(readFileSync(pkg, 'utf8'));
    const version = typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
    if (typeof version === 'string') return version;
  } catch {
    /* a bundle outside its package: its size and date tell versions apart as well */
  }
  const { size, mtimeMs } = statSync(bundle);
  return `${size}-${Math.floor(mtimeMs)}`;
}
