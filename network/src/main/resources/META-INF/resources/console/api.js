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
 * The least silence after which the event stream is given up: a frozen coordinator keeps its connection open and
 * sends nothing, and only a deadline tells it from a quiet stream. The stream's 'overview' messages are its
 * heartbeat: the deadline is three of their intervals, as the stream shows them, and at least this.
 */
const MIN_SILENCE_MS = 10000;

/**
 * Reads /api/v1/events until it ends, fails, or falls silent (EventSource cannot send the Authorization header, so
 * this reads the stream with fetch). onMessage(name, data) for each message; resolves when the stream ends, and
 * rejects (ApiError UNAVAILABLE) when nothing came for the deadline.
 */
export async function events(onMessage, onOpen) {
  const abort = new AbortController();
  let heardAt = Date.now();
  let firstOverviewAt = 0;
  let deadlineMs = MIN_SILENCE_MS;
  const watchdog = setInterval(() => {
    if (Date.now() - heardAt > deadlineMs) abort.abort();
  }, 1000);
  try {
    return await read(abort.signal, (name, data) => {
      if (name === 'overview') {
        const now = Date.now();
        if (!firstOverviewAt) firstOverviewAt = now;
        else if (deadlineMs === MIN_SILENCE_MS) deadlineMs = Math.max(MIN_SILENCE_MS, 3 * (now - firstOverviewAt));
      }
      onMessage(name, data);
    }, onOpen, () => { heardAt = Date.now(); });
  } catch (e) {
    if (abort.signal.aborted) {
      throw new ApiError(0, 'UNAVAILABLE', 'the coordinator sent nothing for ' + deadlineMs + ' ms');
    }
    throw e;
  } finally {
    clearInterval(watchdog);
  }
}

async function read(signal, onMessage, onOpen, onHeard) {
  const response = await fetch('api/v1/events', { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!response.ok) throw await failure(response);
  onHeard();
  onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onHeard();
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
