// @ts-check
/**
 * The supervisors' reports page (`/agent/reports`): containment, hand-offs by reason and intent,
 * waiting and first-response times, ratings of the bot and of agents, per day or per week as
 * charts (chart.js, served by this server), a CSV export, and the messages the bot did not
 * understand, where a supervisor assigns the right intent and downloads the labelled lines as
 * training data. All text comes from the server's message files (`GET /agent/api/labels`,
 * `reports.*`); every number from `GET /agent/api/reports*`, which answer supervisors only.
 */
import { ApiError, get, post } from './api.js';
import { h, replaceChildren } from './dom.js';

/** @typedef {import('./types').ConsoleLabels} ConsoleLabels */
/** @typedef {import('./types').Report} Report */
/** @typedef {import('./types').ReportBucket} ReportBucket */
/** @typedef {import('./types').UnrecognizedLine} UnrecognizedLine */
/** @typedef {import('./types').Agent} Agent */
/** @typedef {import('./types').ChartConstructor} ChartConstructor */
/** @typedef {InstanceType<ChartConstructor>} ChartInstance */

const LANGS = ['lt', 'en', 'ru'];
const INTENTS = ['readdress', 'fix_phone', 'find_tracking', 'track', 'locker_fault', 'agent', 'greet', 'thanks', 'none'];
const COLORS = ['#0b5cad', '#b3261e', '#1b7a3a', '#a35a00', '#6a3fb5', '#00838f', '#5b6475', '#c2185b', '#7c8c00'];

const state = {
  lang: LANGS.includes(localStorage.getItem('ld.lang') ?? '') ? /** @type {string} */ (localStorage.getItem('ld.lang')) : 'lt',
  /** @type {ConsoleLabels | undefined} */
  labels: undefined,
  /** @type {Report | undefined} */
  report: undefined,
  /** @type {Map<string, ChartInstance>} */
  charts: new Map(),
};

/** @param {string} id */
function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`reports.js: no #${id}`);
  return el;
}
/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ ($(id));
/** @param {string} id */
const select = (id) => /** @type {HTMLSelectElement} */ ($(id));

/** A text of the page, from the server's `reports.*` messages. @param {string} key */
function t(key) {
  return state.labels?.reports[key] ?? key;
}

/** Fills every `data-label` element with its text. */
function applyLabels() {
  document.documentElement.lang = state.lang;
  document.title = `LockerDesk · ${t('title')}`;
  for (const el of document.querySelectorAll('[data-label]')) {
    const key = el.getAttribute('data-label') ?? '';
    el.textContent = t(key);
  }
}

/** @param {string} text */
function showMessage(text) {
  const el = $('report-message');
  el.textContent = text;
  el.hidden = false;
  $('report-body').hidden = true;
  $('reports').setAttribute('aria-busy', 'false');
}

/** The day (YYYY-MM-DD) `daysAgo` before today, in the browser's calendar. @param {number} daysAgo */
function dayString(daysAgo) {
  const d = new Date(Date.now() - daysAgo * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function query() {
  const q = new URLSearchParams({ from: input('report-from').value, to: input('report-to').value, period: select('report-period').value });
  return q.toString();
}

/** @returns {ChartConstructor} */
function chartLib() {
  const lib = /** @type {{ Chart?: ChartConstructor }} */ (/** @type {unknown} */ (globalThis)).Chart;
  if (!lib) throw new Error('reports.js: chart.js did not load');
  return lib;
}

/**
 * Draws (or redraws) one chart.
 * @param {string} id canvas id
 * @param {'bar' | 'line'} type
 * @param {string[]} labels
 * @param {{ label: string, data: number[], yAxisID?: string }[]} datasets
 * @param {{ percent?: boolean, horizontal?: boolean, max?: number }} [opts]
 */
function draw(id, type, labels, datasets, opts = {}) {
  const Chart = chartLib();
  state.charts.get(id)?.destroy();
  const canvas = /** @type {HTMLCanvasElement} */ ($(id));
  canvas.setAttribute('aria-label', datasets.map((d) => d.label).join(', '));
  const chart = new Chart(canvas, {
    type,
    data: {
      labels,
      datasets: datasets.map((d, i) => ({ ...d, backgroundColor: COLORS[i % COLORS.length], borderColor: COLORS[i % COLORS.length], tension: 0.2 })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: opts.horizontal ? 'y' : 'x',
      plugins: { legend: { display: datasets.length > 1 } },
      scales: {
        [opts.horizontal ? 'x' : 'y']: {
          beginAtZero: true,
          ...(opts.max !== undefined ? { max: opts.max } : {}),
          ...(opts.percent ? { ticks: { callback: (/** @type {string | number} */ v) => `${Math.round(Number(v) * 100)} %` } } : {}),
        },
      },
    },
  });
  state.charts.set(id, chart);
  canvas.dataset.points = String(datasets.reduce((n, d) => n + d.data.filter((x) => x > 0).length, 0));
}

/** @param {number} x */
const pct = (x) => `${Math.round(x * 1000) / 10} %`;
/** @param {number} seconds */
const minutes = (seconds) => Math.round(seconds / 6) / 10;
/** @param {{count: number, average: number}} r */
const rating = (r) => (r.count ? `${r.average.toFixed(2)} (${r.count} ${t('ratingCount')})` : '–');

/** @param {Report} r */
function render(r) {
  $('tile-containment').textContent = r.totals.conversations ? pct(r.totals.containmentRate) : '–';
  $('tile-conversations').textContent = String(r.totals.conversations);
  $('tile-handoffs').textContent = String(r.totals.handoffs);
  $('tile-rating-bot').textContent = rating(r.totals.ratings.bot);
  $('tile-rating-agent').textContent = rating(r.totals.ratings.agent);
  $('tile-breaches').textContent = String(r.totals.breaches);
  const periods = r.buckets.map((b) => b.period);
  draw('chart-containment', 'line', periods, [{ label: t('containment'), data: r.buckets.map((b) => b.containmentRate) }], { percent: true, max: 1 });
  draw('chart-times', 'bar', periods, [
    { label: t('wait'), data: r.buckets.map((b) => minutes(b.waitSeconds)) },
    { label: t('firstResponse'), data: r.buckets.map((b) => minutes(b.firstResponseWorkingSeconds)) },
  ]);
  const reasons = Object.entries(r.handoffsByReason).sort((a, b) => b[1] - a[1]);
  draw('chart-reasons', 'bar', reasons.map(([k]) => state.labels?.reasons[k] ?? k), [{ label: t('handoffs'), data: reasons.map(([, n]) => n) }], { horizontal: true });
  const intents = Object.entries(r.handoffsByIntent).sort((a, b) => b[1] - a[1]);
  draw('chart-intents', 'bar', intents.map(([k]) => (k === 'unknown' ? t('unknown') : t(`intentName.${k}`))), [{ label: t('handoffs'), data: intents.map(([, n]) => n) }], { horizontal: true });
  draw('chart-ratings', 'bar', periods, [
    { label: t('ratingBot'), data: r.buckets.map((b) => b.ratings.bot.average) },
    { label: t('ratingAgent'), data: r.buckets.map((b) => b.ratings.agent.average) },
  ], { max: 5 });
  const flows = Object.entries(r.flows);
  draw('chart-flows', 'bar', flows.map(([k]) => t(`intentName.${k}`)), [
    { label: t('flowStarted'), data: flows.map(([, f]) => f.started) },
    { label: t('flowCompleted'), data: flows.map(([, f]) => f.completed) },
    { label: t('flowEscalated'), data: flows.map(([, f]) => f.escalated) },
    { label: t('flowAbandoned'), data: flows.map(([, f]) => f.abandoned) },
  ]);
  /** @type {HTMLAnchorElement} */ ($('csv-link')).href = `/agent/api/reports/export.csv?${query()}`;
  $('report-body').dataset.conversations = String(r.totals.conversations);
}

async function loadReport() {
  $('reports').setAttribute('aria-busy', 'true');
  try {
    state.report = /** @type {Report} */ (await get(`/reports?${query()}`));
    render(state.report);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return location.assign('/agent');
    showMessage(t('loadFailed'));
    return;
  }
  $('reports').setAttribute('aria-busy', 'false');
}

/** @param {UnrecognizedLine} line */
function row(line) {
  const choice = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { 'aria-label': t('intent') },
      h('option', { value: '', text: t('chooseIntent') }),
      ...INTENTS.map((i) => h('option', { value: i, text: t(`intentName.${i}`), selected: line.intent === i })),
    )
  );
  const saved = h('span', { class: 'saved', text: line.intent ? t('labelled') : '' });
  const save = h('button', {
    type: 'button',
    class: 'btn btn-small',
    text: t('assign'),
    onclick: async () => {
      if (!choice.value) return;
      saved.textContent = '';
      await post('/reports/unrecognized/label', { lang: line.lang, text: line.text, intent: choice.value });
      saved.textContent = t('labelled');
    },
  });
  return h('tr', { dataset: { text: line.text } }, h('td', { text: line.lang.toUpperCase() }), h('td', { text: line.text }), h('td', { class: 'count', text: String(line.count) }), h('td', {}, choice), h('td', {}, save, saved));
}

async function loadUnrecognized() {
  const lang = select('unrecognized-lang').value;
  const { lines } = /** @type {{ lines: UnrecognizedLine[] }} */ (await get(`/reports/unrecognized${lang ? `?lang=${encodeURIComponent(lang)}` : ''}`));
  const body = $('unrecognized-rows');
  if (!lines.length) replaceChildren(body, h('tr', {}, h('td', { colspan: '5', text: t('noMessages') })));
  else replaceChildren(body, ...lines.map(row));
  const link = /** @type {HTMLAnchorElement} */ ($('training-link'));
  link.hidden = !lang;
  if (lang) link.href = `/agent/api/reports/unrecognized/training.tsv?lang=${encodeURIComponent(lang)}`;
}

async function loadLabels() {
  state.labels = /** @type {ConsoleLabels} */ (await get(`/labels?lang=${encodeURIComponent(state.lang)}`));
  applyLabels();
}

async function start() {
  /** @type {Agent} */
  let me;
  try {
    ({ agent: me } = /** @type {{ agent: Agent }} */ (await get('/me')));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return location.assign('/agent');
    return showMessage(String(err));
  }
  select('report-lang').value = state.lang;
  await loadLabels();
  if (me.role !== 'supervisor') return showMessage(t('notAllowed'));
  input('report-from').value = dayString(27);
  input('report-to').value = dayString(0);
  $('report-body').hidden = false;
  $('report-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void loadReport();
  });
  select('unrecognized-lang').addEventListener('change', () => void loadUnrecognized());
  select('report-lang').addEventListener('change', async () => {
    state.lang = select('report-lang').value;
    localStorage.setItem('ld.lang', state.lang);
    await loadLabels();
    if (state.report) render(state.report);
    await loadUnrecognized();
  });
  await Promise.all([loadReport(), loadUnrecognized()]);
  document.body.dataset.ready = 'true';
}

void start();
