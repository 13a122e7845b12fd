/**
 * The supervisors' report routes under `/agent/api/reports*` and the reports page
 * (`/agent/reports`, chart.js served from node_modules at `/agent/vendor/chart.umd.min.js`).
 * Every data route goes through the console's session guard with the supervisor role: no
 * session → 401, an agent → 403, and neither gets any data. Labelling is a state change, so it
 * also needs the console's CSRF header.
 *
 * Query bounds: `from`/`to` are days (YYYY-MM-DD) in the business time zone, at most
 * `MAX_RANGE_DAYS` apart; `period` is `day` or `week`. Anything else is a 400 with a generic body.
 */
import { promises as fs } from 'fs';
import { dirname, join } from 'path';
import type * as restify from 'restify';
import { isLang, type Lang } from '../../services/i18n/langs';
import { isIntent } from '../../services/nlu/types';
import type { ReportQueries } from '../../services/reports';
import { reportCsv, type Period } from '../../services/reports/report';
import { trainingTsv } from '../../services/reports/unrecognized';
import type { AgentIdentity } from '../../services/handoff/agentAuth';

export const MAX_RANGE_DAYS = 400;
const DEFAULT_DAYS = 28;
const DAY_MS = 86_400_000;

type Handler = (req: restify.Request, res: restify.Response, agent: AgentIdentity) => Promise<void>;
/** The console's guard (session, role, CSRF), from `registerAgentApi`. */
export type Guard = (handler: Handler, opts?: { csrf?: boolean; supervisor?: boolean }) => (req: restify.Request, res: restify.Response) => Promise<void>;

export interface ReportRoutesOptions {
  guarded: Guard;
  queries: ReportQueries;
  /** Sends a file of the console folder with the console's headers. */
  sendPage: (res: restify.Response, file: string) => Promise<void>;
  /** Body parsers for JSON routes. */
  jsonBody: restify.RequestHandlerType[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Offset of `timeZone` from UTC at `ms`, in milliseconds. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(ms / 1000) * 1000;
}

/** Midnight starting `day` in `timeZone`, as epoch ms. */
export function startOfDay(day: string, timeZone: string): number {
  const utc = Date.parse(`${day}T00:00:00Z`);
  return utc - zoneOffsetMs(utc - zoneOffsetMs(utc, timeZone), timeZone);
}

function queryOf(req: restify.Request): Record<string, unknown> {
  const q: unknown = req.query;
  return q && typeof q === 'object' ? (q as Record<string, unknown>) : {};
}

type Range = { ok: true; fromMs: number; toMs: number; period: Period } | { ok: false };

/** The report's range and period from the query; defaults: the last 28 days, per day. */
export function parseRange(query: Record<string, unknown>, timeZone: string, now: Date): Range {
  const { from, to, period } = query;
  if (period !== undefined && period !== 'day' && period !== 'week') return { ok: false };
  if ((from !== undefined && (typeof from !== 'string' || !DAY.test(from))) || (to !== undefined && (typeof to !== 'string' || !DAY.test(to)))) return { ok: false };
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const toDay = typeof to === 'string' ? to : today;
  const toMs = startOfDay(toDay, timeZone) + DAY_MS;
  const fromMs = typeof from === 'string' ? startOfDay(from, timeZone) : toMs - DEFAULT_DAYS * DAY_MS;
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs || toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) return { ok: false };
  return { ok: true, fromMs, toMs, period: period === 'week' ? 'week' : 'day' };
}

/** chart.js's UMD bundle next to its main entry (the package exports no subpath for it). */
export function chartBundlePath(): string {
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

export function registerReportRoutes(server: restify.Server, o: ReportRoutesOptions): void {
  const { guarded, queries } = o;
  const now = () => queries.now();
  const supervisor = { supervisor: true };
  const bad = (res: restify.Response) => res.send(400, { error: 'invalid_request' });
  const attachment = (res: restify.Response, type: string, name: string, body: string) => {
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(body);
  };

  server.get(
    '/agent/api/reports',
    guarded(async (req, res) => {
      const range = parseRange(queryOf(req), queries.timeZone, now());
      if (!range.ok) return bad(res);
      res.header('Cache-Control', 'private, no-store');
      res.send(200, await queries.report(range.fromMs, range.toMs, range.period));
    }, supervisor),
  );

  server.get(
    '/agent/api/reports/export.csv',
    guarded(async (req, res) => {
      const range = parseRange(queryOf(req), queries.timeZone, now());
      if (!range.ok) return bad(res);
      const report = await queries.report(range.fromMs, range.toMs, range.period);
      attachment(res, 'text/csv; charset=utf-8', `lockerdesk-report-${range.period}-${report.from.slice(0, 10)}.csv`, reportCsv(report));
    }, supervisor),
  );

  server.get(
    '/agent/api/reports/unrecognized',
    guarded(async (req, res) => {
      const lang = queryOf(req).lang;
      if (lang !== undefined && !isLang(lang)) return bad(res);
      const lines = await queries.unrecognized(lang);
      res.header('Cache-Control', 'private, no-store');
      res.send(200, { lines: lines.slice(0, 500), total: lines.length });
    }, supervisor),
  );

  server.post(
    '/agent/api/reports/unrecognized/label',
    ...o.jsonBody,
    guarded(async (req, res, agent) => {
      const b: unknown = req.body;
      const body = b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
      const { lang, text, intent } = body;
      if (!isLang(lang) || !isIntent(intent) || typeof text !== 'string' || !text.trim() || text.length > 1000) return bad(res);
      await queries.label(lang, text, intent, agent.id);
      res.send(204);
    }, { csrf: true, supervisor: true }),
  );

  server.get(
    '/agent/api/reports/unrecognized/training.tsv',
    guarded(async (req, res) => {
      const lang: unknown = queryOf(req).lang;
      if (!isLang(lang)) return bad(res);
      attachment(res, 'text/tab-separated-values; charset=utf-8', `${lang satisfies Lang}.tsv`, trainingTsv(await queries.unrecognized(lang)));
    }, supervisor),
  );

  server.get('/agent/reports', async (_req: restify.Request, res: restify.Response) => o.sendPage(res, 'reports.html'));

  let bundle: Promise<Buffer> | undefined;
  server.get('/agent/vendor/chart.umd.min.js', async (_req: restify.Request, res: restify.Response) => {
    try {
      bundle ??= fs.readFile(chartBundlePath());
      const data = await bundle;
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Content-Length': data.length, 'Cache-Control': 'public, max-age=86400', 'X-Content-Type-Options': 'nosniff' });
      res.end(data);
    } catch {
      bundle = undefined;
      res.send(404, { error: 'not_found' });
    }
  });
}
