// The console's only way to the coordinator: /api/v1 with the bearer token, and its event stream.

const TOKEN_KEY = 'vnet.token';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  if (token()) h.Authorization = 'Bearer ' + token();
  return h;
}

async function failure(response) {
  let code = 'UNKNOWN';
  let message = response.statusText || ('HTTP ' + response.status);
  try {
    const body = await response.json();
    code = body.code || code;
    message = body.message || message;
  } catch (ignored) { /* not JSON: keep the status line */ }
  return new ApiError(response.status, code, message);
}

export async function call(method, path, body) {
  let response;
  try {
    response = await fetch('api/v1/' + path, {
      method,
      headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'UNAVAILABLE', 'cannot reach the coordinator: ' + e.message);
  }
  if (!response.ok) throw await failure(response);
  return response.status === 204 ? null : response.json();
}

export const get = (path) => call('GET', path);

/**
 * Reads /api/v1/events until it ends or fails (EventSource cannot send the Authorization header, so this reads
 * the stream with fetch). onMessage(name, data) for each message; resolves when the stream ends.
 */
export async function events(onMessage, onOpen, signal) {
  const response = await fetch('api/v1/events', { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!response.ok) throw await failure(response);
  onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) {
        try { onMessage(name, JSON.parse(data.join('\n'))); } catch (e) { console.warn('bad event', name, e); }
      }
    }
  }
}
