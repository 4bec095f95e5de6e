// The job page's live log (node and step filters, follow toggle) and a dry
// run's diffs per node.
import { clock, diffKind, el } from './dom.js';

export class JobLog {
  constructor() {
    this.follow = true;
    this.filters = { node: '', step: '' };
    this.seen = new Set();
    this.log = el('div', { class: 'log', role: 'log', 'aria-label': 'Job log', tabindex: '0' });
    this.diffs = el('div', { class: 'diffs' });
    this.nodeFilter = this.filterSelect('log-node', 'node', 'all nodes');
    this.stepFilter = this.filterSelect('log-step', 'step', 'all steps');
  }

  filterSelect(id, field, allText) {
    const select = el('select', { id }, el('option', { value: '' }, allText));
    select.addEventListener('change', () => {
      this.filters[field] = select.value;
      this.applyFilters();
    });
    return select;
  }

  // One line, tagged with the step it belongs to; a reconnect never shows a line twice.
  add(line, step) {
    if (this.seen.has(line.seq)) return;
    this.seen.add(line.seq);
    addOption(this.nodeFilter, line.node);
    addOption(this.stepFilter, step);
    const kind = line.stream === 'diff' ? diffKind(line.text) : '';
    const row = el(
      'div',
      {
        class: `line ${line.stream}${kind ? ` ${kind}` : ''}`,
        'data-seq': line.seq,
        'data-node': line.node || '',
        'data-step': step || '',
      },
      el('span', { class: 't' }, clock(line.time)),
      el('span', { class: 'n' }, line.node || 'pair'),
      el('span', { class: 's' }, step || ''),
      el('span', { class: 'x' }, line.text),
    );
    row.hidden = !this.visible(row);
    this.log.append(row);
    if (this.follow) this.log.scrollTop = this.log.scrollHeight;
  }

  visible(row) {
    const { node, step } = this.filters;
    return (!node || row.dataset.node === node) && (!step || row.dataset.step === step);
  }

  applyFilters() {
    for (const row of this.log.children) row.hidden = !this.visible(row);
  }

  // A line of stream "diff": into the block of its node.
  addDiff(line) {
    if (!this.diffs.firstChild) this.diffs.append(el('h2', {}, 'What would change (dry run)'));
    let block = this.diffs.querySelector(`pre[data-node="${line.node}"]`);
    if (!block) {
      this.diffs.append(el('h3', {}, line.node));
      block = el('pre', { 'data-node': line.node });
      this.diffs.append(block);
    }
    block.append(el('span', { class: diffKind(line.text) }, line.text), '\n');
  }

  // The log's heading, controls and lines.
  render() {
    const follow = el('input', { type: 'checkbox', id: 'log-follow', checked: true });
    follow.addEventListener('change', () => {
      this.follow = follow.checked;
    });
    const control = (id, label, input) => el('div', {}, el('label', { for: id }, label), input);
    return [
      el('h2', {}, 'Log'),
      el(
        'div',
        { class: 'log-controls' },
        control('log-node', 'Node', this.nodeFilter),
        control('log-step', 'Step', this.stepFilter),
        el('div', {}, el('label', { for: 'log-follow' }, el('span', {}, follow, ' Follow new lines'))),
      ),
      this.log,
    ];
  }
}

function addOption(select, value) {
  if (value && ![...select.options].some((o) => o.value === value)) select.append(el('option', { value }, value));
}
