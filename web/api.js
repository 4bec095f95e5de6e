// The REST API client: JSON requests with the bearer token kept in
// sessionStorage, the token dialog for writes, and the job's event stream.
import { toast } from './dom.js';

const TOKEN_KEY = 'lbdeploy-token';
const TOKEN_REASON = 'This action needs an API token. It is kept for this browser session only.';

export class HttpError extends Error {
  constructor(status, message, reply = {}) {
    super(message);
    this.status = status;
    this.reply = reply;
  }
}

// A request; the reply's JSON body, or an HttpError with the server's error.
export async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { ...options, headers, body });
  const reply = await response.json().catch(() => ({}));
  if (!response.ok) throw new HttpError(response.status, reply.error || response.statusText, reply);
  return reply;
}

// Asks for the API token (kept for this browser session); null when cancelled.
function askToken(reason) {
  const dialog = document.getElementById('token-dialog');
  const form = document.getElementById('token-form');
  const cancel = document.getElementById('token-cancel');
  const input = document.getElementById('token-input');
  document.getElementById('token-reason').textContent = reason;
  input.value = '';
  return new Promise((resolve) => {
    const done = (value) => {
      form.onsubmit = null;
      cancel.onclick = null;
      dialog.close();
      resolve(value);
    };
    form.onsubmit = (event) => {
      event.preventDefault();
      done(input.value.trim());
    };
    cancel.onclick = () => done(null);
    dialog.showModal();
    input.focus();
  });
}

async function ensureToken() {
  if (sessionStorage.getItem(TOKEN_KEY)) return;
  const token = await askToken(TOKEN_REASON);
  if (!token) throw new HttpError(401, 'no API token given');
  sessionStorage.setItem(TOKEN_KEY, token);
}

// A write (POST): asks for a token when none is set or the server answered 401.
export async function write(path, body) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await ensureToken();
    try {
      return await api(path, { method: 'POST', body: body || {} });
    } catch (error) {
      if (error.status !== 401) throw error;
      sessionStorage.removeItem(TOKEN_KEY);
      toast(`401 Unauthorized: ${error.message}`);
    }
  }
  throw new HttpError(401, 'the API token was refused (401)');
}

// A write that deploys a commit (deploy, re-run). A commit older than what a
// node runs is refused (409, rollback_required) unless the request says
// rollback: true, so the user is asked and, if they agree, it is sent again
// as a rollback. null when the user declined.
export async function writeDeploy(path, body = {}) {
  try {
    return await write(path, body);
  } catch (error) {
    if (error.status !== 409 || !error.reply.rollback_required) throw error;
    if (!window.confirm(`${error.message}.\n\nRoll back to this older commit?`)) return null;
    return write(path, { ...body, rollback: true });
  }
}

// The rollout's procedure (GET /api/v1/steps): stages of steps the job page
// draws. Fetched once per page load.
let procedure = null;

export function getProcedure() {
  if (!procedure) {
    procedure = api('/api/v1/steps').catch((error) => {
      procedure = null; // a later page tries again
      throw error;
    });
  }
  return procedure;
}

// The job's Server-Sent Events; EventSource reconnects by itself with
// Last-Event-ID. handlers: { step(step, seq), log(line), end(), open() }.
// Returns the function that closes the stream.
export function jobEvents(id, handlers) {
  const source = new EventSource(`/api/v1/jobs/${id}/events`);
  source.addEventListener('step', (event) => handlers.step(JSON.parse(event.data), Number(event.lastEventId)));
  source.addEventListener('log', (event) => handlers.log(JSON.parse(event.data)));
  source.addEventListener('end', () => {
    source.close();
    handlers.end();
  });
  source.addEventListener('open', () => handlers.open());
  return () => source.close();
}
