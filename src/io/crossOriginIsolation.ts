/**
 * The two response headers that make a page cross-origin isolated
 * (`crossOriginIsolated` true), which lets it use SharedArrayBuffer — and so
 * lets tfjs-backend-wasm load its threaded binary and run on every core.
 * vite.config.ts sends them from the dev and preview servers, the benches
 * from theirs, and public/sw.js adds them on a static host that cannot.
 *
 * COEP `require-corp` makes the page refuse cross-origin subresources that do
 * not opt in (CORP or CORS): fetch() with CORS, as the model loader uses for
 * Hugging Face and localhost model servers, still works.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;
