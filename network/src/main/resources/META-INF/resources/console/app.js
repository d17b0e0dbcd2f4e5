// The vnet operator console: sign-in, overview, nodes, containers, container detail, all kept live by the
// coordinator's event stream (/api/v1/events). docs/CONSOLE.md.
import * as api from './api.js';
import { h, replace, short, ago, time, bytes, count, badge } from './dom.js';

const $ = (selector) => document.querySelector(selector);
const view = $('#view');
const SAMPLES = 90; // overview points kept for the chart (3 minutes at the default 2 s interval)

const state = {
  me: null,
  leader: null,
  standby: null,      // the refusal a standby answers with, while this replica does not lead
  agents: new Map(),  // agentId → AgentInfo
  nodes: [],          // NodeInfo from the store (agents that are gone stay as unhealthy)
  overview: null,
  samples: [],        // {at, requests, errors} rates per second
  migrating: new Map(), // container uuid → MigrationInfo in progress
  outcomes: new Map(),  // container uuid → last finished MigrationInfo seen live
  live: 'connecting',
  route: null,
  containers: null,   // the page shown: {total, offset, containers}
};

const can = (permission) => !!state.me && state.me.permissions.includes(permission);

// ---------------------------------------------------------------- start-up and sign-in

async function boot() {
  try {
    state.me = await api.get('me');
  } catch (e) {
    if (e.status === 401) return signIn(api.token() ? e.message : '');
    return fatal(e);
  }
  $('#signin').hidden = true;
  $('#nav').hidden = false;
  banners();
  who();
  window.addEventListener('hashchange', route);
  // The view asks for its own data at once; the shared state (leader, agents, counts) comes alongside.
  const loading = load();
  route();
  await loading.catch(fatal);
  render();
  connect();
  setInterval(tickAges, 1000);
}

function signIn(problem) {
  $('#signin').hidden = false;
  $('#nav').hidden = true;
  $('#signin-error').textContent = problem || '';
  $('#token').focus();
  $('#signin-form').onsubmit = async (event) => {
    event.preventDefault();
    api.setToken($('#token').value.trim());
    try {
      state.me = await api.get('me');
      location.reload();
    } catch (e) {
      api.setToken('');
      $('#signin-error').textContent = e.message;
    }
  };
}

function fatal(e) {
  replace(view, h('div', { class: 'card', role: 'alert' }, h('h1', { text: 'The coordinator did not answer' }),
    h('p', { text: e.message }), h('button', { onclick: () => location.reload(), text: 'Retry' })));
}

function who() {
  replace($('#who'),
    h('span', { class: 'live ' + (state.live === 'on' ? 'on' : state.live === 'off' ? 'off' : ''), 'data-testid': 'live' },
      state.live === 'on' ? 'live' : state.live === 'off' ? 'reconnecting…' : 'connecting…'),
    h('span', { 'data-testid': 'principal' }, state.me.name),
    state.me.securityOn ? h('button', { onclick: () => { api.setToken(''); location.reload(); }, text: 'Sign out' }) : null);
}

function banners() {
  const list = [];
  if (!state.me.securityOn) {
    list.push(h('div', { class: 'banner warn', role: 'note', 'data-testid': 'security-off' },
      h('strong', { text: 'Security is off. ' }),
      'Anyone who reaches this coordinator may do anything: for local development only (docs/SECURITY.md).'));
  }
  if (state.standby) {
    const leader = state.leader;
    list.push(h('div', { class: 'banner info', role: 'status', 'data-testid': 'standby' },
      h('strong', { text: 'This replica stands by. ' }),
      leader && leader.holder ? [`${leader.holder} leads (epoch ${leader.epoch}). `,
        leader.consoleUrl ? h('a', { href: leader.consoleUrl, text: 'Open the leader\u2019s console' }) : '']
        : state.standby.message));
  }
  replace($('#banners'), list);
}

// ---------------------------------------------------------------- data

async function load() {
  const [leader, nodes] = await Promise.all([api.get('leader').catch(() => null),
    api.get('nodes').catch(() => ({ nodes: [] }))]);
  state.leader = leader;
  state.nodes = nodes.nodes;
  try {
    const [agents, overview] = await Promise.all([api.get('agents'), api.get('overview')]);
    state.standby = null;
    state.agents = new Map(agents.agents.map((a) => [a.agentId, a]));
    sample(overview);
    // Moves under way before the page opened; later ones come as events. Not waited for: it reads every container.
    api.get('containers?migration=migrating&limit=1000').then((moving) => {
      for (const c of moving.containers) {
        if (!state.migrating.has(c.uuid)) {
          state.migrating.set(c.uuid, { containerUuid: c.uuid, fromAgent: c.agentId, toAgent: '', startedAtMs: 0 });
        }
      }
      schedule();
    }).catch(() => {});
  } catch (e) {
    if (e.code !== 'UNAVAILABLE') throw e;
    state.standby = e;
    state.agents = new Map();
  }
  banners();
}

/** Follows the event stream for as long as the page lives, reconnecting (and reloading) after any break. */
async function connect() {
  let wait = 500;
  for (;;) {
    try {
      await api.events(onEvent, () => {
        state.live = 'on';
        wait = 500;
        who();
      });
    } catch (e) {
      if (e.status === 401) return signIn(e.message);
    }
    state.live = 'off';
    who();
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 5000);
    try {
      await load();
      render();
    } catch (ignored) { /* the next attempt says more */ }
  }
}

function sample(overview) {
  const previous = state.overview;
  state.overview = overview;
  if (previous && overview.atMs > previous.atMs) {
    const seconds = (overview.atMs - previous.atMs) / 1000;
    state.samples.push({ at: overview.atMs,
      requests: Math.max(0, (overview.routedRequests - previous.routedRequests) / seconds),
      errors: Math.max(0, (overview.routedErrors - previous.routedErrors) / seconds) });
    if (state.samples.length > SAMPLES) state.samples.shift();
  }
}

function onEvent(name, event) {
  switch (name) {
    case 'overview':
      sample(event);
      if (state.route.view === 'overview') renderOverview();
      return;
    case 'agent_added':
    case 'agent_updated':
      state.agents.set(event.agent.agentId, event.agent);
      break;
    case 'agent_removed':
      state.agents.delete(event.agent.agentId);
      notice('bad', `Agent ${event.agent.agentId} is gone${event.reason ? ': ' + event.reason : ''}`);
      api.get('nodes').then((n) => { state.nodes = n.nodes; schedule(); }).catch(() => {});
      break;
    case 'container_added':
    case 'container_updated':
    case 'container_removed':
      containerChanged(name, event.container);
      break;
    case 'migration_started':
      state.migrating.set(event.migration.containerUuid, event.migration);
      notice('info', `Migrating ${event.migration.containerUuid} from ${event.migration.fromAgent || '—'}` +
        (event.migration.toAgent ? ` to ${event.migration.toAgent}` : '') + ` (${event.migration.trigger})`);
      migrationChanged(event.migration);
      break;
    case 'migration_completed':
    case 'migration_failed':
      state.migrating.delete(event.migration.containerUuid);
      state.outcomes.set(event.migration.containerUuid, event.migration);
      notice(name === 'migration_failed' ? 'bad' : 'ok', name === 'migration_failed'
        ? `Migration of ${event.migration.containerUuid} failed: ${event.migration.error}`
        : `${event.migration.containerUuid} moved from ${event.migration.fromAgent || '—'} to ` +
          `${event.migration.toAgent} in ${event.migration.durationMs} ms`);
      migrationChanged(event.migration);
      break;
    case 'leader_changed':
      state.leader = event.leader;
      banners();
      break;
    default:
      return;
  }
  schedule();
}

let refreshTimer = null;

function containerChanged(name, container) {
  if (state.route.view === 'containers' && state.containers) {
    const rows = state.containers.containers;
    const at = rows.findIndex((c) => c.uuid === container.uuid);
    if (at >= 0 && name === 'container_updated') {
      rows[at] = container;
      schedule();
    } else if (!refreshTimer) {
      // Additions and removals move the page's window: fetch it again, at most once a second.
      refreshTimer = setTimeout(() => { refreshTimer = null; fetchContainers(); }, 1000);
    }
  }
  if (state.route.view === 'container' && state.route.uuid === container.uuid) {
    if (name === 'container_removed') state.detail = { ...state.detail, removed: true };
    else if (state.detail) state.detail.container.container = container;
    schedule();
  }
}

const moveKey = (m) => `${m.startedAtMs}|${m.fromAgent}`;

/**
 * Shows a move of the container on screen at once, from the event itself (the store records it a moment later),
 * then reloads the detail once the store has had time to write it.
 */
function migrationChanged(migration) {
  // The container's own update event comes before the move's end: the end says how it finished.
  if (migration.status !== 'MIGRATION_STATUS_MIGRATING') {
    const row = state.containers && state.containers.containers.find((c) => c.uuid === migration.containerUuid);
    if (row) row.migrationStatus = migration.status;
    if (state.detail && state.detail.container && state.route.uuid === migration.containerUuid) {
      state.detail.container.container.migrationStatus = migration.status;
    }
  }
  if (state.route.view !== 'container' || state.route.uuid !== migration.containerUuid) return;
  const d = state.detail;
  if (d && d.history) {
    d.history = [migration, ...d.history.filter((m) => moveKey(m) !== moveKey(migration))]
      .sort((a, b) => Number(b.startedAtMs) - Number(a.startedAtMs));
  }
  setTimeout(fetchDetail, 1500);
}

let scheduled = false;

/** Re-renders the current view once per frame, however many events came. */
function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => { scheduled = false; render(); });
}

function notice(kind, text) {
  const item = h('div', { class: 'notice ' + kind, 'data-testid': 'notice' }, text);
  $('#notices').append(item);
  setTimeout(() => item.remove(), 8000);
  while ($('#notices').children.length > 5) $('#notices').firstChild.remove();
}

function tickAges() {
  for (const element of document.querySelectorAll('[data-age]')) {
    element.textContent = ago(Number(element.dataset.age));
  }
}

// ---------------------------------------------------------------- routing

function route() {
  const hash = location.hash.replace(/^#\/?/, '') || 'overview';
  const [path, query] = hash.split('?');
  const parts = path.split('/');
  if (parts[0] === 'containers' && parts[1]) {
    state.route = { view: 'container', uuid: decodeURIComponent(parts[1]) };
    state.detail = null;
    fetchDetail();
  } else if (parts[0] === 'containers') {
    state.route = { view: 'containers', query: new URLSearchParams(query || '') };
    state.containers = null;
    fetchContainers();
  } else {
    state.route = { view: parts[0] === 'nodes' ? 'nodes' : 'overview' };
  }
  for (const link of document.querySelectorAll('nav a')) {
    const current = link.dataset.view === state.route.view
      || (link.dataset.view === 'containers' && state.route.view === 'container');
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  view.replaceChildren();
  render();
  $('#main').focus({ preventScroll: true });
}

function render() {
  switch (state.route.view) {
    case 'nodes': return renderNodes();
    case 'containers': return renderContainers();
    case 'container': return renderDetail();
    default: return renderOverview();
  }
}

function standbyNote() {
  return h('div', { class: 'card' }, h('p', { text: 'A standby holds no registry: agents, containers and live events '
    + 'are on the leader.' }), state.leader && state.leader.consoleUrl
    ? h('p', {}, h('a', { href: state.leader.consoleUrl, text: `Go to ${state.leader.holder}` })) : null);
}

// ---------------------------------------------------------------- overview

function renderOverview() {
  const o = state.overview;
  const leader = state.leader;
  const stat = (label, value, testid) => h('div', { class: 'card stat' },
    h('div', { class: 'value', 'data-testid': testid }, value), h('div', { class: 'caption', text: label }));
  const last = state.samples[state.samples.length - 1];
  replace(view,
    h('h1', { text: 'Overview' }),
    h('div', { class: 'stats' },
      h('div', { class: 'card stat' }, h('div', { class: 'value', 'data-testid': 'leader' }, leader ? leader.holder || '—' : '—'),
        h('div', { class: 'caption' }, leader ? `leads with epoch ${leader.epoch}, since ${time(leader.sinceMs)}` : 'leader unknown',
          o ? h('br') : null, o ? `${o.standbyReplicas} standby replica${o.standbyReplicas === 1 ? '' : 's'}` : null)),
      stat('agents', o ? count(Object.values(o.agentsByState).reduce((a, b) => a + b, 0)) : '—', 'agents-total'),
      stat('containers', o ? count(Object.values(o.containersByState).reduce((a, b) => a + b, 0)) : '—', 'containers-total'),
      stat('migrations in progress', o ? count(o.migrating) : '—', 'migrating'),
      stat('warm standby copies', o ? count(o.standbyInstances) : '—', 'standby-instances')),
    state.standby ? standbyNote() : null,
    h('div', { class: 'row' },
      h('section', { class: 'card', 'aria-labelledby': 'by-state' }, h('h2', { id: 'by-state', text: 'By state' }),
        o ? h('dl', { class: 'kv' },
          Object.entries(o.agentsByState).flatMap(([s, n]) => [h('dt', {}, badge(s)), h('dd', { class: 'num' }, count(n) + ' agents')]),
          Object.entries(o.containersByState).flatMap(([s, n]) => [h('dt', {}, badge(s)), h('dd', { class: 'num' }, count(n) + ' containers')]))
          : h('p', { class: 'muted', text: 'waiting for the leader…' })),
      h('section', { class: 'card', 'aria-labelledby': 'traffic' },
        h('h2', { id: 'traffic', text: 'Routed requests' }),
        chart(),
        h('div', { class: 'legend' }, h('span', { class: 'r' }, `${last ? last.requests.toFixed(1) : '0.0'} requests/s`),
          h('span', { class: 'e' }, `${last ? last.errors.toFixed(1) : '0.0'} errors/s`),
          h('span', {}, `last ${Math.round(SAMPLES * 2 / 60)} minutes`)))),
    h('section', { class: 'section' }, h('h2', { text: 'Migrations in progress' })),
    migrationsTable());
}

function chart() {
  const width = 600;
  const height = 120;
  const points = state.samples;
  const top = Math.max(1, ...points.map((p) => p.requests));
  const line = (key) => points.map((p, i) =>
    `${(i / (SAMPLES - 1)) * width},${height - 4 - (p[key] / top) * (height - 8)}`).join(' ');
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  const last = points[points.length - 1];
  svg.setAttribute('aria-label', `Routed requests per second over the last minutes; now ${last ? last.requests.toFixed(1) : 0}`
    + ` requests and ${last ? last.errors.toFixed(1) : 0} errors per second; peak ${top.toFixed(1)}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.innerHTML = `<line class="axis" x1="0" y1="${height - 1}" x2="${width}" y2="${height - 1}"/>`
    + `<polyline class="requests" points="${line('requests')}"/><polyline class="errors" points="${line('errors')}"/>`;
  return svg;
}

function migrationsTable() {
  const rows = [...state.migrating.values()];
  return h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Migrations in progress' },
    h('thead', {}, h('tr', {}, h('th', { text: 'container' }), h('th', { text: 'from' }), h('th', { text: 'to' }),
      h('th', { text: 'trigger' }), h('th', { text: 'started' }))),
    h('tbody', {}, rows.length ? rows.map((m) => h('tr', {},
      h('td', { class: 'mono' }, h('a', { href: '#/containers/' + encodeURIComponent(m.containerUuid), text: m.containerUuid })),
      h('td', { text: m.fromAgent || '—' }), h('td', { text: m.toAgent || 'choosing…' }),
      h('td', { text: m.trigger || '—' }), h('td', { text: m.startedAtMs ? time(m.startedAtMs) : '—' })))
      : h('tr', { class: 'empty' }, h('td', { colspan: 5, text: 'none' })))));
}

// ---------------------------------------------------------------- nodes

function agentWord(agent) {
  return short(agent.state, 'AGENT_STATE_');
}

function renderNodes() {
  const cards = [...state.agents.values()];
  const gone = state.nodes.filter((n) => !state.agents.has(n.agentId) && n.status === 'NODE_STATUS_UNHEALTHY');
  const clusters = new Map();
  const add = (cluster, card) => {
    if (!clusters.has(cluster)) clusters.set(cluster, []);
    clusters.get(cluster).push(card);
  };
  for (const agent of cards) add(agent.cluster, nodeCard(agent));
  for (const node of gone) add(node.cluster, goneCard(node));
  const names = [...clusters.keys()].sort();
  replace(view,
    h('h1', { text: 'Nodes' }),
    state.standby ? standbyNote() : null,
    names.length ? names.map((name) => h('section', { class: 'cluster', 'aria-label': `cluster ${name || 'none'}` },
      h('div', { class: 'section' }, h('h2', { text: name ? `Cluster ${name}` : 'No cluster' }),
        h('span', { class: 'muted' }, `${clusters.get(name).length} agents`)),
      h('div', { class: 'grid' }, clusters.get(name))))
      : h('p', { class: 'muted', text: 'No agent has registered.' }));
}

function bar(label, used, total, text) {
  const share = total > 0 ? Math.min(1, used / total) : 0;
  return h('div', { class: 'bar' }, h('span', { class: 'muted', text: label }),
    h('div', { class: 'track', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': total || 0,
      'aria-valuenow': used, 'aria-valuetext': text },
    h('div', { class: 'fill' + (share >= 1 ? ' full' : share > 0.8 ? ' high' : ''), style: `width:${(share * 100).toFixed(1)}%` })),
    h('span', { class: 'num', text }));
}

function nodeCard(agent) {
  const word = agentWord(agent);
  const cap = agent.capacity || {};
  const load = agent.load || {};
  return h('article', { class: 'card node', 'data-testid': 'node', 'data-agent': agent.agentId, 'aria-label': `agent ${agent.agentId}, ${word}` },
    h('header', {}, h('h3', { text: agent.agentId }), badge(word, { testid: 'node-state' })),
    h('div', { class: 'muted' }, 'heartbeat ', h('span', { 'data-age': agent.lastHeartbeatMs }, ago(Number(agent.lastHeartbeatMs))),
      ' · ', h('span', { class: 'mono', text: agent.endpoint })),
    h('div', { class: 'labels', 'aria-label': 'labels' }, (agent.labels || []).map((l) => h('span', { class: 'label', text: l }))),
    bar('containers', agent.containers, cap.maxContainers, `${agent.containers} / ${cap.maxContainers || '∞'}`),
    bar('cpu', load.cpu, cap.cpu, `${Number(load.cpu || 0).toFixed(1)} / ${cap.cpu || '∞'}`),
    bar('memory', Number(load.memoryBytes || 0), Number(cap.memoryBytes || 0), bytes(load.memoryBytes)),
    h('div', { class: 'muted' }, `${agent.standbys} warm standbys · kinds: ${(agent.kinds || []).join(', ') || '—'}`),
    h('div', { class: 'actions' }, can('agent:drain') && word === 'active'
      ? h('button', { class: 'danger', 'data-key': 'drain-' + agent.agentId, 'data-testid': 'drain',
        onclick: () => drain(agent), text: 'Drain…', 'aria-label': `Drain agent ${agent.agentId}` }) : null));
}

function goneCard(node) {
  return h('article', { class: 'card node', 'data-testid': 'node', 'data-agent': node.agentId, 'aria-label': `agent ${node.agentId}, unhealthy` },
    h('header', {}, h('h3', { text: node.agentId }), badge('unhealthy', { testid: 'node-state' })),
    h('div', { class: 'muted' }, 'last heartbeat ', h('span', { 'data-age': node.lastHeartbeatMs }, ago(Number(node.lastHeartbeatMs)))),
    h('div', { class: 'muted', text: 'Not connected: its ha containers were re-created elsewhere.' }));
}

async function drain(agent) {
  const seconds = h('input', { type: 'number', min: 0, value: 60, id: 'drain-deadline', required: true });
  const ok = await confirmDialog(`Drain ${agent.agentId}?`, [
    h('p', { text: 'It takes no new containers. Its stateless and ha containers move away now; its standard '
      + 'containers stop when released, or at the deadline.' }),
    h('label', {}, 'Deadline for standard containers (seconds)', seconds)], 'Drain');
  if (!ok) return;
  try {
    const updated = await api.call('POST', `agents/${encodeURIComponent(agent.agentId)}/drain`,
      { deadlineMs: Math.max(0, Number(seconds.value)) * 1000 });
    state.agents.set(updated.agentId, updated);
    notice('info', `${agent.agentId} is draining`);
    schedule();
  } catch (e) {
    notice('bad', `Drain refused (${e.code}): ${e.message}`);
  }
}

// ---------------------------------------------------------------- containers

const COLUMNS = [['uuid', 'uuid'], ['kind', 'kind'], ['type', 'type'], ['state', 'state'], ['agent', 'agent'],
  ['migration', 'migration'], ['references', 'refs'], ['created', 'created']];
const FILTERS = [
  ['type', ['standard', 'stateless', 'ha']],
  ['state', ['starting', 'running', 'moving', 'recovering']],
  ['migration', ['idle', 'migrating', 'completed', 'failed']],
];

async function fetchContainers() {
  const query = new URLSearchParams(state.route.query);
  if (!query.has('limit')) query.set('limit', '50');
  try {
    state.containers = await api.get('containers?' + query);
    state.containersError = null;
  } catch (e) {
    state.containersError = e;
  }
  if (state.route.view === 'containers') schedule();
}

function setQuery(changes) {
  const query = new URLSearchParams(state.route.query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === '' || value === null || value === undefined) query.delete(key); else query.set(key, value);
  }
  if (!('offset' in changes)) query.delete('offset');
  location.hash = '#/containers' + (query.toString() ? '?' + query : '');
}

function renderContainers() {
  const query = state.route.query;
  if (!view.querySelector('#container-filters')) {
    // The filters are built once per visit, so typing is never interrupted by live updates.
    const select = (name, values) => h('label', {}, name, h('select', { name, 'data-testid': 'filter-' + name,
      onchange: (e) => setQuery({ [name]: e.target.value }) },
    h('option', { value: '', text: 'any' }), values.map((v) => h('option', { value: v, text: v, selected: query.get(name) === v }))));
    const text = (name, placeholder) => h('label', {}, name, h('input', { name, value: query.get(name) || '', placeholder,
      'data-testid': 'filter-' + name, onchange: (e) => setQuery({ [name]: e.target.value.trim() }) }));
    replace(view,
      h('h1', { text: 'Containers' }),
      h('form', { class: 'filters', id: 'container-filters', role: 'search', 'aria-label': 'Filter containers',
        onsubmit: (e) => e.preventDefault() },
      text('kind', 'any kind'), FILTERS.map(([name, values]) => select(name, values)),
      h('label', {}, 'agent', h('select', { name: 'agent', 'data-testid': 'filter-agent', onchange: (e) => setQuery({ agent: e.target.value }) },
        h('option', { value: '', text: 'any' }),
        [...state.agents.keys()].sort().map((id) => h('option', { value: id, text: id, selected: query.get('agent') === id })))),
      text('label', 'e.g. region=eu')),
      h('div', { id: 'container-body' }));
  }
  const body = view.querySelector('#container-body');
  if (state.standby) return replace(body, standbyNote());
  if (state.containersError) return replace(body, h('p', { class: 'error', role: 'alert', text: state.containersError.message }));
  const page = state.containers;
  const sort = query.get('sort') || 'uuid';
  const offset = Number(query.get('offset') || 0);
  const limit = Number(query.get('limit') || 50);
  const header = COLUMNS.map(([key, label]) => {
    const active = sort.replace('-', '') === key;
    const descending = active && sort.startsWith('-');
    return h('th', { scope: 'col', 'aria-sort': active ? (descending ? 'descending' : 'ascending') : 'none',
      class: key === 'created' || key === 'references' ? 'hide-narrow' : null },
    h('button', { onclick: () => setQuery({ sort: active && !descending ? '-' + key : key }), 'data-key': 'sort-' + key },
      label, active ? (descending ? ' ▼' : ' ▲') : ''));
  });
  const rows = page ? page.containers.map(containerRow) : [];
  // Blank rows keep the table's height while a page loads or when it is short: nothing jumps.
  while (rows.length < Math.min(limit, page ? Math.max(page.containers.length, 1) : limit)) {
    rows.push(h('tr', { class: 'empty' }, h('td', { colspan: COLUMNS.length, text: page ? 'no container matches' : 'loading…' })));
  }
  const total = page ? page.total : 0;
  replace(body,
    h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Containers', 'data-testid': 'containers' },
      h('thead', {}, h('tr', {}, header)), h('tbody', {}, rows))),
    h('div', { class: 'pager', role: 'navigation', 'aria-label': 'Pages' },
      h('span', { class: 'num', 'data-testid': 'range' },
        total ? `${count(offset + 1)}–${count(Math.min(total, offset + limit))} of ${count(total)}` : '0 containers'),
      h('button', { disabled: offset === 0, 'data-key': 'prev', onclick: () => setQuery({ offset: Math.max(0, offset - limit) }), text: '‹ Previous' }),
      h('button', { disabled: offset + limit >= total, 'data-key': 'next', onclick: () => setQuery({ offset: offset + limit }), text: 'Next ›' })));
}

function migrationBadge(container) {
  const live = state.migrating.get(container.uuid);
  const outcome = state.outcomes.get(container.uuid);
  const word = live ? 'migrating' : short(container.migrationStatus, 'MIGRATION_STATUS_');
  if (word === 'failed') {
    return badge('failed', { testid: 'migration', title: outcome ? outcome.error : 'see the container\u2019s history' });
  }
  if (word === 'completed') {
    return badge('completed', { testid: 'migration', title: outcome ? `finished ${time(outcome.finishedAtMs)}` : null,
      label: outcome ? `completed ${new Date(Number(outcome.finishedAtMs)).toLocaleTimeString()}` : 'completed' });
  }
  return badge(word, { testid: 'migration' });
}

function containerRow(c) {
  return h('tr', { 'data-uuid': c.uuid },
    h('td', { class: 'mono' }, h('a', { href: '#/containers/' + encodeURIComponent(c.uuid), text: c.uuid })),
    h('td', { text: c.kind }), h('td', { text: short(c.type, 'CONTAINER_TYPE_') }),
    h('td', {}, badge(short(c.state, 'CONTAINER_STATE_'))), h('td', { text: c.agentId || '—' }),
    h('td', {}, migrationBadge(c)), h('td', { class: 'num hide-narrow', text: c.references }),
    h('td', { class: 'hide-narrow', text: time(c.createdAtMs) }));
}

// ---------------------------------------------------------------- container detail

async function fetchDetail() {
  const uuid = state.route.uuid;
  try {
    const [detail, history] = await Promise.all([api.get('containers/' + encodeURIComponent(uuid)),
      api.get(`containers/${encodeURIComponent(uuid)}/history`).catch((e) => ({ error: e, migrations: [] }))]);
    if (state.route.uuid !== uuid) return;
    const stored = new Set(history.migrations.map(moveKey));
    const unwritten = (state.detail && state.detail.history || []).filter((m) => !stored.has(moveKey(m))
      && m.status !== 'MIGRATION_STATUS_MIGRATING');
    state.detail = { container: detail, historyError: history.error,
      history: [...unwritten, ...history.migrations].sort((a, b) => Number(b.startedAtMs) - Number(a.startedAtMs)) };
  } catch (e) {
    if (state.route.uuid !== uuid) return;
    state.detail = { error: e };
  }
  schedule();
}

function spec(payload) {
  if (!payload || !payload.data) return h('span', { class: 'muted', text: 'none' });
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(payload.data), (ch) => ch.charCodeAt(0)));
  } catch (e) {
    text = `${payload.data.length * 3 / 4} bytes of ${payload.contentType || 'binary data'}`;
  }
  return h('pre', { class: 'spec mono', tabindex: 0, 'aria-label': 'spec' }, text.length > 4000 ? text.slice(0, 4000) + '…' : text);
}

function renderDetail() {
  const uuid = state.route.uuid;
  const d = state.detail;
  const heading = h('h1', {}, h('a', { href: '#/containers', text: 'Containers' }), ' / ', h('span', { class: 'mono', text: uuid }));
  if (!d) return replace(view, heading, h('p', { class: 'muted', text: 'loading…' }));
  if (d.error) return replace(view, heading, state.standby ? standbyNote() : h('p', { class: 'error', role: 'alert', text: d.error.message }));
  const c = d.container.container;
  const type = short(c.type, 'CONTAINER_TYPE_');
  const moving = state.migrating.has(uuid) || c.migrationStatus === 'MIGRATION_STATUS_MIGRATING';
  replace(view, heading,
    d.removed ? h('p', { class: 'banner warn', role: 'status', text: 'This container was removed.' }) : null,
    h('div', { class: 'row' },
      h('section', { class: 'card', 'aria-labelledby': 'c-facts' }, h('h2', { id: 'c-facts', text: 'Container' }),
        h('dl', { class: 'kv' },
          h('dt', { text: 'kind' }), h('dd', { text: c.kind }),
          h('dt', { text: 'type' }), h('dd', { text: type }),
          h('dt', { text: 'state' }), h('dd', {}, badge(short(c.state, 'CONTAINER_STATE_'), { testid: 'detail-state' })),
          h('dt', { text: 'migration' }), h('dd', {}, migrationBadge(c)),
          h('dt', { text: 'agent' }), h('dd', { 'data-testid': 'detail-agent', text: c.agentId || '—' }),
          h('dt', { text: 'endpoint' }), h('dd', { class: 'mono', text: c.endpoint || '—' }),
          h('dt', { text: 'epoch' }), h('dd', { class: 'num', text: c.epoch }),
          h('dt', { text: 'references' }), h('dd', { class: 'num', text: c.references }),
          h('dt', { text: 'labels' }), h('dd', {}, h('div', { class: 'labels' }, c.labels.map((l) => h('span', { class: 'label', text: l })))),
          h('dt', { text: 'resources' }), h('dd', { text: `${d.container.resources.cpu} cpu, ${bytes(d.container.resources.memoryBytes)}` }),
          h('dt', { text: 'preferred cluster' }), h('dd', { text: c.preferredCluster || '—' }),
          h('dt', { text: 'created' }), h('dd', { text: time(c.createdAtMs) }))),
      h('section', { class: 'card', 'aria-labelledby': 'c-spec' }, h('h2', { id: 'c-spec', text: 'Spec' }), spec(d.container.spec),
        h('div', { class: 'buttons' },
          can('migration:manage') && type === 'ha' ? h('button', { class: 'primary', disabled: moving || d.removed,
            'data-testid': 'migrate', 'data-key': 'migrate', onclick: () => migrate(c), text: moving ? 'Migrating…' : 'Migrate…' }) : null,
          can('container:delete') && type !== 'stateless' ? h('button', { class: 'danger', disabled: moving || d.removed,
            'data-testid': 'delete', 'data-key': 'delete', onclick: () => remove(c), text: 'Delete…' }) : null))),
    h('section', { class: 'section' }, h('h2', { text: 'Migration history' })),
    d.historyError ? h('p', { class: 'muted', text: d.historyError.message })
      : h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Migration history', 'data-testid': 'history' },
        h('thead', {}, h('tr', {}, ['time', 'from → to', 'trigger', 'status', 'duration', 'error'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, d.history.length ? d.history.map((m) => h('tr', { 'data-testid': 'history-row' },
          h('td', { text: time(m.startedAtMs) }), h('td', { text: `${m.fromAgent || '—'} → ${m.toAgent || '—'}` }),
          h('td', { text: m.trigger }), h('td', {}, badge(short(m.status, 'MIGRATION_STATUS_'))),
          h('td', { class: 'num', text: m.durationMs + ' ms' }), h('td', { text: m.error || '' })))
          : h('tr', { class: 'empty' }, h('td', { colspan: 6, text: 'never moved' }))))));
}

async function migrate(c) {
  const targets = [...state.agents.values()].filter((a) => a.agentId !== c.agentId && a.state === 'AGENT_STATE_ACTIVE'
    && (!a.capacity.maxContainers || a.containers < a.capacity.maxContainers));
  const choice = h('select', { id: 'migrate-target', 'data-testid': 'migrate-target' },
    h('option', { value: '', text: 'best agent with room' }), targets.map((a) => h('option', { value: a.agentId, text: a.agentId })));
  const ok = await confirmDialog(`Migrate ${c.uuid}?`, [
    h('p', { class: 'warning', role: 'note', text: 'In-memory state does not move: the container starts anew on the '
      + 'target from its spec, and the old copy stops once the new one runs.' }),
    h('label', {}, 'Move to', choice)], 'Migrate');
  if (!ok) return;
  state.migrating.set(c.uuid, { containerUuid: c.uuid, fromAgent: c.agentId, toAgent: choice.value, trigger: 'manual' });
  schedule();
  try {
    await api.call('POST', `containers/${encodeURIComponent(c.uuid)}/migrate`, { targetAgent: choice.value });
  } catch (e) {
    notice('bad', `Migration refused (${e.code}): ${e.message}`);
  }
  state.migrating.delete(c.uuid);
  fetchDetail();
}

async function remove(c) {
  const ok = await confirmDialog(`Delete ${c.uuid}?`, [h('p', { text: 'It stops on its agent and is forgotten, '
    + 'whoever holds a reference. This cannot be undone.' })], 'Delete');
  if (!ok) return;
  try {
    await api.call('DELETE', `containers/${encodeURIComponent(c.uuid)}`);
    notice('ok', `${c.uuid} deleted`);
    location.hash = '#/containers';
  } catch (e) {
    notice('bad', `Delete refused (${e.code}): ${e.message}`);
  }
}

// ---------------------------------------------------------------- confirmation

function confirmDialog(title, body, action) {
  const dialog = $('#confirm');
  $('#confirm-title').textContent = title;
  replace($('#confirm-body'), body);
  $('#confirm-ok').textContent = action;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

boot();
