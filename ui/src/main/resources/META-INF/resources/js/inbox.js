// The approvals inbox across tasks, the environments (locks, freeze windows) and recent tasks.
import { api, describe } from './api.js';
import { keepOnly, pickBox, setUpBatch } from './batch.js';
import { signedIn } from './session.js';
import { age, badge, countdown, el, freezeLine, lockLine, startTicker, target, when } from './view.js';

const INBOX_EVERY_MS = 1000;
const SLOW_EVERY_MS = 5000;

function taskLink(taskId, stepId) {
  return `/task.html?id=${encodeURIComponent(taskId)}${stepId ? '#step-' + encodeURIComponent(stepId) : ''}`;
}

let lastInbox = '';
function renderInbox(items) {
  keepOnly(items);
  const sig = JSON.stringify(items);
  if (sig === lastInbox) return;
  lastInbox = sig;
  const body = document.querySelector('#inbox tbody');
  document.getElementById('inbox-count').textContent = items.length ? `(${items.length})` : '';
  document.getElementById('inbox-empty').hidden = items.length > 0;
  document.getElementById('inbox').hidden = items.length === 0;
  body.replaceChildren(...items.map((p) => el('tr', {
    class: `pending ${p.canApprove ? 'mine' : ''}`, dataset: { task: p.taskId, step: p.stepId },
  },
  el('td', { class: 'pick' }, pickBox(p)),
  el('td', { 'data-label': 'Environment' }, badge(p.environment, 'env')),
  el('td', { 'data-label': 'Requester' }, p.requester),
  el('td', { 'data-label': 'Tool' }, el('code', {}, p.tool)),
  el('td', { 'data-label': 'Target' }, target(p.target)),
  el('td', { 'data-label': 'Summary', class: 'summary' }, p.summary || '—',
    p.goal ? el('div', { class: 'muted small' }, p.goal) : null),
  el('td', { 'data-label': 'Waiting' }, age(p.since)),
  el('td', { 'data-label': 'Deadline' }, countdown(p.deadline)),
  el('td', { class: 'open' }, el('a', { class: 'button review', href: taskLink(p.taskId, p.stepId) },
    p.canApprove ? 'Review' : 'View'),
  p.canApprove ? el('div', { class: 'small ok-text' }, 'you can approve') : null))));
}

function renderEnvironments(envs) {
  document.getElementById('environments').replaceChildren(...envs.map((e) => el('article', {
    class: `card env ${e.lock && e.lock.locked ? 'locked' : ''}`, dataset: { env: e.name }, id: `env-${e.name}`,
  },
  el('h3', {}, e.name, ' ', e.served ? null : badge('not served here', 'muted')),
  lockLine(e.lock),
  el('p', { class: 'small' }, `Approvers: ${e.approvers.join(', ') || 'nobody'} · ${e.requiredApprovals} approval(s) per write`
    + (e.destructiveApprovals ? `, ${e.destructiveApprovals} for destructive ones` : '')),
  el('p', { class: 'small muted' }, e.cluster),
  e.freezeWindows && e.freezeWindows.length
    ? el('div', {}, el('h4', {}, 'Freeze windows'), el('ul', { class: 'freezes' }, ...e.freezeWindows.map(freezeLine)))
    : el('p', { class: 'small muted' }, 'No freeze windows')))); 
}

function renderTasks(tasks) {
  document.getElementById('tasks').replaceChildren(...(tasks.length ? tasks.map((t) => el('li', { dataset: { task: t.taskId } },
    el('a', { href: taskLink(t.taskId) }, t.taskId), ' ', badge(t.state), ' ',
    el('span', { class: 'muted' }, `${t.environment} · ${t.requester}${t.goal ? ' · ' + t.goal : ''}`)))
    : [el('li', { class: 'muted' }, 'No tasks yet.')]));
}

function live(ok, text) {
  const node = document.getElementById('live');
  node.className = `live ${ok ? 'ok' : 'stale'}`;
  node.textContent = text;
}

async function pollInbox() {
  try {
    renderInbox(await api('/api/approvals/summary'));
    live(true, `Live · updated ${when(new Date().toISOString())}`);
  } catch (err) {
    live(false, `Live updates interrupted: ${describe(err)}`);
  }
}

async function pollSlow() {
  try {
    const [envs, tasks] = await Promise.all([api('/api/environments'), api('/api/tasks?limit=30')]);
    renderEnvironments(envs);
    renderTasks(tasks);
  } catch (err) {
    live(false, `Live updates interrupted: ${describe(err)}`);
  }
}

async function main() {
  await signedIn();
  document.querySelector('main').hidden = false;
  startTicker();
  setUpBatch();
  await Promise.all([pollInbox(), pollSlow()]);
  setInterval(pollInbox, INBOX_EVERY_MS);
  setInterval(pollSlow, SLOW_EVERY_MS);
}

main();
