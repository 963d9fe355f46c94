// Where the browser tests find a Chromium. Nothing here downloads one: the
// project drives a browser already on the machine through playwright-core.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The places a Chromium usually lives, in the order they are tried after CHROMIUM_PATH. */
export function chromiumCandidates(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  const fixed = [
    '/usr/bin/chromium', // Debian, Ubuntu's deb
    '/usr/bin/chromium-browser', // Fedora, older Ubuntu, Alpine
    '/snap/bin/chromium',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/google-chrome',
    '/opt/google/chrome/chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ];
  // Playwright's own downloads (`npx playwright install chromium`), newest first.
  const caches = [env.PLAYWRIGHT_BROWSERS_PATH, path.join(home, '.cache/ms-playwright'), path.join(home, 'Library/Caches/ms-playwright')];
  const fromPlaywright: string[] = [];
  for (const cache of caches) {
    if (!cache || !fs.existsSync(cache)) continue;
    const builds = fs.readdirSync(cache).filter((d) => /^chromium(_headless_shell)?-\d+$/.test(d));
    builds.sort((a, b) => Number(b.split('-').pop()) - Number(a.split('-').pop()));
    for (const build of builds) {
      for (const bin of ['chrome-linux/chrome', 'chrome-linux64/chrome', 'chrome-linux/headless_shell',
        'chrome-headless-shell-linux64/chrome-headless-shell', 'chrome-mac/Chromium.app/Contents/MacOS/Chromium']) {
        fromPlaywright.push(path.join(cache, build, bin));
      }
    }
  }
  return [...fixed, ...fromPlaywright];
}

export const CHROMIUM_HELP = [
  'The browser tests need a Chromium, and none was found.',
  'Install one of these, then run the tests again:',
  '  • Debian/Ubuntu:  sudo apt-get install chromium        (the binary is /usr/bin/chromium)',
  '  • Playwright’s own build, where the network allows:  npx playwright install chromium',
  '  • any other Chromium or Chrome:  CHROMIUM_PATH=/path/to/chrome npm test',
  'Only the Node tests, without a browser:  npx vitest run --project node',
].join('\n');

export type ChromiumSearch = { found: true; path: string } | { found: false; message: string };

/** CHROMIUM_PATH when set (it must exist), else the first candidate that exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = fs.existsSync): ChromiumSearch {
  if (env.CHROMIUM_PATH) {
    return exists(env.CHROMIUM_PATH)
      ? { found: true, path: env.CHROMIUM_PATH }
      : { found: false, message: `CHROMIUM_PATH is set to ${env.CHROMIUM_PATH}, but there is no file there.\n\n${CHROMIUM_HELP}` };
  }
  const hit = chromiumCandidates(env).find((p) => exists(p));
  return hit ? { found: true, path: hit } : { found: false, message: `${CHROMIUM_HELP}\n\nLooked in: ${chromiumCandidates(env).slice(0, 8).join(', ')} and Playwright's cache.` };
}

/** The Chromium to launch; throws the help text (no stack needed to read it) when there is none. */
export function chromiumPath(): string {
  const search = findChromium();
  if (!search.found) throw new Error(search.message);
  return search.path;
}
