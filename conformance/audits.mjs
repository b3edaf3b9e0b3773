// Runs every server audit of graphql-http (the GraphQL-over-HTTP
// conformance suite) against a running panel server, once anonymously and
// once with a bearer token. Fails on any MUST audit that does not pass, on a
// SHOULD audit that fails without a justification in audits-expected.json,
// and on a justified SHOULD failure that now passes (so the documented list
// in docs/ecosystem.md stays true). With PANEL_PUBLIC_URL (a second server
// started with --public-introspection) it runs them a third time,
// anonymously against that server, where no policy refusal applies: every
// MUST audit has to pass there.
//
//   PANEL_URL=http://127.0.0.1:8080 PANEL_ADMIN_PASSWORD=... [PANEL_PUBLIC_URL=http://127.0.0.1:8081] node audits.mjs
import { readFileSync } from 'node:fs';
import { serverAudits } from 'graphql-http';
import { baseURL, login } from './lib.mjs';

const expected = JSON.parse(readFileSync(new URL('./audits-expected.json', import.meta.url), 'utf8'));
const base = baseURL();
const token = await login(base);

const modes = {
  anonymous: { url: base, fetchFn: fetch },
  bearer: {
    url: base,
    fetchFn: (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('Authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    },
  },
};
if (process.env.PANEL_PUBLIC_URL) {
  modes['anonymous, --public-introspection'] = { url: process.env.PANEL_PUBLIC_URL.replace(/\/+$/, ''), fetchFn: fetch };
}

const problems = [];
for (const [mode, { url, fetchFn }] of Object.entries(modes)) {
  const audits = serverAudits({ url: `${url}/graphql`, fetchFn });
  const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
  console.log(`\n## ${mode}: ${audits.length} audits`);
  for (const a of audits) {
    const r = await a.fn();
    counts[r.status]++;
    const level = a.name.split(' ')[0];
    const policy = expected.policyFailures[a.id];
    const justified = Object.hasOwn(expected.shouldFail, a.id) || policy?.mode === mode;
    let verdict = r.status;
    if (policy?.mode === mode && r.status !== 'ok') {
      // A failure by policy: it must be exactly the documented refusal.
      const why = await checkPolicyFailure(url, fetchFn, policy);
      if (why) problems.push(`${mode} ${a.id} "${a.name}" fails, but not as documented: ${why}`);
      verdict = why ? 'error' : `${r.status} (policy)`;
    } else if (r.status === 'ok' && justified) {
      problems.push(`${mode} ${a.id} "${a.name}" passes now: remove it from audits-expected.json and docs/ecosystem.md`);
      verdict = 'ok (stale justification)';
    } else if (r.status !== 'ok') {
      if (level === 'MUST' && !justified) {
        problems.push(`${mode} ${a.id} "${a.name}": ${r.reason}`);
      } else if (level === 'SHOULD' && !justified) {
        problems.push(`${mode} ${a.id} "${a.name}" fails without a justification: ${r.reason}`);
      } else if (justified) {
        verdict += ' (justified)';
      }
    }
    console.log(`${verdict.padEnd(16)} ${a.id}  ${a.name}${r.status === 'ok' ? '' : `\n${' '.repeat(24)}${r.reason}`}`);
  }
  console.log(`${mode}: ${counts.ok} ok, ${counts.notice} notice (MAY), ${counts.warn} warn (SHOULD), ${counts.error} error (MUST)`);
}

// checkPolicyFailure replays the audit's request and returns what differs
// from the documented refusal ("" when it is exactly that).
async function checkPolicyFailure(url, fetchFn, policy) {
  const res = await fetchFn(`${url}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(policy.request),
  });
  const body = await res.json();
  const codes = (body.errors ?? []).map((e) => e.extensions?.code);
  if (res.status !== policy.status || codes.length !== 1 || codes[0] !== policy.code) {
    return `HTTP ${res.status}, error codes ${JSON.stringify(codes)}; documented: HTTP ${policy.status}, [${policy.code}]`;
  }
  return '';
}

if (problems.length) {
  console.error(`\nFAILED:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('\naudits: every MUST passes (but the documented policy refusals); every failing SHOULD is justified in docs/ecosystem.md');
