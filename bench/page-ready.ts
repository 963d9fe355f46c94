/**
 * Where the time goes between navigation and the first model being ready on
 * the built page, in headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core). The page and its engine worker record performance.marks
 * (src/main.tsx, src/engine/worker.ts, src/engine/runtime.ts,
 * src/engine/handlers/load.ts, src/panels/LoadStatus.tsx); this reads both
 * timelines, puts them on the page's clock, and prints each step with the
 * files fetched meanwhile.
 *
 * Cold: a fresh browser profile (no HTTP cache, no service worker). Warm: the
 * same profile loading the page again (HTTP cache and the service worker's
 * cache full, wasm code cached by the browser).
 *
 *   npm run bench -- --page-ready [--dist tmp/bench-dist] [--runs 3] [--model shakespeare] [--no-coi] [--backend wasm]
 *   npm run bench -- --page-ready --dist tmp/before,tmp/after   # two builds, runs interleaved (a busy machine slows both alike)
 *
 * The built app is served by a plain static server (tests/helpers/staticServer.ts)
 * with the headers `vite preview` sends (CSP, COOP/COEP); --no-coi leaves
 * COOP/COEP out, as a static host does, so the service worker must add them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { chromiumPath } from '../tests/helpers/chromium.ts';
import { serveStatic } from '../tests/helpers/staticServer.ts';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../src/io/crossOriginIsolation.ts';
import { contentSecurityPolicy } from '../src/io/contentPolicy.ts';
import { median } from './timing.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The steps; each row printed is the time from the mark before it (in time) to this one. */
const STEPS: { mark: string; what: string }[] = [
  { mark: 'playground:boot', what: 'page script fetched and run' },
  { mark: 'engine:script', what: 'engine worker started (its script, tfjs, fetched and run)' },
  { mark: 'engine:probed', what: 'GPU probes (WebGL renderer, WebGPU adapter)' },
  { mark: 'engine:backend', what: 'backend started (wasm fetched and compiled)' },
  { mark: 'load:start', what: 'engine asked for the model (it fetches while the backend starts)' },
  { mark: 'load:fetched', what: 'model files fetched' },
  { mark: 'load:built', what: 'weights parsed into tensors' },
  { mark: 'load:warm', what: 'first forward pass (warm-up)' },
  { mark: 'playground:ready', what: 'ready on screen' },
];

interface Timeline {
  /** Mark name → ms since navigation on the page's clock. */
  marks: Record<string, number>;
  /** Files fetched (page and worker): short name → [start, end] ms since navigation. */
  files: Record<string, [number, number]>;
  isolated: boolean;
  backend: string;
}

const shortName = (url: string) => {
  const file = new URL(url).pathname.split('/').pop() ?? url;
  return file.replace(/-[A-Za-z0-9_-]{8}\.(js|wasm|css)$/, '.$1');
};

/** Both timelines, on the page's clock (each global has its own timeOrigin). */
async function readTimeline(page: Page): Promise<Timeline> {
  type Raw = { origin: number; marks: [string, number][]; files: [string, number, number][] };
  const read = (): Raw => ({
    origin: performance.timeOrigin,
    marks: performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]),
    files: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => [r.name, r.startTime, r.responseEnd]),
  });
  const pageRaw = await page.evaluate(read);
  const raws = [pageRaw];
  for (const worker of page.workers()) if (!worker.url().startsWith('blob:')) raws.push(await worker.evaluate(read));
  const marks: Record<string, number> = {};
  const files: Record<string, [number, number]> = {};
  for (const raw of raws) {
    const shift = raw.origin - pageRaw.origin;
    for (const [name, t] of raw.marks) marks[name] ??= t + shift;
    for (const [url, start, end] of raw.files) files[shortName(url)] ??= [start + shift, end + shift];
  }
  const { isolated, backend } = await page.evaluate(() => ({
    isolated: crossOriginIsolated,
    backend: document.querySelector('[data-testid=backend]')?.textContent ?? '',
  }));
  return { marks, files, isolated, backend };
}

async function loadOnce(context: BrowserContext, url: string): Promise<Timeline> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto('about:blank'); // a new document each time, not a hash change of the same one
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => performance.getEntriesByName('playground:ready').length > 0, null, { timeout: 120_000, polling: 50 });
  return readTimeline(page);
}

function printTimeline(label: string, runs: Timeline[]): void {
  const at = (mark: string) => median(runs.map((r) => r.marks[mark] ?? NaN));
  console.log(`\n${label} (median of ${runs.length}; ms since navigation, and the step's own share)`);
  // In the order they happened (the model load may start before the backend is up).
  const steps = STEPS.map((step) => ({ ...step, t: at(step.mark) })).filter((step) => !Number.isNaN(step.t)).sort((a, b) => a.t - b.t);
  let previous = 0;
  for (const { mark, what, t } of steps) {
    console.log(`  ${t.toFixed(0).padStart(6)}  +${(t - previous).toFixed(0).padStart(5)}  ${mark.padEnd(18)} ${what}`);
    previous = t;
  }
  const last = runs[runs.length - 1];
  const files = Object.entries(last.files).filter(([name]) => /\.(js|wasm|safetensors|json)$/.test(name)).sort((a, b) => a[1][0] - b[1][0]);
  console.log(`  files (last run): ${files.map(([name, [s, e]]) => `${name} ${s.toFixed(0)}–${e.toFixed(0)}`).join(', ')}`);
  console.log(`  crossOriginIsolated ${last.isolated}; ${last.backend}`);
}

export async function benchPageReady(): Promise<void> {
  const argv = process.argv;
  const arg = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
  const runs = Number(arg('runs', '3'));
  const model = arg('model', 'shakespeare');
  const backend = arg('backend', '');
  let dists = arg('dist', '').split(',').map((d) => path.resolve(ROOT, d));
  if (!argv.includes('--dist')) {
    const dist = path.join(ROOT, 'tmp/bench-dist');
    dists = [dist];
    console.log(`building the app into ${path.relative(ROOT, dist)} …`);
    await new Promise<void>((resolve, reject) => {
      const vite = spawn(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
      vite.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`))));
    });
  }
  for (const dist of dists) {
    if (!fs.existsSync(path.join(dist, 'models', model, 'model.safetensors'))) throw new Error(`${dist} has no models/${model}: build the app with that model in public/models.`);
  }
  const coi = !argv.includes('--no-coi');
  // One server (so one origin, and caches of its own) per build.
  const servers = await Promise.all(dists.map((dist) => serveStatic(dist, { headers: { 'Content-Security-Policy': contentSecurityPolicy(), ...(coi ? CROSS_ORIGIN_ISOLATION_HEADERS : {}) } })));
  const hash = `#model=${model}${backend ? `&backend=${backend}` : ''}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ARGS });
  console.log(`Chromium ${browser.version()}; served ${coi ? 'with' : 'without'} COOP/COEP; ${hash}`);
  try {
    const cold: Timeline[][] = dists.map(() => []);
    const warm: Timeline[][] = dists.map(() => []);
    for (let r = 0; r < runs; r++) {
      for (let d = 0; d < dists.length; d++) {
        const url = servers[d].url + hash;
        const context = await browser.newContext();
        cold[d].push(await loadOnce(context, url));
        // Let the service worker finish storing the shell before the warm loads.
        await context.pages()[0].evaluate(() => navigator.serviceWorker?.ready.then(() => undefined));
        await loadOnce(context, url); // a reload the service worker may ask for is not a warm load yet
        warm[d].push(await loadOnce(context, url));
        await context.close();
      }
    }
    const ready = (ts: Timeline[]) => median(ts.map((t) => t.marks['playground:ready'])) / 1000;
    for (let d = 0; d < dists.length; d++) {
      console.log(`\n==== ${path.relative(ROOT, dists[d])}`);
      printTimeline('cold (fresh profile)', cold[d]);
      printTimeline('warm (same profile, loaded again)', warm[d]);
    }
    console.log('');
    for (let d = 0; d < dists.length; d++) {
      console.log(`page ready, ${path.relative(ROOT, dists[d])}: cold ${ready(cold[d]).toFixed(2)} s, warm ${ready(warm[d]).toFixed(2)} s (targets 2.5 s and 1.5 s)`);
    }
  } finally {
    await browser.close();
    await Promise.all(servers.map((s) => s.stop()));
  }
}
