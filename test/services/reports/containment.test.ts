/**
 * Containment on constructed histories: a conversation is contained when it needed no person and
 * no other conversation named one of its parcels within 72 hours after it did. Plus the report
 * built from the same events (per day and per week in the business time zone), its CSV, and the
 * not-understood lines with labels and their training-data file.
 */
import { conversationOutcomes, containmentRate, REPEAT_WINDOW_MS } from '../../../services/reports/containment';
import { storedText, type ReportEvent } from '../../../services/reports/events';
import { parcelKey } from '../../../services/reports/parcelKey';
import { buildReport, csvCell, reportCsv, weekOf } from '../../../services/reports/report';
import { trainingTsv, unrecognizedLines } from '../../../services/reports/unrecognized';
import { parseTrainingTsv } from '../../../services/nlu/trainingData';

const H = 3600_000;
const T0 = Date.parse('2026-11-30T08:00:00Z'); // Monday 10:00 in Vilnius
const at = (hours: number) => new Date(T0 + hours * H).toISOString();
const start = (id: string, h: number): ReportEvent => ({ type: 'conversation_started', at: at(h), conversationId: id, channel: 'webchat', lang: 'lt' });
const parcel = (id: string, h: number, number: string): ReportEvent => ({ type: 'parcel', at: at(h), conversationId: id, parcel: parcelKey(number) });
const handoff = (id: string, h: number): ReportEvent => ({ type: 'handoff', at: at(h), conversationId: id, caseId: `C-${id}`, reason: 'agent_requested', priority: 3, joined: false });
const contained = (events: ReportEvent[]) => Object.fromEntries(conversationOutcomes(events).map((o) => [o.conversationId, o.contained]));

describe('containment', () => {
  test.each<[string, ReportEvent[], Record<string, boolean>]>([
    ['one conversation, no person, no parcel: contained', [start('a', 0)], { a: true }],
    ['handed to a person: not contained', [start('a', 0), handoff('a', 0.1)], { a: false }],
    [
      'the same parcel again 71 h later in another conversation: the first is not contained, the second is',
      [start('a', 0), parcel('a', 0, 'CE482139075LT'), start('b', 71), parcel('b', 71, 'ce 482139075 lt')],
      { a: false, b: true },
    ],
    ['the same parcel again after 73 h: both contained', [start('a', 0), parcel('a', 0, 'CE482139075LT'), start('b', 73), parcel('b', 73, 'CE482139075LT')], { a: true, b: true }],
    ['exactly 72 h later still counts as a repeat', [start('a', 0), parcel('a', 0, 'X1'), start('b', 72), parcel('b', 72, 'X1')], { a: false, b: true }],
    ['another parcel is no repeat', [start('a', 0), parcel('a', 0, 'CE482139075LT'), start('b', 1), parcel('b', 1, 'CE000000000LT')], { a: true, b: true }],
    ['the same parcel twice in one conversation is no repeat', [start('a', 0), parcel('a', 0, 'P'), parcel('a', 5, 'P')], { a: true }],
    [
      'a repeat after a hand-off: the first needed a person, the second is contained',
      [start('a', 0), parcel('a', 0, 'P'), handoff('a', 1), start('b', 24), parcel('b', 24, 'P')],
      { a: false, b: true },
    ],
    ['three contacts about one parcel: the first two are not contained', [start('a', 0), parcel('a', 0, 'P'), start('b', 10), parcel('b', 10, 'P'), start('c', 20), parcel('c', 20, 'P')], { a: false, b: false, c: true }],
    ['a parcel mention without a started conversation counts as a repeat for the other', [start('a', 0), parcel('a', 0, 'P'), parcel('ghost', 2, 'P')], { a: false }],
  ])('%s', (_name, events, expected) => {
    expect(contained(events)).toEqual(expected);
  });

  test('the rate is contained over all conversations; 0 without conversations', () => {
    const events = [start('a', 0), start('b', 0), handoff('b', 1), start('c', 0), start('d', 0), parcel('d', 0, 'P'), start('e', 1), parcel('e', 1, 'P')];
    expect(containmentRate(conversationOutcomes(events))).toBeCloseTo(3 / 5);
    expect(containmentRate([])).toBe(0);
    expect(REPEAT_WINDOW_MS).toBe(72 * H);
  });
});

describe('report', () => {
  const events: ReportEvent[] = [
    start('a', 0),
    { type: 'request', at: at(0), conversationId: 'a', intent: 'track', lang: 'lt' },
    { type: 'flow_ended', at: at(0.1), conversationId: 'a', flow: 'track', outcome: 'completed' },
    { type: 'rating', at: at(0.2), conversationId: 'a', source: 'bot', score: 5, lang: 'lt' },
    start('b', 1),
    { type: 'request', at: at(1), conversationId: 'b', intent: 'readdress', lang: 'en' },
    { type: 'flow_ended', at: at(1.1), conversationId: 'b', flow: 'readdress', outcome: 'escalated' },
    handoff('b', 1.2),
    { type: 'case_claimed', at: at(1.5), caseId: 'C-b', priority: 3, waitSeconds: 1800, waitWorkingSeconds: 1800 },
    { type: 'first_reply', at: at(1.6), caseId: 'C-b', priority: 3, workingSeconds: 2400, breached: false },
    { type: 'rating', at: at(2), conversationId: 'b', source: 'agent', score: 3, lang: 'en' },
    // Next Monday (another week), a breach.
    start('c', 7 * 24),
    { type: 'request', at: at(7 * 24), conversationId: 'c', intent: 'agent', lang: 'ru' },
    handoff('c', 7 * 24 + 0.1),
    { type: 'first_reply', at: at(7 * 24 + 10), caseId: 'C-c', priority: 3, workingSeconds: 36_000, breached: true },
  ];
  const o = { fromMs: T0 - H, toMs: T0 + 14 * 24 * H, timeZone: 'Europe/Vilnius' };

  test('per day: containment, hand-offs by reason and intent, times, ratings bot vs agent', () => {
    const r = buildReport(events, { ...o, period: 'day' });
    expect(r.buckets.map((b) => [b.period, b.conversations, b.contained, b.handoffs])).toEqual([
      ['2026-11-30', 2, 1, 1],
      ['2026-12-07', 1, 0, 1],
    ]);
    expect(r.totals).toMatchObject({ conversations: 3, contained: 1, handoffs: 2, waitSeconds: 1800, firstResponseWorkingSeconds: 19_200, breaches: 1 });
    expect(r.totals.containmentRate).toBeCloseTo(1 / 3, 3);
    expect(r.totals.ratings).toEqual({ bot: { count: 1, average: 5, scores: [0, 0, 0, 0, 1] }, agent: { count: 1, average: 3, scores: [0, 0, 1, 0, 0] } });
    expect(r.handoffsByReason).toEqual({ agent_requested: 2 });
    expect(r.handoffsByIntent).toEqual({ readdress: 1, agent: 1 });
    expect(r.flows.track).toEqual({ started: 1, completed: 1, escalated: 0, abandoned: 0 });
    expect(r.flows.readdress).toEqual({ started: 1, completed: 0, escalated: 1, abandoned: 0 });
  });

  test('per week: weeks start on Monday in the business time zone', () => {
    expect(weekOf('2026-12-06')).toBe('2026-11-30'); // Sunday
    expect(weekOf('2026-12-07')).toBe('2026-12-07');
    const r = buildReport(events, { ...o, period: 'week' });
    expect(r.buckets.map((b) => b.period)).toEqual(['2026-11-30', '2026-12-07']);
    // 23:30 UTC on Sunday is already Monday in Vilnius.
    const late = buildReport([start('x', 6 * 24 + 15.5)], { ...o, period: 'week' });
    expect(late.buckets.map((b) => b.period)).toEqual(['2026-12-07']);
  });

  test('events outside the period are not counted, but a repeat contact after it still is', () => {
    const r = buildReport([start('a', 0), parcel('a', 0, 'P'), start('b', 30), parcel('b', 30, 'P')], { fromMs: T0 - H, toMs: T0 + 24 * H, timeZone: 'Europe/Vilnius', period: 'day' });
    expect(r.totals).toMatchObject({ conversations: 1, contained: 0 });
  });

  test('CSV: a header, one line per period, a total; cells quoted and formulas neutralised', () => {
    const csv = reportCsv(buildReport(events, { ...o, period: 'day' }));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('period,conversations,contained,containment_rate,handoffs,avg_wait_seconds,avg_first_response_working_seconds,response_target_breaches,bot_ratings,bot_rating_average,agent_ratings,agent_rating_average');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['2026-11-30', '2026-12-07', 'total']);
    expect(lines[1]).toBe('2026-11-30,2,1,0.5,1,1800,2400,0,1,5,1,3');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
  });
});

describe('not-understood messages', () => {
  const un = (h: number, lang: 'lt' | 'en' | 'ru', text: string): ReportEvent => ({ type: 'unrecognized', at: at(h), conversationId: `c${h}`, lang, text: storedText(text) });

  test('grouped by language and text (case and spaces folded), most frequent first, with the latest label', () => {
    const events: ReportEvent[] = [
      un(0, 'lt', 'kada atidarytas skyrius'),
      un(1, 'lt', 'Kada  atidarytas skyrius'),
      un(2, 'en', 'when do you open'),
      un(3, 'lt', 'kiek kainuoja'),
      { type: 'label', at: at(4), lang: 'lt', text: 'kiek kainuoja', intent: 'agent', by: 'sup' },
      { type: 'label', at: at(5), lang: 'lt', text: 'kiek kainuoja', intent: 'none', by: 'sup' },
    ];
    expect(unrecognizedLines(events, 'lt')).toEqual([
      { lang: 'lt', text: 'kada atidarytas skyrius', count: 2, lastAt: at(1) },
      { lang: 'lt', text: 'kiek kainuoja', count: 1, lastAt: at(3), intent: 'none' },
    ]);
    expect(unrecognizedLines(events).map((l) => l.lang)).toEqual(['lt', 'lt', 'en']); // equal counts: the latest first
  });

  test('stored text is one line, digit runs masked, cut to 300 characters', () => {
    expect(storedText('call me\n at +370 612 34567 about CE482139075LT')).toBe('call me at +### ### ##### about CE#########LT');
    expect(storedText('x'.repeat(1000))).toHaveLength(300);
  });

  test('the training file has the header and the labelled lines only, and the NLU loader reads it', () => {
    const lines = unrecognizedLines([
      un(0, 'en', 'when do you open'),
      un(1, 'en', 'tab\there'),
      { type: 'label', at: at(2), lang: 'en', text: 'tab here', intent: 'none', by: 'sup' },
      { type: 'label', at: at(2), lang: 'en', text: 'when do you open', intent: 'agent', by: 'sup' },
      un(3, 'en', 'not labelled'),
    ]);
    const tsv = trainingTsv(lines);
    expect(tsv).toBe('intent\ttext\nnone\ttab here\nagent\twhen do you open\n');
    expect(parseTrainingTsv(tsv, 'en')).toEqual([
      { intent: 'none', text: 'tab here', lang: 'en' },
      { intent: 'agent', text: 'when do you open', lang: 'en' },
    ]);
  });
});
