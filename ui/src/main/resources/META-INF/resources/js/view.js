// Small DOM and formatting pieces shared by the pages.

/** Builds an element: el('div', {class: 'x', dataset: {a: 1}}, child, 'text', ...). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** "3h 05m 09s" / "42s"; negative means passed. */
export function duration(ms) {
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const two = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h ${two(m)}m`;
  if (h > 0) return `${h}h ${two(m)}m ${two(sec)}s`;
  if (m > 0) return `${m}m ${two(sec)}s`;
  return `${sec}s`;
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A deadline whose text the page's ticker refreshes every second. */
export function countdown(deadline) {
  const node = el('time', { class: 'countdown', datetime: deadline, dataset: { deadline }, title: when(deadline) });
  tick(node);
  return node;
}

/** An age ("waiting 2m 10s") refreshed by the ticker. */
export function age(since) {
  const node = el('time', { class: 'age', datetime: since, dataset: { since }, title: when(since) });
  tick(node);
  return node;
}

function tick(node) {
  const now = Date.now();
  if (node.dataset.deadline) {
    const left = Date.parse(node.dataset.deadline) - now;
    node.textContent = left > 0 ? `${duration(left)} left` : `deadline passed ${duration(left)} ago`;
    node.classList.toggle('urgent', left > 0 && left < 5 * 60 * 1000);
    node.classList.toggle('passed', left <= 0);
  } else if (node.dataset.since) {
    node.textContent = duration(now - Date.parse(node.dataset.since));
  }
}

export function startTicker() {
  setInterval(() => document.querySelectorAll('time.countdown, time.age').forEach(tick), 1000);
}

export function target(t) {
  if (!t) return '—';
  return `${t.kind || ''} ${t.namespace ? t.namespace + '/' : ''}${t.name || ''}`.trim();
}

/** A unified diff with added, removed, hunk and header lines colored. */
export function diff(text) {
  const pre = el('pre', { class: 'diff' });
  if (!text) {
    pre.append(el('span', { class: 'meta' }, '(no diff)'));
    return pre;
  }
  for (const line of text.split('\n')) {
    let cls = 'ctx';
    if (line.startsWith('+++') || line.startsWith('---')) cls = 'meta';
    else if (line.startsWith('@@')) cls = 'hunk';
    else if (line.startsWith('+')) cls = 'add';
    else if (line.startsWith('-')) cls = 'del';
    // Block spans keep one line each; no '\n' between them, or lines would double.
    pre.append(el('span', { class: cls }, line || ' '));
  }
  return pre;
}

export function json(value) {
  return el('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

export function badge(text, kind) {
  return el('span', { class: `badge ${kind || ''} state-${String(text).toLowerCase().replace(/_/g, '-')}` }, text);
}

/** A freeze window or lock in one line. */
export function freezeLine(f) {
  const span = f.start ? `${when(f.start)} → ${when(f.end)} (${f.zone})` : `no occurrence in the next 14 days (${f.zone})`;
  return el('li', { class: `freeze ${f.active ? 'active' : ''}`, dataset: { freeze: f.id } },
    el('strong', {}, f.id), ' ', f.active ? badge('ACTIVE NOW', 'warn') : badge(f.type === 'ALLOW' ? 'allow window' : 'next', ''),
    ' ', span, f.message ? ` — ${f.message}` : '', f.breakGlass ? ' (break-glass possible)' : ' (no break-glass)');
}

export function lockLine(lock) {
  if (!lock || !lock.locked) return el('p', { class: 'lock unlocked' }, 'Not locked');
  return el('p', { class: 'lock locked' }, badge('LOCKED', 'bad'), ' ',
    lock.by ? `by ${lock.by}` : '', lock.why ? `: ${lock.why}` : '', lock.until ? ` until ${when(lock.until)}` : '');
}
