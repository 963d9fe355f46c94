import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'webgl' | 'wasm' | 'cpu';

export interface BackendChoice {
  backend: BackendName;
  /** Why this backend and not the one before it in the preference order. */
  reason: string;
  /** wasm only: the threads its thread pool runs (1 without cross-origin isolation). */
  threads?: number;
}

export interface BackendOptions {
  /**
   * Threads for the wasm backend, when the page is cross-origin isolated (COOP/COEP
   * headers) and so gets the threaded binary. Default: see wasmThreadsWanted.
   */
  wasmThreads?: number;
}

/** tfjs-backend-wasm 4.22 starts 8 pthread workers up front; its thread pool never takes more. */
const WASM_MAX_THREADS = 8;

/** True where SharedArrayBuffer is allowed, so the wasm backend can load its threaded binary. */
export function crossOriginIsolatedNow(): boolean {
  // Read through a cast: Deno's and Node's type libraries (notebooks, scripts) do not declare the browser's global.
  return (globalThis as { crossOriginIsolated?: unknown }).crossOriginIsolated === true;
}

/**
 * The threads to ask the wasm backend for: `wanted` (capped at the 8 workers the
 * backend pre-starts), else one per physical core — half the logical ones, at
 * most 4, tfjs's own default. Every kernel is split across the pool and waits
 * for its slowest thread, so a thread more than the free cores costs more than
 * it gives: on a 2-core machine (hardwareConcurrency 2, under load) 2 threads
 * made 64-token generation 30× slower than 1 and a training step 2× slower
 * (`npm run bench -- --browser-playground`), although a large matmul ran 18%
 * faster.
 */
export function wasmThreadsWanted(wanted: number | undefined, logicalCores: number): number {
  const n = wanted ?? Math.min(4, Math.floor(logicalCores / 2));
  return Math.max(1, Math.min(WASM_MAX_THREADS, Math.floor(n)));
}

/**
 * Runs `init` while navigator.hardwareConcurrency reads `cores`, then restores it.
 *
 * Why: tfjs-backend-wasm 4.22's C++ side (backend.cc) caps the thread pool at
 * `emscripten_num_logical_cores() / 2` — it assumes two hyperthreads per core —
 * whatever setThreadsCount asks: `min(min(max(count, 1), 8), cores / 2)`. With
 * hardwareConcurrency 2 that is 1 thread, so setThreadsCount(2) is silently
 * ignored. emscripten reads navigator.hardwareConcurrency once, in the module's
 * static initialisers when the backend starts; reporting twice the wanted count
 * for that moment lets the requested count through. The pool cannot exceed the
 * workers emscripten pre-started (8), and nothing else reads the value meanwhile.
 */
async function withLogicalCores<T>(cores: number, init: () => Promise<T>): Promise<T> {
  const nav = globalThis.navigator as Navigator | undefined;
  if (!nav) return init();
  Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => cores });
  try {
    return await init();
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency; // the prototype's getter shows again
  }
}

/** The wasm backend's thread count once it runs (1 where it is single-threaded). */
function wasmThreads(): number {
  try {
    return Math.max(1, getThreadsCount());
  } catch {
    return 1;
  }
}

/**
 * Starts the first backend of `preference` that initialises, and says why the
 * earlier ones were passed over. The wasm binaries must be locatable: in Node,
 * a folder path; under Vite, the three ?url imports (see src/engine/wasmPaths.ts).
 *
 * The wasm thread count is fixed when the backend is first created (the
 * BackendWasm constructor passes it to the module), so it is set here, before
 * tf.setBackend('wasm'); a later setThreadsCount does nothing.
 */
export async function selectBackend(
  preference: BackendName[] = ['webgl', 'wasm', 'cpu'],
  wasmPaths?: string | Record<string, string>,
  opts: BackendOptions = {},
): Promise<BackendChoice> {
  if (wasmPaths) setWasmPaths(wasmPaths as Parameters<typeof setWasmPaths>[0]);
  const threaded = crossOriginIsolatedNow() && typeof navigator !== 'undefined';
  const threads = threaded ? wasmThreadsWanted(opts.wasmThreads, navigator.hardwareConcurrency || 1) : 1;
  if (threaded) setThreadsCount(threads);
  const skipped: string[] = [];
  for (const name of preference) {
    try {
      const start = () => tf.setBackend(name);
      const ok = name === 'wasm' && threaded ? await withLogicalCores(2 * threads, start) : await start();
      if (ok && tf.getBackend() === name) {
        await tf.ready();
        const reason = skipped.length ? skipped.join('; ') : `${name} was the first choice`;
        return name === 'wasm' ? { backend: name, reason, threads: wasmThreads() } : { backend: name, reason };
      }
      skipped.push(`${name} did not initialise`);
    } catch (e) {
      skipped.push(`${name} failed: ${(e as Error).message}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start (${skipped.join('; ')}).`);
}
