/**
 * DOM and formatting helpers. Everything that may contain customer text goes into text nodes:
 * `h()` never parses HTML, and URLs pass through `safeUrl()` before they become links or images.
 */

/**
 * Creates an element. `props`: `class`, `text`, `dataset`, `on<event>` (functions only), any other
 * attribute (set with setAttribute; `true` = empty attribute, false/null/undefined = omitted).
 * Children: nodes or strings (strings become text nodes).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'href' || key === 'src') {
      const url = safeUrl(value);
      if (url) el.setAttribute(key, url);
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Empties `el` and appends the children. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** An absolute http(s) URL, or undefined for anything else (javascript:, data:, garbage). */
export function safeUrl(value) {
  try {
    const url = new URL(String(value), window.location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export const TIME_ZONE = 'Europe/Vilnius';
const timeFmt = new Intl.DateTimeFormat('lt-LT', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const dayFmt = new Intl.DateTimeFormat('lt-LT', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const shortFmt = new Intl.DateTimeFormat('lt-LT', { timeZone: TIME_ZONE, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** `14:03:22` today (Vilnius), else `2024-01-18 14:03:22`. */
export function formatTime(iso, nowMs = Date.now()) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = dayFmt.format(d) === dayFmt.format(new Date(nowMs));
  return sameDay ? timeFmt.format(d) : `${dayFmt.format(d)} ${timeFmt.format(d)}`;
}

/** `2024-01-18 14:03:22 (Europe/Vilnius)` for titles. */
export function formatFull(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${dayFmt.format(d)} ${timeFmt.format(d)} (${TIME_ZONE})`;
}

/** `01-18 14:03` (Vilnius). */
export function formatShort(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : shortFmt.format(d);
}

/** `45s`, `12m 05s`, `2h 03m`, `3d 4h`. */
export function formatDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return `${hrs}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(hrs / 24)}d ${hrs % 24}h`;
}

export const PRIORITY_LABEL = { 1: 'Locker fault', 2: 'Parcel action', 3: 'General' };

const ICONS = {
  web: ['M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Z', 'M1 8h14', 'M8 1c2 2 2.8 4.3 2.8 7S10 13 8 15c-2-2-2.8-4.3-2.8-7S6 3 8 1Z'],
  chat: ['M2 3.5A1.5 1.5 0 0 1 3.5 2h9A1.5 1.5 0 0 1 14 3.5v6a1.5 1.5 0 0 1-1.5 1.5H7l-3.5 3v-3h0A1.5 1.5 0 0 1 2 9.5Z'],
  tool: ['M3 13l6-6', 'M9.5 2.5a3 3 0 0 0 4 4l-2-.5-1.5-1.5Z'],
  other: ['M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Z'],
};

/** A small decorative line icon (inline SVG, so it needs no font or file). */
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

const CHANNELS = {
  webchat: ['web', 'Web'],
  directline: ['web', 'Web'],
  facebook: ['chat', 'Messenger'],
  messenger: ['chat', 'Messenger'],
  emulator: ['tool', 'Emulator'],
  msteams: ['chat', 'Teams'],
};

/** A channel label with a decorative icon. */
export function channelBadge(channel) {
  const [name, label] = CHANNELS[channel] ?? ['other', String(channel || 'unknown')];
  return h('span', { class: `qi-channel ch-${name}`, title: `Channel: ${label}` }, icon(name), label);
}

export function priorityBadge(priority) {
  const p = [1, 2, 3].includes(priority) ? priority : 3;
  return h('span', { class: `prio p${p}`, title: `Priority ${p}: ${PRIORITY_LABEL[p]}` }, `P${p}`, h('span', { class: 'visually-hidden' }, ` ${PRIORITY_LABEL[p]}`));
}

const FIELD_LABELS = {
  trackingNumber: 'Parcel number',
  senderPhone: 'Sender phone',
  recipientPhone: 'Recipient phone',
  verifiedPhone: 'Verified phone',
  lockerId: 'Locker',
  description: 'Description',
};

/** Label for a collected field or work-order parameter (camelCase → words as a fallback). */
export function fieldLabel(key) {
  return FIELD_LABELS[key] ?? String(key).replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

export const KIND_LABEL = { locker_fault: 'Locker fault', parcel_action: 'Parcel action', work_order: 'Work order', general: 'General question' };
export const REASON_LABEL = {
  agent_requested: 'asked for a person',
  too_many_attempts: 'bot could not understand',
  locker_fault: 'locker fault',
  damaged_parcel: 'damaged parcel',
  complaint: 'complaint',
  late_parcel: 'late parcel',
  needs_staff: 'needs staff',
  carrier_unavailable: 'carrier system unavailable',
  out_of_scope: "outside the bot's topics",
};
export const ACTION_LABEL = { readdress: 'Readdress parcel to another locker', change_phone: 'Change recipient phone' };
