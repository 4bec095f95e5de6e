// lbdeploy's web UI: pairs, job history and a live job page. Plain JavaScript
// against the REST API and the job's Server-Sent Events; no build step.
'use strict';

const main = document.getElementById('main');
const TOKEN_KEY = 'lbdeploy-token';
let leavePage = () => {};  // closes the current page's event stream

// ------------------------------------------------------------------ helpers

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const shortSha = (sha) => (sha || '').slice(0, 8);
const badge = (state) => el('span', { class: `badge state-${state}` }, state);
const time = (ms) => (ms ? new Date(ms).toLocaleString() : '—');
const clock = (ms) => new Date(ms).toTimeString().slice(0, 8) + '.' + String(ms % 1000).padStart(3, '0');

function duration(job) {
  if (!job.started_at) return '—';
  const seconds = Math.round(((job.finished_at || Date.now()) - job.started_at) / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

function commitLink(job) {
  const text = el('code', {}, shortSha(job.commit));
  return job.commit_url ? el('a', { href: job.commit_url, title: job.commit }, text) : el('span', { title: job.commit }, text);
}

function toast(message) {
  const box = document.getElementById('toast');
  box.textContent = message;
  setTimeout(() => { if (box.textContent === message) box.textContent = ''; }, 5000);
}

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { ...options, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new HttpError(response.status, body.error || response.statusText);
  return body;
}

// Asks for the API token (kept for this browser session).
function askToken(reason) {
  const dialog = document.getElementById('token-dialog');
  document.getElementById('token-reason').textContent = reason;
  const input = document.getElementById('token-input');
  input.value = '';
  return new Promise((resolve) => {
    const form = document.getElementById('token-form');
    const done = (value) => {
      form.onsubmit = null;
      document.getElementById('token-cancel').onclick = null;
      dialog.close();
      resolve(value);
    };
    form.onsubmit = (event) => { event.preventDefault(); done(input.value.trim()); };
    document.getElementById('token-cancel').onclick = () => done(null);
    dialog.showModal();
    input.focus();
  });
}

// A write: asks for a token when none is set or the server answered 401.
async function write(path, body) {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      const token = await askToken('This action needs an API token. It is kept for this browser session only.');
      if (!token) throw new HttpError(401, 'no API token given');
      sessionStorage.setItem(TOKEN_KEY, token);
    }
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

function navigate(path) {
  history.pushState({}, '', path);
  route();
}

document.addEventListener('click', (event) => {
  const link = event.target.closest('a');
  if (!link || link.target || link.origin !== location.origin || event.ctrlKey || event.metaKey) return;
  event.preventDefault();
  navigate(link.pathname + link.search);
});
window.addEventListener('popstate', () => route());

function show(title, ...content) {
  document.title = `${title} · lbdeploy`;
  main.replaceChildren(...content);
  main.focus({ preventScroll: true });
}

function failed(error) {
  show('Error', el('h1', {}, 'Something went wrong'), el('p', { class: 'failure', role: 'alert' }, `${error.status || ''} ${error.message}`));
}

// ------------------------------------------------------------------ pairs

function deployForm(pair) {
  const ref = el('input', { type: 'text', id: `ref-${pair.name}`, placeholder: 'main', 'aria-describedby': `ref-help-${pair.name}` });
  const dry = el('input', { type: 'checkbox', id: `dry-${pair.name}` });
  const form = el('form', { class: 'inline', 'aria-label': `Deploy ${pair.name}` },
    el('div', {}, el('label', { for: ref.id }, 'Ref or commit'), ref,
      el('span', { id: `ref-help-${pair.name}`, class: 'muted', hidden: true }, 'A branch, tag or commit SHA; empty = the branch')),
    el('div', {}, el('label', { for: dry.id }, el('span', {}, dry, ' Dry run'))),
    el('button', { class: 'primary', type: 'submit' }, 'Deploy'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = ref.value.trim();
    const body = { dry_run: dry.checked };
    if (/^[0-9a-f]{7,40}$/.test(value)) body.commit = value; else if (value) body.ref = value;
    try {
      const job = await write(`/api/v1/pairs/${encodeURIComponent(pair.name)}/deploy`, body);
      navigate(`/jobs/${job.id}`);
    } catch (error) {
      toast(`Deploy refused: ${error.status} ${error.message}`);
    }
  });
  return form;
}

function pairCard(pair) {
  const rows = pair.nodes.map((node) => el('tr', {},
    el('td', {}, node.node), el('td', { class: 'mono' }, node.host),
    el('td', {}, node.deployed_commit ? el('code', { title: node.deployed_commit }, shortSha(node.deployed_commit)) : el('span', { class: 'muted' }, 'never')),
    el('td', {}, node.holds_vip ? el('span', { class: 'vip' }, 'holds VIP') : node.holds_vip === false ? 'backup' : '—')));
  const last = pair.last_job;
  return el('section', { class: 'card', 'aria-labelledby': `pair-${pair.name}` },
    el('h2', { id: `pair-${pair.name}` }, pair.name, ' ', el('span', { class: 'muted mono' }, `VIP ${pair.vip}`)),
    pair.drift ? el('p', { class: 'warning', role: 'note' }, 'The two nodes run different commits.') : null,
    pair.behind_branch ? el('p', { class: 'warning', role: 'note' }, 'Not every node runs the head of the deploy branch (',
      el('code', { title: pair.branch_head }, shortSha(pair.branch_head)), ', as last fetched).') : null,
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Node'), el('th', {}, 'Host'), el('th', {}, 'Deployed'), el('th', {}, 'VIP (last seen)'))),
      el('tbody', {}, rows)),
    el('p', {}, 'Last job: ', last ? [el('a', { href: `/jobs/${last.id}` }, `#${last.id}`), ' ', badge(last.state), ' ', commitLink(last), ' ',
      el('span', { class: 'muted' }, time(last.created_at))] : el('span', { class: 'muted' }, 'none')),
    deployForm(pair));
}

async function pairsPage() {
  const { pairs } = await api('/api/v1/pairs');
  show('Pairs', el('h1', {}, 'Pairs'), el('div', { class: 'cards' }, pairs.map(pairCard)));
}

// ------------------------------------------------------------------ jobs

async function jobsPage() {
  const params = new URLSearchParams(location.search);
  const [{ pairs }, { jobs, next_before: nextBefore }] = await Promise.all([
    api('/api/v1/pairs'), api(`/api/v1/jobs?${params.toString()}`)]);
  const filter = (name, label, values) => {
    const select = el('select', { id: `filter-${name}`, name },
      el('option', { value: '' }, 'all'), values.map((value) => el('option', { value, selected: params.get(name) === value }, value)));
    return el('div', {}, el('label', { for: select.id }, label), select);
  };
  const form = el('form', { class: 'inline', 'aria-label': 'Filter jobs' },
    filter('pair', 'Pair', pairs.map((p) => p.name)),
    filter('status', 'State', ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'superseded', 'interrupted']),
    el('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams([...new FormData(form)].filter(([, v]) => v));
    navigate(`/jobs${query.toString() ? `?${query}` : ''}`);
  });
  const rows = jobs.map((job) => el('tr', {},
    el('td', {}, el('a', { href: `/jobs/${job.id}` }, `#${job.id}`)), el('td', {}, job.pair), el('td', {}, badge(job.state)),
    el('td', {}, job.trigger === 'rerun' ? 're-run' : job.trigger, job.dry_run ? ' (dry run)' : ''), el('td', {}, commitLink(job)),
    el('td', {}, job.requested_by || '—'), el('td', {}, time(job.created_at)), el('td', {}, duration(job))));
  const older = nextBefore ? el('p', { class: 'pager' }, el('a', {
    href: `/jobs?${new URLSearchParams({ ...Object.fromEntries(params), before: nextBefore })}` }, 'Older jobs →')) : null;
  show('Jobs', el('h1', {}, 'Jobs'), form,
    el('table', { 'aria-label': 'Jobs' }, el('thead', {}, el('tr', {}, ['Job', 'Pair', 'State', 'Trigger', 'Commit', 'By', 'Created', 'Duration'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No jobs.')))),
    older);
}

// ------------------------------------------------------------------ job page

const NODE_STEPS = ['compare', 'backup', 'install', 'validate', 'reload', 'post-check', 'restore'];

// The job page's live model: steps by node+name, log lines, and the DOM they drive.
class JobView {
  constructor(job) {
    this.job = job;
    this.steps = new Map();  // "node|name" -> {state, message}
    this.roles = { master: null, backup: null };
    this.currentStep = new Map();  // node -> step name, to tag log lines
    this.follow = true;
    this.filters = { node: '', step: '' };
    this.seen = new Set();
    this.diagram = el('div', { class: 'pipeline', role: 'list', 'aria-label': 'Rollout steps' });
    this.failure = el('div', { 'aria-live': 'assertive' });
    this.header = el('div');
    this.log = el('div', { class: 'log', role: 'log', 'aria-label': 'Job log', tabindex: '0' });
    this.diffs = el('div', { class: 'diffs' });
    this.nodeFilter = el('select', { id: 'log-node' }, el('option', { value: '' }, 'all nodes'));
    this.stepFilter = el('select', { id: 'log-step' }, el('option', { value: '' }, 'all steps'));
    this.nodeFilter.addEventListener('change', () => { this.filters.node = this.nodeFilter.value; this.applyFilters(); });
    this.stepFilter.addEventListener('change', () => { this.filters.step = this.stepFilter.value; this.applyFilters(); });
  }

  key(node, name) { return `${node}|${name}`; }

  onStep(step, seq, at) {
    this.steps.set(this.key(step.node, step.name), { state: step.state, message: step.message });
    if (step.name === 'vip' && step.state === 'succeeded') {
      const match = /^(\S+) is MASTER.*, (\S+) is BACKUP$/.exec(step.message);
      if (match) this.roles = { master: match[1], backup: match[2] };
    }
    if (step.node && step.state === 'running') this.currentStep.set(step.node, step.name);
    if (!this.roles.backup && step.node && step.name === 'compare') {
      this.roles.backup = step.node;
      this.roles.master = this.job.nodes.find((n) => n !== step.node) || null;
    }
    const verb = step.state === 'running' ? 'started' : step.state;
    this.addLine({ seq, time: at, node: step.node, stream: 'step', text: `${step.name} ${verb}${step.message ? `: ${step.message}` : ''}` },
      step.name);
    this.renderDiagram();
  }

  onLog(line) {
    const step = line.node ? this.currentStep.get(line.node) || '' : '';
    this.addLine(line, step);
    if (line.stream === 'diff') this.addDiff(line);
  }

  addLine(line, step) {
    if (this.seen.has(line.seq)) return;  // a reconnect never shows a line twice
    this.seen.add(line.seq);
    for (const [select, value] of [[this.nodeFilter, line.node], [this.stepFilter, step]]) {
      if (value && ![...select.options].some((o) => o.value === value)) select.append(el('option', { value }, value));
    }
    const diffKind = line.stream === 'diff' ? (/^\+(?!\+\+)/.test(line.text) ? ' add' : /^-(?!--)/.test(line.text) ? ' del' : '') : '';
    const row = el('div', { class: `line ${line.stream}${diffKind}`, 'data-seq': line.seq, 'data-node': line.node || '', 'data-step': step || '' },
      el('span', { class: 't' }, clock(line.time)), el('span', { class: 'n' }, line.node || 'pair'),
      el('span', { class: 's' }, step || ''), el('span', { class: 'x' }, line.text));
    row.hidden = !this.visible(row);
    this.log.append(row);
    if (this.follow) this.log.scrollTop = this.log.scrollHeight;
  }

  visible(row) {
    return (!this.filters.node || row.dataset.node === this.filters.node) && (!this.filters.step || row.dataset.step === this.filters.step);
  }

  applyFilters() {
    for (const row of this.log.children) row.hidden = !this.visible(row);
  }

  addDiff(line) {
    if (!this.diffs.firstChild) this.diffs.append(el('h2', {}, 'What would change (dry run)'));
    let block = this.diffs.querySelector(`pre[data-node="${line.node}"]`);
    if (!block) {
      this.diffs.append(el('h3', {}, line.node));
      block = el('pre', { 'data-node': line.node });
      this.diffs.append(block);
    }
    const kind = /^\+(?!\+\+)/.test(line.text) ? 'add' : /^-(?!--)/.test(line.text) ? 'del' : '';
    block.append(el('span', { class: kind }, line.text), '\n');
  }

  box(node, name, label) {
    const step = this.steps.get(this.key(node, name));
    const finished = ['succeeded', 'failed', 'cancelled', 'superseded', 'interrupted'].includes(this.job.state);
    const state = step ? step.state : finished ? 'skipped' : 'pending';
    const shown = step ? step.state : finished ? 'not run' : 'pending';
    return el('span', { class: `box state-${state}`, role: 'listitem', title: step && step.message ? step.message : shown,
      'data-step': `${node}|${name}`, 'data-state': step ? step.state : 'pending' }, label || name, ' ',
      el('span', { class: 'muted' }, `· ${shown}`));
  }

  renderDiagram() {
    const nodes = this.job.nodes;
    const { backup, master } = this.roles;
    const stage = (title, ...boxes) => el('div', { class: 'stage' }, el('h3', {}, title), boxes);
    const arrow = () => el('span', { class: 'arrow', 'aria-hidden': 'true' }, '→');
    const nodeStage = (role, node) => stage(`${role}${node ? `: ${node}` : ''}`,
      NODE_STEPS.filter((name) => name !== 'restore' || (node && this.steps.has(this.key(node, 'restore'))))
        .map((name) => (node ? this.box(node, name) : el('span', { class: 'box state-pending' }, name))));
    this.diagram.replaceChildren(
      stage('Pre-check', this.box('', 'plan'), nodes.map((n) => this.box(n, 'connect', `connect ${n}`)),
        nodes.map((n) => this.box(n, 'pre-check', `pre-check ${n}`)), this.box('', 'vip', 'VIP holder')),
      arrow(), nodeStage('BACKUP', backup), arrow(), stage('Failover', this.box('', 'failover')),
      arrow(), nodeStage('MASTER', master), arrow(), stage('VIP back', this.box('', 'give back VIP')),
      arrow(), stage('Final check', this.box('', 'final-check')));
  }

  renderHeader() {
    const job = this.job;
    const rerun = el('button', { type: 'button', disabled: !['succeeded', 'failed', 'cancelled', 'superseded', 'interrupted'].includes(job.state) }, 'Re-run');
    const cancel = el('button', { type: 'button', class: 'danger', disabled: !['queued', 'running'].includes(job.state) || job.cancel_requested },
      job.cancel_requested ? 'Cancel requested' : 'Cancel');
    rerun.addEventListener('click', async () => {
      try {
        const created = await write(`/api/v1/jobs/${job.id}/rerun`);
        navigate(`/jobs/${created.id}`);
      } catch (error) { toast(`Re-run refused: ${error.status} ${error.message}`); }
    });
    cancel.addEventListener('click', async () => {
      try {
        Object.assign(this.job, await write(`/api/v1/jobs/${job.id}/cancel`));
        this.renderHeader();
      } catch (error) { toast(`Cancel refused: ${error.status} ${error.message}`); }
    });
    this.header.replaceChildren(
      el('h1', {}, `Job #${job.id} · ${job.pair} `, badge(job.state), job.dry_run ? el('span', { class: 'muted' }, ' dry run') : null),
      el('div', { class: 'meta' }, el('span', {}, 'commit ', commitLink(job)), el('span', {}, `ref ${job.ref || '—'}`),
        el('span', {}, `trigger ${job.trigger}`), el('span', {}, `by ${job.requested_by || '—'}`),
        el('span', {}, `created ${time(job.created_at)}`), el('span', {}, `duration ${duration(job)}`),
        job.rerun_of ? el('span', {}, 're-run of ', el('a', { href: `/jobs/${job.rerun_of}` }, `#${job.rerun_of}`)) : null),
      el('div', { class: 'actions' }, rerun, cancel));
    this.renderFailure();
  }

  renderFailure() {
    if (!['failed', 'interrupted'].includes(this.job.state)) { this.failure.replaceChildren(); return; }
    const failedStep = [...this.steps.entries()].find(([, step]) => step.state === 'failed');
    const where = failedStep ? failedStep[0].replace('|', ' ').trim() : 'the job';
    const message = failedStep ? failedStep[1].message : '';
    // The job's error usually repeats the step's message and adds which node was restored.
    const details = this.job.error && this.job.error.includes(message) ? [this.job.error] : [message, this.job.error];
    this.failure.replaceChildren(el('div', { class: 'failure', role: 'alert' },
      el('strong', {}, `Failed at ${where}`), details.filter(Boolean).map((text) => el('div', { class: 'mono' }, text))));
  }

  render() {
    const follow = el('input', { type: 'checkbox', id: 'log-follow', checked: true });
    follow.addEventListener('change', () => { this.follow = follow.checked; });
    this.renderHeader();
    this.renderDiagram();
    return [this.header, this.failure, this.diagram, this.diffs,
      el('h2', {}, 'Log'),
      el('div', { class: 'log-controls' },
        el('div', {}, el('label', { for: 'log-node' }, 'Node'), this.nodeFilter),
        el('div', {}, el('label', { for: 'log-step' }, 'Step'), this.stepFilter),
        el('div', {}, el('label', { for: 'log-follow' }, el('span', {}, follow, ' Follow new lines')))),
      this.log];
  }

  // The SSE stream: EventSource reconnects by itself with Last-Event-ID.
  connect() {
    const source = new EventSource(`/api/v1/jobs/${this.job.id}/events`);
    source.addEventListener('step', (event) => {
      const step = JSON.parse(event.data);
      this.onStep(step, Number(event.lastEventId), step.time);
    });
    source.addEventListener('log', (event) => this.onLog(JSON.parse(event.data)));
    source.addEventListener('end', async () => {
      source.close();
      Object.assign(this.job, await api(`/api/v1/jobs/${this.job.id}`));
      this.renderHeader();
      this.renderDiagram();
    });
    source.addEventListener('open', async () => {
      // State changes without log lines (queued -> running) show on (re)connect.
      const fresh = await api(`/api/v1/jobs/${this.job.id}`).catch(() => null);
      if (fresh) { Object.assign(this.job, fresh); this.renderHeader(); }
    });
    return () => source.close();
  }
}

async function jobPage(id) {
  const job = await api(`/api/v1/jobs/${id}`);
  const pair = await api(`/api/v1/pairs/${encodeURIComponent(job.pair)}`).catch(() => ({ nodes: [] }));
  job.nodes = pair.nodes.map((n) => n.node);
  const view = new JobView(job);
  show(`Job #${job.id}`, ...view.render());
  leavePage = view.connect();
}

// ------------------------------------------------------------------ routing

async function route() {
  leavePage();
  leavePage = () => {};
  const path = location.pathname;
  for (const link of document.querySelectorAll('[data-nav]')) {
    const current = (link.dataset.nav === 'pairs' && path === '/') || (link.dataset.nav === 'jobs' && path.startsWith('/jobs'));
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  try {
    const job = /^\/jobs\/(\d+)$/.exec(path);
    if (job) await jobPage(job[1]);
    else if (path === '/jobs') await jobsPage();
    else await pairsPage();
  } catch (error) {
    failed(error);
  }
}

route();
