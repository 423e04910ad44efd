// Evidence in text: a screening rule names the field it matched (`name`, `description`,
// `design_brief`, `tags[i]`) and a byte span {start, end} of the field's UTF-8 text. These
// helpers turn that into <mark> elements.
import { h } from './dom.js';

// The text of `field` in the screened item, or null.
export function fieldText(item, field) {
  if (!item || typeof field !== 'string') return null;
  const tag = /^tags\[(\d+)\]$/.exec(field);
  if (tag) return Array.isArray(item.tags) ? item.tags[Number(tag[1])] ?? null : null;
  return typeof item[field] === 'string' ? item[field] : null;
}

// [{start, end, label}] byte ranges -> nodes: plain text and <mark>s, overlapping ranges
// merged (a character is marked once). Ranges outside the text are dropped.
export function highlight(text, ranges) {
  const bytes = new TextEncoder().encode(text);
  const decode = (a, b) => new TextDecoder().decode(bytes.slice(a, b));
  const valid = ranges
    .filter((r) => Number.isInteger(r.start) && Number.isInteger(r.end) && r.start < r.end && r.end <= bytes.length)
    .sort((a, b) => a.start - b.start);
  const merged = [];
  for (const r of valid) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) {
      last.end = Math.max(last.end, r.end);
      last.labels.push(r.label);
    } else {
      merged.push({ start: r.start, end: r.end, labels: [r.label] });
    }
  }
  const nodes = [];
  let at = 0;
  for (const r of merged) {
    if (r.start > at) nodes.push(decode(at, r.start));
    nodes.push(h('mark', { title: r.labels.join('; ') }, decode(r.start, r.end)));
    at = r.end;
  }
  if (at < bytes.length) nodes.push(decode(at, bytes.length));
  return nodes;
}

// The item's fields that rules fired on, each with its evidence marked, as a definition list.
export function evidence(item, rules) {
  const byField = new Map();
  for (const rule of rules || []) {
    if (!rule.field || !rule.span) continue;
    const list = byField.get(rule.field) || [];
    list.push({ start: rule.span.start, end: rule.span.end, label: `${rule.rule}: ${rule.detail || rule.term || ''}` });
    byField.set(rule.field, list);
  }
  const shown = ['name', 'description', 'design_brief'];
  for (const field of byField.keys()) if (!shown.includes(field)) shown.push(field);
  const rows = [];
  for (const field of shown) {
    const text = fieldText(item, field);
    if (text === null || text === '') continue;
    rows.push(h('dt', {}, field), h('dd', { 'data-field': field }, highlight(text, byField.get(field) || [])));
  }
  return h('dl', { class: 'evidence' }, rows);
}
