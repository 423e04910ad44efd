// Small DOM helpers: elements are built with textContent only (never innerHTML), so nothing
// the API returns can become markup.

// h('p', {class: 'x'}, 'text', child, ...): attributes starting with "on" become listeners.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// Says `message` to screen readers through the page's polite live region.
export function announce(message) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  // A new text node in a later task is announced even when the text repeats.
  setTimeout(() => { region.textContent = message; }, 50);
}

// An error panel for an ApiError or Error.
export function errorPanel(error, what) {
  const status = error.status ? ` (${error.status}${error.code ? ' ' + error.code : ''})` : '';
  return h('div', { class: 'error', role: 'alert' },
    h('strong', {}, `${what} failed${status}: `), error.message);
}

// Asks for confirmation in the page's modal dialog; resolves true on Confirm. The dialog
// keeps focus inside while open and returns it to the opener afterwards.
export function confirmAction(title, text, confirmLabel = 'Confirm') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = confirmLabel;
  const opener = document.activeElement;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      if (opener && typeof opener.focus === 'function') opener.focus();
      resolve(dialog.returnValue === 'ok');
    }, { once: true });
    dialog.returnValue = 'cancel';
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

export function formatTime(rfc3339) {
  if (!rfc3339) return '—';
  const date = new Date(rfc3339);
  return Number.isNaN(date.getTime()) ? rfc3339 : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function formatMoney(minor, currency) {
  if (minor === null || minor === undefined) return '—';
  return `${(minor / 100).toFixed(2)} ${currency || ''}`.trim();
}
