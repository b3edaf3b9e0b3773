// Fetches the served SDL (GET /schema.graphql), checks that graphql-js
// builds a valid schema from it and that it says what introspection says,
// and writes it to relay/schema.graphql for relay-compiler and
// graphql-schema-linter.
//
//   PANEL_URL=http://127.0.0.1:8080 PANEL_ADMIN_PASSWORD=... node schema.mjs
import { writeFileSync } from 'node:fs';
import {
  buildClientSchema, buildSchema, findBreakingChanges, findDangerousChanges, getIntrospectionQuery, validateSchema,
} from 'graphql';
import { baseURL, login } from './lib.mjs';

const base = baseURL();
const res = await fetch(`${base}/schema.graphql`);
if (res.status !== 200) throw new Error(`GET /schema.graphql: HTTP ${res.status}`);
const sdl = await res.text();

const schema = buildSchema(sdl); // throws on a syntax or definition error
const errors = validateSchema(schema);
if (errors.length) {
  console.error(`buildSchema: the served SDL is not a valid schema:\n- ${errors.map((e) => e.message).join('\n- ')}`);
  process.exit(1);
}
console.log(`buildSchema: ${Object.keys(schema.getTypeMap()).length} types, valid`);

// The SDL must describe the schema the API executes: compare with
// introspection (a signed-in viewer may introspect).
const token = await login(base);
const ir = await fetch(`${base}/graphql`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
  body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }) }),
});
const body = await ir.json();
if (!body.data) throw new Error(`introspection failed: ${JSON.stringify(body.errors)}`);
const introspected = buildClientSchema(body.data);
// Built-ins may differ: gqlgen introspects every standard scalar and its
// own @defer, the SDL printer omits those nothing references.
const builtin = /^(Standard scalar \w+ was removed|(defer|stream) was removed|\w+ was removed from (deprecated|include|skip|specifiedBy|oneOf)\.)/;
const diffs = [
  ...findBreakingChanges(schema, introspected), ...findBreakingChanges(introspected, schema),
  ...findDangerousChanges(schema, introspected), ...findDangerousChanges(introspected, schema),
].filter((d) => !builtin.test(d.description));
if (diffs.length) {
  console.error(`the served SDL and introspection differ:\n- ${diffs.map((d) => d.description).join('\n- ')}`);
  process.exit(1);
}
console.log('the served SDL and introspection describe the same schema');

writeFileSync(new URL('./relay/schema.graphql', import.meta.url), sdl);
