// The job page's diagram of the procedure, drawn from the server's table
// (GET /api/v1/steps): one stage after another, each step a box coloured by
// its state. Nothing here knows a step by name.
import { el } from './dom.js';

export const stepKey = (node, name) => `${node}|${name}`;

// The boxes of a job: view = { steps: Map(key -> {state, message}), nodes, roles, finished }.
export function diagram(procedure, view) {
  const arrow = () => el('span', { class: 'arrow', 'aria-hidden': 'true' }, '→');
  return procedure.stages.flatMap((stage, index) => {
    const drawn = drawStage(stage, view);
    return index ? [arrow(), drawn] : [drawn];
  });
}

function drawStage(stage, view) {
  const node = stage.role ? view.roles[stage.role] : '';
  const title = node ? `${stage.title}: ${node}` : stage.title;
  const boxes = (step) => (stage.role ? roleStageBoxes(step, node, view) : pairStageBoxes(step, view));
  return stageBox(title, stage.steps.map(boxes));
}

const stageBox = (title, boxes) => el('div', { class: 'stage' }, el('h3', {}, title), boxes);

// A stage for the whole pair: node steps once per node of the job.
function pairStageBoxes(step, view) {
  if (step.scope !== 'node') return pairBox(step, view);
  return view.nodes
    .filter((node) => drawn(step, node, view))
    .map((node) => box(view, node, step, `${step.label} ${node}`));
}

// A stage for the node holding a role; before the role is known, pending boxes without node.
function roleStageBoxes(step, node, view) {
  if (step.scope !== 'node') return pairBox(step, view);
  if (!node) return step.only_when_run ? [] : el('span', { class: 'box state-pending' }, step.label);
  return drawn(step, node, view) ? box(view, node, step, step.label) : [];
}

function pairBox(step, view) {
  return drawn(step, '', view) ? box(view, '', step, step.label) : [];
}

// Steps that only exist when something happened (a restore) are drawn only then.
const drawn = (step, node, view) => !step.only_when_run || view.steps.has(stepKey(node, step.name));

function box(view, node, step, label) {
  const recorded = view.steps.get(stepKey(node, step.name));
  const state = recorded ? recorded.state : view.finished ? 'skipped' : 'pending';
  const shown = recorded ? recorded.state : view.finished ? 'not run' : 'pending';
  return el(
    'span',
    {
      class: `box state-${state}`,
      role: 'listitem',
      title: recorded && recorded.message ? recorded.message : shown,
      'data-step': stepKey(node, step.name),
      'data-state': recorded ? recorded.state : 'pending',
    },
    label,
    ' ',
    el('span', { class: 'muted' }, `· ${shown}`),
  );
}
