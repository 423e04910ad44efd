// Ledger health (GET /v1/health): the log's head, how far each projection (and the translator
// and dispatcher) has got, the job queue and its dead letters, and the last seal.
import { get } from '../api.js';
import { errorPanel, formatTime, h } from '../dom.js';

function tile(label, value, id, warn = false) {
  return h('div', { class: warn ? 'tile warn' : 'tile' }, h('p', { class: 'label', id: `${id}-label` }, label),
    h('p', { class: 'value', id, 'aria-labelledby': `${id}-label` }, value ?? '—'));
}

export async function renderHealth(main) {
  const section = h('section', { 'aria-labelledby': 'view-title' }, h('h2', { id: 'view-title' }, 'Ledger health'));
  main.replaceChildren(section);
  const refresh = h('button', { type: 'button', onclick: () => renderHealth(main).then(() => document.getElementById('health-refresh')?.focus()), id: 'health-refresh' }, 'Refresh');
  section.append(refresh);
  let health;
  try {
    health = await get('/v1/health');
  } catch (error) {
    section.append(errorPanel(error, 'Loading health'));
    return;
  }
  const jobs = health.jobs;
  const maxLag = Math.max(0, ...health.projections.filter((p) => !p.name.includes('#')).map((p) => p.lag ?? 0));
  const seal = health.last_seal;
  section.append(h('div', { class: 'tiles' },
    tile('Events stored (log head)', health.head_position, 'health-head'),
    tile('Largest projection lag (events)', maxLag, 'health-lag', maxLag > 1000),
    tile('Jobs queued / running / retrying', jobs ? `${jobs.queued} / ${jobs.running} / ${jobs.retrying}` : 'no jobs yet', 'health-jobs'),
    tile('Dead letters', jobs ? jobs.dead_lettered : '—', 'health-dead', jobs && jobs.dead_lettered > 0),
    tile('Last seal', seal ? `#${seal.number} up to position ${seal.last_position}, ${formatTime(seal.sealed_at)}` : 'never sealed', 'health-seal', !seal)));
  section.append(h('table', { id: 'health-projections' },
    h('caption', {}, `Projections and subscribers (checked ${formatTime(health.checked_at)})`),
    h('thead', {}, h('tr', {}, ['Name', 'Version', 'Position', 'Lag', 'Events applied', 'Updated'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, health.projections.map((p) => h('tr', {},
      h('th', { scope: 'row' }, p.name), h('td', {}, p.version), h('td', {}, p.position), h('td', {}, p.lag ?? '—'),
      h('td', {}, p.events), h('td', {}, formatTime(p.updated_at)))))));
}
