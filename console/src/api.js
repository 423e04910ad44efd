// The public HTTP API with the signed-in token (docs/api.md). Every failure becomes an
// ApiError carrying the server's {"error":{"code","message"}}.
import { current } from './session.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, body) {
  const session = current();
  if (!session) throw new ApiError(401, 'unauthenticated', 'You are signed out.');
  const headers = { Authorization: `Bearer ${session.token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', `The server did not answer (${e.message}).`);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: reported below with the status.
  }
  if (!response.ok) {
    const error = json && json.error ? json.error : { code: 'http_' + response.status, message: text };
    throw new ApiError(response.status, error.code, error.message || response.statusText);
  }
  return json;
}

export const get = (path) => call('GET', path);

// POST /v1/commands/<name>; answers the command's JSON (with global_position).
export const command = (name, body) => call('POST', `/v1/commands/${encodeURIComponent(name)}`, body);

// Every item of a list route, following next_cursor (at most `maxPages` pages).
export async function getAll(path, maxPages = 50) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await get(path + (cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''));
    items.push(...answer.items);
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  return items;
}

// A query string of the non-empty entries of `params`.
export function query(params) {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.length ? '?' + parts.join('&') : '';
}
