/**
 * The page's Content-Security-Policy, in one place: vite.config.ts writes it
 * into the built page (a <meta> tag) and sends it as a header from `vite
 * preview`, and the model loader checks an address against `connect-src`
 * before fetching, so a blocked address gets a sentence instead of the
 * browser's bare "Failed to fetch".
 *
 * What the page may fetch (connect-src): its own origin; Hugging Face, whose
 * `https://huggingface.co/<repo>/resolve/main/<file>` addresses redirect large
 * files to CDN hosts under huggingface.co and hf.co (cdn-lfs*.hf.co,
 * cas-bridge.xethub.hf.co); a model server on this machine
 * (http://localhost:PORT, http://127.0.0.1:PORT); and blob:/data: URLs of
 * files the learner opened. Nothing else: a model elsewhere is downloaded and
 * opened from disk, or served from localhost.
 *
 * A dedicated worker created from a same-origin URL gets its policy from its
 * own script's response headers, not from the page's <meta> tag (CSP3 §
 * "Initialize a global object's CSP list"; Chromium does so): under `vite
 * preview` the header covers the worker that does the fetching; on a static
 * host, serve the same header for the page and its scripts to hold the worker
 * to it too.
 */

export const CONNECT_SOURCES = [
  "'self'",
  'https://huggingface.co',
  'https://*.huggingface.co',
  'https://hf.co',
  'https://*.hf.co',
  'http://localhost:*',
  'http://127.0.0.1:*',
  'blob:',
  'data:',
] as const;

/** Directive → sources. `frame-ancestors` only works as a header, so `asMeta` drops it. */
export function contentSecurityPolicy(opts: { asMeta?: boolean } = {}): string {
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    // 'wasm-unsafe-eval': WebAssembly.instantiate of tfjs-backend-wasm's .wasm files; no other eval, no inline script.
    // blob:: in a cross-origin isolated page the threaded wasm binary starts its pthread workers from blob: URLs that
    // tfjs makes from its own bundled code (the worker script and the module factory, imported with importScripts).
    // Only script already running in the page can make a blob: URL, so this opens no way in for injected markup.
    ['script-src', ["'self'", "'wasm-unsafe-eval'", 'blob:']],
    // The stylesheet is a file; React's style props and D3's .style() go through the CSSOM, which style-src allows.
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'"]],
    ['connect-src', [...CONNECT_SOURCES]],
    // The engine's module worker and the service worker are files of the page's own origin; the wasm thread pool's
    // workers are blob: URLs (above).
    ['worker-src', ["'self'", 'blob:']],
    ['manifest-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'none'"]],
  ];
  if (!opts.asMeta) directives.push(['frame-ancestors', ["'none'"]]);
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** Would connect-src let the page at `pageOrigin` fetch `url`? (Redirects are checked by the browser as they happen.) */
export function connectAllowed(url: string, pageOrigin: string): boolean {
  let u: URL;
  try {
    u = new URL(url, pageOrigin);
  } catch {
    return false;
  }
  if (u.protocol === 'blob:' || u.protocol === 'data:') return true;
  if (u.origin === pageOrigin) return true;
  const host = u.hostname;
  if (u.protocol === 'https:') {
    return ['huggingface.co', 'hf.co'].some((h) => host === h || host.endsWith(`.${h}`)) && (u.port === '' || u.port === '443');
  }
  if (u.protocol === 'http:') return host === 'localhost' || host === '127.0.0.1';
  return false;
}

/** The sentence for an address the policy blocks. */
export function blockedByPolicyMessage(url: string): string {
  let shown = url;
  try {
    shown = new URL(url).origin;
  } catch {
    // keep the text as given
  }
  return (
    `This page may not fetch from ${shown}: its Content-Security-Policy allows only its own address, Hugging Face ` +
    '(huggingface.co, hf.co) and a server on this computer (http://localhost or http://127.0.0.1, any port). ' +
    'Download the model files and open them from your computer, or serve the folder from localhost.'
  );
}
