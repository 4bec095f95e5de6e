// The job page (/jobs/{id}): header with Re-run and Cancel, the failure, the
// procedure as a diagram, a dry run's diffs and the live log, all driven by
// the job's event stream.
import { api, getProcedure, jobEvents, write, writeDeploy } from './api.js';
import { diagram, stepKey } from './diagram.js';
import { badge, commitLink, duration, el, isFinal, show, time, toast } from './dom.js';
import { JobLog } from './job_log.js';
import { navigate } from './nav.js';
import { recoveryNote } from './recovery.js';

const verb = (state) => (state === 'running' ? 'started' : state);

// The job page's live model: steps by node+name, the node of each role, and the DOM they drive.
class JobView {
  constructor(job, procedure) {
    this.job = job;
    this.procedure = procedure;
    this.steps = new Map(); // "node|name" -> {state, message}
    this.roles = {}; // role ("master", "backup") -> node, from the first step that carries one
    this.currentStep = new Map(); // node -> step name, to tag log lines
    this.log = new JobLog();
    this.diagram = el('div', { class: 'pipeline', role: 'list', 'aria-label': 'Rollout steps' });
    this.failure = el('div', { 'aria-live': 'assertive' });
    this.header = el('div');
    this.learnRoles(job.steps || []);
  }

  // The first step with a role and a node tells both: the other node holds the other role.
  learnRoles(steps) {
    const roles = [...new Set(this.procedure.stages.map((stage) => stage.role).filter(Boolean))];
    const step = steps.find((s) => s.node && roles.includes(s.role));
    if (!step || Object.keys(this.roles).length) return;
    const otherNode = this.job.nodes.find((n) => n !== step.node) || null;
    for (const role of roles) this.roles[role] = role === step.role ? step.node : otherNode;
  }

  onStep(step, seq) {
    this.steps.set(stepKey(step.node, step.name), { state: step.state, message: step.message });
    this.learnRoles([step]);
    if (step.node && step.state === 'running') this.currentStep.set(step.node, step.name);
    const text = `${step.name} ${verb(step.state)}${step.message ? `: ${step.message}` : ''}`;
    this.log.add({ seq, time: step.time, node: step.node, stream: 'step', text }, step.name);
    this.renderDiagram();
  }

  onLog(line) {
    this.log.add(line, line.node ? this.currentStep.get(line.node) || '' : '');
    if (line.stream === 'diff') this.log.addDiff(line);
  }

  // The job as the server has it now (state, cancel request, error).
  refresh(fresh) {
    Object.assign(this.job, fresh);
    this.learnRoles(fresh.steps || []);
  }

  renderDiagram() {
    const { steps, roles } = this;
    const view = { steps, roles, nodes: this.job.nodes, finished: isFinal(this.job.state) };
    this.diagram.replaceChildren(...diagram(this.procedure, view));
  }

  renderHeader() {
    const job = this.job;
    this.header.replaceChildren(
      el(
        'h1',
        {},
        `Job #${job.id} · ${job.pair} `,
        badge(job.state),
        job.dry_run ? el('span', { class: 'muted' }, ' dry run') : null,
        job.rollback ? el('span', { class: 'muted' }, ' rollback') : null,
      ),
      jobMeta(job),
      recoveryNote(job.pair, job.recovery),
      el('div', { class: 'actions' }, this.rerunButton(), this.cancelButton()),
    );
    this.renderFailure();
  }

  rerunButton() {
    const button = el('button', { type: 'button', disabled: !isFinal(this.job.state) }, 'Re-run');
    button.addEventListener('click', async () => {
      try {
        const created = await writeDeploy(`/api/v1/jobs/${this.job.id}/rerun`);
        if (created) navigate(`/jobs/${created.id}`);
      } catch (error) {
        toast(`Re-run refused: ${error.status} ${error.message}`);
      }
    });
    return button;
  }

  cancelButton() {
    const job = this.job;
    const disabled = !['queued', 'running'].includes(job.state) || job.cancel_requested;
    const text = job.cancel_requested ? 'Cancel requested' : 'Cancel';
    const button = el('button', { type: 'button', class: 'danger', disabled }, text);
    button.addEventListener('click', async () => {
      try {
        Object.assign(this.job, await write(`/api/v1/jobs/${job.id}/cancel`));
        this.renderHeader();
      } catch (error) {
        toast(`Cancel refused: ${error.status} ${error.message}`);
      }
    });
    return button;
  }

  // On failure: the failing step and its message at the top.
  renderFailure() {
    if (!['failed', 'interrupted'].includes(this.job.state)) {
      this.failure.replaceChildren();
      return;
    }
    const failedStep = [...this.steps.entries()].find(([, step]) => step.state === 'failed');
    const where = failedStep ? failedStep[0].replace('|', ' ').trim() : 'the job';
    const message = failedStep ? failedStep[1].message : '';
    // The job's error usually repeats the step's message and adds which node was restored.
    const error = this.job.error;
    const details = error && error.includes(message) ? [error] : [message, error];
    const lines = details.filter(Boolean).map((text) => el('div', { class: 'mono' }, text));
    this.failure.replaceChildren(
      el('div', { class: 'failure', role: 'alert' }, el('strong', {}, `Failed at ${where}`), lines),
    );
  }

  render() {
    this.renderHeader();
    this.renderDiagram();
    return [this.header, this.failure, this.diagram, this.log.diffs, ...this.log.render()];
  }

  // The event stream; returns the function that closes it.
  connect() {
    return jobEvents(this.job.id, {
      step: (step, seq) => this.onStep(step, seq),
      log: (line) => this.onLog(line),
      end: async () => {
        this.refresh(await api(`/api/v1/jobs/${this.job.id}`));
        this.renderHeader();
        this.renderDiagram();
      },
      open: async () => {
        // State changes without log lines (queued -> running) show on (re)connect.
        const fresh = await api(`/api/v1/jobs/${this.job.id}`).catch(() => null);
        if (!fresh) return;
        this.refresh(fresh);
        this.renderHeader();
      },
    });
  }
}

function jobMeta(job) {
  return el(
    'div',
    { class: 'meta' },
    el('span', {}, 'commit ', commitLink(job)),
    el('span', {}, `ref ${job.ref || '—'}`),
    el('span', {}, `trigger ${job.trigger}`),
    el('span', {}, `by ${job.requested_by || '—'}`),
    el('span', {}, `created ${time(job.created_at)}`),
    el('span', {}, `duration ${duration(job)}`),
    job.rerun_of ? el('span', {}, 're-run of ', el('a', { href: `/jobs/${job.rerun_of}` }, `#${job.rerun_of}`)) : null,
  );
}

// Renders the job page; returns the function that closes its event stream.
export async function jobPage(id) {
  const [job, procedure] = await Promise.all([api(`/api/v1/jobs/${id}`), getProcedure()]);
  const pair = await api(`/api/v1/pairs/${encodeURIComponent(job.pair)}`).catch(() => ({ nodes: [] }));
  job.nodes = pair.nodes.map((n) => n.node);
  job.recovery = pair.recovery;
  const view = new JobView(job, procedure);
  show(`Job #${job.id}`, ...view.render());
  return view.connect();
}
