// Run by `npm test` before the browser tests: says where the Chromium is, or
// how to get one, instead of letting the browser tests fail with a stack trace.
import { findChromium } from '../tests/helpers/chromium.ts';

const search = findChromium();
if (search.found) {
  console.log(`browser tests use ${search.path}`);
} else {
  console.error(`\n${search.message}\n`);
  process.exit(1);
}
