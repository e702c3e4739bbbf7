// Batch approval from the inbox: tick waiting steps, review each exact call and diff, approve or
// reject them in one act. The API signs one statement over exactly the hashes reviewed here; each
// task still decides its own step (a changed call is refused on its own).
import { api, describe } from './api.js';
import { badge, diff, el, target } from './view.js';

const picked = new Map(); // "task/step" -> {taskId, stepId}
let reviewed = []; // [{taskId, stepId, step}] as last read from GET /api/tasks/{id}

function key(taskId, stepId) {
  return `${taskId}/${stepId}`;
}

/** The tick box of an inbox row; only offered where the user may approve. */
export function pickBox(p) {
  if (!p.canApprove) return null;
  return el('input', {
    type: 'checkbox', class: 'pick', 'aria-label': `select ${p.taskId} ${p.stepId}`,
    checked: picked.has(key(p.taskId, p.stepId)),
    onchange: (e) => {
      if (e.target.checked) picked.set(key(p.taskId, p.stepId), { taskId: p.taskId, stepId: p.stepId });
      else picked.delete(key(p.taskId, p.stepId));
      review();
    },
  });
}

/** Drops picks that left the inbox (decided, expired) so a batch never names them. */
export function keepOnly(items) {
  const live = new Set(items.map((p) => key(p.taskId, p.stepId)));
  let changed = false;
  for (const k of [...picked.keys()]) {
    if (!live.has(k)) { picked.delete(k); changed = true; }
  }
  if (changed) review();
}

function reviewItem({ taskId, stepId, step }) {
  const p = step.preview || {};
  return el('li', { class: 'batch-item', dataset: { task: taskId, step: stepId } },
    el('h4', {}, `${taskId} / ${stepId} `, el('code', {}, step.tool), ' ', step.destructive ? badge('destructive', 'bad') : null),
    el('p', { class: 'small' }, 'Target: ', target(p.target), ' · ', p.summary || ''),
    el('pre', { class: 'json call' }, JSON.stringify({ tool: step.tool, args: step.args }, null, 2)),
    diff(p.diff),
    el('p', { class: 'small' }, 'Call hash ', el('code', { class: 'call-hash' }, step.callHash)));
}

async function review() {
  const panel = document.getElementById('batch');
  const list = document.getElementById('batch-list');
  document.getElementById('batch-count').textContent = picked.size ? `(${picked.size})` : '';
  panel.hidden = picked.size === 0;
  if (!picked.size) { reviewed = []; list.replaceChildren(); return; }
  const tasks = {};
  const out = [];
  try {
    for (const { taskId, stepId } of picked.values()) {
      tasks[taskId] = tasks[taskId] || await api(`/api/tasks/${encodeURIComponent(taskId)}`);
      const step = tasks[taskId].steps.find((s) => s.stepId === stepId);
      if (step && step.state === 'AWAITING_APPROVAL') out.push({ taskId, stepId, step });
    }
    reviewed = out;
    list.replaceChildren(...out.map(reviewItem));
  } catch (err) {
    message(describe(err), 'bad');
  }
}

function message(text, kind) {
  const m = document.getElementById('batch-message');
  m.className = `step-note ${kind}`;
  m.replaceChildren(text);
}

async function decide(approve) {
  const comment = document.getElementById('batch-comment').value.trim();
  if (!approve && !comment) {
    message('A rejection needs a reason: write it in the comment box.', 'bad');
    return;
  }
  const buttons = document.querySelectorAll('#batch button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const answer = await api('/api/approvals/batch', {
      method: 'POST',
      body: {
        decision: approve ? 'approve' : 'reject',
        comment: comment || undefined,
        steps: reviewed.map(({ taskId, stepId, step }) => ({ taskId, stepId, callHash: step.callHash })),
      },
    });
    const results = document.getElementById('batch-results');
    results.replaceChildren(...answer.outcomes.map((o) => el('li', {
      class: o.accepted ? 'ok-text' : 'bad-text', dataset: { task: o.taskId, step: o.stepId, accepted: String(o.accepted) },
    }, `${o.taskId} / ${o.stepId}: `, o.accepted ? `accepted, now ${o.state}` : `refused — ${o.why}`)));
    message(`Batch ${answer.statementDigest}: ${answer.outcomes.filter((o) => o.accepted).length} of ${answer.outcomes.length} accepted.`, 'ok');
    answer.outcomes.filter((o) => o.accepted).forEach((o) => picked.delete(key(o.taskId, o.stepId)));
    document.querySelectorAll('#inbox input.pick').forEach((b) => { b.checked = picked.has(key(b.closest('tr').dataset.task, b.closest('tr').dataset.step)); });
    await review();
    document.getElementById('batch').hidden = false;
  } catch (err) {
    message(describe(err), 'bad');
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

export function setUpBatch() {
  document.getElementById('batch-approve').addEventListener('click', () => decide(true));
  document.getElementById('batch-reject').addEventListener('click', () => decide(false));
}
