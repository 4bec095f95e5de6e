// DOM helpers shared by every view: the element builder, small formatters,
// the toast and the page frame.

// el('a', { href, class, onclick }, ...children): an element; attributes that
// are undefined, null or false are left out, true gives an empty attribute.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) setAttribute(node, key, value);
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function setAttribute(node, key, value) {
  if (value === undefined || value === null || value === false) return;
  if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
  else if (key === 'class') node.className = value;
  else node.setAttribute(key, value === true ? '' : value);
}

export const shortSha = (sha) => (sha || '').slice(0, 8);
export const badge = (state) => el('span', { class: `badge state-${state}` }, state);
export const time = (ms) => (ms ? new Date(ms).toLocaleString() : '—');
export const clock = (ms) => new Date(ms).toTimeString().slice(0, 8) + '.' + String(ms % 1000).padStart(3, '0');

export const FINAL_STATES = ['succeeded', 'failed', 'cancelled', 'superseded', 'interrupted'];
export const isFinal = (state) => FINAL_STATES.includes(state);

export function duration(job) {
  if (!job.started_at) return '—';
  const seconds = Math.round(((job.finished_at || Date.now()) - job.started_at) / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

export function commitLink(job) {
  const text = el('code', {}, shortSha(job.commit));
  if (!job.commit_url) return el('span', { title: job.commit }, text);
  return el('a', { href: job.commit_url, title: job.commit }, text);
}

// A +/- line of a unified diff: 'add', 'del' or '' (file headers are neither).
export function diffKind(text) {
  if (/^\+(?!\+\+)/.test(text)) return 'add';
  if (/^-(?!--)/.test(text)) return 'del';
  return '';
}

// A short message in the status line, gone after 5 s unless replaced.
export function toast(message) {
  const box = document.getElementById('toast');
  box.textContent = message;
  setTimeout(() => {
    if (box.textContent === message) box.textContent = '';
  }, 5000);
}

// Replaces the page's content and title; null parts are left out.
export function show(title, ...content) {
  const main = document.getElementById('main');
  document.title = `${title} · lbdeploy`;
  main.replaceChildren(...content.filter((part) => part !== null && part !== undefined));
  main.focus({ preventScroll: true });
}

export function showError(error) {
  const text = `${error.status || ''} ${error.message}`;
  show('Error', el('h1', {}, 'Something went wrong'), el('p', { class: 'failure', role: 'alert' }, text));
}
