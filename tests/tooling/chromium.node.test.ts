import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_HELP, chromiumCandidates, findChromium } from '../helpers/chromium.ts';

describe('finding a Chromium for the browser tests', () => {
  it('uses CHROMIUM_PATH when it names a file, and says so plainly when it does not', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/my/chrome' }, (p) => p === '/opt/my/chrome')).toEqual({ found: true, path: '/opt/my/chrome' });
    const missing = findChromium({ CHROMIUM_PATH: '/nowhere/chrome' }, (p) => p !== '/nowhere/chrome');
    expect(missing.found).toBe(false);
    if (!missing.found) expect(missing.message).toContain('CHROMIUM_PATH is set to /nowhere/chrome');
  });

  it("tries Debian's package before Chrome, and Playwright's cache, newest build first", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-search-'));
    for (const build of ['chromium-1100', 'chromium-1208', 'firefox-1400']) fs.mkdirSync(path.join(home, '.cache/ms-playwright', build), { recursive: true });
    const list = chromiumCandidates({}, home);
    expect(list.indexOf('/usr/bin/chromium')).toBeLessThan(list.indexOf('/usr/bin/google-chrome'));
    const cached = list.filter((p) => p.includes('ms-playwright'));
    expect(cached[0]).toBe(path.join(home, '.cache/ms-playwright/chromium-1208/chrome-linux/chrome'));
    expect(cached.some((p) => p.includes('firefox'))).toBe(false);
    fs.rmSync(home, { recursive: true });
  });

  it('with none anywhere, tells how to get one instead of failing with a stack trace', () => {
    const none = findChromium({}, () => false);
    expect(none.found).toBe(false);
    if (!none.found) {
      expect(none.message).toContain(CHROMIUM_HELP);
      expect(none.message).toMatch(/apt-get install chromium/);
      expect(none.message).toMatch(/npx playwright install chromium/);
      expect(none.message).toMatch(/CHROMIUM_PATH=/);
    }
  });
});
