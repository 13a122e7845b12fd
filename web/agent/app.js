// @ts-check
/**
 * LockerDesk agent console: sign-in, live queue (SSE), case view with transcript and actions,
 * related cases and merging, supervisor view. Plain ES module, no dependencies, type-checked
 * (`// @ts-check`, types in types.d.ts shared with the server). Customer text only ever reaches the
 * DOM as text nodes (see dom.js); labels of the hand-off vocabularies come from the server.
 */
import { ApiError, get, post, casePath, describeError } from './api.js';
import {
  h,
  replaceChildren,
  formatTime,
  formatFull,
  formatShort,
  formatDuration,
  channelBadge,
  channelName,
  priorityBadge,
  fieldLabel,
  label,
  ui,
  setLabels,
  labelLang,
  storedReasonLabel,
  attachmentNode,
} from './dom.js';

/** @typedef {import('./types').Agent} Agent */
/** @typedef {import('./types').AgentOverview} AgentOverview */
/** @typedef {import('./types').CannedReply} CannedReply */
/** @typedef {import('./types').ResolutionOption} ResolutionOption */
/** @typedef {import('./types').CaseSummary} CaseSummary */
/** @typedef {import('./types').CaseView} CaseView */
/** @typedef {import('./types').CaseDetail} CaseDetail */
/** @typedef {import('./types').ConsoleEvent} ConsoleEvent */
/** @typedef {import('./types').ConsoleLabels} ConsoleLabels */
/** @typedef {import('./types').TranscriptView} TranscriptView */
/** @typedef {import('./types').DeliveryState} DeliveryState */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
/** @param {string} id */
const select = (id) => /** @type {HTMLSelectElement} */ (document.getElementById(id));
/** @param {string} id */
const textarea = (id) => /** @type {HTMLTextAreaElement} */ (document.getElementById(id));
/** @param {string} id */
const button = (id) => /** @type {HTMLButtonElement} */ (document.getElementById(id));
/** The page title in the agent's language. */
const baseTitle = () => ui('page.title');
const FIELD_ORDER = ['trackingNumber', 'senderPhone', 'recipientPhone', 'contactPhone', 'verifiedPhone', 'lockerId', 'description'];
const MAX_TEXT = 2000;
const LABEL_LANGS = ['lt', 'en', 'ru'];

const state = {
  /** @type {Agent | null} */
  me: null,
  /** Open cases by id. @type {Map<string, CaseSummary>} */
  cases: new Map(),
  /** Ids of my cases with customer messages not yet seen. @type {Set<string>} */
  unread: new Set(),
  /** Ids already announced as new (a created event and a reload must not ring twice). @type {Set<string>} */
  announced: new Set(),
  /** @type {string | null} */
  currentId: null,
  /** The full case currently shown. @type {CaseView | null} */
  current: null,
  /** Related cases of the current case. @type {CaseSummary[]} */
  related: [],
  /** Transcript rows of the current case by entry key (`s:<seq>`, `c:<at|from|text>`). @type {Map<string, HTMLElement>} */
  rendered: new Map(),
  /** The team, or null when the list is not available to this agent. @type {AgentOverview[] | null} */
  agents: null,
  /** @type {Map<string, string>} */
  agentNames: new Map(),
  /** @type {ResolutionOption[]} */
  resolutions: [],
  /** @type {Map<string, CannedReply[]>} */
  canned: new Map(),
  /** @type {'cases' | 'supervisor'} */
  view: 'cases',
  /** Server clock minus local clock. */
  skewMs: 0,
  /** @type {EventSource | null} */
  es: null,
  esRetryMs: 1000,
  esHadError: false,
  /** @type {ReturnType<typeof setInterval>[]} */
  timers: [],
  soundOn: localStorage.getItem('ld.sound') !== 'off',
  /** Language of the labels (Lithuanian unless the agent chose another). */
  labelLang: LABEL_LANGS.includes(localStorage.getItem('ld.lang') ?? '') ? /** @type {string} */ (localStorage.getItem('ld.lang')) : 'lt',
};

const nowMs = () => Date.now() + state.skewMs;

/* ------------------------------------------------------------------ messages */

/** @type {ReturnType<typeof setTimeout> | undefined} */
let toastTimer;
/**
 * @param {string} text
 * @param {'error' | 'info'} [kind]
 */
function toast(text, kind = 'error') {
  const el = $('toast');
  $('toast-text').textContent = text;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), kind === 'error' ? 10000 : 5000);
}

/** @param {string} text */
function announce(text) {
  const el = $('announcer');
  el.textContent = '';
  setTimeout(() => (el.textContent = text), 50);
}

/**
 * Handles a failed request: 401 → sign-in; others → toast. Returns the ApiError status.
 * @param {unknown} err
 * @param {string} [action]
 */
function failed(err, action) {
  if (err instanceof ApiError && err.status === 401 && action !== 'login') {
    expire();
    return 401;
  }
  toast(describeError(err, action));
  return err instanceof ApiError ? err.status : 0;
}

/* ------------------------------------------------------------------ sign-in */

/**
 * @param {string} [message]
 * @param {'error' | 'info'} [kind]
 */
function showLogin(message, kind = 'error') {
  $('console-view').hidden = true;
  $('topbar-right').hidden = true;
  $('topbar-nav').hidden = true;
  $('login-view').hidden = false;
  const msg = $('login-message');
  msg.textContent = message ?? '';
  msg.dataset.kind = kind;
  document.title = ui('login.pageTitle', { title: baseTitle() });
  $('login-username').focus();
}

function expire() {
  if (!state.me) return;
  stopSession();
  showLogin(ui('login.expired'), 'info');
}

function stopSession() {
  state.me = null;
  state.es?.close();
  state.es = null;
  for (const t of state.timers) clearInterval(t);
  state.timers = [];
  state.cases.clear();
  state.unread.clear();
  state.announced.clear();
  state.currentId = null;
  state.current = null;
  state.related = [];
  state.agents = null;
  closeCaseView();
}

/** @param {SubmitEvent} ev */
async function onLogin(ev) {
  ev.preventDefault();
  unlockAudio();
  const username = input('login-username').value.trim();
  const pw = input('login-password');
  const msg = $('login-message');
  msg.dataset.kind = 'error';
  if (!username || !pw.value) {
    msg.textContent = ui('login.missing');
    (username ? pw : $('login-username')).focus();
    return;
  }
  const submit = button('login-submit');
  submit.disabled = true;
  msg.dataset.kind = 'info';
  msg.textContent = ui('login.signingIn');
  try {
    const { agent } = /** @type {{agent: Agent}} */ (await post('/login', { username, password: pw.value }));
    pw.value = '';
    msg.textContent = '';
    await startConsole(agent);
  } catch (err) {
    pw.value = '';
    msg.dataset.kind = 'error';
    if (err instanceof ApiError && err.status === 401) msg.textContent = ui('login.wrong');
    else if (err instanceof ApiError && err.status === 429) msg.textContent = ui('login.tooMany');
    else msg.textContent = describeError(err, 'login');
    pw.focus();
  } finally {
    submit.disabled = false;
  }
}

/**
 * A demo account's single-use setup link (`/agent#setup=<token>`): signs in once, then the link is
 * removed from the address bar (and is dead on the server).
 * @returns {Promise<boolean>} true when it signed in
 */
async function setupFromLink() {
  const m = /^#setup=([A-Za-z0-9_-]{20,100})$/.exec(window.location.hash);
  if (!m) return false;
  history.replaceState(null, '', window.location.pathname + window.location.search);
  try {
    const { agent } = /** @type {{agent: Agent}} */ (await post('/setup', { token: m[1] }));
    await startConsole(agent);
    return true;
  } catch (err) {
    showLogin(err instanceof ApiError && err.status === 401 ? ui('login.linkUsed') : describeError(err, 'login'));
    return true;
  }
}

async function onLogout() {
  try {
    await post('/logout');
  } catch {
    /* signing out locally anyway */
  }
  stopSession();
  showLogin(ui('login.signedOut'), 'info');
}

/* ------------------------------------------------------------------ console start */

/** @param {Agent} agent */
async function startConsole(agent) {
  state.me = agent;
  state.agentNames.set(agent.id, agent.name);
  $('login-view').hidden = true;
  $('console-view').hidden = false;
  $('topbar-right').hidden = false;
  $('topbar-nav').hidden = false;
  $('me-name').textContent = `${agent.name}${agent.role === 'supervisor' ? ui('top.supervisorSuffix') : ''}`;
  $('nav-supervisor').hidden = agent.role !== 'supervisor';
  $('nav-reports').hidden = agent.role !== 'supervisor';
  $('reassign-group').hidden = agent.role !== 'supervisor';
  $('sup-case-group').hidden = agent.role !== 'supervisor';
  updateNotifyButton();
  setView('cases');
  connectEvents();
  state.timers.push(setInterval(tick, 1000));
  state.timers.push(setInterval(() => void reloadQueue(), 60000));
  state.timers.push(setInterval(heartbeat, 30000));
  state.timers.push(setInterval(() => void loadAgents(), 30000));
  await loadLabels();
  await Promise.all([reloadQueue(), loadResolutions(), loadAgents()]);
}

/** The label tables in the agent's language, from the server's message files (public: the sign-in page needs them too). */
async function loadLabels() {
  try {
    const labels = /** @type {ConsoleLabels} */ (await get(`/labels?lang=${encodeURIComponent(state.labelLang)}`));
    setLabels(labels);
    $('nav-reports').textContent = labels.reports?.title ?? 'Reports';
  } catch (err) {
    failed(err);
  }
  applyUiTexts();
  document.documentElement.lang = labelLang();
  document.title = state.me ? baseTitle() : ui('login.pageTitle', { title: baseTitle() });
  select('label-lang').value = state.labelLang;
  select('login-lang').value = state.labelLang;
}

/**
 * The case's one-line summary in the agent's language. The server stores it once, in the
 * service's agent language, as `reason · parcel · locker · „description“ · 📎n`; when it starts
 * with the stored reason label, that part is named again in the agent's language. Anything else
 * (work orders, older summaries) is shown as stored.
 * @param {{reason?: string, summary?: string}} c
 */
function summaryText(c) {
  const stored = String(c.summary ?? '');
  const prefix = c.reason ? storedReasonLabel(c.reason) : undefined;
  if (!c.reason || !prefix || !(stored === prefix || stored.startsWith(`${prefix} · `))) return stored;
  return label('reasons', c.reason) + stored.slice(prefix.length);
}

/** @param {string} lang */
async function onLabelLang(lang) {
  if (!LABEL_LANGS.includes(lang)) return;
  state.labelLang = lang;
  localStorage.setItem('ld.lang', lang);
  await loadLabels();
  if (!state.me) return;
  // What needs no request is re-rendered with the labels, so the page never shows a translated
  // menu beside an untranslated queue while the resolutions are fetched.
  updateNotifyButton();
  setConn(/** @type {ConnState} */ ($('conn-state').dataset.state ?? 'connecting'));
  renderAgentSelects();
  renderQueue();
  if (state.current) renderActions(state.current);
  await Promise.all([loadResolutions(), state.currentId ? refreshCurrent(true) : undefined]);
  if (state.view === 'supervisor') await loadSupervisorTools();
}

async function heartbeat() {
  if (state.es && state.es.readyState === EventSource.OPEN) return;
  try {
    await post('/heartbeat');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) expire();
  }
}

async function loadResolutions() {
  try {
    const { codes } = /** @type {{codes: ResolutionOption[]}} */ (await get(`/resolutions?lang=${encodeURIComponent(state.labelLang)}`));
    state.resolutions = codes;
  } catch (err) {
    failed(err);
  }
  const sel = select('act-resolution');
  const prev = sel.value;
  replaceChildren(sel, h('option', { value: '' }, ui('act.choose')), state.resolutions.map((r) => h('option', { value: r.code }, r.label || r.code)));
  if (state.resolutions.some((r) => r.code === prev)) sel.value = prev;
}

/** Loads the agents list (supervisors; other roles may be refused, then transfer has no list). */
async function loadAgents() {
  if (!state.me) return;
  try {
    const { agents } = /** @type {{agents: AgentOverview[]}} */ (await get('/agents'));
    state.agents = agents;
    for (const a of agents) state.agentNames.set(a.id, a.name);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return expire();
    state.agents = null;
  }
  renderAgentSelects();
  if (state.view === 'supervisor') renderSupervisor();
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let agentsReloadTimer;
function scheduleAgentsReload() {
  clearTimeout(agentsReloadTimer);
  agentsReloadTimer = setTimeout(() => void loadAgents(), 300);
}

/* ------------------------------------------------------------------ live events */

/** @typedef {'connecting' | 'online' | 'offline'} ConnState */
/** @type {Record<ConnState, string>} */
const CONN_TEXT = { connecting: 'conn.connecting', online: 'conn.live', offline: 'conn.reconnecting' };

/** @param {ConnState} kind */
function setConn(kind) {
  const el = $('conn-state');
  el.dataset.state = kind;
  el.textContent = ui(CONN_TEXT[kind] ?? CONN_TEXT.connecting);
}

function connectEvents() {
  state.es?.close();
  const es = new EventSource('/agent/api/events');
  state.es = es;
  setConn('connecting');
  es.onopen = () => {
    setConn('online');
    state.esRetryMs = 1000;
    if (state.esHadError) {
      state.esHadError = false;
      void resyncAll();
    }
  };
  es.onmessage = (ev) => {
    /** @type {unknown} */
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (data && typeof data === 'object' && 'type' in data) handleEvent(/** @type {ConsoleEvent} */ (data));
  };
  es.onerror = () => {
    if (state.es !== es) return;
    state.esHadError = true;
    setConn('offline');
    void checkSession();
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      const wait = state.esRetryMs;
      state.esRetryMs = Math.min(state.esRetryMs * 2, 15000);
      setTimeout(() => {
        if (state.me && state.es === es) connectEvents();
      }, wait);
    }
  };
}

/** @type {Promise<unknown> | undefined} */
let sessionCheck;
function checkSession() {
  sessionCheck ??= get('/me')
    .catch((err) => {
      if (err instanceof ApiError && err.status === 401) expire();
    })
    .finally(() => setTimeout(() => (sessionCheck = undefined), 3000));
  return sessionCheck;
}

async function resyncAll() {
  await reloadQueue();
  if (state.currentId) await refreshCurrent();
  scheduleAgentsReload();
}

/** @param {ConsoleEvent} e */
function handleEvent(e) {
  switch (e.type) {
    case 'case.created': {
      if (e.case) upsertCase(e.case);
      else scheduleQueueReload();
      const c = e.case ?? { id: e.caseId ?? '', priority: 3, summary: '' };
      if (c.id && !state.announced.has(c.id)) {
        state.announced.add(c.id);
        notifyNewCase(c);
      }
      break;
    }
    case 'case.updated':
    case 'case.claimed':
    case 'case.released':
    case 'case.transferred':
    case 'case.closed':
      if (e.case) {
        if (e.case.status === 'closed' || e.type === 'case.closed') removeCase(e.case.id);
        else upsertCase(e.case);
      } else if (e.type === 'case.closed' && e.caseId) removeCase(e.caseId);
      else scheduleQueueReload();
      if (e.caseId && e.caseId === state.currentId) scheduleRefreshCurrent();
      else if (e.case && e.case.id === state.currentId) scheduleRefreshCurrent();
      else if (e.caseId && state.related.some((r) => r.id === e.caseId)) scheduleRefreshCurrent();
      if (state.me?.role === 'supervisor' || e.type !== 'case.updated') scheduleAgentsReload();
      break;
    case 'message':
      onMessageEvent(e);
      break;
    case 'presence':
      scheduleAgentsReload();
      break;
    case 'resync':
      void resyncAll();
      break;
    default:
      break;
  }
}

/** @param {ConsoleEvent} e */
function onMessageEvent(e) {
  if (!e.entry) return;
  const caseId = e.caseId ?? e.case?.id;
  if (caseId && caseId === state.currentId) {
    appendEntries([{ ...e.entry, seq: e.entry.seq ?? e.seq ?? 0 }]);
    return;
  }
  const c = caseId ? state.cases.get(caseId) : undefined;
  if (c && c.assignedTo === state.me?.id && e.entry.from === 'customer') {
    state.unread.add(c.id);
    renderQueue();
    beep(660);
    announce(ui('announce.newMessage', { id: caseId ?? '' }));
  }
}

/* ------------------------------------------------------------------ notifications and sound */

/** @type {AudioContext | undefined} */
let audioCtx;
function unlockAudio() {
  try {
    const Ctx = window.AudioContext;
    if (!Ctx) return;
    audioCtx ??= new Ctx();
    if (audioCtx.state === 'suspended') void audioCtx.resume();
  } catch {
    audioCtx = undefined;
  }
}

function beep(freq = 880) {
  if (!state.soundOn) return;
  unlockAudio();
  if (!audioCtx) return;
  try {
    const t = audioCtx.currentTime;
    const osc = audioCtx.createOscillator();
    const gain = audioCtx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25);
    osc.connect(gain).connect(audioCtx.destination);
    osc.start(t);
    osc.stop(t + 0.3);
  } catch {
    /* sound is a nicety */
  }
}

/** @param {{id: string, priority: number, summary?: string}} c */
function notifyNewCase(c) {
  beep(880);
  announce(ui('announce.newCase', { id: c.id, priority: c.priority }));
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(ui('announce.notification', { id: c.id, priority: c.priority, label: label('priorities', c.priority) }), {
      body: String(c.summary ?? '').slice(0, 200),
      tag: `case-${c.id}`,
      lang: labelLang(),
    });
    n.onclick = () => {
      window.focus();
      void openCase(c.id);
      n.close();
    };
  } catch {
    /* some browsers only allow notifications from a service worker */
  }
}

function updateNotifyButton() {
  const btn = button('notify-btn');
  if (!('Notification' in window)) {
    btn.hidden = true;
    return;
  }
  const p = Notification.permission;
  btn.hidden = p === 'granted';
  btn.disabled = p === 'denied';
  btn.textContent = p === 'denied' ? ui('notify.blocked') : ui('notify.enable');
}

async function onNotifyClick() {
  unlockAudio();
  try {
    await Notification.requestPermission();
  } catch {
    /* older promise-less API: the permission is read below */
  }
  updateNotifyButton();
  if (Notification.permission === 'granted') toast(ui('notify.on'), 'info');
}

/* ------------------------------------------------------------------ queue */

async function reloadQueue() {
  if (!state.me) return;
  try {
    const { cases, now } = /** @type {{cases: CaseSummary[], now?: string}} */ (await get('/queue'));
    if (now) state.skewMs = Date.parse(now) - Date.now() || 0;
    state.cases.clear();
    for (const c of cases) {
      learnName(c);
      state.cases.set(c.id, c);
      state.announced.add(c.id);
    }
    for (const id of state.unread) if (!state.cases.has(id)) state.unread.delete(id);
    renderQueue();
  } catch (err) {
    failed(err);
  }
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let queueReloadTimer;
function scheduleQueueReload() {
  clearTimeout(queueReloadTimer);
  queueReloadTimer = setTimeout(() => void reloadQueue(), 200);
}

/** @param {CaseSummary | CaseView} c */
function learnName(c) {
  if (c.assignedTo && c.assignedToName) state.agentNames.set(c.assignedTo, c.assignedToName);
}

/** @param {CaseSummary} c */
function upsertCase(c) {
  learnName(c);
  state.cases.set(c.id, { ...state.cases.get(c.id), ...c });
  renderQueue();
}

/** @param {string} id */
function removeCase(id) {
  state.cases.delete(id);
  state.unread.delete(id);
  renderQueue();
}

/**
 * @param {CaseSummary} a
 * @param {CaseSummary} b
 */
function queueOrder(a, b) {
  return a.priority - b.priority || Date.parse(a.queuedAt) - Date.parse(b.queuedAt) || (a.id < b.id ? -1 : 1);
}

function renderQueue() {
  const all = [...state.cases.values()];
  const queued = all.filter((c) => c.status === 'queued').sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity) || queueOrder(a, b));
  const mine = all.filter((c) => c.status === 'assigned' && c.assignedTo === state.me?.id).sort(queueOrder);
  const others = all.filter((c) => c.status === 'assigned' && c.assignedTo !== state.me?.id).sort(queueOrder);

  const active = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const focusedId = active?.classList.contains('queue-item') ? active.dataset.id : undefined;
  fillList('q-queued', queued, ui('queue.emptyWaiting'));
  fillList('q-mine', mine, ui('queue.emptyMine'));
  fillList('q-others', others, ui('queue.none'));
  $('q-queued-n').textContent = `(${queued.length})`;
  $('q-mine-n').textContent = `(${mine.length})`;
  $('q-others-n').textContent = `(${others.length})`;
  $('queue-count').textContent = ui('queue.count', { n: queued.length });
  if (focusedId) document.querySelector(`.queue-item[data-id="${CSS.escape(focusedId)}"]`)?.closest('button')?.focus();
  document.title = queued.length ? `(${queued.length}) ${baseTitle()}` : baseTitle();
  if (state.current && !state.agents) renderActions(state.current);
  tick();
}

/**
 * @param {string} id
 * @param {CaseSummary[]} cases
 * @param {string} emptyText
 */
function fillList(id, cases, emptyText) {
  const list = $(id);
  if (!cases.length) {
    replaceChildren(list, h('li', { class: 'queue-empty' }, emptyText));
    return;
  }
  replaceChildren(list, cases.map((c) => h('li', {}, queueItem(c))));
}

/** @param {CaseSummary} c */
function queueItem(c) {
  const assignee = c.assignedTo ? (c.assignedTo === state.me?.id ? ui('queue.you') : c.assignedToName || state.agentNames.get(c.assignedTo) || c.assignedTo) : undefined;
  return h(
    'button',
    {
      type: 'button',
      class: `queue-item prio-${c.priority}`,
      dataset: { id: c.id },
      'aria-current': c.id === state.currentId ? 'true' : false,
      onclick: () => void openCase(c.id),
    },
    h(
      'span',
      { class: 'qi-line' },
      priorityBadge(c.priority),
      h('span', { class: 'qi-id' }, c.id),
      state.unread.has(c.id) ? h('span', { class: 'qi-unread', title: ui('queue.newMessageTitle') }, h('span', { class: 'visually-hidden' }, ui('queue.newMessage'))) : null,
      c.related ? h('span', { class: 'qi-related', title: ui('queue.relatedTitle') }, `⧉${c.related}`) : null,
      h('span', { class: 'qi-small' }, channelBadge(c.channel), ' · ', String(c.lang || '').toUpperCase()),
    ),
    h('span', { class: 'qi-summary', title: summaryText(c) }, summaryText(c) || label('kinds', c.kind)),
    h(
      'span',
      { class: 'qi-line qi-small' },
      c.status === 'queued'
        ? h('span', {}, ui('queue.waitingFor'), h('span', { class: 'wait', dataset: { since: c.queuedAt } }, ''))
        : h('span', {}, ui('queue.openFor'), h('span', { dataset: { since: c.createdAt } }, '')),
      c.status === 'queued' && c.firstResponseDueAt ? h('span', { class: 'due', dataset: { due: c.firstResponseDueAt } }, '') : null,
      c.status === 'queued' && c.position ? h('span', {}, ui('queue.position', { n: c.position })) : null,
      assignee ? h('span', { class: 'qi-assignee' }, `→ ${assignee}`) : null,
    ),
  );
}

/** Updates every ticking waiting time and response-target countdown. */
function tick() {
  const now = nowMs();
  for (const el of document.querySelectorAll('[data-since]')) {
    if (!(el instanceof HTMLElement)) continue;
    const since = Date.parse(el.dataset.since ?? '');
    el.textContent = Number.isNaN(since) ? '' : formatDuration(now - since);
  }
  for (const el of document.querySelectorAll('[data-due]')) {
    if (!(el instanceof HTMLElement)) continue;
    const due = Date.parse(el.dataset.due ?? '');
    if (Number.isNaN(due)) continue;
    const left = due - now;
    const overdue = left < 0;
    el.classList.toggle('overdue', overdue);
    el.textContent = overdue ? ui('due.overdue', { d: formatDuration(-left) }) : ui('due.in', { d: formatDuration(left) });
    el.title = ui('due.title', { at: formatFull(el.dataset.due ?? '') });
  }
}

/** @param {KeyboardEvent} ev */
function onQueueKeydown(ev) {
  if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
  const items = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('.queue-item')]);
  const i = items.indexOf(/** @type {HTMLElement} */ (document.activeElement));
  if (i < 0) return;
  ev.preventDefault();
  items[Math.max(0, Math.min(items.length - 1, i + (ev.key === 'ArrowDown' ? 1 : -1)))].focus();
}

/* ------------------------------------------------------------------ case view */

function closeCaseView() {
  $('case-body').hidden = true;
  $('case-empty').hidden = false;
  replaceChildren($('transcript'));
  state.rendered.clear();
}

let openToken = 0;
/** @param {string} id */
async function openCase(id) {
  setView('cases');
  const token = ++openToken;
  const switching = state.currentId !== id;
  state.currentId = id;
  state.unread.delete(id);
  if (switching) {
    state.current = null;
    state.related = [];
    state.rendered.clear();
    replaceChildren($('transcript'));
    textarea('composer-text').value = '';
    updateCount();
  }
  renderQueue();
  try {
    const data = /** @type {CaseDetail} */ (await get(casePath(id)));
    if (token !== openToken) return;
    renderCase(data, switching);
  } catch (err) {
    if (token !== openToken) return;
    if (failed(err) === 404) {
      state.currentId = null;
      closeCaseView();
    }
  }
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let refreshTimer;
function scheduleRefreshCurrent() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refreshCurrent(), 150);
}

/** @param {boolean} [redrawTranscript] e.g. after the label language changed */
async function refreshCurrent(redrawTranscript = false) {
  const id = state.currentId;
  if (!id) return;
  const token = openToken;
  try {
    const data = /** @type {CaseDetail} */ (await get(casePath(id)));
    if (token !== openToken || id !== state.currentId) return;
    if (redrawTranscript) {
      state.rendered.clear();
      replaceChildren($('transcript'));
    }
    renderCase(data, redrawTranscript);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) expire();
  }
}

/** @param {CaseView | CaseSummary} c */
function isMine(c) {
  return c.status === 'assigned' && c.assignedTo === state.me?.id;
}

/** The holder of the case or a supervisor: closes, notes, returns to the bot, merges into it. @param {CaseView} c */
function mayManage(c) {
  return state.me?.role === 'supervisor' || isMine(c);
}

/**
 * @param {CaseDetail} data
 * @param {boolean} opened
 */
function renderCase(data, opened) {
  const c = data.case;
  state.current = c;
  state.related = data.related ?? [];
  $('case-empty').hidden = true;
  $('case-body').hidden = false;

  $('case-id').textContent = ui('case.title', { id: c.id });
  replaceChildren($('case-priority'), priorityBadge(c.priority));
  const assignee = c.assignedTo ? (c.assignedTo === state.me?.id ? ui('queue.you') : c.assignedToName || state.agentNames.get(c.assignedTo) || c.assignedTo) : undefined;
  replaceChildren(
    $('case-meta'),
    `${label('kinds', c.kind)} · ${label('reasons', c.reason)} · `,
    channelBadge(c.channel),
    ` · ${String(c.lang || '').toUpperCase()} · ${ui('case.opened', { at: formatShort(c.createdAt) })} · `,
    c.status === 'queued' ? h('span', {}, ui('case.waiting'), h('span', { dataset: { since: c.queuedAt } })) : c.status === 'assigned' ? ui('case.assignedTo', { name: assignee ?? '' }) : ui('status.closed'),
    c.firstResponseDueAt && awaitingFirstResponse(c, data.transcript ?? []) ? [' · ', h('span', { class: 'due', dataset: { due: c.firstResponseDueAt } })] : null,
  );
  $('case-summary').textContent = summaryText(c);

  const banner = $('case-banner');
  if (c.status === 'closed') {
    const code = c.resolution?.code;
    const text = code ? label('resolutions', code) : '';
    const into = c.mergedInto ? ui('case.mergedInto', { id: c.mergedInto.caseId }) : '';
    banner.textContent = `${ui('case.closedBanner')}${text ? ` (${text}${into})` : ''}${c.closedAt ? ui('case.closedSince', { at: formatShort(c.closedAt) }) : ''}.`;
    banner.hidden = false;
  } else if (c.status === 'assigned' && !isMine(c)) {
    banner.textContent = ui(state.me?.role === 'supervisor' ? 'case.handledBySup' : 'case.handledBy', { name: assignee ?? '' });
    banner.hidden = false;
  } else banner.hidden = true;

  renderActions(c);
  renderReplyTo(c);
  renderWorkOrder(c);
  renderFields(c);
  renderNotes(c);
  renderRelated(c, state.related);
  renderEarlier(data.earlier ?? []);
  appendEntries(data.transcript ?? [], opened);

  if (opened) {
    const lang = ['lt', 'en', 'ru'].includes(c.lang) ? c.lang : 'lt';
    select('canned-lang').value = lang;
    void loadCanned(lang);
  }
  tick();
}

/**
 * The response target matters until an agent has written to the customer.
 * @param {CaseView} c
 * @param {TranscriptView[]} transcript
 */
function awaitingFirstResponse(c, transcript) {
  if (c.status === 'closed') return false;
  const since = Date.parse(c.queuedAt);
  return !transcript.some((e) => e.from === 'agent' && !(Date.parse(e.at) < since));
}

/** @param {CaseView} c */
function renderActions(c) {
  const open = c.status !== 'closed';
  const mine = isMine(c);
  const sup = state.me?.role === 'supervisor';
  const manage = mayManage(c);
  /**
   * @param {string} id
   * @param {boolean} enabled
   */
  const set = (id, enabled) => {
    /** @type {HTMLButtonElement | HTMLSelectElement | HTMLTextAreaElement} */ ($(id)).disabled = !enabled;
  };
  set('act-claim', c.status === 'queued');
  $('act-claim').hidden = c.status !== 'queued';
  set('act-release', mine);
  const canTransfer = mine && transferTargets().length > 0;
  set('act-transfer', canTransfer);
  set('act-transfer-to', canTransfer);
  set('act-close', open && manage);
  set('act-resolution', open && manage);
  set('act-return', open && manage);
  set('act-reassign', open && sup);
  set('act-reassign-to', open && sup);

  textarea('composer-text').disabled = !mine;
  set('composer-send', mine);
  set('canned-select', mine);
  $('composer-hint').textContent = mine ? '' : c.status === 'queued' ? ui('composer.claimToReply') : c.status === 'closed' ? ui('composer.closed') : ui('composer.onlyAssigned');
  set('note-text', manage);
  set('note-submit', manage);
  $('note-hint').textContent = manage ? '' : c.status === 'queued' ? ui('notes.claimToAdd') : ui('notes.onlyHandler');
  renderAgentSelects();
}

/** The case's conversation by id, numbered as the console shows it. @param {CaseView} c @param {string | undefined} id */
function conversationNumber(c, id) {
  const i = c.conversations.findIndex((x) => x.id === id);
  return i < 0 ? undefined : i + 1;
}

/**
 * With several conversations the agent chooses which one to answer (the API requires it; nothing
 * is preselected, so a reply never goes to "whoever wrote last" by default).
 * @param {CaseView} c
 */
function renderReplyTo(c) {
  const group = $('reply-to-group');
  const sel = select('reply-to');
  const several = c.conversations.length > 1;
  group.hidden = !several;
  if (!several) {
    replaceChildren(sel);
    return;
  }
  const prev = sel.value;
  replaceChildren(
    sel,
    h('option', { value: '' }, ui('composer.chooseConversation')),
    c.conversations.map((x, i) =>
      h(
        'option',
        { value: x.id },
        `#${i + 1} ${channelName(x.channel)} · ${label('via', x.via)}${x.lastCustomerMessageAt ? ui('composer.lastMessage', { at: formatTime(x.lastCustomerMessageAt, nowMs()) }) : ''}`,
      ),
    ),
  );
  if (c.conversations.some((x) => x.id === prev)) sel.value = prev;
  sel.disabled = !isMine(c);
}

/** @param {string[]} excludeIds */
function onlineAgents(excludeIds) {
  return (state.agents ?? []).filter((a) => a.online && !excludeIds.includes(a.id));
}

/**
 * Transfer targets. Supervisors get the team list; the API refuses it to agents, so they are
 * offered the colleagues currently holding cases (online in practice; the server answers 409 if not).
 */
function transferTargets() {
  if (state.agents) return onlineAgents([state.me?.id ?? '']);
  /** @type {Map<string, {id: string, name: string}>} */
  const seen = new Map();
  for (const c of state.cases.values()) {
    if (c.status === 'assigned' && c.assignedTo && c.assignedTo !== state.me?.id) seen.set(c.assignedTo, { id: c.assignedTo, name: c.assignedToName || c.assignedTo });
  }
  return [...seen.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

function renderAgentSelects() {
  const c = state.current;
  const transfer = select('act-transfer-to');
  const reassign = select('act-reassign-to');
  const prevT = transfer.value;
  const prevR = reassign.value;
  const list = transferTargets();
  replaceChildren(transfer, list.length ? list.map((a) => h('option', { value: a.id }, a.name)) : h('option', { value: '' }, ui('agents.noOther')));
  const rlist = onlineAgents([c?.assignedTo ?? '']);
  replaceChildren(reassign, rlist.length ? rlist.map((a) => h('option', { value: a.id }, a.name)) : h('option', { value: '' }, ui('agents.none')));
  if ([...transfer.options].some((o) => o.value === prevT)) transfer.value = prevT;
  if ([...reassign.options].some((o) => o.value === prevR)) reassign.value = prevR;
}

/** @param {CaseView} c */
function renderWorkOrder(c) {
  const wo = c.fields.workOrder;
  const box = $('workorder');
  if (!wo) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const tag = $('workorder-state');
  tag.textContent = wo.done ? ui('workorder.done') : wo.ready ? ui('workorder.ready') : ui('workorder.incomplete');
  tag.classList.toggle('ready', !!wo.ready && !wo.done);
  replaceChildren(
    $('workorder-params'),
    h('dt', {}, ui('workorder.action')),
    h('dd', {}, label('actions', wo.action)),
    Object.entries(wo.params ?? {}).map(([k, v]) => [h('dt', {}, fieldLabel(k)), h('dd', {}, String(v))]),
  );
  const btn = button('act-workorder-done');
  btn.hidden = !!wo.done;
  btn.disabled = !(wo.ready && !wo.done && isMine(c));
  btn.title = isMine(c) ? '' : ui('workorder.claimFirst');
}

/** @param {CaseView} c */
function renderFields(c) {
  const f = /** @type {Record<string, unknown>} */ (c.fields);
  const rows = FIELD_ORDER.filter((k) => f[k]).map((k) => [h('dt', {}, fieldLabel(k)), h('dd', {}, String(f[k]))]);
  const extra = Object.entries(f).filter(([k, v]) => !FIELD_ORDER.includes(k) && k !== 'attachments' && k !== 'workOrder' && (typeof v === 'string' || typeof v === 'number'));
  for (const [k, v] of extra) rows.push([h('dt', {}, fieldLabel(k)), h('dd', {}, String(v))]);
  replaceChildren($('case-fields'), rows.length ? rows : [h('dt', {}, ui('fields.none')), h('dd', {}, '—')]);
  replaceChildren($('case-attachments'), c.fields.attachments.map(attachmentNode));
}

/** @param {CaseView} c */
function renderNotes(c) {
  const notes = c.notes ?? [];
  replaceChildren(
    $('notes-list'),
    notes.length
      ? notes.map((n) =>
          h(
            'li',
            {},
            h('span', { class: 'msg-head' }, `${state.agentNames.get(n.agentId) ?? n.agentId} · `, h('time', { datetime: n.at, title: formatFull(n.at) }, formatTime(n.at, nowMs()))),
            h('div', { class: 'note-text' }, n.text),
          ),
        )
      : h('li', { class: 'hint' }, ui('notes.none')),
  );
}

/**
 * Cases about the same parcel that were not proven to be this customer's: shown side by side,
 * merged with one click by the agent handling this case (or a supervisor).
 * @param {CaseView} c
 * @param {CaseSummary[]} related
 */
function renderRelated(c, related) {
  $('related-panel').hidden = related.length === 0;
  replaceChildren(
    $('related-list'),
    related.map((r) => {
      const mergeable =
        c.status !== 'closed' &&
        c.kind !== 'work_order' &&
        r.status !== 'closed' &&
        r.kind !== 'work_order' &&
        mayManage(c) &&
        (r.status !== 'assigned' || r.assignedTo === state.me?.id || state.me?.role === 'supervisor');
      return h(
        'li',
        { dataset: { related: r.id } },
        h('button', { type: 'button', class: 'link-button', onclick: () => void openCase(r.id) }, r.id),
        ` · ${formatShort(r.createdAt)} · ${r.status === 'closed' ? label('resolutions', r.resolution) || ui('status.closed') : ui(`status.${r.status}`)} · `,
        h('span', { class: 'qi-summary' }, summaryText(r)),
        r.status !== 'closed'
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn btn-small',
                disabled: !mergeable,
                title: mergeable ? ui('related.mergeTitle', { id: r.id }) : ui('related.claimFirst'),
                onclick: (/** @type {Event} */ ev) => void onMerge(r.id, /** @type {HTMLButtonElement} */ (ev.currentTarget)),
              },
              ui('related.merge'),
            )
          : null,
      );
    }),
  );
}

/** @param {CaseSummary[]} earlier */
function renderEarlier(earlier) {
  replaceChildren(
    $('earlier-list'),
    earlier.length
      ? earlier.map((e) =>
          h(
            'li',
            {},
            h('button', { type: 'button', class: 'link-button', onclick: () => void openCase(e.id) }, e.id),
            ` · ${formatShort(e.createdAt)} · ${ui(`status.${e.status}`)} · `,
            summaryText(e),
          ),
        )
      : h('li', { class: 'hint' }, ui('queue.none')),
  );
}

/* ------------------------------------------------------------------ transcript */

/** @param {TranscriptView} e */
function entryKeys(e) {
  const keys = [`c:${e.at}|${e.from}|${e.text}`];
  if (typeof e.seq === 'number') keys.push(`s:${e.seq}`);
  return keys;
}

/** @param {TranscriptView} e */
function speaker(e) {
  switch (e.from) {
    case 'customer':
      return ui('transcript.customer');
    case 'bot':
      return ui('transcript.bot');
    case 'agent':
      return e.agentId === state.me?.id ? ui('transcript.you') : ui('transcript.agent', { name: (e.agentId && state.agentNames.get(e.agentId)) ?? e.agentId ?? '' }).trim();
    default:
      return ui('transcript.system');
  }
}

/**
 * Appends the entries not rendered yet; keeps the view at the bottom if it was there.
 * @param {TranscriptView[]} entries
 * @param {boolean} [initial]
 */
function appendEntries(entries, initial = false) {
  const list = $('transcript');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  let added = 0;
  for (const e of entries) {
    const keys = entryKeys(e);
    const seen = keys.map((k) => state.rendered.get(k)).find(Boolean);
    if (seen) {
      if (e.delivery) setDelivery(seen, e.delivery);
      for (const k of keys) state.rendered.set(k, seen);
      continue;
    }
    const from = ['customer', 'bot', 'agent', 'system'].includes(e.from) ? e.from : 'system';
    const conv = state.current && state.current.conversations.length > 1 ? conversationNumber(state.current, e.conversationId) : undefined;
    const li = h(
      'li',
      { class: `msg from-${from}`, dataset: { from, ...(e.conversationId ? { conversation: e.conversationId } : {}) } },
      h(
        'div',
        { class: 'msg-head' },
        h('span', { class: 'msg-who' }, speaker(e)),
        conv ? h('span', { class: 'msg-conv', title: ui('transcript.convTitle') }, `#${conv}`) : null,
        h('time', { datetime: e.at, title: formatFull(e.at) }, formatTime(e.at, nowMs())),
        h('span', { class: 'delivery' }),
      ),
      h('div', { class: 'msg-text' }, e.text ?? ''),
      e.cut ? h('div', { class: 'hint msg-cut' }, ui('transcript.cut', { n: e.cut.originalChars })) : null,
      e.attachments?.length ? h('div', { class: 'attachments' }, e.attachments.map(attachmentNode)) : null,
    );
    if (e.delivery) setDelivery(li, e.delivery);
    for (const k of keys) state.rendered.set(k, li);
    list.append(li);
    added++;
  }
  if (added && (initial || atBottom)) list.scrollTop = list.scrollHeight;
}

/** @type {readonly DeliveryState[]} */
const DELIVERY_STATES = ['pending', 'sent', 'failed', 'undelivered'];

/**
 * @param {HTMLElement} li
 * @param {DeliveryState} delivery
 */
function setDelivery(li, delivery) {
  const el = li.querySelector('.delivery');
  if (!(el instanceof HTMLElement)) return;
  el.textContent = DELIVERY_STATES.includes(delivery) ? ui(`delivery.${delivery}`) : '';
  el.dataset.delivery = delivery;
}

/* ------------------------------------------------------------------ actions */

/**
 * @param {string} action
 * @param {string} path
 * @param {unknown} [body]
 * @param {HTMLButtonElement} [btn]
 * @returns {Promise<Record<string, unknown> | undefined>}
 */
async function act(action, path, body, btn) {
  const id = state.currentId;
  if (!id) return undefined;
  if (btn) btn.disabled = true;
  try {
    const result = await post(casePath(id, path), body);
    scheduleQueueReload();
    return /** @type {Record<string, unknown>} */ (result ?? {});
  } catch (err) {
    const status = failed(err, action);
    if (status === 409 || status === 404) {
      scheduleQueueReload();
      scheduleRefreshCurrent();
    }
    return undefined;
  } finally {
    if (btn && state.current) renderActions(state.current);
    if (btn && state.current) renderWorkOrder(state.current);
  }
}

/**
 * @param {Record<string, unknown> | undefined} result
 * @param {string} [message]
 */
async function afterAction(result, message) {
  if (!result) return;
  if (message) toast(message, 'info');
  await refreshCurrent();
}

/** @param {Event} ev */
async function onClaim(ev) {
  await afterAction(await act('claim', 'claim', undefined, /** @type {HTMLButtonElement} */ (ev.currentTarget)), ui('toast.claimed'));
  textarea('composer-text').focus();
}

/** @param {Event} ev */
async function onRelease(ev) {
  await afterAction(await act('release', 'release', undefined, /** @type {HTMLButtonElement} */ (ev.currentTarget)), ui('toast.released'));
}

/** @param {Event} ev */
async function onTransfer(ev) {
  const agentId = select('act-transfer-to').value;
  if (!agentId) return toast(ui('toast.chooseTransfer'));
  const name = state.agentNames.get(agentId) ?? agentId;
  await afterAction(await act('transfer', 'transfer', { agentId }, /** @type {HTMLButtonElement} */ (ev.currentTarget)), ui('toast.transferred', { name }));
}

/** @param {Event} ev */
async function onReassign(ev) {
  const agentId = select('act-reassign-to').value;
  if (!agentId) return toast(ui('toast.chooseAgent'));
  if (state.currentId) await reassign(state.currentId, agentId, /** @type {HTMLButtonElement} */ (ev.currentTarget));
}

/**
 * @param {string} caseId
 * @param {string} agentId
 * @param {HTMLButtonElement} [btn]
 */
async function reassign(caseId, agentId, btn) {
  if (btn) btn.disabled = true;
  try {
    await post(casePath(caseId, 'reassign'), { agentId });
    toast(ui('toast.reassigned', { id: caseId, name: state.agentNames.get(agentId) ?? agentId }), 'info');
    scheduleQueueReload();
    scheduleAgentsReload();
    if (caseId === state.currentId) scheduleRefreshCurrent();
  } catch (err) {
    failed(err, 'reassign');
    scheduleAgentsReload();
  } finally {
    if (btn) btn.disabled = false;
  }
}

/**
 * Merges a related case into the current one (the server checks who may).
 * @param {string} otherId
 * @param {HTMLButtonElement} btn
 */
async function onMerge(otherId, btn) {
  const keptId = state.currentId;
  if (!keptId) return;
  const result = await act('merge', 'merge', { caseId: otherId }, btn);
  if (!result) return;
  toast(ui('toast.merged', { id: otherId }), 'info');
  await refreshCurrent(true);
}

/** @param {Event} ev */
async function onClose(ev) {
  const sel = select('act-resolution');
  if (!sel.value) {
    toast(ui('toast.chooseResolution'));
    sel.focus();
    return;
  }
  await afterAction(await act('close', 'close', { resolution: sel.value }, /** @type {HTMLButtonElement} */ (ev.currentTarget)), ui('toast.closed'));
  sel.value = '';
}

/** @param {Event} ev */
async function onReturnToBot(ev) {
  await afterAction(await act('close', 'return-to-bot', undefined, /** @type {HTMLButtonElement} */ (ev.currentTarget)), ui('toast.returned'));
}

/** @param {Event} ev */
async function onWorkOrderDone(ev) {
  await afterAction(await act('workorder', 'work-order-done', undefined, /** @type {HTMLButtonElement} */ (ev.currentTarget)), ui('toast.workOrderDone'));
}

/** @param {SubmitEvent} ev */
async function onSend(ev) {
  ev.preventDefault();
  const ta = textarea('composer-text');
  const text = ta.value.trim();
  const id = state.currentId;
  if (!text || !id || !state.current) return;
  if (text.length > MAX_TEXT) return toast(ui('composer.tooLong', { max: MAX_TEXT }));
  const several = state.current.conversations.length > 1;
  const conversationId = several ? select('reply-to').value : undefined;
  if (several && !conversationId) {
    toast(ui('composer.chooseFirst'));
    select('reply-to').focus();
    return;
  }
  const btn = button('composer-send');
  if (btn.disabled) return;
  btn.disabled = true;
  try {
    const { entry } = /** @type {{entry?: TranscriptView}} */ (await post(casePath(id, 'messages'), conversationId ? { text, conversationId } : { text }));
    if (id === state.currentId) {
      if (ta.value.trim() === text) ta.value = '';
      updateCount();
      if (entry) appendEntries([entry]);
    }
  } catch (err) {
    if (failed(err, 'message') === 409) scheduleRefreshCurrent();
  } finally {
    if (state.current) renderActions(state.current);
    ta.focus();
  }
}

/** @param {KeyboardEvent} ev */
function onComposerKeydown(ev) {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
    ev.preventDefault();
    /** @type {HTMLFormElement} */ ($('composer')).requestSubmit();
  }
}

function updateCount() {
  const n = textarea('composer-text').value.length;
  const el = $('composer-count');
  el.textContent = `${n} / ${MAX_TEXT}`;
  el.classList.toggle('due', n > MAX_TEXT * 0.9);
}

/** @param {SubmitEvent} ev */
async function onNote(ev) {
  ev.preventDefault();
  const ta = textarea('note-text');
  const text = ta.value.trim();
  if (!text || !state.currentId) return;
  try {
    await post(casePath(state.currentId, 'notes'), { text });
    ta.value = '';
    await refreshCurrent();
    announce(ui('notes.added'));
  } catch (err) {
    failed(err, 'note');
  }
}

/* ------------------------------------------------------------------ canned replies */

/** @param {string} lang */
async function loadCanned(lang) {
  const sel = select('canned-select');
  let replies = state.canned.get(lang);
  if (!replies) {
    try {
      ({ replies } = /** @type {{replies: CannedReply[]}} */ (await get(`/canned?lang=${encodeURIComponent(lang)}`)));
      state.canned.set(lang, replies);
    } catch (err) {
      failed(err);
      replies = [];
    }
  }
  replaceChildren(sel, h('option', { value: '' }, replies.length ? ui('composer.cannedInsert') : ui('composer.cannedNone')), replies.map((r) => h('option', { value: r.id }, r.title)));
}

function onCannedPick() {
  const sel = select('canned-select');
  const lang = select('canned-lang').value;
  const reply = (state.canned.get(lang) ?? []).find((r) => r.id === sel.value);
  sel.value = '';
  if (!reply) return;
  const ta = textarea('composer-text');
  const start = ta.selectionStart ?? ta.value.length;
  const end = ta.selectionEnd ?? ta.value.length;
  ta.value = ta.value.slice(0, start) + reply.text + ta.value.slice(end);
  ta.selectionStart = ta.selectionEnd = start + reply.text.length;
  updateCount();
  ta.focus();
}

/* ------------------------------------------------------------------ supervisor */

/** @param {'cases' | 'supervisor'} view */
function setView(view) {
  state.view = view === 'supervisor' && state.me?.role === 'supervisor' ? 'supervisor' : 'cases';
  const sup = state.view === 'supervisor';
  $('case-view').hidden = sup;
  $('supervisor-view').hidden = !sup;
  $('nav-cases').setAttribute('aria-pressed', String(!sup));
  $('nav-supervisor').setAttribute('aria-pressed', String(sup));
  if (sup) {
    renderSupervisor();
    void loadAgents();
    void loadSupervisorTools();
  }
}

/**
 * Fills every element marked `data-ui="<key>"` with that console text in the agent's language,
 * and the attributes marked `data-ui-aria-label`, `data-ui-placeholder`, `data-ui-title`.
 */
function applyUiTexts() {
  for (const el of document.querySelectorAll('[data-ui]')) {
    const key = /** @type {HTMLElement} */ (el).dataset.ui;
    if (key) el.textContent = ui(key);
  }
  for (const attr of ['aria-label', 'placeholder', 'title']) {
    for (const el of document.querySelectorAll(`[data-ui-${attr}]`)) {
      const key = el.getAttribute(`data-ui-${attr}`);
      if (key) el.setAttribute(attr, ui(key));
    }
  }
}

/** @param {{channel: string, userId: string}} identity */
const identityText = (identity) => `${channelName(identity.channel)} · ${identity.userId}`;

/** Blocked customers with the audit, and the proof locks (supervisors only). */
async function loadSupervisorTools() {
  try {
    const [blocks, locks] = await Promise.all([get('/blocks'), get('/proof-locks')]);
    renderBlocks(blocks.blocks ?? [], blocks.audit ?? []);
    renderLocks(locks.locks ?? []);
  } catch (err) {
    failed(err);
  }
}

/**
 * @param {{identity: {channel: string, userId: string}, by: string, reason: string, at: string}[]} blocks
 * @param {{action: 'block' | 'unblock', identity: {channel: string, userId: string}, by: string, reason: string, at: string}[]} audit
 */
function renderBlocks(blocks, audit) {
  replaceChildren(
    $('sup-blocks-list'),
    blocks.length
      ? blocks.map((b) =>
          h(
            'li',
            { dataset: { identity: `${b.identity.channel}:${b.identity.userId}` } },
            h('span', {}, identityText(b.identity)),
            h('span', { class: 'hint' }, ` — ${b.reason} (${state.agentNames.get(b.by) ?? b.by}, ${formatFull(b.at)}) `),
            h('button', { type: 'button', class: 'btn btn-small', onclick: () => void unblock(b.identity) }, ui('supervisor.unblock')),
          ),
        )
      : h('li', { class: 'hint' }, ui('supervisor.blocksEmpty')),
  );
  replaceChildren(
    $('sup-audit-body'),
    audit.length
      ? audit.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, formatFull(e.at)),
            h('td', {}, ui(`supervisor.action.${e.action}`)),
            h('td', {}, identityText(e.identity)),
            h('td', {}, state.agentNames.get(e.by) ?? e.by),
            h('td', {}, e.reason),
          ),
        )
      : h('tr', {}, h('td', { colspan: '5', class: 'hint' }, ui('supervisor.auditEmpty'))),
  );
}

/** @param {{id: string, scope: string, subject: string, until: string, refusals?: number}[]} locks */
function renderLocks(locks) {
  replaceChildren(
    $('sup-locks-list'),
    locks.length
      ? locks.map((l) =>
          h(
            'li',
            { dataset: { lock: l.id } },
            h('span', {}, `${l.subject} · ${ui('supervisor.colScope')}: ${l.scope} · ${ui('supervisor.colUntil')}: ${formatFull(l.until)}${l.refusals !== undefined ? ` · ${ui('supervisor.colRefusals')}: ${l.refusals}` : ''} `),
            h('button', { type: 'button', class: 'btn btn-small', onclick: () => void clearLock(l.id) }, ui('supervisor.clear')),
          ),
        )
      : h('li', { class: 'hint' }, ui('supervisor.locksEmpty')),
  );
}

/** @param {{channel: string, userId: string}} identity */
async function unblock(identity) {
  const reason = window.prompt(ui('supervisor.unblockReason'))?.trim();
  if (!reason) return;
  try {
    await post('/blocks/unblock', { ...identity, reason });
    toast(ui('supervisor.unblocked'), 'info');
  } catch (err) {
    failed(err);
  }
  await loadSupervisorTools();
}

/** @param {string} id */
async function clearLock(id) {
  try {
    await post(`/proof-locks/${encodeURIComponent(id)}/clear`);
    toast(ui('supervisor.cleared'), 'info');
  } catch (err) {
    failed(err);
  }
  await loadSupervisorTools();
}

async function onBlock() {
  const id = state.currentId;
  if (!id) return;
  const reason = window.prompt(ui('supervisor.blockReason'))?.trim();
  if (!reason) return;
  try {
    await post(casePath(id, 'block'), { reason });
    toast(ui('supervisor.blocked'), 'info');
  } catch (err) {
    failed(err);
  }
}

/** @param {{report: {cases: number, conversations: number, requestId: string}}} reply */
function erased(reply) {
  const text = ui('supervisor.erased', reply.report);
  toast(text, 'info');
  announce(text);
}

async function onEraseCase() {
  const id = state.currentId;
  if (!id || !window.confirm(ui('supervisor.eraseCaseConfirm'))) return;
  try {
    erased(await post('/erase', { caseId: id, confirm: true }));
    state.cases.delete(id);
    state.currentId = null;
    state.current = null;
    await reloadQueue();
  } catch (err) {
    failed(err);
  }
}

/** @param {SubmitEvent} ev */
async function onEraseSubmit(ev) {
  ev.preventDefault();
  const phone = input('erase-phone').value.trim();
  const userId = input('erase-user').value.trim();
  if (!input('erase-confirm').checked || (!phone && !userId)) return;
  try {
    erased(await post('/erase', { ...(phone ? { phone } : { userId }), confirm: true }));
    input('erase-phone').value = '';
    input('erase-user').value = '';
    input('erase-confirm').checked = false;
    await reloadQueue();
  } catch (err) {
    failed(err);
  }
}

function renderSupervisor() {
  const body = $('agents-body');
  if (!state.agents) {
    replaceChildren(body, h('tr', {}, h('td', { colspan: '5' }, ui('team.unavailable'))));
    return;
  }
  const maxLoad = Math.max(5, ...state.agents.map((a) => a.openCases ?? 0));
  const agents = [...state.agents].sort((a, b) => Number(b.online) - Number(a.online) || String(a.name).localeCompare(String(b.name)));
  replaceChildren(
    body,
    agents.map((a) =>
      h(
        'tr',
        { dataset: { agent: a.id } },
        h('th', { scope: 'row' }, a.name, a.role === 'supervisor' ? h('span', { class: 'hint' }, ui('top.supervisorSuffix')) : null),
        h('td', {}, h('span', { class: `presence${a.online ? ' online' : ''}` }, a.online ? ui('team.online') : ui('team.offline'))),
        h('td', { class: 'open-cases' }, String(a.openCases ?? a.cases?.length ?? 0)),
        h('td', {}, h('meter', { min: '0', max: String(maxLoad), high: String(Math.ceil(maxLoad * 0.7)), value: String(a.openCases ?? 0), 'aria-label': ui('team.load', { name: a.name }) })),
        h('td', {}, supervisorCases(a)),
      ),
    ),
  );
  const waiting = [...state.cases.values()].filter((c) => c.status === 'queued');
  const oldest = waiting.reduce((m, c) => Math.min(m, Date.parse(c.queuedAt)), Infinity);
  $('supervisor-updated').textContent = `${ui('team.summary', { online: agents.filter((a) => a.online).length, total: agents.length, waiting: waiting.length })}${
    Number.isFinite(oldest) ? ui('team.longest', { d: formatDuration(nowMs() - oldest) }) : ''
  }${ui('team.updated', { at: formatTime(new Date(nowMs()).toISOString(), nowMs()) })}`;
}

/** @param {AgentOverview} agent */
function supervisorCases(agent) {
  const cases = agent.cases ?? [];
  if (!cases.length) return h('span', { class: 'hint' }, '—');
  return h(
    'ul',
    { class: 'sup-cases' },
    cases.map((c) => {
      const selId = `reassign-${agent.id}-${c.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
      const targets = onlineAgents([agent.id]);
      const sel = h('select', { id: selId }, targets.length ? targets.map((t) => h('option', { value: t.id }, t.name)) : h('option', { value: '' }, ui('agents.none')));
      return h(
        'li',
        {},
        priorityBadge(c.priority),
        h('button', { type: 'button', class: 'link-button', onclick: () => void openCase(c.id) }, c.id),
        h('span', { class: 'qi-summary' }, summaryText(c)),
        h('label', { for: selId, class: 'visually-hidden' }, ui('act.reassignCase', { id: c.id })),
        sel,
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-small',
            disabled: !targets.length,
            onclick: (/** @type {Event} */ ev) => {
              const target = /** @type {HTMLSelectElement} */ (sel).value;
              if (target) void reassign(c.id, target, /** @type {HTMLButtonElement} */ (ev.currentTarget));
            },
          },
          ui('act.reassign'),
        ),
      );
    }),
  );
}

/* ------------------------------------------------------------------ wiring */

function wire() {
  $('login-form').addEventListener('submit', onLogin);
  $('logout-btn').addEventListener('click', onLogout);
  $('notify-btn').addEventListener('click', onNotifyClick);
  const sound = input('sound-toggle');
  sound.checked = state.soundOn;
  sound.addEventListener('change', () => {
    state.soundOn = sound.checked;
    localStorage.setItem('ld.sound', sound.checked ? 'on' : 'off');
    if (sound.checked) unlockAudio();
  });
  $('toast-close').addEventListener('click', () => ($('toast').hidden = true));
  $('nav-cases').addEventListener('click', () => setView('cases'));
  $('nav-supervisor').addEventListener('click', () => setView('supervisor'));
  $('queue-lists').addEventListener('keydown', onQueueKeydown);
  $('act-claim').addEventListener('click', onClaim);
  $('act-release').addEventListener('click', onRelease);
  $('act-transfer').addEventListener('click', onTransfer);
  $('act-reassign').addEventListener('click', onReassign);
  $('act-close').addEventListener('click', onClose);
  $('act-return').addEventListener('click', onReturnToBot);
  $('act-workorder-done').addEventListener('click', onWorkOrderDone);
  $('act-block').addEventListener('click', () => void onBlock());
  $('act-erase').addEventListener('click', () => void onEraseCase());
  $('erase-form').addEventListener('submit', (ev) => void onEraseSubmit(/** @type {SubmitEvent} */ (ev)));
  $('composer').addEventListener('submit', onSend);
  $('composer-text').addEventListener('keydown', onComposerKeydown);
  $('composer-text').addEventListener('input', updateCount);
  $('canned-lang').addEventListener('change', () => void loadCanned(select('canned-lang').value));
  $('label-lang').addEventListener('change', () => void onLabelLang(select('label-lang').value));
  $('login-lang').addEventListener('change', () => void onLabelLang(select('login-lang').value));
  $('canned-select').addEventListener('change', onCannedPick);
  $('note-form').addEventListener('submit', onNote);
  $('note-text').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      /** @type {HTMLFormElement} */ ($('note-form')).requestSubmit();
    }
  });
  document.addEventListener('pointerdown', unlockAudio, { once: true });
  document.addEventListener('keydown', unlockAudio, { once: true });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.me) void checkSession();
  });
}

async function boot() {
  wire();
  select('label-lang').value = state.labelLang;
  await loadLabels();
  if (await setupFromLink()) return;
  try {
    const { agent } = /** @type {{agent: Agent}} */ (await get('/me'));
    await startConsole(agent);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) showLogin('');
    else showLogin(describeError(err));
  }
}

void boot();
