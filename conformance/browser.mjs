// Opens GraphiQL (GET /) of a running panel server in headless Chromium
// with every request outside the server refused, and checks that:
//   - the page and all its files load from the server (no failed request,
//     no request elsewhere, no console error, no CSP violation);
//   - a login mutation typed into the editor answers with a token;
//   - that token in the Headers tab authenticates the next query;
// then saves a screenshot.
//
//   PANEL_URL=http://127.0.0.1:8080 PANEL_ADMIN_PASSWORD=... \
//   [CHROMIUM=/usr/bin/chromium] [ARTIFACTS_DIR=/tmp/x] node browser.mjs
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { baseURL } from './lib.mjs';

const base = baseURL();
const origin = new URL(base).origin;
const password = process.env.PANEL_ADMIN_PASSWORD;
if (!password) throw new Error('PANEL_ADMIN_PASSWORD is not set');
const artifacts = process.env.ARTIFACTS_DIR || mkdtempSync(join(tmpdir(), 'panel-graphiql-'));

const problems = [];
let page;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  // A closed network: anything not on the server is refused and reported.
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('data:') || new URL(u).origin === origin) return route.continue();
    problems.push(`request outside the server: ${u}`);
    return route.abort('blockedbyclient');
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

  const res = await page.goto(`${base}/`, { waitUntil: 'networkidle' });
  const csp = res.headers()['content-security-policy'] || '';
  if (!/script-src 'self'(;|$)/.test(csp)) problems.push(`GET / has no strict script-src: ${csp}`);

  const queryEditor = page.locator('.graphiql-query-editor .CodeMirror');
  await queryEditor.waitFor({ timeout: 15000 });

  // Type the login mutation (CodeMirror closes brackets and quotes itself
  // and steps over them when they are typed).
  async function typeInto(editor, text) {
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(text);
    // GraphiQL reads the operation name from the editor after a debounce.
    await page.waitForTimeout(500);
  }
  async function run(wanted) {
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.graphiql-response');
    await result.getByText(wanted).first().waitFor({ timeout: 10000 });
    return result.innerText();
  }

  await typeInto(queryEditor,
    `mutation { login(input: {login: "admin", password: ${JSON.stringify(password)}}) { token userErrors { code message } } }`);
  const loginText = await run('"token"');
  const token = /"token":\s*"([^"]+)"/.exec(loginText)?.[1];
  if (!token) throw new Error(`login typed into GraphiQL did not answer a token:\n${loginText}`);
  console.log('login through GraphiQL: token received');

  // The Headers tab (open by default) takes the bearer token.
  await page.getByRole('button', { name: 'Headers' }).click();
  const headersEditor = page.locator('.graphiql-editor-tool .CodeMirror').last();
  await typeInto(headersEditor, `{"Authorization": "Bearer ${token}"}`);
  await typeInto(queryEditor, '{ viewer { role account { login } } }');
  const viewerText = await run('"ADMIN"');
  if (!viewerText.includes('"login": "admin"')) throw new Error(`viewer query answered:\n${viewerText}`);
  console.log('query with the token from the Headers tab: viewer is the administrator');

  const shot = join(artifacts, 'graphiql.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);
} catch (e) {
  problems.push(e.message);
  if (page) {
    const shot = join(artifacts, 'graphiql-failure.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    console.error(`screenshot of the failure: ${shot}`);
  }
} finally {
  await browser.close();
}

if (problems.length) {
  console.error(`FAILED:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('GraphiQL works offline: no failed or outside request, no console error');
