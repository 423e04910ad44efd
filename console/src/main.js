// The console's shell: sign-in, the navigation between views (the URL's hash, so that the
// browser's back button and bookmarks work), and who is signed in. Views render into <main>.
import './style.css';
import { h } from './dom.js';
import { current, mayOpen, signIn, signOut, VIEW_ROLES } from './session.js';
import { renderCanary } from './views/canary.js';
import { renderHealth } from './views/health.js';
import { renderOrders } from './views/orders.js';
import { renderReview } from './views/review.js';

const VIEWS = {
  canary: { title: 'Canary', render: (main, claims) => renderCanary(main, claims) },
  review: { title: 'Review queue', render: (main, claims) => renderReview(main, claims) },
  orders: { title: 'Orders', render: (main, claims, route) => renderOrders(main, claims, route) },
  health: { title: 'Ledger health', render: (main) => renderHealth(main) },
};

// "#/orders/cs_1" -> {view: 'orders', id: 'cs_1'}; "#/orders?status=paid" -> {view, status}.
function parseHash() {
  const [path, search] = location.hash.replace(/^#\/?/, '').split('?');
  const [view, ...rest] = path.split('/');
  const route = { view: view || '' };
  if (rest.length) route.id = decodeURIComponent(rest.join('/'));
  for (const [k, v] of new URLSearchParams(search || '')) route[k] = v;
  return route;
}

function renderSignIn(main, message) {
  const token = h('textarea', { id: 'token', name: 'token', rows: 4, required: true, spellcheck: 'false',
    autocomplete: 'off', 'aria-describedby': 'token-help' });
  const form = h('form', { id: 'sign-in' },
    h('p', {}, h('label', { for: 'token' }, 'Access token')),
    h('p', {}, token),
    h('p', { id: 'token-help', class: 'hint' },
      'Paste a token minted with `ledger token --tenant T --role R`. It is kept in this tab only (sessionStorage) and sent only to this server.'),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Sign in')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      signIn(token.value.trim());
    } catch (error) {
      renderSignIn(main, error.message);
      document.getElementById('token').focus();
      return;
    }
    const claims = current().claims;
    const first = Object.keys(VIEWS).find((v) => mayOpen(v, claims));
    if (location.hash === `#/${first}` || !first) route(); else location.hash = `#/${first}`;
  });
  main.replaceChildren(h('section', { 'aria-labelledby': 'view-title', class: 'narrow' },
    h('h1', { id: 'view-title' }, 'Sign in'), form));
}

function renderHeader(claims) {
  const nav = document.getElementById('views-nav');
  const who = document.getElementById('who');
  nav.hidden = !claims;
  who.hidden = !claims;
  if (!claims) return;
  document.getElementById('who-text').textContent = `${claims.sub ?? '?'} · ${claims.role} · tenant ${claims.tenant}`;
  const active = parseHash().view;
  for (const link of nav.querySelectorAll('a[data-view]')) {
    const view = link.dataset.view;
    link.parentElement.hidden = !mayOpen(view, claims);
    if (view === active) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
}

function renderDenied(main, claims, view) {
  const allowed = view && VIEW_ROLES[view] ? VIEW_ROLES[view].join(', ') : '';
  main.replaceChildren(h('section', { 'aria-labelledby': 'view-title', id: 'denied' },
    h('h1', { id: 'view-title' }, 'Not available to your role'),
    h('p', {}, view && VIEWS[view]
      ? `${VIEWS[view].title} is for ${allowed}; you are signed in as ${claims.role}.`
      : `The console's views are for admins, operators, reviewers and auditors; you are signed in as ${claims.role}.`),
    h('p', {}, 'Sign out and sign in with another token to continue.')));
}

async function route() {
  const main = document.getElementById('main');
  const session = current();
  renderHeader(session && session.claims);
  if (!session) {
    document.title = 'Sign in · Ledger console';
    renderSignIn(main);
    return;
  }
  const target = parseHash();
  const claims = session.claims;
  if (!VIEWS[target.view]) {
    const first = Object.keys(VIEWS).find((v) => mayOpen(v, claims));
    if (first) {
      location.hash = `#/${first}`;
      return;
    }
    document.title = 'Not available · Ledger console';
    renderDenied(main, claims, null);
    return;
  }
  if (!mayOpen(target.view, claims)) {
    document.title = 'Not available · Ledger console';
    renderDenied(main, claims, target.view);
    return;
  }
  document.title = `${VIEWS[target.view].title} · Ledger console`;
  main.setAttribute('aria-busy', 'true');
  await VIEWS[target.view].render(main, claims, target);
  main.removeAttribute('aria-busy');
  // Keyboard and screen-reader users land on the new view's heading, not the old link.
  const heading = document.getElementById('view-title');
  if (heading && main.dataset.navigated === 'yes') {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
  main.dataset.navigated = 'yes';
}

document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  location.hash = '';
  route();
});
window.addEventListener('hashchange', route);
route();
