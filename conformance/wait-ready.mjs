// Waits until the server at PANEL_URL answers GET /readyz with 200 (at most
// 30 s): the CI steps start the server themselves.
import { baseURL } from './lib.mjs';

const base = baseURL();
const deadline = Date.now() + 30_000;
for (;;) {
  try {
    const res = await fetch(`${base}/readyz`);
    if (res.status === 200) break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) {
    console.error(`${base}/readyz did not answer 200 within 30 s`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`${base} is ready`);
