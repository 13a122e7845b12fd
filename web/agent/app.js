/**
 * LockerDesk agent console: sign-in, live queue (SSE), case view with transcript and actions,
 * supervisor view. Plain ES module, no dependencies. Customer text only ever reaches the DOM as
 * text nodes (see dom.js).
 */
import { ApiError, get, post, casePath, describeError } from './api.js';
import {
  h,
  replaceChildren,
  safeUrl,
  formatTime,
  formatFull,
  formatShort,
  formatDuration,
  channelBadge,
  priorityBadge,
  fieldLabel,
  PRIORITY_LABEL,
  KIND_LABEL,
  REASON_LABEL,
  ACTION_LABEL,
} from './dom.js';

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const BASE_TITLE = 'LockerDesk agent console';
const FIELD_ORDER = ['trackingNumber', 'senderPhone', 'recipientPhone', 'verifiedPhone', 'lockerId', 'description'];
const MAX_TEXT = 2000;

const state = {
  /** @type {{id:string,name:string,role:'agent'|'supervisor'}|null} */
  me: null,
  /** Open cases by id (CaseSummary). */
  cases: new Map(),
  /** Ids of my cases with customer messages not yet seen. */
  unread: new Set(),
  /** Ids already announced as new (a created event and a reload must not ring twice). */
  announced: new Set(),
  currentId: null,
  /** The full case currently shown. */
  current: null,
  /** Transcript rows of the current case by entry key (`s:<seq>`, `c:<at|from|text>`). */
  rendered: new Map(),
  /** [{id,name,role,online,openCases,cases}] or null when the list is not available to this agent. */
  agents: null,
  agentNames: new Map(),
  resolutions: [],
  canned: new Map(),
  view: 'cases',
  /** Server clock minus local clock. */
  skewMs: 0,
  es: null,
  esRetryMs: 1000,
  esHadError: false,
  timers: [],
  soundOn: localStorage.getItem('ld.sound') !== 'off',
};

const nowMs = () => Date.now() + state.skewMs;

/* ------------------------------------------------------------------ messages */

let toastTimer;
function toast(text, kind = 'error') {
  const el = $('toast');
  $('toast-text').textContent = text;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), kind === 'error' ? 10000 : 5000);
}

function announce(text) {
  const el = $('announcer');
  el.textContent = '';
  setTimeout(() => (el.textContent = text), 50);
}

/** Handles a failed request: 401 → sign-in; others → toast. Returns the ApiError status. */
function failed(err, action) {
  if (err instanceof ApiError && err.status === 401 && action !== 'login') {
    expire();
    return 401;
  }
  toast(describeError(err, action));
  return err instanceof ApiError ? err.status : 0;
}

/* ------------------------------------------------------------------ sign-in */

function showLogin(message, kind = 'error') {
  $('console-view').hidden = true;
  $('topbar-right').hidden = true;
  $('topbar-nav').hidden = true;
  $('login-view').hidden = false;
  const msg = $('login-message');
  msg.textContent = message ?? '';
  msg.dataset.kind = kind;
  document.title = `Sign in · ${BASE_TITLE}`;
  $('login-username').focus();
}

function expire() {
  if (!state.me) return;
  stopSession();
  showLogin('Your session has expired. Please sign in again.', 'info');
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
  state.agents = null;
  closeCaseView();
}

async function onLogin(ev) {
  ev.preventDefault();
  unlockAudio();
  const username = /** @type {HTMLInputElement} */ ($('login-username')).value.trim();
  const pw = /** @type {HTMLInputElement} */ ($('login-password'));
  const msg = $('login-message');
  msg.dataset.kind = 'error';
  if (!username || !pw.value) {
    msg.textContent = 'Enter your username and password.';
    (username ? pw : $('login-username')).focus();
    return;
  }
  const button = /** @type {HTMLButtonElement} */ ($('login-submit'));
  button.disabled = true;
  msg.dataset.kind = 'info';
  msg.textContent = 'Signing in…';
  try {
    const { agent } = await post('/login', { username, password: pw.value });
    pw.value = '';
    msg.textContent = '';
    await startConsole(agent);
  } catch (err) {
    pw.value = '';
    msg.dataset.kind = 'error';
    if (err instanceof ApiError && err.status === 401) msg.textContent = 'Wrong username or password.';
    else if (err instanceof ApiError && err.status === 429) msg.textContent = 'Too many failed attempts. Please wait 15 minutes and try again.';
    else msg.textContent = describeError(err, 'login');
    pw.focus();
  } finally {
    button.disabled = false;
  }
}

async function onLogout() {
  try {
    await post('/logout');
  } catch {
    /* signing out locally anyway */
  }
  stopSession();
  showLogin('You have signed out.', 'info');
}

/* ------------------------------------------------------------------ console start */

async function startConsole(agent) {
  state.me = agent;
  state.agentNames.set(agent.id, agent.name);
  $('login-view').hidden = true;
  $('console-view').hidden = false;
  $('topbar-right').hidden = false;
  $('topbar-nav').hidden = false;
  $('me-name').textContent = `${agent.name}${agent.role === 'supervisor' ? ' (supervisor)' : ''}`;
  $('nav-supervisor').hidden = agent.role !== 'supervisor';
  $('reassign-group').hidden = agent.role !== 'supervisor';
  updateNotifyButton();
  setView('cases');
  connectEvents();
  state.timers.push(setInterval(tick, 1000));
  state.timers.push(setInterval(() => void reloadQueue(), 60000));
  state.timers.push(setInterval(heartbeat, 30000));
  state.timers.push(setInterval(() => void loadAgents(), 30000));
  await Promise.all([reloadQueue(), loadResolutions(), loadAgents()]);
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
    const { codes } = await get('/resolutions?lang=en');
    state.resolutions = codes;
  } catch (err) {
    failed(err);
  }
  const sel = $('act-resolution');
  replaceChildren(sel, h('option', { value: '' }, 'Choose…'), state.resolutions.map((r) => h('option', { value: r.code }, r.label || r.code)));
}

/** Loads the agents list (supervisors; other roles may be refused, then transfer has no list). */
async function loadAgents() {
  if (!state.me) return;
  try {
    const { agents } = await get('/agents');
    state.agents = agents;
    for (const a of agents) state.agentNames.set(a.id, a.name);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return expire();
    state.agents = null;
  }
  renderAgentSelects();
  if (state.view === 'supervisor') renderSupervisor();
}

let agentsReloadTimer;
function scheduleAgentsReload() {
  clearTimeout(agentsReloadTimer);
  agentsReloadTimer = setTimeout(() => void loadAgents(), 300);
}

/* ------------------------------------------------------------------ live events */

function setConn(kind, text) {
  const el = $('conn-state');
  el.dataset.state = kind;
  el.textContent = text;
}

function connectEvents() {
  state.es?.close();
  const es = new EventSource('/agent/api/events');
  state.es = es;
  setConn('connecting', 'Connecting…');
  es.onopen = () => {
    setConn('online', 'Live');
    state.esRetryMs = 1000;
    if (state.esHadError) {
      state.esHadError = false;
      void resyncAll();
    }
  };
  es.onmessage = (ev) => {
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (data && typeof data === 'object') handleEvent(data);
  };
  es.onerror = () => {
    if (state.es !== es) return;
    state.esHadError = true;
    setConn('offline', 'Reconnecting…');
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

function handleEvent(e) {
  switch (e.type) {
    case 'case.created': {
      if (e.case) upsertCase(e.case);
      else scheduleQueueReload();
      const c = e.case ?? { id: e.caseId, priority: 3, summary: '' };
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

function onMessageEvent(e) {
  if (!e.entry) return;
  const caseId = e.caseId ?? e.case?.id;
  if (caseId && caseId === state.currentId) {
    appendEntries([{ ...e.entry, seq: e.entry.seq ?? e.seq }]);
    return;
  }
  const c = caseId ? state.cases.get(caseId) : undefined;
  if (c && c.assignedTo === state.me?.id && e.entry.from === 'customer') {
    state.unread.add(caseId);
    renderQueue();
    beep(660);
    announce(`New customer message in case ${caseId}.`);
  }
}

/* ------------------------------------------------------------------ notifications and sound */

let audioCtx;
function unlockAudio() {
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
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

function notifyNewCase(c) {
  beep(880);
  announce(`New case ${c.id}, priority ${c.priority}.`);
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(`New case ${c.id} · P${c.priority} ${PRIORITY_LABEL[c.priority] ?? ''}`, {
      body: String(c.summary ?? '').slice(0, 200),
      tag: `case-${c.id}`,
      lang: 'en',
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
  const btn = /** @type {HTMLButtonElement} */ ($('notify-btn'));
  if (!('Notification' in window)) {
    btn.hidden = true;
    return;
  }
  const p = Notification.permission;
  btn.hidden = p === 'granted';
  btn.disabled = p === 'denied';
  btn.textContent = p === 'denied' ? 'Notifications blocked' : 'Enable desktop notifications';
}

async function onNotifyClick() {
  unlockAudio();
  try {
    await Notification.requestPermission();
  } catch {
    /* older promise-less API: the permission is read below */
  }
  updateNotifyButton();
  if (Notification.permission === 'granted') toast('Desktop notifications are on.', 'info');
}

/* ------------------------------------------------------------------ queue */

async function reloadQueue() {
  if (!state.me) return;
  try {
    const { cases, now } = await get('/queue');
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

let queueReloadTimer;
function scheduleQueueReload() {
  clearTimeout(queueReloadTimer);
  queueReloadTimer = setTimeout(() => void reloadQueue(), 200);
}

function learnName(c) {
  if (c.assignedTo && c.assignedToName) state.agentNames.set(c.assignedTo, c.assignedToName);
}

function upsertCase(c) {
  learnName(c);
  state.cases.set(c.id, { ...state.cases.get(c.id), ...c });
  renderQueue();
}

function removeCase(id) {
  state.cases.delete(id);
  state.unread.delete(id);
  renderQueue();
}

function queueOrder(a, b) {
  return a.priority - b.priority || Date.parse(a.queuedAt) - Date.parse(b.queuedAt) || (a.id < b.id ? -1 : 1);
}

function renderQueue() {
  const all = [...state.cases.values()];
  const queued = all.filter((c) => c.status === 'queued').sort((a, b) => (a.position ?? Infinity) - (b.position ?? Infinity) || queueOrder(a, b));
  const mine = all.filter((c) => c.status === 'assigned' && c.assignedTo === state.me?.id).sort(queueOrder);
  const others = all.filter((c) => c.status === 'assigned' && c.assignedTo !== state.me?.id).sort(queueOrder);

  const focusedId = document.activeElement?.classList?.contains('queue-item') ? document.activeElement.dataset.id : undefined;
  fillList('q-queued', queued, 'No one is waiting.');
  fillList('q-mine', mine, 'You have no open cases.');
  fillList('q-others', others, 'None.');
  $('q-queued-n').textContent = `(${queued.length})`;
  $('q-mine-n').textContent = `(${mine.length})`;
  $('q-others-n').textContent = `(${others.length})`;
  $('queue-count').textContent = `· ${queued.length} waiting`;
  if (focusedId) document.querySelector(`.queue-item[data-id="${CSS.escape(focusedId)}"]`)?.focus();
  document.title = queued.length ? `(${queued.length}) ${BASE_TITLE}` : BASE_TITLE;
  if (state.current && !state.agents) renderActions(state.current);
  tick();
}

function fillList(id, cases, emptyText) {
  const list = $(id);
  if (!cases.length) {
    replaceChildren(list, h('li', { class: 'queue-empty' }, emptyText));
    return;
  }
  replaceChildren(list, cases.map((c) => h('li', {}, queueItem(c))));
}

function queueItem(c) {
  const assignee = c.assignedTo ? (c.assignedTo === state.me?.id ? 'you' : c.assignedToName || state.agentNames.get(c.assignedTo) || c.assignedTo) : undefined;
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
      state.unread.has(c.id) ? h('span', { class: 'qi-unread', title: 'New customer message' }, h('span', { class: 'visually-hidden' }, 'new message')) : null,
      h('span', { class: 'qi-small' }, channelBadge(c.channel), ' · ', String(c.lang || '').toUpperCase()),
    ),
    h('span', { class: 'qi-summary', title: c.summary }, c.summary || KIND_LABEL[c.kind] || ''),
    h(
      'span',
      { class: 'qi-line qi-small' },
      c.status === 'queued'
        ? h('span', {}, 'Waiting ', h('span', { class: 'wait', dataset: { since: c.queuedAt } }, ''))
        : h('span', {}, 'Open ', h('span', { dataset: { since: c.createdAt } }, '')),
      c.status === 'queued' && c.firstResponseDueAt ? h('span', { class: 'due', dataset: { due: c.firstResponseDueAt } }, '') : null,
      c.status === 'queued' && c.position ? h('span', {}, `#${c.position} in queue`) : null,
      assignee ? h('span', { class: 'qi-assignee' }, `→ ${assignee}`) : null,
    ),
  );
}

/** Updates every ticking waiting time and response-target countdown. */
function tick() {
  const now = nowMs();
  for (const el of document.querySelectorAll('[data-since]')) {
    const since = Date.parse(el.dataset.since);
    el.textContent = Number.isNaN(since) ? '' : formatDuration(now - since);
  }
  for (const el of document.querySelectorAll('[data-due]')) {
    const due = Date.parse(el.dataset.due);
    if (Number.isNaN(due)) continue;
    const left = due - now;
    const overdue = left < 0;
    el.classList.toggle('overdue', overdue);
    el.textContent = overdue ? `Overdue by ${formatDuration(-left)}` : `Reply due in ${formatDuration(left)}`;
    el.title = `First response due ${formatFull(el.dataset.due)}`;
  }
}

function onQueueKeydown(ev) {
  if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
  const items = [...document.querySelectorAll('.queue-item')];
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
async function openCase(id) {
  setView('cases');
  const token = ++openToken;
  const switching = state.currentId !== id;
  state.currentId = id;
  state.unread.delete(id);
  if (switching) {
    state.current = null;
    state.rendered.clear();
    replaceChildren($('transcript'));
    /** @type {HTMLTextAreaElement} */ ($('composer-text')).value = '';
    updateCount();
  }
  renderQueue();
  try {
    const data = await get(casePath(id));
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

let refreshTimer;
function scheduleRefreshCurrent() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refreshCurrent(), 150);
}

async function refreshCurrent() {
  const id = state.currentId;
  if (!id) return;
  const token = openToken;
  try {
    const data = await get(casePath(id));
    if (token === openToken && id === state.currentId) renderCase(data, false);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) expire();
  }
}

function isMine(c) {
  return c.status === 'assigned' && c.assignedTo === state.me?.id;
}

function renderCase(data, opened) {
  const c = data.case;
  state.current = c;
  $('case-empty').hidden = true;
  $('case-body').hidden = false;

  $('case-id').textContent = `Case ${c.id}`;
  replaceChildren($('case-priority'), priorityBadge(c.priority));
  const assignee = c.assignedTo ? (c.assignedTo === state.me?.id ? 'you' : c.assignedToName || state.agentNames.get(c.assignedTo) || c.assignedTo) : undefined;
  replaceChildren(
    $('case-meta'),
    `${KIND_LABEL[c.kind] ?? c.kind} · ${REASON_LABEL[c.reason] ?? c.reason} · `,
    channelBadge(c.channel),
    ` · ${String(c.lang || '').toUpperCase()} · opened ${formatShort(c.createdAt)} · `,
    c.status === 'queued' ? h('span', {}, 'waiting ', h('span', { dataset: { since: c.queuedAt } })) : c.status === 'assigned' ? `assigned to ${assignee}` : 'closed',
    c.firstResponseDueAt && awaitingFirstResponse(c, data.transcript ?? []) ? [' · ', h('span', { class: 'due', dataset: { due: c.firstResponseDueAt } })] : null,
  );
  $('case-summary').textContent = c.summary || '';

  const banner = $('case-banner');
  if (c.status === 'closed') {
    const code = c.resolution?.code;
    const label = state.resolutions.find((r) => r.code === code)?.label ?? code ?? '';
    banner.textContent = `This case is closed${label ? ` (${label})` : ''}${c.closedAt ? ` since ${formatShort(c.closedAt)}` : ''}.`;
    banner.hidden = false;
  } else if (c.status === 'assigned' && !isMine(c)) {
    banner.textContent = `${assignee} is handling this case. You can read it and add internal notes.`;
    banner.hidden = false;
  } else banner.hidden = true;

  renderActions(c);
  renderWorkOrder(c);
  renderFields(c);
  renderNotes(c);
  renderEarlier(data.earlier ?? []);
  appendEntries(data.transcript ?? [], opened);

  if (opened) {
    const lang = ['lt', 'en', 'ru'].includes(c.lang) ? c.lang : 'lt';
    /** @type {HTMLSelectElement} */ ($('canned-lang')).value = lang;
    void loadCanned(lang);
  }
  tick();
}

/** The response target matters until an agent has written to the customer. */
function awaitingFirstResponse(c, transcript) {
  if (c.status === 'closed') return false;
  const since = Date.parse(c.queuedAt);
  return !transcript.some((e) => e.from === 'agent' && !(Date.parse(e.at) < since));
}

function renderActions(c) {
  const open = c.status !== 'closed';
  const mine = isMine(c);
  const sup = state.me?.role === 'supervisor';
  const set = (id, enabled) => (/** @type {HTMLButtonElement} */ ($(id)).disabled = !enabled);
  set('act-claim', c.status === 'queued');
  $('act-claim').hidden = c.status !== 'queued';
  set('act-release', mine);
  const canTransfer = mine && transferTargets().length > 0;
  set('act-transfer', canTransfer);
  set('act-transfer-to', canTransfer);
  set('act-close', open && (mine || c.status === 'queued' || sup));
  set('act-resolution', open && (mine || c.status === 'queued' || sup));
  set('act-return', open && (mine || c.status === 'queued' || sup));
  set('act-reassign', open && sup);
  set('act-reassign-to', open && sup);

  const text = /** @type {HTMLTextAreaElement} */ ($('composer-text'));
  text.disabled = !mine;
  set('composer-send', mine);
  set('canned-select', mine);
  $('composer-hint').textContent = mine ? '' : c.status === 'queued' ? 'Claim the case to reply.' : c.status === 'closed' ? 'The case is closed.' : 'Only the assigned agent can reply.';
  renderAgentSelects();
}

function onlineAgents(excludeIds) {
  return (state.agents ?? []).filter((a) => a.online && !excludeIds.includes(a.id));
}

/**
 * Transfer targets. Supervisors get the team list; the API refuses it to agents, so they are
 * offered the colleagues currently holding cases (online in practice; the server answers 409 if not).
 */
function transferTargets() {
  if (state.agents) return onlineAgents([state.me?.id ?? '']);
  const seen = new Map();
  for (const c of state.cases.values()) {
    if (c.status === 'assigned' && c.assignedTo && c.assignedTo !== state.me?.id) seen.set(c.assignedTo, { id: c.assignedTo, name: c.assignedToName || c.assignedTo });
  }
  return [...seen.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

function renderAgentSelects() {
  const c = state.current;
  const transfer = /** @type {HTMLSelectElement} */ ($('act-transfer-to'));
  const reassign = /** @type {HTMLSelectElement} */ ($('act-reassign-to'));
  const prevT = transfer.value;
  const prevR = reassign.value;
  const list = transferTargets();
  replaceChildren(transfer, list.length ? list.map((a) => h('option', { value: a.id }, a.name)) : h('option', { value: '' }, 'No other agent online'));
  const rlist = onlineAgents([c?.assignedTo ?? '']);
  replaceChildren(reassign, rlist.length ? rlist.map((a) => h('option', { value: a.id }, a.name)) : h('option', { value: '' }, 'No agent online'));
  if ([...transfer.options].some((o) => o.value === prevT)) transfer.value = prevT;
  if ([...reassign.options].some((o) => o.value === prevR)) reassign.value = prevR;
}

function renderWorkOrder(c) {
  const wo = c.fields?.workOrder ?? c.workOrder;
  const box = $('workorder');
  if (!wo) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const tag = $('workorder-state');
  tag.textContent = wo.done ? 'done' : wo.ready ? 'ready to execute' : 'incomplete';
  tag.classList.toggle('ready', !!wo.ready && !wo.done);
  replaceChildren(
    $('workorder-params'),
    h('dt', {}, 'Action'),
    h('dd', {}, ACTION_LABEL[wo.action] ?? String(wo.action)),
    Object.entries(wo.params ?? {}).map(([k, v]) => [h('dt', {}, fieldLabel(k)), h('dd', {}, String(v))]),
  );
  const btn = /** @type {HTMLButtonElement} */ ($('act-workorder-done'));
  btn.hidden = !!wo.done;
  btn.disabled = !(wo.ready && !wo.done && isMine(c));
  btn.title = isMine(c) ? '' : 'Claim the case first';
}

function renderFields(c) {
  const f = c.fields ?? {};
  const rows = FIELD_ORDER.filter((k) => f[k]).map((k) => [h('dt', {}, fieldLabel(k)), h('dd', {}, String(f[k]))]);
  const extra = Object.entries(f).filter(([k, v]) => !FIELD_ORDER.includes(k) && k !== 'attachments' && k !== 'workOrder' && (typeof v === 'string' || typeof v === 'number'));
  for (const [k, v] of extra) rows.push([h('dt', {}, fieldLabel(k)), h('dd', {}, String(v))]);
  replaceChildren($('case-fields'), rows.length ? rows : [h('dt', {}, 'Nothing collected'), h('dd', {}, '—')]);
  replaceChildren($('case-attachments'), (f.attachments ?? []).map(attachmentNode));
}

function attachmentNode(a) {
  const url = safeUrl(a.url);
  const name = a.name || 'attachment';
  if (!url) return h('span', { class: 'hint' }, `${name} (unsupported link)`);
  const isImage = /^image\//.test(String(a.contentType ?? ''));
  return h(
    'a',
    { href: url, target: '_blank', rel: 'noopener noreferrer', title: name },
    isImage ? h('img', { src: url, alt: name, loading: 'lazy', referrerpolicy: 'no-referrer' }) : `📎 ${name}`,
  );
}

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
      : h('li', { class: 'hint' }, 'No notes yet.'),
  );
}

function renderEarlier(earlier) {
  replaceChildren(
    $('earlier-list'),
    earlier.length
      ? earlier.map((e) =>
          h(
            'li',
            {},
            h('button', { type: 'button', class: 'link-button', onclick: () => void openCase(e.id) }, e.id),
            ` · ${formatShort(e.createdAt)} · ${e.status} · `,
            e.summary ?? '',
          ),
        )
      : h('li', { class: 'hint' }, 'None.'),
  );
}

/* ------------------------------------------------------------------ transcript */

function entryKeys(e) {
  const keys = [`c:${e.at}|${e.from}|${e.text}`];
  if (typeof e.seq === 'number') keys.push(`s:${e.seq}`);
  return keys;
}

function speaker(e) {
  switch (e.from) {
    case 'customer':
      return 'Customer';
    case 'bot':
      return 'Bot';
    case 'agent':
      return e.agentId === state.me?.id ? 'You' : `Agent ${state.agentNames.get(e.agentId) ?? e.agentId ?? ''}`.trim();
    default:
      return 'System';
  }
}

/** Appends the entries not rendered yet; keeps the view at the bottom if it was there. */
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
    const li = h(
      'li',
      { class: `msg from-${from}`, dataset: { from } },
      h(
        'div',
        { class: 'msg-head' },
        h('span', { class: 'msg-who' }, speaker(e)),
        h('time', { datetime: e.at, title: formatFull(e.at) }, formatTime(e.at, nowMs())),
        h('span', { class: 'delivery' }),
      ),
      h('div', { class: 'msg-text' }, e.text ?? ''),
      e.attachments?.length ? h('div', { class: 'attachments' }, e.attachments.map(attachmentNode)) : null,
    );
    if (e.delivery) setDelivery(li, e.delivery);
    for (const k of keys) state.rendered.set(k, li);
    list.append(li);
    added++;
  }
  if (added && (initial || atBottom)) list.scrollTop = list.scrollHeight;
}

const DELIVERY_LABEL = {
  pending: 'sending…',
  sent: 'sent',
  failed: 'NOT delivered (channel error)',
  undelivered: "NOT delivered: outside the channel's reply window",
};

function setDelivery(li, delivery) {
  const el = li.querySelector('.delivery');
  if (!el) return;
  el.textContent = DELIVERY_LABEL[delivery] ?? '';
  el.dataset.delivery = delivery;
}

/* ------------------------------------------------------------------ actions */

async function act(action, path, body, button) {
  const id = state.currentId;
  if (!id) return undefined;
  if (button) button.disabled = true;
  try {
    const result = await post(casePath(id, path), body);
    scheduleQueueReload();
    return result ?? {};
  } catch (err) {
    const status = failed(err, action);
    if (status === 409 || status === 404) {
      scheduleQueueReload();
      scheduleRefreshCurrent();
    }
    return undefined;
  } finally {
    if (button && state.current) renderActions(state.current);
    if (button && state.current) renderWorkOrder(state.current);
  }
}

async function afterAction(result, message) {
  if (!result) return;
  if (message) toast(message, 'info');
  await refreshCurrent();
}

async function onClaim(ev) {
  await afterAction(await act('claim', 'claim', undefined, ev.currentTarget), 'Case claimed. The customer can now write to you.');
  /** @type {HTMLTextAreaElement} */ ($('composer-text')).focus();
}

async function onRelease(ev) {
  await afterAction(await act('release', 'release', undefined, ev.currentTarget), 'Case released back to the queue.');
}

async function onTransfer(ev) {
  const agentId = /** @type {HTMLSelectElement} */ ($('act-transfer-to')).value;
  if (!agentId) return toast('Choose an online agent to transfer to.');
  const name = state.agentNames.get(agentId) ?? agentId;
  await afterAction(await act('transfer', 'transfer', { agentId }, ev.currentTarget), `Case transferred to ${name}.`);
}

async function onReassign(ev) {
  const agentId = /** @type {HTMLSelectElement} */ ($('act-reassign-to')).value;
  if (!agentId) return toast('Choose an online agent.');
  await reassign(state.currentId, agentId, ev.currentTarget);
}

async function reassign(caseId, agentId, button) {
  if (button) button.disabled = true;
  try {
    await post(casePath(caseId, 'reassign'), { agentId });
    toast(`Case ${caseId} reassigned to ${state.agentNames.get(agentId) ?? agentId}.`, 'info');
    scheduleQueueReload();
    scheduleAgentsReload();
    if (caseId === state.currentId) scheduleRefreshCurrent();
  } catch (err) {
    failed(err, 'reassign');
    scheduleAgentsReload();
  } finally {
    if (button) button.disabled = false;
  }
}

async function onClose(ev) {
  const sel = /** @type {HTMLSelectElement} */ ($('act-resolution'));
  if (!sel.value) {
    toast('Choose a resolution before closing the case.');
    sel.focus();
    return;
  }
  await afterAction(await act('close', 'close', { resolution: sel.value }, ev.currentTarget), 'Case closed. The customer is back with the bot.');
  sel.value = '';
}

async function onReturnToBot(ev) {
  await afterAction(await act('close', 'return-to-bot', undefined, ev.currentTarget), 'The customer is back with the bot.');
}

async function onWorkOrderDone(ev) {
  await afterAction(await act('workorder', 'work-order-done', undefined, ev.currentTarget), 'Work order marked done; the customer has been told.');
}

async function onSend(ev) {
  ev.preventDefault();
  const ta = /** @type {HTMLTextAreaElement} */ ($('composer-text'));
  const text = ta.value.trim();
  if (!text) return;
  if (text.length > MAX_TEXT) return toast(`A message can have at most ${MAX_TEXT} characters.`);
  const btn = /** @type {HTMLButtonElement} */ ($('composer-send'));
  if (btn.disabled) return;
  btn.disabled = true;
  const id = state.currentId;
  try {
    const { entry } = await post(casePath(id, 'messages'), { text });
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

function onComposerKeydown(ev) {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
    ev.preventDefault();
    $('composer').requestSubmit();
  }
}

function updateCount() {
  const n = /** @type {HTMLTextAreaElement} */ ($('composer-text')).value.length;
  const el = $('composer-count');
  el.textContent = `${n} / ${MAX_TEXT}`;
  el.classList.toggle('due', n > MAX_TEXT * 0.9);
}

async function onNote(ev) {
  ev.preventDefault();
  const ta = /** @type {HTMLTextAreaElement} */ ($('note-text'));
  const text = ta.value.trim();
  if (!text || !state.currentId) return;
  try {
    const { case: c } = await post(casePath(state.currentId, 'notes'), { text });
    ta.value = '';
    if (c && c.id === state.currentId) {
      state.current = c;
      renderNotes(c);
    } else scheduleRefreshCurrent();
    announce('Internal note added.');
  } catch (err) {
    failed(err, 'note');
  }
}

/* ------------------------------------------------------------------ canned replies */

async function loadCanned(lang) {
  const sel = /** @type {HTMLSelectElement} */ ($('canned-select'));
  let replies = state.canned.get(lang);
  if (!replies) {
    try {
      ({ replies } = await get(`/canned?lang=${encodeURIComponent(lang)}`));
      state.canned.set(lang, replies);
    } catch (err) {
      failed(err);
      replies = [];
    }
  }
  replaceChildren(sel, h('option', { value: '' }, replies.length ? 'Insert a canned reply…' : 'No canned replies'), replies.map((r) => h('option', { value: r.id }, r.title)));
}

function onCannedPick() {
  const sel = /** @type {HTMLSelectElement} */ ($('canned-select'));
  const lang = /** @type {HTMLSelectElement} */ ($('canned-lang')).value;
  const reply = (state.canned.get(lang) ?? []).find((r) => r.id === sel.value);
  sel.value = '';
  if (!reply) return;
  const ta = /** @type {HTMLTextAreaElement} */ ($('composer-text'));
  const start = ta.selectionStart ?? ta.value.length;
  const end = ta.selectionEnd ?? ta.value.length;
  ta.value = ta.value.slice(0, start) + reply.text + ta.value.slice(end);
  ta.selectionStart = ta.selectionEnd = start + reply.text.length;
  updateCount();
  ta.focus();
}

/* ------------------------------------------------------------------ supervisor */

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
  }
}

function renderSupervisor() {
  const body = $('agents-body');
  if (!state.agents) {
    replaceChildren(body, h('tr', {}, h('td', { colspan: '5' }, 'The team list is not available.')));
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
        h('th', { scope: 'row' }, a.name, a.role === 'supervisor' ? h('span', { class: 'hint' }, ' (supervisor)') : null),
        h('td', {}, h('span', { class: `presence${a.online ? ' online' : ''}` }, a.online ? 'Online' : 'Offline')),
        h('td', { class: 'open-cases' }, String(a.openCases ?? a.cases?.length ?? 0)),
        h('td', {}, h('meter', { min: '0', max: String(maxLoad), high: String(Math.ceil(maxLoad * 0.7)), value: String(a.openCases ?? 0), 'aria-label': `Load of ${a.name}` })),
        h('td', {}, supervisorCases(a)),
      ),
    ),
  );
  const waiting = [...state.cases.values()].filter((c) => c.status === 'queued');
  const oldest = waiting.reduce((m, c) => Math.min(m, Date.parse(c.queuedAt)), Infinity);
  $('supervisor-updated').textContent = `${agents.filter((a) => a.online).length} of ${agents.length} agents online · ${waiting.length} waiting${
    Number.isFinite(oldest) ? ` (longest ${formatDuration(nowMs() - oldest)})` : ''
  } · updated ${formatTime(new Date(nowMs()).toISOString(), nowMs())}`;
}

function supervisorCases(agent) {
  const cases = agent.cases ?? [];
  if (!cases.length) return h('span', { class: 'hint' }, '—');
  return h(
    'ul',
    { class: 'sup-cases' },
    cases.map((c) => {
      const selId = `reassign-${agent.id}-${c.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
      const targets = onlineAgents([agent.id]);
      const sel = h('select', { id: selId }, targets.length ? targets.map((t) => h('option', { value: t.id }, t.name)) : h('option', { value: '' }, 'No agent online'));
      return h(
        'li',
        {},
        priorityBadge(c.priority),
        h('button', { type: 'button', class: 'link-button', onclick: () => void openCase(c.id) }, c.id),
        h('span', { class: 'qi-summary' }, c.summary ?? ''),
        h('label', { for: selId, class: 'visually-hidden' }, `Reassign ${c.id} to`),
        sel,
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-small',
            disabled: !targets.length,
            onclick: (ev) => {
              const target = /** @type {HTMLSelectElement} */ (sel).value;
              if (target) void reassign(c.id, target, ev.currentTarget);
            },
          },
          'Reassign',
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
  const sound = /** @type {HTMLInputElement} */ ($('sound-toggle'));
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
  $('composer').addEventListener('submit', onSend);
  $('composer-text').addEventListener('keydown', onComposerKeydown);
  $('composer-text').addEventListener('input', updateCount);
  $('canned-lang').addEventListener('change', (ev) => void loadCanned(/** @type {HTMLSelectElement} */ (ev.target).value));
  $('canned-select').addEventListener('change', onCannedPick);
  $('note-form').addEventListener('submit', onNote);
  $('note-text').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      $('note-form').requestSubmit();
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
  try {
    const { agent } = await get('/me');
    await startConsole(agent);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) showLogin('');
    else showLogin(describeError(err));
  }
}

void boot();
