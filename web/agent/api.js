// @ts-check
/**
 * The agent API client: JSON over fetch with the session cookie, the CSRF header on every request,
 * a bounded timeout, and errors as `ApiError` carrying the HTTP status and the server's error code.
 */

import { ui } from './dom.js';

const BASE = '/agent/api';
const TIMEOUT_MS = 15000;

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the server could not be reached
   * @param {string} code the server's `error` field, or `http_<status>` / `network` / `timeout`
   */
  constructor(status, code) {
    super(`${status} ${code}`);
    this.name = 'ApiError';
    /** @type {number} */
    this.status = status;
    /** @type {string} */
    this.code = code;
  }
}

/**
 * @param {'GET'|'POST'} method
 * @param {string} path under /agent/api, e.g. `/queue`
 * @param {unknown} [body] sent as JSON
 * @returns {Promise<any>} the parsed JSON body, or undefined for 204
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', 'X-Requested-With': 'lockerdesk' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new ApiError(0, err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'network');
  }
  if (res.status === 204) return undefined;
  let data;
  try {
    data = await res.json();
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const code = data && typeof data.error === 'string' ? data.error : `http_${res.status}`;
    throw new ApiError(res.status, code);
  }
  return data;
}

/** @param {string} path */
export const get = (path) => api('GET', path);
/**
 * @param {string} path
 * @param {unknown} [body]
 */
export const post = (path, body) => api('POST', path, body);

/**
 * Encodes a case id for a URL path segment.
 * @param {string} id
 * @param {string} [action]
 */
export const casePath = (id, action) => `/cases/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

/**
 * A sentence an agent can act on, for a failed request. 401 is not described here: the caller
 * sends the agent back to sign-in.
 * @param {unknown} err
 * @param {string} [action] claim | message | transfer | reassign | close | release | note | workorder | merge | login
 */
export function describeError(err, action) {
  if (!(err instanceof ApiError)) return ui('error.console');
  const { status, code } = err;
  if (status === 0) return code === 'timeout' ? ui('error.timeout') : ui('error.offline');
  if (code === 'already_claimed') return ui('error.alreadyClaimed');
  if (status === 409) {
    switch (action) {
      case 'claim':
        return ui('error.alreadyClaimed');
      case 'message':
      case 'workorder':
        return ui('error.notYours');
      case 'transfer':
      case 'reassign':
        return ui('error.agentGone');
      case 'release':
        return ui('error.cannotRelease');
      case 'close':
        return ui('error.alreadyClosed');
      case 'merge':
        return ui('error.cannotMerge');
      default:
        return ui('error.changed');
    }
  }
  if (code === 'forbidden') return ui('error.forbidden');
  if (code === 'conversation_required') return ui('composer.chooseFirst');
  if (status === 403) return ui('error.notAllowed');
  if (status === 404) return ui('error.notFound');
  if (status === 429) return ui('error.tooMany');
  if (status === 400 || status === 422) return ui('error.rejected', { code });
  if (status >= 500) return ui('error.server', { status });
  return ui('error.failed', { status });
}
