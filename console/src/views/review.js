// Review queue: the escalated items, oldest first, with the rules that fired (or the quality
// checks) and their evidence marked in the item's text; approve or reject with a reason
// (decide-review), after which the item leaves the queue.
import { command, get, query } from '../api.js';
import { announce, confirmAction, errorPanel, formatTime, h } from '../dom.js';
import { evidence } from '../highlight.js';
import { mayRun } from '../session.js';

function rulesList(rules) {
  if (!Array.isArray(rules) || rules.length === 0) return null;
  return h('ul', { class: 'rules' }, rules.map((r) => h('li', {},
    h('strong', {}, r.rule), ` (${r.outcome}${r.score_bp !== undefined ? `, score ${r.score_bp / 100}%` : ''})`,
    r.detail ? `: ${r.detail}` : '')));
}

function checksList(checks) {
  if (!Array.isArray(checks) || checks.length === 0) return null;
  return h('ul', { class: 'rules' }, checks.map((c) => h('li', { class: c.outcome === 'pass' ? null : 'failed' },
    h('strong', {}, c.check), ` (${c.outcome})`, c.detail ? `: ${c.detail}` : '')));
}

function decisionForm(item, claims, onDecided) {
  const id = (suffix) => `review-${item.content_id}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const allowed = mayRun('decide-review', claims);
  const reason = h('textarea', { id: id('reason'), name: 'reason', rows: 2, required: true });
  const form = h('form', { class: 'decision' },
    h('fieldset', { disabled: !allowed },
      h('legend', {}, `Decision on ${item.content_id}`),
      h('p', {}, h('label', { for: id('reason') }, 'Reason'), reason),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', value: 'approve', class: 'primary' }, 'Approve'),
        h('button', { type: 'submit', value: 'reject' }, 'Reject')),
      allowed ? null : h('p', { class: 'hint' }, `Your role (${claims.role}) may not decide reviews.`)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const decision = event.submitter ? event.submitter.value : 'approve';
    const verb = decision === 'approve' ? 'Approve' : 'Reject';
    if (!(await confirmAction(`${verb} ${item.content_id}?`, `${verb} "${item.name ?? item.content_id}" with the reason: ${reason.value}`, verb))) return;
    try {
      const answer = await command('decide-review', { content_id: item.content_id, decision, reason: reason.value });
      announce(`${item.content_id}: ${decision}d.`);
      await onDecided(answer.global_position);
    } catch (error) {
      form.append(errorPanel(error, 'decide-review'));
    }
  });
  return form;
}

function itemCard(item, claims, onDecided) {
  const headingId = `item-${item.content_id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return h('article', { class: 'card', 'aria-labelledby': headingId, 'data-content-id': item.content_id },
    h('h3', { id: headingId }, item.name ? `${item.name} (${item.content_id})` : item.content_id),
    h('p', { class: 'meta' }, `Escalated by ${item.origin}: ${item.reason ?? '—'}. Requested ${formatTime(item.requested_at)}`,
      item.requested_by ? ` by ${item.requested_by}` : '', '.'),
    item.origin === 'screening' ? evidence(item.item, item.rules) : null,
    rulesList(item.rules), checksList(item.checks),
    item.provider_error ? h('p', { class: 'failed' }, `Provider error: ${JSON.stringify(item.provider_error)}`) : null,
    decisionForm(item, claims, onDecided));
}

export async function renderReview(main, claims, state = {}) {
  const section = h('section', { 'aria-labelledby': 'view-title' }, h('h2', { id: 'view-title' }, 'Review queue'));
  main.replaceChildren(section);
  let page;
  try {
    page = await get('/v1/review-queue' + query({ limit: 100, min_position: state.position }));
  } catch (error) {
    section.append(errorPanel(error, 'Loading the review queue'));
    return;
  }
  const count = h('p', { id: 'review-count' }, page.items.length === 1 ? '1 item waits for review.' : `${page.items.length} items wait for review.`);
  section.append(count);
  const rerender = (position) => renderReview(main, claims, { position });
  section.append(h('div', { class: 'cards' }, page.items.map((item) => itemCard(item, claims, rerender))));
  if (page.next_cursor) section.append(h('p', { class: 'hint' }, 'More items follow: decide these first.'));
}
