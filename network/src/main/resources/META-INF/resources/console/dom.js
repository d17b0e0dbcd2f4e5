// Small helpers to build the page without a framework.

/** h('a', {href: '#', class: 'x', onclick: f, 'aria-label': 'y'}, 'text', child, ...) */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.className = value;
    else if (key === 'text') element.textContent = value;
    else if (key in element && typeof value !== 'string') element[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces root's content, keeping keyboard focus on the element with the same data-key, if any. */
export function replace(root, ...children) {
  const focused = document.activeElement && root.contains(document.activeElement)
    ? document.activeElement.dataset.key : undefined;
  root.replaceChildren(...children.flat().filter(Boolean));
  if (focused) {
    const again = root.querySelector(`[data-key="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
}

/** The short name of a proto enum value: CONTAINER_TYPE_HA → ha. */
export function short(value, prefix) {
  if (!value) return 'unknown';
  return value.startsWith(prefix) ? value.slice(prefix.length).toLowerCase() : String(value).toLowerCase();
}

export function ago(ms) {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  return Math.floor(s / 3600) + ' h ago';
}

export function time(ms) {
  return ms ? new Date(Number(ms)).toLocaleString() : '—';
}

export function bytes(n) {
  n = Number(n || 0);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}

export function count(n) {
  return Number(n || 0).toLocaleString();
}

/** A state as colour and word: the class s-<word> gives the colour. */
export function badge(word, { title, label, testid } = {}) {
  const spin = word === 'migrating' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null;
  return h('span', { class: `state s-${word}`, title, 'data-testid': testid }, spin, label || word);
}
