// The pairs page (/): each pair's nodes, VIP holder, recovery state, drift,
// last job and a deploy form.
import { api, writeDeploy } from './api.js';
import { badge, commitLink, el, shortSha, show, time, toast } from './dom.js';
import { navigate } from './nav.js';
import { recoveryBadge, recoveryNote } from './recovery.js';

// The deploy request for what was typed: a SHA is a commit, anything else a ref.
function deployBody(text, dryRun) {
  const value = text.trim();
  const body = { dry_run: dryRun };
  if (/^[0-9a-f]{7,40}$/.test(value)) body.commit = value;
  else if (value) body.ref = value;
  return body;
}

async function deploy(pair, body) {
  try {
    const job = await writeDeploy(`/api/v1/pairs/${encodeURIComponent(pair.name)}/deploy`, body);
    if (job) navigate(`/jobs/${job.id}`);
  } catch (error) {
    toast(`Deploy refused: ${error.status} ${error.message}`);
  }
}

function deployForm(pair) {
  const help = `ref-help-${pair.name}`;
  const ref = el('input', { type: 'text', id: `ref-${pair.name}`, placeholder: 'main', 'aria-describedby': help });
  const dry = el('input', { type: 'checkbox', id: `dry-${pair.name}` });
  const form = el(
    'form',
    { class: 'inline', 'aria-label': `Deploy ${pair.name}` },
    el(
      'div',
      {},
      el('label', { for: ref.id }, 'Ref or commit'),
      ref,
      el('span', { id: help, class: 'muted', hidden: true }, 'A branch, tag or commit SHA; empty = the branch'),
    ),
    el('div', {}, el('label', { for: dry.id }, el('span', {}, dry, ' Dry run'))),
    el('button', { class: 'primary', type: 'submit' }, 'Deploy'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    deploy(pair, deployBody(ref.value, dry.checked));
  });
  return form;
}

function deployedCell(node) {
  if (!node.deployed_commit) return el('span', { class: 'muted' }, 'never');
  return el('code', { title: node.deployed_commit }, shortSha(node.deployed_commit));
}

function vipCell(node) {
  if (node.holds_vip) return el('span', { class: 'vip' }, 'holds VIP');
  return node.holds_vip === false ? 'backup' : '—';
}

function nodeRow(node) {
  return el(
    'tr',
    {},
    el('td', {}, node.node),
    el('td', { class: 'mono' }, node.host),
    el('td', {}, deployedCell(node)),
    el('td', {}, vipCell(node)),
  );
}

function nodesTable(pair) {
  const headings = ['Node', 'Host', 'Deployed', 'VIP (last seen)'].map((text) => el('th', {}, text));
  return el('table', {}, el('thead', {}, el('tr', {}, headings)), el('tbody', {}, pair.nodes.map(nodeRow)));
}

function warnings(pair) {
  const note = (...text) => el('p', { class: 'warning', role: 'note' }, ...text);
  return [
    pair.drift ? note('The two nodes run different commits.') : null,
    pair.behind_branch
      ? note(
          'Not every node runs the head of the deploy branch (',
          el('code', { title: pair.branch_head }, shortSha(pair.branch_head)),
          ', as last fetched).',
        )
      : null,
  ];
}

function lastJob(job) {
  if (!job) return el('span', { class: 'muted' }, 'none');
  return [
    el('a', { href: `/jobs/${job.id}` }, `#${job.id}`),
    ' ',
    badge(job.state),
    ' ',
    commitLink(job),
    ' ',
    el('span', { class: 'muted' }, time(job.created_at)),
  ];
}

function pairCard(pair) {
  return el(
    'section',
    { class: 'card', 'aria-labelledby': `pair-${pair.name}` },
    el(
      'h2',
      { id: `pair-${pair.name}` },
      pair.name,
      ' ',
      el('span', { class: 'muted mono' }, `VIP ${pair.vip}`),
      ' ',
      recoveryBadge(pair.recovery),
    ),
    recoveryNote(pair.name, pair.recovery),
    warnings(pair),
    nodesTable(pair),
    el('p', {}, 'Last job: ', lastJob(pair.last_job)),
    deployForm(pair),
  );
}

export async function pairsPage() {
  const { pairs } = await api('/api/v1/pairs');
  show('Pairs', el('h1', {}, 'Pairs'), el('div', { class: 'cards' }, pairs.map(pairCard)));
}
