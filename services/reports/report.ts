/**
 * The supervisors' report, computed from stored events (so it covers every instance and survives
 * restarts): containment, hand-offs by reason and by intent, waiting and first-response times,
 * ratings of the bot and of agents, per day and per week in the business time zone, and the CSV
 * of it. Definitions are in README ("What the bot saves").
 */
import { FLOW_OUTCOMES, FLOW_TYPES, RATING_SOURCES, type FlowOutcome, type FlowType, type RatingSource, type ReportEvent } from './events';
import { conversationOutcomes } from './containment';

export type Period = 'day' | 'week';

export interface RatingSummary {
  count: number;
  /** Mean score, 0 without ratings. */
  average: number;
  /** How many of each score 1–5. */
  scores: [number, number, number, number, number];
}

export interface ReportBucket {
  /** The day (YYYY-MM-DD), or the Monday its week starts on. */
  period: string;
  conversations: number;
  contained: number;
  containmentRate: number;
  handoffs: number;
  /** Mean customer wait from the queue to an agent's claim, wall-clock seconds. */
  waitSeconds: number;
  /** Mean first response in working seconds from the case entering the queue. */
  firstResponseWorkingSeconds: number;
  breaches: number;
  ratings: Record<RatingSource, RatingSummary>;
}

export interface Report {
  from: string;
  to: string;
  period: Period;
  totals: ReportBucket;
  buckets: ReportBucket[];
  handoffsByReason: Record<string, number>;
  handoffsByIntent: Record<string, number>;
  flows: Record<FlowType, { started: number } & Record<FlowOutcome, number>>;
}

/** The calendar day of `ms` in `timeZone`, as YYYY-MM-DD. */
export function dayOf(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

/** The Monday (YYYY-MM-DD) of the ISO week `day` is in. */
export function weekOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

interface Acc {
  conversations: number;
  contained: number;
  handoffs: number;
  waits: number[];
  firsts: number[];
  breaches: number;
  ratings: Record<RatingSource, number[]>;
}

const emptyAcc = (): Acc => ({ conversations: 0, contained: 0, handoffs: 0, waits: [], firsts: [], breaches: 0, ratings: { bot: [], agent: [] } });
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

function ratingSummary(scores: number[]): RatingSummary {
  const counts: RatingSummary['scores'] = [0, 0, 0, 0, 0];
  for (const s of scores) if (s >= 1 && s <= 5) counts[s - 1]++;
  return { count: scores.length, average: round(mean(scores), 2), scores: counts };
}

function bucketOf(period: string, a: Acc): ReportBucket {
  return {
    period,
    conversations: a.conversations,
    contained: a.contained,
    containmentRate: a.conversations ? round(a.contained / a.conversations, 4) : 0,
    handoffs: a.handoffs,
    waitSeconds: round(mean(a.waits)),
    firstResponseWorkingSeconds: round(mean(a.firsts)),
    breaches: a.breaches,
    ratings: { bot: ratingSummary(a.ratings.bot), agent: ratingSummary(a.ratings.agent) },
  };
}

/**
 * The report over `[fromMs, toMs)`. `events` must include the 72 hours after `toMs` (repeat
 * contacts) and may include earlier ones (the intent a hand-off came from).
 */
export function buildReport(events: readonly ReportEvent[], o: { fromMs: number; toMs: number; timeZone: string; period: Period }): Report {
  const inPeriod = (ms: number) => ms >= o.fromMs && ms < o.toMs;
  const key = (ms: number) => (o.period === 'day' ? dayOf(ms, o.timeZone) : weekOf(dayOf(ms, o.timeZone)));
  const accs = new Map<string, Acc>();
  const total = emptyAcc();
  const acc = (ms: number): Acc[] => {
    const k = key(ms);
    let a = accs.get(k);
    if (!a) accs.set(k, (a = emptyAcc()));
    return [a, total];
  };
  for (const c of conversationOutcomes(events)) {
    if (!inPeriod(c.startedAtMs)) continue;
    for (const a of acc(c.startedAtMs)) {
      a.conversations++;
      if (c.contained) a.contained++;
    }
  }
  const handoffsByReason: Record<string, number> = {};
  const handoffsByIntent: Record<string, number> = {};
  const flows = Object.fromEntries(FLOW_TYPES.map((f) => [f, { started: 0, ...Object.fromEntries(FLOW_OUTCOMES.map((x) => [x, 0])) }])) as Report['flows'];
  const lastIntent = new Map<string, string>();
  for (const e of events) {
    const ms = Date.parse(e.at);
    if (e.type === 'request') lastIntent.set(e.conversationId, e.intent);
    if (!inPeriod(ms)) continue;
    switch (e.type) {
      case 'request':
        if ((FLOW_TYPES as readonly string[]).includes(e.intent)) flows[e.intent as FlowType].started++;
        break;
      case 'flow_ended':
        flows[e.flow][e.outcome]++;
        break;
      case 'handoff': {
        for (const a of acc(ms)) a.handoffs++;
        handoffsByReason[e.reason] = (handoffsByReason[e.reason] ?? 0) + 1;
        const intent = lastIntent.get(e.conversationId) ?? 'unknown';
        handoffsByIntent[intent] = (handoffsByIntent[intent] ?? 0) + 1;
        break;
      }
      case 'case_claimed':
        for (const a of acc(ms)) a.waits.push(e.waitSeconds);
        break;
      case 'first_reply':
        for (const a of acc(ms)) {
          a.firsts.push(e.workingSeconds);
          if (e.breached) a.breaches++;
        }
        break;
      case 'rating':
        for (const a of acc(ms)) a.ratings[e.source].push(e.score);
        break;
      default:
        break;
    }
  }
  const buckets = [...accs].sort(([a], [b]) => a.localeCompare(b)).map(([k, a]) => bucketOf(k, a));
  return {
    from: new Date(o.fromMs).toISOString(),
    to: new Date(o.toMs).toISOString(),
    period: o.period,
    totals: bucketOf('total', total),
    buckets,
    handoffsByReason,
    handoffsByIntent,
    flows,
  };
}

const CSV_COLUMNS = [
  'period',
  'conversations',
  'contained',
  'containment_rate',
  'handoffs',
  'avg_wait_seconds',
  'avg_first_response_working_seconds',
  'response_target_breaches',
  ...RATING_SOURCES.flatMap((s) => [`${s}_ratings`, `${s}_rating_average`]),
];

/** One CSV line per period and a total line (RFC 4180, comma, CRLF). */
export function reportCsv(report: Report): string {
  const row = (b: ReportBucket): (string | number)[] => [
    b.period,
    b.conversations,
    b.contained,
    b.containmentRate,
    b.handoffs,
    b.waitSeconds,
    b.firstResponseWorkingSeconds,
    b.breaches,
    ...RATING_SOURCES.flatMap((s) => [b.ratings[s].count, b.ratings[s].average]),
  ];
  return [CSV_COLUMNS, ...report.buckets.map(row), row(report.totals)].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A CSV cell: quoted when needed; a leading = + - @ is neutralised (spreadsheet formulas). */
export function csvCell(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
