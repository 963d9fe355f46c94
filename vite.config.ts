import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { contentSecurityPolicy } from './src/io/contentPolicy.ts';

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

export default defineConfig({
  plugins: [react(), precacheManifest(), contentSecurityPolicyMeta()],
  // `vite preview` sends the policy as a header with every file, so the engine's worker (whose policy comes from its
  // own script's response, not the page's <meta>) is held to it as well; a static host should send the same header.
  preview: { headers: { 'Content-Security-Policy': contentSecurityPolicy() } },
  // tfjs is large; keep it in its own chunk so the page shell paints first.
  build: { chunkSizeWarningLimit: 4000, target: 'es2022' },
  worker: { format: 'es' },
});
