// What the end-to-end tests need around them: a model to load, the app built
// and served by `vite preview` on a free port, and Debian's Chromium.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type LaunchOptions, chromium } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { chromiumPath } from '../helpers/chromium.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'tmp/e2e-screenshots');
const OUT_DIR = path.join(ROOT, 'tmp/e2e-dist');
const VITE = path.join(ROOT, 'node_modules/vite/bin/vite.js');

/**
 * The model the tests load: the small stand-in by default; set E2E_MODEL=shakespeare
 * to run the same tests against the shipped model.
 */
export const MODEL = process.env.E2E_MODEL ?? 'dev-tiny';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export function modelDir(name: string): string {
  return path.join(ROOT, 'public/models', name);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(log) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${log.slice(-3000)}`))));
  });
}

/**
 * Makes sure the model folder exists. The stand-in is trained on demand (a clean
 * clone has none; 40 steps of batch 4 plus the final validation take well under a minute on two idle cores); the shipped model
 * is never trained here.
 */
export async function ensureModel(name: string): Promise<void> {
  const dir = modelDir(name);
  const present = ['config.json', 'model.safetensors', 'tokenizer.json'].every((f) => fs.existsSync(path.join(dir, f)));
  if (present) return;
  if (name !== 'dev-tiny') {
    throw new Error(`The model "${name}" is not in ${dir}. Train it with scripts/train-embedded.ts, or run the tests with the stand-in (E2E_MODEL=dev-tiny).`);
  }
  const t0 = Date.now();
  // Trained on the excerpt that ships with the repository: no network, nothing outside it.
  await run(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/train-embedded.ts', '--name', 'dev-tiny',
    '--steps', '40', '--batch', '4', '--corpus', path.join(ROOT, 'tests/fixtures/tinyshakespeare-excerpt.txt')]);
  console.log(`trained the dev-tiny stand-in in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Served {
  url: string;
  stop(): Promise<void>;
}

/** `vite build` into tmp/e2e-dist. The e2e project's global setup (tests/e2e/setup.ts) does this once for every file. */
export async function buildApp(): Promise<string> {
  await run(process.execPath, [VITE, 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'], { NODE_ENV: 'production' });
  return OUT_DIR;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the global setup built the app (absent when a file runs outside the e2e project). */
    e2eDist: string;
  }
}

/**
 * `vite preview` of the built app on a free localhost port: the build the global
 * setup made for this run, or a fresh one when there is none. Each file gets its
 * own server (one stops it to test offline use).
 */
export async function buildAndServe(): Promise<Served> {
  let built: string | undefined;
  try {
    built = inject('e2eDist');
  } catch {
    built = undefined;
  }
  if (!built || !fs.existsSync(path.join(built, 'index.html'))) await buildApp();
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [VITE, 'preview', '--outDir', OUT_DIR, '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`vite preview did not answer on ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const options: LaunchOptions = {
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, ...extraArgs],
  };
  return chromium.launch(options);
}

/** A text the tests make themselves: short lines of a small vocabulary, seeded, so its loss falls fast. */
export function syntheticText(characters: number, seed = 1): string {
  const words = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'dog', 'ran', 'to', 'sun', 'moon', 'with', 'red', 'hat', 'in'];
  let s = seed;
  const random = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  let text = '';
  while (text.length < characters) {
    const line = Array.from({ length: 6 }, () => words[Math.floor(random() * words.length)]);
    text += line.join(' ') + '.\n';
  }
  return text;
}

/** What an e2e file works with: its own server of the one build, and a browser. */
export interface ServedApp {
  readonly served: Served;
  readonly browser: Browser;
}

/**
 * Registers the hooks every e2e file needs — the model present, the built app
 * served on a port of its own, a Chromium — and closes both after the file.
 */
export function serveAppForFile(): ServedApp {
  let served: Served | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await ensureModel(MODEL);
    served = await buildAndServe();
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The e2e ${what} is not up: its beforeAll hook failed or has not run.`);
    return value;
  };
  return {
    get served() { return ready(served, 'server'); },
    get browser() { return ready(browser, 'browser'); },
  };
}
