/**
 * GPT-2 size in Chromium (Debian's /usr/bin/chromium through playwright-core):
 * the page bench/browser/ loads the synthetic GPT-2 folder from a second
 * 127.0.0.1 server (CORS, as the Hub) and runs the same measures as Node, on
 * wasm and on WebGL. Page memory is the renderer process's resident set
 * (/proc/PID/status), sampled after the load and at the end.
 *
 *   npm run bench -- --browser [--dtype F16|F32] [--backends wasm,webgl] [--no-1000]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { chromiumPath } from '../tests/helpers/chromium.ts';
import { serveFolders, syntheticGPT2 } from '../tests/helpers/gpt2Synthetic.ts';
import { MB } from './gpt2Measures.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// --expose-gc: the driver collects garbage before sampling memory, so the figure is what the page keeps.
const ARGS = ['--js-flags=--expose-gc', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export async function benchGPT2Browser(dtypes: ('F16' | 'F32')[]): Promise<void> {
  const argv = process.argv;
  const backends = (argv.includes('--backends') ? argv[argv.indexOf('--backends') + 1] : 'wasm,webgl').split(',');
  const at1000 = !argv.includes('--no-1000');
  const vite = await createServer({ root: ROOT, configFile: false, logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
  await vite.listen();
  const page0 = vite.resolvedUrls!.local[0].replace(/\/$/, '') + '/bench/browser/index.html';
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ARGS });
  try {
    for (const dtype of dtypes) {
      const folder = syntheticGPT2({ dtype });
      const files = await serveFolders({ '/gpt2-synthetic/': folder.dir });
      try {
        for (const backend of backends) {
          console.log(`\nChromium ${browser.version()}, ${backend}: GPT-2 shape, ${dtype} file (${MB(folder.weightBytes)})`);
          const context = await browser.newContext();
          const page = await context.newPage();
          const cdp = await context.newCDPSession(page);
          await cdp.send('Performance.enable');
          const url = `${page0}?backend=${backend}&model=${encodeURIComponent(`${files.origin}/gpt2-synthetic/`)}${at1000 ? '' : '&at1000=no'}`;
          await page.goto(url, { waitUntil: 'commit' });
          // The renderer's pid, for its resident memory: the page reports it through CDP's SystemInfo.
          const info = (await (await browser.newBrowserCDPSession()).send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
          const renderers = info.processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
          const pageRss = () => Math.max(0, ...renderers.map((pid) => rssOf(pid) ?? 0));
          // Software WebGL keeps the textures in the GPU process, not the page's renderer.
          const gpuRss = () => info.processInfo.filter((p) => p.type.toLowerCase() === 'gpu').reduce((s, p) => s + (rssOf(p.id) ?? 0), 0);
          let peak = 0;
          const timer = setInterval(() => (peak = Math.max(peak, pageRss())), 200);
          let printed = 0;
          const sampled = new Set<string>();
          const t0 = Date.now();
          while (true) {
            const { lines, done, phase } = await page.evaluate(() => ({ lines: window.benchLines ?? [], done: window.benchDone, phase: window.benchPhase }));
            for (; printed < lines.length; printed++) console.log(lines[printed]);
            if (phase && !sampled.has(phase)) {
              sampled.add(phase);
              await page.evaluate(() => (globalThis as { gc?: () => void }).gc?.());
              await new Promise((r) => setTimeout(r, 300));
              console.log(`  page memory ${phase === 'loaded' ? 'after the load' : 'after decoding'}, after a garbage collection: ` +
                `renderer RSS ${MB(pageRss())}; GPU process ${MB(gpuRss())}`);
            }
            if (done) break;
            if (Date.now() - t0 > 20 * 60_000) throw new Error('the page did not finish in 20 minutes');
            await new Promise((r) => setTimeout(r, 500));
          }
          clearInterval(timer);
          console.log(`  page memory: renderer RSS now ${MB(pageRss())}, peak ${MB(peak)} (sampled every 200 ms); GPU process ${MB(gpuRss())}`);
          await context.close();
        }
      } finally {
        await files.close();
      }
    }
  } finally {
    await browser.close();
    await vite.close();
  }
}
