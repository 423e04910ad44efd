// Orders: search by id, customer or status; an order's summary and lines; its timeline (every
// event of its stream with the provider event and causation, GET /v1/orders/{id}/events); and
// a time slider over the timeline that shows the order as it stood after each event
// (GET /v1/orders/{id}?as_of=).
import { get, query } from '../api.js';
import { errorPanel, formatMoney, formatTime, h } from '../dom.js';

const STATUSES = ['placed', 'paid', 'payment_failed', 'expired', 'cancelled', 'submitted', 'in_production',
  'shipped', 'delivered'];

function searchForm(state) {
  const form = h('form', { id: 'order-search', class: 'search', role: 'search', 'aria-label': 'Orders' },
    h('p', {}, h('label', { for: 'search-id' }, 'Order id'), h('input', { id: 'search-id', name: 'id', value: state.id || '' })),
    h('p', {}, h('label', { for: 'search-customer' }, 'Customer id'), h('input', { id: 'search-customer', name: 'customer', value: state.customer || '' })),
    h('p', {}, h('label', { for: 'search-status' }, 'Status'),
      h('select', { id: 'search-status', name: 'status' }, h('option', { value: '' }, 'any'),
        STATUSES.map((s) => h('option', { value: s, selected: s === state.status }, s)))),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Search')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = form.elements.id.value.trim();
    if (id) {
      location.hash = `#/orders/${encodeURIComponent(id)}`;
      return;
    }
    location.hash = '#/orders' + query({ customer: form.elements.customer.value.trim(), status: form.elements.status.value });
  });
  return form;
}

function ordersTable(orders) {
  return h('table', { id: 'order-results' },
    h('caption', {}, `${orders.length} orders`),
    h('thead', {}, h('tr', {}, ['Order', 'Customer', 'Status', 'Payment', 'Fulfilment', 'Total', 'Created'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, orders.map((o) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `#/orders/${encodeURIComponent(o.order_id)}` }, o.order_id)),
      h('td', {}, o.customer_id ?? '—'), h('td', {}, o.status), h('td', {}, o.payment_status),
      h('td', {}, o.fulfilment_status), h('td', {}, formatMoney(o.amount_total_minor, o.currency)),
      h('td', {}, formatTime(o.created_at))))));
}

function summary(order, id) {
  const field = (label, value, name) => [h('dt', {}, label), h('dd', { 'data-field': name }, value ?? '—')];
  return h('dl', { class: 'summary', id }, [
    field('Status', order.status, 'status'), field('Payment', order.payment_status, 'payment_status'),
    field('Fulfilment', order.fulfilment_status, 'fulfilment_status'), field('Customer', order.customer_id, 'customer_id'),
    field('Total', formatMoney(order.amount_total_minor, order.currency), 'amount_total_minor'),
    field('Created', formatTime(order.created_at), 'created_at'), field('Paid', formatTime(order.paid_at), 'paid_at'),
    field('Anomalies', order.anomaly_count, 'anomaly_count'),
  ].flat());
}

function linesTable(lines) {
  if (!lines || lines.length === 0) return h('p', {}, 'No lines recorded.');
  return h('table', {}, h('caption', {}, 'Lines'),
    h('thead', {}, h('tr', {}, ['Line', 'Description', 'Quantity', 'Total', 'Fulfilment'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, lines.map((l) => h('tr', {}, h('td', {}, l.line_id), h('td', {}, l.description ?? '—'),
      h('td', {}, l.quantity ?? '—'), h('td', {}, formatMoney(l.amount_total_minor, l.currency)), h('td', {}, l.fulfilment_status)))));
}

function timeline(events) {
  return h('ol', { class: 'timeline', id: 'order-timeline' }, events.map((e) => {
    const payload = e.payload || {};
    const provider = payload.provider_event_id
      ? `${payload.provider ?? 'provider'} ${payload.provider_event_type ?? ''} ${payload.provider_event_id}`.replace(/\s+/g, ' ')
      : '—';
    return h('li', { 'data-position': e.global_position },
      h('p', {}, h('strong', {}, e.event_type), ` at ${formatTime(e.recorded_at)} (position ${e.global_position}, version ${e.stream_version})`),
      h('dl', { class: 'inline' },
        h('dt', {}, 'Provider event'), h('dd', {}, provider),
        h('dt', {}, 'Caused by'), h('dd', {}, e.metadata?.causation_id ?? '—'),
        h('dt', {}, 'Actor'), h('dd', {}, `${e.metadata?.actor ?? '—'} via ${e.metadata?.source ?? '—'}`)),
      h('details', {}, h('summary', {}, 'Payload'), h('pre', {}, JSON.stringify(payload, null, 2))));
  }));
}

// The slider over the timeline: position i shows the order as of event i's recorded time.
function timeSlider(id, events, live) {
  const max = events.length - 1;
  const output = h('output', { id: 'as-of-label', for: 'as-of' });
  const slider = h('input', { type: 'range', id: 'as-of', min: 0, max, step: 1, value: max,
    'aria-describedby': 'as-of-label' });
  const result = h('div', { id: 'as-of-result', 'aria-live': 'polite' });
  let request = 0;
  const show = async () => {
    const i = Number(slider.value);
    const event = events[i];
    const text = `after event ${i + 1} of ${events.length}: ${event.event_type} at ${formatTime(event.recorded_at)}`;
    output.textContent = text;
    slider.setAttribute('aria-valuetext', text);
    const mine = ++request;
    try {
      const then = i === max ? live : await get(`/v1/orders/${encodeURIComponent(id)}` + query({ as_of: event.recorded_at }));
      if (mine !== request) return;  // a later move won
      result.replaceChildren(h('p', {}, i === max ? 'Now:' : `As of ${formatTime(event.recorded_at)}:`), summary(then, 'as-of-summary'));
    } catch (error) {
      if (mine === request) result.replaceChildren(errorPanel(error, 'Loading the order as of then'));
    }
  };
  slider.addEventListener('input', show);
  show();
  return h('section', { 'aria-labelledby': 'as-of-title', class: 'slider' },
    h('h3', { id: 'as-of-title' }, 'The order over time'),
    h('p', {}, h('label', { for: 'as-of' }, 'Show the order as it stood'), slider, output),
    result);
}

async function renderOrder(section, id) {
  let order;
  let events;
  try {
    [order, events] = await Promise.all([
      get(`/v1/orders/${encodeURIComponent(id)}`),
      get(`/v1/orders/${encodeURIComponent(id)}/events`),
    ]);
  } catch (error) {
    section.append(errorPanel(error, `Loading order ${id}`));
    return;
  }
  section.append(h('h3', { id: 'order-title' }, `Order ${order.order_id}`), summary(order, 'order-summary'), linesTable(order.lines));
  if (events.events.length) section.append(timeSlider(id, events.events, order));
  section.append(h('h3', {}, `Timeline (${events.events.length} events${events.truncated ? ', the first shown' : ''})`), timeline(events.events));
}

export async function renderOrders(main, claims, state = {}) {
  const section = h('section', { 'aria-labelledby': 'view-title' }, h('h2', { id: 'view-title' }, 'Orders'));
  main.replaceChildren(section);
  section.append(searchForm(state));
  if (state.id) {
    await renderOrder(section, state.id);
    return;
  }
  try {
    const page = await get('/v1/orders' + query({ customer_id: state.customer, status: state.status, limit: 50 }));
    section.append(ordersTable(page.items));
    if (page.next_cursor) section.append(h('p', { class: 'hint' }, 'The first 50 are shown: narrow the search.'));
  } catch (error) {
    section.append(errorPanel(error, 'Searching orders'));
  }
}
