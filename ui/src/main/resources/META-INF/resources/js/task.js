// One task: every step (exact call, diff, policy, hash, approvals, refusals, verification), live,
// with approve/reject for those the policy allows, the environment's lock and freezes, and the audit.
import { api, ApiError, describe } from './api.js';
import { signedIn } from './session.js';
import { badge, countdown, diff, el, freezeLine, json, lockLine, startTicker, target, when } from './view.js';

const POLL_MS = 1000;
const AUDIT_MS = 5000;
const taskId = new URLSearchParams(location.search).get('id');
let me = null;
let task = null;
const rendered = new Map();

/** Mirrors the server's rule so nobody sees a button the engine would refuse anyway. */
function canDecide(step) {
  return step.state === 'AWAITING_APPROVAL'
    && me.kind === 'human'
    && me.user !== task.requester
    && !!step.policy && (step.policy.approvers || []).includes(me.user)
    && !(step.approvals || []).some((a) => a.approver === me.user);
}

let messageTimer = null;
function message(text, kind = 'bad') {
  const node = document.getElementById('message');
  node.hidden = !text;
  node.className = `message ${kind}`;
  node.textContent = text || '';
  clearTimeout(messageTimer);
  // Confirmations fade; errors stay until the next action.
  if (kind === 'ok') messageTimer = setTimeout(() => message(null), 8000);
}

/** How an approval was proven: "verified (ssh-ed25519 SHA256:…)", "verified (issuer …)" or "unverified claim". */
function proofLabel(p) {
  if (!p || !p.verified) {
    return !p || p.kind === 'claim' ? 'unverified claim' : `refused (${p.problem})`;
  }
  return p.keyFingerprint ? `verified (${p.keyType} ${p.keyFingerprint})` : `verified (issuer ${p.issuer})`;
}

/** What a step's end state means, in words an approver can act on. */
function explain(step) {
  const e = step.error || '';
  switch (step.state) {
    case 'EXPIRED':
      return ['bad', `Expired: the approval deadline (${when(step.deadline)}) passed before enough approvals arrived. Nothing ran; the agent must propose the step again.`];
    case 'REJECTED':
      return ['bad', `Rejected. ${e}`];
    case 'BLOCKED': {
      const p = step.recheck && !step.recheck.allowed ? step.recheck : step.policy;
      return ['bad', `Blocked by policy rule ${p ? p.ruleId : '?'}: ${p ? p.reason : e}. Nothing ran.`];
    }
    case 'FAILED':
      if (/TARGET_CHANGED|changed since/i.test(e)) {
        const detail = e.replace(/^target changed since approval:\s*/i, '');
        return ['bad', `Target changed since approval: ${detail}. Nothing was mutated; it needs a fresh proposal and approval.`];
      }
      return ['bad', `Failed: ${e}`];
    case 'VERIFICATION_FAILED': {
      const rb = task.steps.find((s) => s.rollbackOf === step.stepId);
      return ['bad', `Verification failed.${rb ? ` A rollback was proposed as step ${rb.stepId}.` : ''} ${e}`];
    }
    case 'SKIPPED':
      return ['muted', 'Skipped: an earlier step halted the task before this one ran.'];
    default:
      return e ? ['bad', e] : null;
  }
}

function policyBlock(title, p) {
  if (!p) return null;
  return el('div', { class: `policy ${p.allowed ? 'allowed' : 'denied'}` },
    el('h4', {}, title, ' ', badge(p.allowed ? 'ALLOWED' : 'DENIED', p.allowed ? 'ok' : 'bad')),
    el('dl', {},
      el('dt', {}, 'Rule'), el('dd', { class: 'rule' }, el('code', {}, p.ruleId || '—')),
      el('dt', {}, 'Reason'), el('dd', { class: 'reason' }, p.reason || '—'),
      el('dt', {}, 'Approvals'), el('dd', {}, `${p.requiredApprovals} of ${(p.approvers || []).join(', ') || 'nobody'}`),
      p.overridableBy && p.overridableBy.length ? [el('dt', {}, 'Break glass'), el('dd', {}, p.overridableBy.join(', '))] : null,
      el('dt', {}, 'Policy version'), el('dd', { class: 'policy-version' }, el('code', {}, p.policyVersion || '—'))));
}

function stepBody(step) {
  const parts = [];
  const head = el('header', { class: 'step-head' },
    el('h3', {}, el('a', { href: `#step-${step.stepId}`, class: 'anchor' }, step.stepId), ' ', el('code', {}, step.tool)),
    badge(step.effect, step.effect === 'WRITE' ? 'write' : 'read'),
    badge(step.state, 'state'),
    step.destructive ? badge('destructive', 'bad') : null,
    step.effect === 'WRITE' && step.idempotent ? badge('idempotent', 'muted') : null,
    step.rollbackOf ? el('a', { class: 'rollback-of', href: `#step-${step.rollbackOf}` }, `rollback of ${step.rollbackOf}`) : null);
  parts.push(head);
  const note = explain(step);
  if (note) parts.push(el('p', { class: `step-note ${note[0]}`, role: note[0] === 'bad' ? 'alert' : null }, note[1]));
  const undoneBy = task.steps.filter((s) => s.rollbackOf === step.stepId);
  if (undoneBy.length) {
    parts.push(el('p', { class: 'small' }, 'Undone by ', ...undoneBy.map((s) => el('a', { href: `#step-${s.stepId}` }, s.stepId))));
  }
  parts.push(el('div', { class: 'facts' },
    el('div', {}, el('span', { class: 'label' }, 'Proposed'), ' ', when(step.proposedAt)),
    step.effect === 'WRITE' && step.deadline ? el('div', { class: 'deadline' }, el('span', { class: 'label' }, 'Deadline'), ' ',
      step.state === 'AWAITING_APPROVAL' ? countdown(step.deadline) : when(step.deadline)) : null,
    step.callHash ? el('div', { class: 'hash' }, el('span', { class: 'label' }, 'Call hash'), ' ', el('code', { class: 'call-hash' }, step.callHash)) : null));
  if (step.compacted) {
    // Finished steps beyond the task's byte budget are held compact; the audit keeps the whole call.
    parts.push(el('div', { class: 'block' }, el('h4', {}, 'Exact call'), el('p', { class: 'muted' }, step.tool + ': arguments, preview body and result are left out of this older finished step to keep the task small; the audit export has them whole.')));
  } else {
    parts.push(el('div', { class: 'block' }, el('h4', {}, 'Exact call'), el('pre', { class: 'json call' }, JSON.stringify({ tool: step.tool, args: step.args }, null, 2))));
  }
  if (step.preview) {
    const p = step.preview;
    parts.push(el('div', { class: 'block preview' },
      el('h4', {}, 'Preview ', el('span', { class: 'muted small' }, p.dryRun || '')),
      el('p', { class: 'summary' }, p.summary || ''),
      el('p', { class: 'small' }, 'Target: ', target(p.target), p.target && p.target.resourceVersion ? ` (resourceVersion ${p.target.resourceVersion}${p.target.uid ? ', uid ' + p.target.uid : ''})` : '',
        p.target && p.target.exists === false ? ' — does not exist yet' : ''),
      p.warnings && p.warnings.length ? el('ul', { class: 'warnings' }, ...p.warnings.map((w) => el('li', {}, w))) : null,
      diff(p.diff)));
  }
  parts.push(policyBlock('Policy when proposed', step.policy));
  parts.push(policyBlock('Policy re-checked before running', step.recheck));
  if ((step.approvals || []).length || (step.refusals || []).length || step.effect === 'WRITE') {
    parts.push(el('div', { class: 'block decisions' },
      el('h4', {}, 'Approvals'),
      (step.approvals || []).length
        ? el('ul', { class: 'approvals' }, ...step.approvals.map((a) => el('li', { dataset: { approver: a.approver } },
          badge('APPROVED', 'ok'), ' ', el('strong', {}, a.approver), ` at ${when(a.at)} `,
          el('span', { class: a.proof && a.proof.verified ? 'proof ok-text' : 'proof bad-text' }, proofLabel(a.proof)),
          a.comment ? ` — “${a.comment}”` : '',
          a.breakGlass ? el('span', { class: 'bad-text' }, ` (break glass: ${a.breakGlass})`) : null)))
        : el('p', { class: 'muted small' }, 'None yet.'),
      (step.refusals || []).length ? [el('h4', {}, 'Refused'), el('ul', { class: 'refusals' }, ...step.refusals.map((r) => el('li', { dataset: { approver: r.approver } },
        badge('REFUSED', 'bad'), ' ', el('strong', {}, r.approver), ` at ${when(r.at)}: `, el('span', { class: 'why' }, r.why))))] : null));
  }
  if (step.verification) {
    const v = step.verification;
    parts.push(el('div', { class: 'block verification' },
      el('h4', {}, 'Verification ', badge(v.verdict, v.verdict === 'VERIFIED' ? 'ok' : 'bad'), ' ', badge(`confidence ${v.confidence}`, 'muted')),
      el('ul', { class: 'evidence' }, ...(v.evidence || []).map((x) => el('li', {}, x)))));
  }
  if (step.result !== null && step.result !== undefined) {
    parts.push(el('details', { class: 'block' }, el('summary', {}, step.effect === 'READ' ? 'Result' : 'Execution result'), json(step.result)));
  }
  if (step.before || step.after) {
    parts.push(el('details', { class: 'block' }, el('summary', {}, 'State before / after'),
      el('div', { class: 'two' }, el('div', {}, el('h4', {}, 'Before'), json(step.before)), el('div', {}, el('h4', {}, 'After'), json(step.after)))));
  }
  return parts;
}

function actions(step) {
  if (!canDecide(step)) {
    if (step.state === 'AWAITING_APPROVAL' && me.user === task.requester) {
      return el('p', { class: 'muted small not-yours' }, 'You requested this call, so you cannot approve it.');
    }
    if (step.state === 'AWAITING_APPROVAL' && (step.approvals || []).some((a) => a.approver === me.user)) {
      return el('p', { class: 'muted small' }, 'You approved this call; it waits for the other approvals the policy needs.');
    }
    if (step.state === 'AWAITING_APPROVAL') {
      return el('p', { class: 'muted small not-yours' }, `Only ${(step.policy && step.policy.approvers || []).join(', ') || 'nobody'} may approve this call.`);
    }
    return null;
  }
  const comment = el('input', { type: 'text', class: 'comment', placeholder: 'comment (optional)', 'aria-label': 'approval comment' });
  const reason = el('input', { type: 'text', class: 'reject-reason', placeholder: 'reason (required to reject)', 'aria-label': 'rejection reason' });
  const needsGlass = step.policy && !step.policy.allowed && (step.policy.overridableBy || []).includes(me.user);
  const glass = needsGlass ? el('input', { type: 'text', class: 'break-glass', placeholder: 'break-glass reason', 'aria-label': 'break-glass reason' }) : null;
  const outcome = el('p', { class: 'action-result', role: 'alert', hidden: true });
  const buttons = [];
  const act = async (kind) => {
    outcome.hidden = true;
    if (kind === 'reject' && !reason.value.trim()) {
      outcome.hidden = false;
      outcome.className = 'action-result bad';
      outcome.textContent = 'A reason is required to reject.';
      reason.focus();
      return;
    }
    buttons.forEach((b) => { b.disabled = true; });
    const body = kind === 'approve'
      ? { callHash: step.callHash, comment: comment.value.trim() || null, breakGlass: glass && glass.value.trim() ? glass.value.trim() : null }
      : { callHash: step.callHash, reason: reason.value.trim() };
    try {
      const after = await api(`/api/tasks/${encodeURIComponent(taskId)}/steps/${encodeURIComponent(step.stepId)}/${kind}`, { method: 'POST', body });
      message(`${kind === 'approve' ? 'Approved' : 'Rejected'} ${step.stepId}: now ${after.state}.`, 'ok');
      refresh();
    } catch (err) {
      const refused = err instanceof ApiError && err.status === 409;
      const text = refused
        ? `${kind === 'approve' ? 'Approval' : 'Rejection'} refused by the engine: ${err.body.why || err.body.error}`
        : describe(err);
      outcome.hidden = false;
      outcome.className = 'action-result bad refused';
      outcome.textContent = text;
      message(text, 'bad');
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
  buttons.push(el('button', { type: 'button', class: 'approve', onclick: () => act('approve') }, 'Approve'));
  buttons.push(el('button', { type: 'button', class: 'reject danger', onclick: () => act('reject') }, 'Reject'));
  return el('div', { class: 'decide' },
    el('p', { class: 'small' }, `Approving binds to call hash `, el('code', {}, step.callHash), ' — exactly the call shown above.'),
    el('div', { class: 'row wrap' }, comment, glass, buttons[0]),
    el('div', { class: 'row wrap' }, reason, buttons[1]),
    outcome);
}

function renderStep(step) {
  const container = document.getElementById('steps');
  let node = document.getElementById(`step-${step.stepId}`);
  if (!node) {
    node = el('article', { class: 'step panel', id: `step-${step.stepId}` },
      el('div', { class: 'step-body' }), el('div', { class: 'step-actions' }));
    container.append(node);
  }
  node.dataset.state = step.state;
  node.dataset.effect = step.effect;
  const prev = rendered.get(step.stepId) || {};
  // Re-render only what changed, so a reason being typed is not wiped by the next poll.
  const bodySig = JSON.stringify(step) + (task.steps.some((s) => s.rollbackOf === step.stepId) ? '+rb' : '');
  if (prev.body !== bodySig) node.querySelector('.step-body').replaceChildren(...stepBody(step).filter(Boolean));
  const actSig = `${canDecide(step)}|${step.state}|${step.callHash}|${(step.approvals || []).length}`;
  if (prev.actions !== actSig) {
    const a = actions(step);
    node.querySelector('.step-actions').replaceChildren(...(a ? [a] : []));
  }
  rendered.set(step.stepId, { body: bodySig, actions: actSig });
}

function renderHead() {
  const pending = task.steps.filter((s) => s.state === 'AWAITING_APPROVAL').length;
  document.title = `Interlock — ${task.taskId}`;
  document.getElementById('task').replaceChildren(
    el('div', { class: 'row wrap' }, el('h1', {}, task.taskId), badge(task.state, 'state')),
    el('p', { class: 'goal' }, task.goal || ''),
    el('p', { class: 'small' }, 'Requested by ', el('strong', { id: 'requester' }, task.requester), ' ',
      el('span', { class: task.requesterProof && task.requesterProof.verified ? 'proof ok-text' : 'proof bad-text', id: 'requester-proof' },
        `(${proofLabel(task.requesterProof)})`), ' in ',
      el('a', { href: `/#env-${task.environment}` }, task.environment),
      ` · ${task.steps.length} step(s)${pending ? ` · ${pending} waiting for approval` : ''}`,
      task.haltedBy ? el('span', { class: 'bad-text' }, ` · halted by ${task.haltedBy}`) : null,
      task.finishRequested ? ' · agent finished proposing' : ''));
}

function renderEnvironment(env) {
  const node = document.getElementById('environment');
  const active = (env.freezeWindows || []).filter((f) => f.active);
  node.hidden = false;
  node.replaceChildren(...[el('h2', {}, `Environment ${env.name}`), lockLine(env.lock),
    active.length ? el('p', { class: 'bad-text' }, `Freeze active now: ${active.map((f) => f.id).join(', ')} — policy blocks writes unless broken glass is allowed.`) : null,
    env.freezeWindows && env.freezeWindows.length ? el('details', {}, el('summary', {}, `Freeze windows (${env.freezeWindows.length})`),
      el('ul', { class: 'freezes' }, ...env.freezeWindows.map(freezeLine))) : el('p', { class: 'muted small' }, 'No freeze windows.')]
    .filter(Boolean));
}

/** Engine bookkeeping a reviewer rarely needs; shown with "every event". */
const BOOKKEEPING = new Set(['SEARCH_ATTRIBUTES', 'TIMER_STARTED', 'TIMER_FIRED', 'UPDATE_COMPLETED']);
let lastReport = null;

function renderAudit(report) {
  lastReport = report;
  const all = document.getElementById('audit-all').checked;
  const list = document.getElementById('audit');
  const entries = (report.entries || []).filter((e) => all || !BOOKKEEPING.has(e.kind));
  list.replaceChildren(...entries.map((e) => el('li', { dataset: { kind: e.kind } },
    el('time', { datetime: e.at }, when(e.at)), ' ', badge(e.kind, 'muted'), ' ',
    e.stepId ? el('a', { href: `#step-${e.stepId}` }, e.stepId) : null, ' ',
    e.actor ? el('strong', {}, e.actor) : null,
    e.serverIdentity ? el('span', { class: 'muted small' }, ` via ${e.serverIdentity}`) : null,
    e.detail ? el('details', {}, el('summary', { class: 'small' }, 'detail'), json(e.detail)) : null)));
}

function live(ok, text) {
  const node = document.getElementById('live');
  node.className = `live ${ok ? 'ok' : 'stale'}`;
  node.textContent = text;
}

let lastSig = '';
async function refresh() {
  try {
    task = await api(`/api/tasks/${encodeURIComponent(taskId)}`);
    live(true, `Live · updated ${when(new Date().toISOString())}`);
    const sig = JSON.stringify(task);
    if (sig === lastSig) return;
    lastSig = sig;
    renderHead();
    task.steps.forEach(renderStep);
    if (location.hash && !refresh.scrolled) {
      const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) { target.scrollIntoView(); refresh.scrolled = true; }
    }
    refreshAudit();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      live(false, `No such task: ${describe(err)}`);
    } else if (err instanceof ApiError && err.status === 410) {
      // Ended from outside (terminated, timed out): nothing will change, but its record still reads.
      live(false, `Task ended: ${describe(err)}`);
      refreshAudit();
    } else {
      live(false, `Live updates interrupted — what you see may be stale. ${describe(err)}`);
    }
  }
}

async function refreshAudit() {
  try {
    renderAudit(await api(`/api/tasks/${encodeURIComponent(taskId)}/audit?format=json`));
  } catch (err) {
    document.getElementById('audit').replaceChildren(el('li', { class: 'muted' }, `Audit not available: ${describe(err)}`));
  }
}

async function download(format) {
  try {
    const text = await api(`/api/tasks/${encodeURIComponent(taskId)}/audit?format=${format}`, { raw: true, accept: format === 'md' ? 'text/markdown' : 'application/json' });
    const blob = new Blob([text], { type: format === 'md' ? 'text/markdown' : 'application/json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: `${taskId}-audit.${format}` });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (err) {
    message(`Export failed: ${describe(err)}`);
  }
}

async function main() {
  me = await signedIn();
  document.querySelector('main').hidden = false;
  if (!taskId) {
    live(false, 'No task id: open a task from the approvals page (task.html?id=...).');
    return;
  }
  startTicker();
  document.getElementById('export-json').addEventListener('click', () => download('json'));
  document.getElementById('export-md').addEventListener('click', () => download('md'));
  document.getElementById('audit-all').addEventListener('change', () => lastReport && renderAudit(lastReport));
  await refresh();
  const environment = () => task && api(`/api/environments/${encodeURIComponent(task.environment)}`)
    .then(renderEnvironment).catch(() => {});
  environment();
  setInterval(refresh, POLL_MS);
  setInterval(() => {
    environment();
    if (task && task.state !== 'COMPLETED') refreshAudit();
  }, AUDIT_MS);
}

main();
