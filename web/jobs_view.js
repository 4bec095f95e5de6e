// The jobs page (/jobs): history filtered by pair and state, paged.
import { api } from './api.js';
import { badge, commitLink, duration, el, show, time } from './dom.js';
import { navigate } from './nav.js';

const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'superseded', 'interrupted'];
const COLUMNS = ['Job', 'Pair', 'State', 'Trigger', 'Commit', 'By', 'Created', 'Duration'];

function filter(params, name, label, values) {
  const options = values.map((value) => el('option', { value, selected: params.get(name) === value }, value));
  const select = el('select', { id: `filter-${name}`, name }, el('option', { value: '' }, 'all'), options);
  return el('div', {}, el('label', { for: select.id }, label), select);
}

function filterForm(params, pairs) {
  const pairNames = pairs.map((p) => p.name);
  const form = el(
    'form',
    { class: 'inline', 'aria-label': 'Filter jobs' },
    filter(params, 'pair', 'Pair', pairNames),
    filter(params, 'status', 'State', JOB_STATES),
    el('button', { type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams([...new FormData(form)].filter(([, v]) => v));
    navigate(`/jobs${query.toString() ? `?${query}` : ''}`);
  });
  return form;
}

function jobRow(job) {
  return el(
    'tr',
    {},
    el('td', {}, el('a', { href: `/jobs/${job.id}` }, `#${job.id}`)),
    el('td', {}, job.pair),
    el('td', {}, badge(job.state)),
    el(
      'td',
      {},
      job.trigger === 'rerun' ? 're-run' : job.trigger,
      job.dry_run ? ' (dry run)' : '',
      job.rollback ? ' (rollback)' : '',
    ),
    el('td', {}, commitLink(job)),
    el('td', {}, job.requested_by || '—'),
    el('td', {}, time(job.created_at)),
    el('td', {}, duration(job)),
  );
}

function jobsTable(jobs) {
  const headings = COLUMNS.map((h) => el('th', { scope: 'col' }, h));
  const rows = jobs.length ? jobs.map(jobRow) : el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No jobs.'));
  return el('table', { 'aria-label': 'Jobs' }, el('thead', {}, el('tr', {}, headings)), el('tbody', {}, rows));
}

function olderLink(params, nextBefore) {
  if (!nextBefore) return null;
  const query = new URLSearchParams({ ...Object.fromEntries(params), before: nextBefore });
  return el('p', { class: 'pager' }, el('a', { href: `/jobs?${query}` }, 'Older jobs →'));
}

export async function jobsPage() {
  const params = new URLSearchParams(location.search);
  const [{ pairs }, { jobs, next_before: nextBefore }] = await Promise.all([
    api('/api/v1/pairs'),
    api(`/api/v1/jobs?${params.toString()}`),
  ]);
  show('Jobs', el('h1', {}, 'Jobs'), filterForm(params, pairs), jobsTable(jobs), olderLink(params, nextBefore));
}
