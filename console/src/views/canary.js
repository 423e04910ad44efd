// Canary: every route's split and readiness, the chosen route's v2 weight over time (from
// /v1/canary/history, rollbacks and operator actions marked) with the same changes as a
// table, and the operator actions (with confirmation) for roles that may run them.
import { command, get, getAll, query } from '../api.js';
import { drawChart } from '../chart.js';
import { announce, confirmAction, errorPanel, formatTime, h } from '../dom.js';
import { mayRun } from '../session.js';

function routesTable(routes) {
  return h('table', {},
    h('caption', {}, 'Routes'),
    h('thead', {}, h('tr', {},
      ['Route', 'v1 weight', 'v2 weight', 'v2 API ready', 'Consecutive failures', 'Probes passed / failed',
        'Last change'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, routes.map((r) => h('tr', { 'data-route': r.route },
      h('th', { scope: 'row' }, r.route),
      h('td', { 'data-field': 'v1_weight' }, r.v1_weight),
      h('td', { 'data-field': 'v2_weight' }, r.v2_weight),
      h('td', { 'data-field': 'v2_api_ready' }, r.v2_api_ready ? 'yes' : 'no'),
      h('td', {}, `${r.consecutive_failures} of ${r.failure_threshold ?? '—'}`),
      h('td', {}, `${r.probes_passed} / ${r.probes_failed}`),
      h('td', {}, r.last_trigger_source ? `${r.last_trigger_source} (${r.last_cause}), ${formatTime(r.last_change_at)}` : '—')))));
}

function historyTable(history) {
  return h('table', { id: 'canary-history' },
    h('caption', {}, 'Weight changes (the chart as a table)'),
    h('thead', {}, h('tr', {},
      ['#', 'Recorded', 'v2 before → after', 'Trigger', 'Cause', 'Actor', 'Reason'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, history.map((c) => h('tr', { class: c.trigger_source === 'rollback' ? 'rollback' : null },
      h('td', {}, c.change_number), h('td', {}, formatTime(c.recorded_at)),
      h('td', {}, `${c.v2_before} → ${c.v2_after}`), h('td', {}, c.trigger_source ?? '—'),
      h('td', {}, c.cause ?? '—'), h('td', {}, c.actor ?? '—'), h('td', {}, c.reason ?? '—')))));
}

// A form that runs `name` with the body `build(form)` after a confirmation.
function actionForm({ id, legend, name, claims, fields, describe, build, label, onDone }) {
  const allowed = mayRun(name, claims);
  const form = h('form', { id, class: 'action' },
    h('fieldset', { disabled: !allowed },
      h('legend', {}, legend),
      fields,
      h('button', { type: 'submit' }, label),
      allowed ? null : h('p', { class: 'hint' }, `Your role (${claims.role}) may not run ${name}.`)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = build(form);
    if (!(await confirmAction(legend, describe(body), label))) return;
    try {
      const answer = await command(name, body);
      announce(`${name} done.`);
      await onDone(answer);
    } catch (error) {
      form.append(errorPanel(error, name));
    }
  });
  return form;
}

function input(id, labelText, attributes = {}) {
  return h('p', {}, h('label', { for: id }, labelText), ' ', h('input', { id, name: id, ...attributes }));
}

function actions(route, claims, refresh) {
  const value = (form, name) => form.elements[name].value;
  return h('section', { 'aria-labelledby': 'actions-title' },
    h('h3', { id: 'actions-title' }, `Operator actions on ${route}`),
    h('div', { class: 'actions-grid' },
      actionForm({
        id: 'probe-form', legend: 'Record a probe', name: 'record-probe', claims, label: 'Record probe',
        fields: h('p', {}, h('label', { for: 'probe-result' }, 'Result'), ' ',
          h('select', { id: 'probe-result', name: 'probe-result' },
            h('option', { value: 'pass' }, 'pass'), h('option', { value: 'fail' }, 'fail'))),
        build: (f) => ({ route, result: value(f, 'probe-result') }),
        describe: (b) => `Record a ${b.result}ing probe on ${route}? A pass raises v2 by one step; enough failures roll back.`,
        onDone: (a) => refresh(a.global_position),
      }),
      actionForm({
        id: 'rollback-form', legend: 'Roll back to v1', name: 'rollback-canary', claims, label: 'Roll back',
        fields: input('rollback-reason', 'Reason', { required: true, placeholder: 'why' }),
        build: (f) => ({ route, reason: value(f, 'rollback-reason') }),
        describe: (b) => `Send all of ${route} back to v1 (v2 weight 0)? Reason: ${b.reason}`,
        onDone: (a) => refresh(a.global_position),
      }),
      actionForm({
        id: 'ready-form', legend: 'v2 API readiness', name: 'set-v2-ready', claims, label: 'Set readiness',
        fields: h('p', {}, h('input', { type: 'checkbox', id: 'ready-value', name: 'ready-value' }), ' ',
          h('label', { for: 'ready-value' }, 'v2 API ready')),
        build: (f) => ({ route, ready: f.elements['ready-value'].checked }),
        describe: (b) => `Mark the v2 API of ${route} as ${b.ready ? 'ready' : 'not ready'}?`,
        onDone: (a) => refresh(a.global_position),
      }),
      actionForm({
        id: 'configure-form', legend: 'Configure', name: 'configure-canary', claims, label: 'Configure',
        fields: [input('configure-threshold', 'Failure threshold', { type: 'number', min: 1, value: 3, required: true }),
          input('configure-step', 'Step (%)', { type: 'number', min: 1, max: 100, value: 10, required: true })],
        build: (f) => ({ route, failure_threshold: Number(value(f, 'configure-threshold')),
          step: Number(value(f, 'configure-step')) }),
        describe: (b) => `Configure ${route}: roll back after ${b.failure_threshold} consecutive failures, raise v2 by ${b.step}% per passing probe?`,
        onDone: (a) => refresh(a.global_position),
      })));
}

function newRouteForm(claims, open) {
  if (!mayRun('configure-canary', claims)) return null;
  const form = h('form', { id: 'new-route-form', class: 'inline' },
    h('label', { for: 'new-route' }, 'Open a route'), ' ',
    h('input', { id: 'new-route', name: 'new-route', required: true, pattern: '[A-Za-z0-9_.\\-]+' }), ' ',
    h('button', { type: 'submit' }, 'Open'));
  form.addEventListener('submit', (e) => { e.preventDefault(); open(form.elements['new-route'].value); });
  return form;
}

export async function renderCanary(main, claims, state = {}) {
  const section = h('section', { 'aria-labelledby': 'view-title' }, h('h2', { id: 'view-title' }, 'Canary'));
  main.replaceChildren(section);
  let routes;
  try {
    routes = (await get('/v1/canary' + query({ limit: 500, min_position: state.position }))).items;
  } catch (error) {
    section.append(errorPanel(error, 'Loading the canary'));
    return;
  }
  const route = state.route || (routes[0] && routes[0].route);
  const rerender = (next) => renderCanary(main, claims, next);
  section.append(routes.length ? routesTable(routes) : h('p', {}, 'No canary route yet.'));
  const picker = h('form', { class: 'inline', id: 'route-picker' },
    h('label', { for: 'route-select' }, 'Chart of route'), ' ',
    h('select', { id: 'route-select', name: 'route-select' },
      routes.map((r) => h('option', { value: r.route, selected: r.route === route }, r.route))));
  picker.elements['route-select'].addEventListener('change', (e) => rerender({ route: e.target.value }));
  section.append(h('div', { class: 'toolbar' }, routes.length ? picker : null,
    newRouteForm(claims, (name) => rerender({ route: name }))));
  if (!route) return;

  let history = [];
  try {
    history = await getAll('/v1/canary/history' + query({ route, limit: 500, min_position: state.position }));
  } catch (error) {
    section.append(errorPanel(error, 'Loading the history'));
  }
  const last = history[history.length - 1];
  const rollbacks = history.filter((c) => c.trigger_source === 'rollback').length;
  const summary = history.length
    ? `${route}: ${history.length} weight changes, ${rollbacks} rollback${rollbacks === 1 ? "" : "s"}; v2 weight now ${last.v2_after}%.`
    : `${route}: no weight change yet.`;
  const chart = h('figure', { id: 'canary-chart', 'data-points': history.length, 'data-rollbacks': rollbacks },
    h('div', { class: 'chart', role: 'img', 'aria-label': summary }),
    h('figcaption', {}, summary));
  section.append(chart);
  if (history.length) drawChart(chart.firstChild, history, Math.min(main.clientWidth - 40, 900));
  section.append(actions(route, claims, (position) => rerender({ route, position })));
  if (history.length) section.append(historyTable(history));
}
