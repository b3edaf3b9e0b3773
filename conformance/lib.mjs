// Helpers shared by the conformance scripts: the server's base URL and a
// bearer token of the administrator.

export function baseURL() {
  const u = process.env.PANEL_URL;
  if (!u) throw new Error('PANEL_URL is not set (e.g. http://127.0.0.1:8080)');
  return u.replace(/\/+$/, '');
}

// login signs in as the administrator (PANEL_ADMIN_PASSWORD) and returns the
// session token.
export async function login(base = baseURL()) {
  const password = process.env.PANEL_ADMIN_PASSWORD;
  if (!password) throw new Error('PANEL_ADMIN_PASSWORD is not set');
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json' },
    body: JSON.stringify({
      query: 'mutation($l: String!, $p: String!) { login(input: {login: $l, password: $p}) { token userErrors { code message } } }',
      variables: { l: process.env.PANEL_ADMIN_LOGIN || 'admin', p: password },
    }),
  });
  const body = await res.json();
  const token = body?.data?.login?.token;
  if (res.status !== 200 || !token) {
    throw new Error(`login failed: HTTP ${res.status} ${JSON.stringify(body)}`);
  }
  return token;
}
