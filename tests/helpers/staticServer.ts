// A plain static file server, as a static host such as GitHub Pages is: files
// with their content types, a cache lifetime, and whatever headers it is given
// — by default none of COOP/COEP, so the page is not cross-origin isolated
// unless its service worker makes it so (public/sw.js). The e2e tests and the
// page-ready bench serve the built app with it.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type net from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.safetensors': 'application/octet-stream',
};

export interface StaticServer {
  url: string;
  /** Paths asked for so far, in order (to see what a page fetched). */
  readonly requests: string[];
  stop(): Promise<void>;
}

export interface StaticServerOptions {
  /** Headers sent with every file (e.g. COOP/COEP, which a plain static host cannot send). */
  headers?: Record<string, string>;
  /** Cache-Control of every file; GitHub Pages sends max-age=600. */
  cacheControl?: string;
}

/** Serves `root` on a free port of 127.0.0.1. */
export async function serveStatic(root: string, options: StaticServerOptions = {}): Promise<StaticServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(pathname);
    let file = path.join(root, path.normalize(pathname));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const body = fs.readFileSync(file);
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.byteLength,
      'Cache-Control': options.cacheControl ?? 'max-age=600',
      ...options.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
