// A pair's recovery state as the nodes' journals last told it (consistent,
// needs recovery, recovering), and the Recover button while it needs it.
import { write } from './api.js';
import { el, time, toast } from './dom.js';
import { navigate } from './nav.js';

const LABELS = { consistent: 'consistent', needs_recovery: 'needs recovery', recovering: 'recovering' };

export function recoveryBadge(recovery) {
  const state = (recovery && recovery.state) || 'consistent';
  return el('span', { class: `badge recovery-${state}` }, LABELS[state] || state);
}

function recoverButton(pairName) {
  const button = el('button', { type: 'button', class: 'danger' }, 'Recover');
  button.addEventListener('click', async () => {
    try {
      const job = await write(`/api/v1/pairs/${encodeURIComponent(pairName)}/recover`);
      navigate(`/jobs/${job.id}`);
    } catch (error) {
      toast(`Recover refused: ${error.status} ${error.message}`);
    }
  });
  return button;
}

// What was found, since when, and what happens next; null while consistent.
export function recoveryNote(pairName, recovery) {
  if (!recovery || recovery.state === 'consistent') return null;
  const next =
    recovery.mode === 'manual'
      ? 'Recovery is manual: deploys of this pair are refused until it is recovered.'
      : 'The next job of this pair recovers it before it deploys.';
  return el(
    'div',
    { class: 'warning recovery', role: 'note' },
    el('strong', {}, `${pairName} ${LABELS[recovery.state]}: `),
    recovery.reason,
    el('span', { class: 'muted' }, ` (since ${time(recovery.since)}). `),
    next,
    recovery.state === 'needs_recovery' ? [' ', recoverButton(pairName)] : null,
  );
}
