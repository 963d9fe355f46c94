import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { dropWebGPU, probeWebGPU, registerWebGPU, webgpuReadsBackSync, type WebGPUProbe } from './webgpu.ts';
import { codesOf } from '../util/codes.ts';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export type BackendUnavailableCode = 'no-webgpu' | 'no-adapter' | 'no-sync-read' | 'failed';
export const BACKEND_UNAVAILABLE_CODES = codesOf<BackendUnavailableCode>({ 'no-webgpu': 0, 'no-adapter': 0, 'no-sync-read': 0, failed: 0 });

/**
 * A backend passed over, by code, so the page can say why in either language:
 * `no-webgpu` (the browser has no navigator.gpu), `no-adapter` (it gave no
 * WebGPU adapter), `no-sync-read` (WebGPU computes but cannot hand results back
 * synchronously, see webgpuReadsBackSync), `failed` (the backend did not start;
 * `message` says how).
 */
export interface BackendUnavailable {
  backend: BackendName;
  code: BackendUnavailableCode;
  /** The same in an English sentence. */
  message: string;
}

export interface BackendChoice {
  backend: BackendName;
  /** Why this backend and not the one before it in the preference order. */
  reason: string;
  /** The backends before it in the preference order, and why each did not start. */
  unavailable: BackendUnavailable[];
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
  const isolated = crossOriginIsolatedNow() && typeof navigator !== 'undefined';
  const threads = isolated ? wasmThreadsWanted(opts.wasmThreads, navigator.hardwareConcurrency || 1) : 1;
  // One thread: the plain SIMD binary rather than the threaded one, which starts its pool of pthread workers
  // (each compiling the module again) at start-up, only to run a single thread.
  const threaded = isolated && threads > 1;
  if (isolated) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threaded);
  if (threaded) setThreadsCount(threads);
  const unavailable: BackendUnavailable[] = [];
  const pass = (backend: BackendName, code: BackendUnavailableCode, message: string) => unavailable.push({ backend, code, message });
  for (const name of preference) {
    try {
      if (name === 'webgpu') {
        // Asked before the backend's code is fetched: a browser without WebGPU loads nothing.
        const gpu = await probeWebGPU();
        if (gpu.status === 'no-webgpu') {
          pass(name, gpu.status, 'webgpu is not available: this browser has no WebGPU (navigator.gpu is missing)');
          continue;
        }
        if (gpu.status === 'no-adapter') {
          pass(name, gpu.status, 'webgpu is not available: the browser gave no WebGPU adapter');
          continue;
        }
        await registerWebGPU();
      }
      const start = () => tf.setBackend(name);
      const ok = name === 'wasm' && threaded ? await withLogicalCores(2 * threads, start) : await start();
      if (ok && tf.getBackend() === name) {
        await tf.ready();
        if (name === 'webgpu' && !webgpuReadsBackSync()) {
          dropWebGPU();
          pass(name, 'no-sync-read', 'webgpu cannot read results back synchronously in this browser (its WebGPU canvas fails), and the model reads every step so');
          continue;
        }
        const reason = unavailable.length ? unavailable.map((u) => u.message).join('; ') : `${name} was the first choice`;
        return name === 'wasm' ? { backend: name, reason, unavailable, threads: wasmThreads() } : { backend: name, reason, unavailable };
      }
      pass(name, 'failed', `${name} did not initialise`);
    } catch (e) {
      pass(name, 'failed', `${name} failed: ${(e as Error).message}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start (${unavailable.map((u) => u.message).join('; ')}).`);
}

/** What the page learned about its GPUs before choosing (src/engine/runtime.ts asks). */
export interface GpuProbes {
  /** WebGL: whether it starts, whether it draws in software, and a short renderer name ("SwiftShader"). */
  webgl: { available: boolean; software: boolean; name: string };
  webgpu: WebGPUProbe;
}

/** Why the first backend of the order comes first, by code, for the page to say in either language. */
export type BackendWhy =
  | { code: 'asked'; backend: BackendName }
  | { code: 'webgpu'; adapter: string }
  | { code: 'gpu'; renderer: string }
  | { code: 'software'; renderer: string }
  | { code: 'noWebgl' }
  /** `auto` with a verdict kept from an earlier measurement on this device (backendChoice.ts). */
  | { code: 'measured'; backend: BackendName };

/**
 * The order to try backends in, and why the first is first. `auto` puts WebGPU
 * first only on a hardware adapter: a fallback adapter (SwiftShader, lavapipe)
 * runs WGSL on the CPU, where wasm does the same work faster, so it is used
 * only when a link asks for it. Next comes WebGL on a GPU; where WebGL is
 * drawn in software, wasm. A backend asked for in the link comes first, and if
 * it cannot start the rest follow in the `auto` order. `measured`, the fastest
 * backend for generation measured earlier on this device (backendChoice.ts),
 * comes first in `auto`, the rule's order after it.
 */
export function backendOrder(
  request: 'auto' | BackendName,
  probes: GpuProbes,
  measured: BackendName | null = null,
): { preference: BackendName[]; why: BackendWhy; reason: string } {
  const { webgl, webgpu } = probes;
  let auto: { preference: BackendName[]; why: BackendWhy; reason: string };
  if (webgpu.status === 'ok' && !webgpu.software) {
    const next: BackendName[] = webgl.available && !webgl.software ? ['webgl', 'wasm'] : ['wasm', 'webgl'];
    auto = {
      preference: ['webgpu', ...next, 'cpu'],
      why: { code: 'webgpu', adapter: webgpu.adapter ?? '' },
      reason: `WebGPU runs on the GPU (${webgpu.adapter})`,
    };
  } else if (!webgl.available) {
    auto = { preference: ['wasm', 'cpu'], why: { code: 'noWebgl' }, reason: 'WebGL is not available in this browser, so wasm runs instead' };
  } else if (webgl.software) {
    auto = {
      preference: ['wasm', 'webgl', 'cpu'],
      why: { code: 'software', renderer: webgl.name },
      reason: `WebGL here is drawn in software (${webgl.name}), which is slow for generating one token at a time, so wasm runs instead`,
    };
  } else {
    auto = { preference: ['webgl', 'wasm', 'cpu'], why: { code: 'gpu', renderer: webgl.name }, reason: `WebGL runs on the GPU (${webgl.name})` };
  }
  if (request === 'auto' && measured) {
    return {
      preference: [measured, ...auto.preference.filter((b) => b !== measured)],
      why: { code: 'measured', backend: measured },
      reason: `${measured} was the fastest for generation when measured on this device`,
    };
  }
  if (request === 'auto') return auto;
  return {
    preference: [request, ...auto.preference.filter((b) => b !== request)],
    why: { code: 'asked', backend: request },
    reason: `${request} was asked for in the link`,
  };
}
