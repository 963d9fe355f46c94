import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { contentSecurityPolicy } from './src/io/contentPolicy.ts';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from './src/io/crossOriginIsolation.ts';

/**
 * Writes precache.json: every file of the build except the models (large, and
 * cached by public/sw.js once the page has loaded one) and the service worker
 * itself. The service worker stores these on install, so the app shell works
 * offline after the first visit.
 */
function precacheManifest(): Plugin {
  let outDir = '';
  return {
    name: 'playground-precache-manifest',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name);
          const rel = path.relative(outDir, full).split(path.sep).join('/');
          if (entry.isDirectory()) {
            if (rel !== 'models') walk(full);
          } else if (!['sw.js', 'precache.json', 'index.html'].includes(rel)) {
            files.push(rel);
          }
        }
      };
      if (fs.existsSync(outDir)) walk(outDir);
      fs.writeFileSync(path.join(outDir, 'precache.json'), JSON.stringify(files.sort(), null, 1) + '\n');
    },
  };
}

/**
 * The built page's Content-Security-Policy as a <meta> tag (src/io/contentPolicy.ts
 * says what it allows and why). Build only: the dev server's React refresh
 * preamble is an inline script, which the policy forbids.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'playground-content-security-policy',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ asMeta: true }) }, injectTo: 'head-prepend' },
      ],
    },
  };
}

/**
 * Keeps tfjs-backend-wasm's threaded binary working in a minified build. Its
 * pthread workers rebuild the emscripten module from source text: tfjs hands
 * them `factory.toString()` as a script. Minified, that function refers to
 * names the minifier gave its enclosing scope, which the worker lacks ("e is
 * not defined" in every worker, and the backend never starts). The factory is
 * given back its own source as it ships (self-contained: its one outer name,
 * _scriptDir, it reads behind `typeof`), so the workers get a script that runs.
 */
function wasmThreadedFactorySource(): Plugin {
  const head = 'return (\nfunction(WasmBackendModuleThreadedSimd) {';
  const tail = '\n);\n})();';
  return {
    name: 'playground-wasm-threaded-factory-source',
    transform(code, id) {
      if (!/tfjs-backend-wasm-threaded-simd\.js$/.test(id.split('?')[0])) return null;
      const start = code.indexOf(head);
      const end = code.lastIndexOf(tail);
      if (start < 0 || end < start) this.error('tfjs-backend-wasm-threaded-simd.js no longer has the shape this plugin expects');
      const source = code.slice(start + 'return (\n'.length, end);
      return `${code}\nWasmBackendModuleThreadedSimd.toString = () => ${JSON.stringify(source)};\n`;
    },
  };
}

export default defineConfig({
  plugins: [react(), precacheManifest(), contentSecurityPolicyMeta(), wasmThreadedFactorySource()],
  // `vite preview` sends the policy as a header with every file, so the engine's worker (whose policy comes from its
  // own script's response, not the page's <meta>) is held to it as well; a static host should send the same header.
  // Both servers also send COOP/COEP (src/io/crossOriginIsolation.ts): the page is cross-origin isolated, so the
  // wasm backend gets SharedArrayBuffer, loads its threaded binary and computes on every core.
  preview: { headers: { 'Content-Security-Policy': contentSecurityPolicy(), ...CROSS_ORIGIN_ISOLATION_HEADERS } },
  server: { headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } },
  // tfjs is large; keep it in its own chunk so the page shell paints first.
  build: { chunkSizeWarningLimit: 4000, target: 'es2022' },
  // The engine (and so tfjs) runs in a worker, whose bundle has plugins of its own.
  worker: { format: 'es', plugins: () => [wasmThreadedFactorySource()] },
});
