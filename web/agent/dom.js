// @ts-check
/**
 * DOM and formatting helpers. Everything that may contain customer text goes into text nodes:
 * `h()` never parses HTML, and URLs pass through `safeUrl()` before they become links or images.
 * Labels of the hand-off vocabularies (reasons, kinds, priorities, resolutions, fields, actions)
 * come from the server's message files (`GET /agent/api/labels`, `setLabels()`); this file has no
 * label tables of its own.
 */

/** @typedef {import('./types').ConsoleLabels} ConsoleLabels */
/** @typedef {import('./types').AttachmentView} AttachmentView */

/** @typedef {string | number | boolean | null | undefined | EventListener | Record<string, string>} PropValue */
/** @typedef {Node | string | number | null | undefined | false | ChildList} Child */
/** @typedef {Child[]} ChildList */

/**
 * Creates an element. `props`: `class`, `text`, `dataset`, `on<event>` (functions only), any other
 * attribute (set with setAttribute; `true` = empty attribute, false/null/undefined = omitted).
 * Children: nodes or strings (strings become text nodes).
 * @param {string} tag
 * @param {Record<string, PropValue>} [props]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset' && typeof value === 'object') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else if (key === 'href' || key === 'src') {
      const url = safeUrl(value);
      if (url) el.setAttribute(key, url);
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {ChildList} children
 */
function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/**
 * Empties `el` and appends the children.
 * @param {Element} el
 * @param {...Child} children
 */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * A same-origin or absolute http(s) URL, or undefined for anything else (javascript:, data:, garbage).
 * @param {unknown} value
 * @returns {string | undefined}
 */
export function safeUrl(value) {
  try {
    const url = new URL(String(value), window.location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The business time zone until the server's labels say otherwise (`BUSINESS_TIMEZONE`). */
export const DEFAULT_TIME_ZONE = 'Europe/Vilnius';
/** @type {string} */
let timeZone = DEFAULT_TIME_ZONE;
/** @param {Intl.DateTimeFormatOptions} o */
const fmt = (o) => new Intl.DateTimeFormat('lt-LT', { timeZone, ...o });
// Numeric formats (`2024-01-18 14:03:22`) read the same in every console language; only the zone varies.
let timeFmt = fmt({ hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
let dayFmt = fmt({ year: 'numeric', month: '2-digit', day: '2-digit' });
let shortFmt = fmt({ month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/**
 * Shows times in `zone` from now on (an unknown zone keeps the current one).
 * @param {string | undefined} zone
 */
function setTimeZone(zone) {
  if (!zone || zone === timeZone) return;
  try {
    new Intl.DateTimeFormat('lt-LT', { timeZone: zone });
  } catch {
    return;
  }
  timeZone = zone;
  timeFmt = fmt({ hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  dayFmt = fmt({ year: 'numeric', month: '2-digit', day: '2-digit' });
  shortFmt = fmt({ month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/** The time zone times are shown in. */
export function currentTimeZone() {
  return timeZone;
}

/**
 * `14:03:22` today (business time zone), else `2024-01-18 14:03:22`.
 * @param {string} iso
 * @param {number} [nowMs]
 */
export function formatTime(iso, nowMs = Date.now()) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = dayFmt.format(d) === dayFmt.format(new Date(nowMs));
  return sameDay ? timeFmt.format(d) : `${dayFmt.format(d)} ${timeFmt.format(d)}`;
}

/**
 * `2024-01-18 14:03:22 (Europe/Vilnius)` for titles (the business time zone).
 * @param {string} iso
 */
export function formatFull(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${dayFmt.format(d)} ${timeFmt.format(d)} (${timeZone})`;
}

/**
 * `01-18 14:03` (business time zone).
 * @param {string} iso
 */
export function formatShort(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : shortFmt.format(d);
}

/**
 * `45s`, `12m 05s`, `2h 03m`, `3d 4h` in English; the units come from the message files.
 * @param {number} ms
 */
export function formatDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return ui('duration.s', { s });
  const m = Math.floor(s / 60);
  if (m < 60) return ui('duration.ms', { m, s: String(s % 60).padStart(2, '0') });
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return ui('duration.hm', { h: hrs, m: String(m % 60).padStart(2, '0') });
  return ui('duration.dh', { d: Math.floor(hrs / 24), h: hrs % 24 });
}

/* ------------------------------------------------------------------ labels from the server */

/** @type {ConsoleLabels | undefined} */
let labels;

/**
 * Installs the label tables the server sent for the agent's language.
 * @param {ConsoleLabels} value
 */
export function setLabels(value) {
  labels = value;
  setTimeZone(value.timeZone);
}

/** The language of the installed labels (`lt` until they are loaded). */
export function labelLang() {
  return labels?.lang ?? 'lt';
}

/**
 * A label from one of the server's tables; the code itself when the table does not have it.
 * @param {'priorities' | 'kinds' | 'reasons' | 'resolutions' | 'fields' | 'actions' | 'via'} table
 * @param {string | number | undefined} key
 * @returns {string}
 */
export function label(table, key) {
  const k = String(key ?? '');
  return labels?.[table]?.[k] ?? k;
}

/**
 * The reason label in the language the server stores case summaries in.
 * @param {string} reason
 * @returns {string | undefined}
 */
export function storedReasonLabel(reason) {
  return labels?.summaryReasons?.[reason];
}

/**
 * A console text from the server's message files (`console.<key>`), with `{{name}}` filled in;
 * the key itself until the labels are loaded, so a missing text is visible, never invented here.
 * @param {string} key e.g. `supervisor.blocksTitle`
 * @param {Record<string, string | number>} [params]
 * @returns {string}
 */
export function ui(key, params = {}) {
  const text = labels?.ui?.[key] ?? key;
  return text.replace(/\{\{(\w+)\}\}/g, (_m, name) => String(params[name] ?? ''));
}

/**
 * Label for a collected field or work-order parameter (camelCase → words when the server has none).
 * @param {string} key
 */
export function fieldLabel(key) {
  const known = labels?.fields?.[key];
  return known ?? String(key).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

/* ------------------------------------------------------------------ badges */

/** @type {Record<string, string[]>} */
const ICONS = {
  web: ['M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Z', 'M1 8h14', 'M8 1c2 2 2.8 4.3 2.8 7S10 13 8 15c-2-2-2.8-4.3-2.8-7S6 3 8 1Z'],
  chat: ['M2 3.5A1.5 1.5 0 0 1 3.5 2h9A1.5 1.5 0 0 1 14 3.5v6a1.5 1.5 0 0 1-1.5 1.5H7l-3.5 3v-3h0A1.5 1.5 0 0 1 2 9.5Z'],
  tool: ['M3 13l6-6', 'M9.5 2.5a3 3 0 0 0 4 4l-2-.5-1.5-1.5Z'],
  other: ['M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Z'],
};

/**
 * A small decorative line icon (inline SVG, so it needs no font or file).
 * @param {string} name
 */
export function icon(name) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of ICONS[name] ?? ICONS.other) {
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

/** Channel brand names (not vocabulary: the same in every language). @type {Record<string, [string, string]>} */
const CHANNELS = {
  webchat: ['web', 'Web'],
  directline: ['web', 'Web'],
  facebook: ['chat', 'Messenger'],
  messenger: ['chat', 'Messenger'],
  emulator: ['tool', 'Emulator'],
  msteams: ['chat', 'Teams'],
};

/**
 * The brand name of a channel.
 * @param {string} channel
 */
export function channelName(channel) {
  return CHANNELS[channel]?.[1] ?? String(channel || ui('channel.unknown'));
}

/**
 * A channel label with a decorative icon.
 * @param {string} channel
 */
export function channelBadge(channel) {
  const [name, text] = CHANNELS[channel] ?? ['other', String(channel || ui('channel.unknown'))];
  return h('span', { class: `qi-channel ch-${name}`, title: ui('channel.title', { name: text }) }, icon(name), text);
}

/** @param {number} priority */
export function priorityBadge(priority) {
  const p = [1, 2, 3].includes(priority) ? priority : 3;
  return h('span', { class: `prio p${p}`, title: `P${p}: ${label('priorities', p)}` }, `P${p}`, h('span', { class: 'visually-hidden' }, ` ${label('priorities', p)}`));
}

/**
 * An attachment the server kept is shown from the server (same origin, behind the session);
 * anything else is a note without a link. The console never loads a customer-chosen address.
 * @param {AttachmentView} a
 */
export function attachmentNode(a) {
  const name = a.name || ui('attachment.name');
  if (!a.kept) return h('span', { class: 'hint attachment-dropped' }, ui('attachment.notKept', { name }));
  const url = safeUrl(a.href);
  if (!url || new URL(url).origin !== window.location.origin) return h('span', { class: 'hint attachment-dropped' }, ui('attachment.notKept', { name }));
  const isImage = /^image\//.test(String(a.contentType ?? ''));
  return h(
    'a',
    { href: url, target: '_blank', rel: 'noopener noreferrer', title: name, class: 'attachment' },
    isImage ? h('img', { src: url, alt: name, loading: 'lazy', referrerpolicy: 'no-referrer' }) : `📎 ${name}`,
  );
}
