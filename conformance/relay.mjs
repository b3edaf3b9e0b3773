// Runs the operations relay-compiler made from relay/src (the texts in
// relay/__generated__) against a running server, as a Relay client would
// send them: they must answer without errors. Run `relay-compiler
// --validate` first (the artifacts are committed and must be up to date).
//
//   PANEL_URL=http://127.0.0.1:8080 PANEL_ADMIN_PASSWORD=... node relay.mjs
import { baseURL, login } from './lib.mjs';
import tree from './relay/__generated__/CustomerTreeQuery.graphql.js';
import page from './relay/__generated__/CustomerTreePaginationQuery.graphql.js';
import suspend from './relay/__generated__/SuspendCustomersMutation.graphql.js';

const base = baseURL();
const token = await login(base);

async function gql(query, variables, operationName) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json',
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query, variables, operationName }),
  });
  const body = await res.json();
  if (res.status !== 200 || body.errors) {
    throw new Error(`${operationName ?? 'request'}: HTTP ${res.status} ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}
const run = (artifact, variables) => gql(artifact.params.text, variables, artifact.params.name);

// Something to read: a customer with a subscription.
const stamp = Date.now().toString(36);
const created = await gql(`mutation($in: CreateCustomerInput!) { createCustomer(input: $in) { customer { id } userErrors { code message } } }`,
  { in: { login: `relay${stamp}`, password: 'relay-password-1', name: 'Relay Client', email: `relay${stamp}@example.com` } });
const id = created.createCustomer.customer?.id;
if (!id) throw new Error(`createCustomer: ${JSON.stringify(created.createCustomer.userErrors)}`);

const first = await run(tree, { first: 2, search: `relay${stamp}` });
const edges = first.customers.edges;
if (first.customers.totalCount !== 1 || edges[0].node.id !== id || !first.customers.pageInfo) {
  throw new Error(`CustomerTreeQuery: ${JSON.stringify(first)}`);
}
console.log(`${tree.params.name}: ${first.customers.totalCount} customer, pageInfo and cursors present`);

const next = await run(page, { first: 2, after: first.customers.pageInfo.endCursor, search: `relay${stamp}` });
if (next.customers.edges.length !== 0) throw new Error(`${page.params.name}: ${JSON.stringify(next)}`);
console.log(`${page.params.name}: the next page after the last cursor is empty`);

const dry = await run(suspend, { ids: [id], reason: 'relay check', dryRun: true });
const p = dry.suspendCustomers;
if (p.committed || p.userErrors.length || p.customers[0]?.id !== id || p.customers[0].status !== 'SUSPENDED') {
  throw new Error(`${suspend.params.name}: ${JSON.stringify(p)}`);
}
console.log(`${suspend.params.name}: dry run answers the suspended customer, nothing committed`);
