// The signed-in token: kept in sessionStorage (gone when the tab closes), never sent anywhere
// but this server's API. The claims are decoded here only to decide what to offer (which
// views, which buttons); the server checks the token on every request regardless.

const KEY = 'ledger.console.token';

// Which roles may open each view: the roles the view's API routes accept (docs/api.md).
export const VIEW_ROLES = {
  canary: ['admin', 'operator', 'auditor'],
  review: ['admin', 'operator', 'reviewer'],
  orders: ['admin', 'operator', 'auditor'],
  health: ['admin', 'operator'],
};

// Which roles may run each command (commands/dispatcher.cc, docs/api.md "Who may do what").
export const COMMAND_ROLES = {
  'configure-canary': ['admin', 'operator'],
  'record-probe': ['admin', 'operator'],
  'rollback-canary': ['admin', 'operator'],
  'set-v2-ready': ['operator'],
  'decide-review': ['admin', 'operator', 'reviewer'],
};

function base64UrlDecode(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

// The token's claims, or throws an Error saying why it cannot be one of ours.
export function decodeClaims(token) {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw new Error('This is not an access token: expected three dot-separated parts.');
  }
  let claims;
  try {
    claims = JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    throw new Error('This is not an access token: its payload is not JSON.');
  }
  if (typeof claims !== 'object' || claims === null || typeof claims.role !== 'string' ||
      typeof claims.tenant !== 'string') {
    throw new Error('This token has no role or tenant.');
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
    throw new Error('This token has expired; mint a new one with `ledger token`.');
  }
  return claims;
}

export function signIn(token) {
  const claims = decodeClaims(token);
  sessionStorage.setItem(KEY, token);
  return claims;
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

// {token, claims} of the current session, or null (none, or no longer usable).
export function current() {
  const token = sessionStorage.getItem(KEY);
  if (!token) return null;
  try {
    return { token, claims: decodeClaims(token) };
  } catch {
    signOut();
    return null;
  }
}

export function mayOpen(view, claims) {
  return (VIEW_ROLES[view] || []).includes(claims.role);
}

export function mayRun(command, claims) {
  return (COMMAND_ROLES[command] || []).includes(claims.role);
}
