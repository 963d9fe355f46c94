// WebGPU for TensorFlow.js (@tensorflow/tfjs-backend-webgpu): whether this
// browser has it, on what adapter, and the backend's code loaded only when a
// page asks for it — it is a chunk of its own, which a page (or a Node process)
// that never tries WebGPU does not fetch.

import * as tf from '@tensorflow/tfjs';

/**
 * The parts of the WebGPU API read here. TypeScript's DOM library does not
 * declare `navigator.gpu` yet (the full types are the @webgpu/types package).
 */
export interface GPUAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** Chromium 136+ reports it here; earlier versions on the adapter itself. */
  isFallbackAdapter?: boolean;
}
interface GPUAdapterLike {
  info?: GPUAdapterInfoLike;
  isFallbackAdapter?: boolean;
}
interface GPULike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GPUAdapterLike | null>;
}

/** `navigator.gpu` where the browser has WebGPU (a secure context: https or localhost), else null. */
function navigatorGpu(): GPULike | null {
  const nav = (globalThis as { navigator?: { gpu?: GPULike } }).navigator;
  return nav?.gpu ?? null;
}

/**
 * What the browser's WebGPU adapter is:
 * - `ok`: an adapter; `software` when it computes on the CPU (SwiftShader, lavapipe, WARP).
 * - `no-webgpu`: no `navigator.gpu` (a browser without WebGPU, or a page that is not a secure context).
 * - `no-adapter`: `navigator.gpu` is there but gave no adapter (no usable GPU, or WebGPU
 *   switched off for it — headless Chromium without `--enable-unsafe-webgpu`).
 */
export interface WebGPUProbe {
  status: 'ok' | 'no-webgpu' | 'no-adapter';
  /** A name a reader recognises ("SwiftShader", "nvidia ampere"), when there is an adapter. */
  adapter: string | null;
  software: boolean;
}

const SOFTWARE_ADAPTER = /swiftshader|lavapipe|llvmpipe|softpipe|basic render|warp|software/i;

/**
 * Names an adapter and tells whether it runs on the CPU: the browser's own flag
 * (`isFallbackAdapter`), or a software rasteriser named in its vendor, architecture,
 * device or description (SwiftShader reports vendor "google", architecture
 * "swiftshader", and in Chromium 156 no fallback flag unless asked for one).
 */
export function describeAdapter(info: GPUAdapterInfoLike, legacyFallbackFlag = false): { adapter: string; software: boolean } {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s): s is string => !!s);
  const text = parts.join(' ');
  const software = info.isFallbackAdapter === true || legacyFallbackFlag || SOFTWARE_ADAPTER.test(text);
  const known = /swiftshader|lavapipe|llvmpipe|warp/i.exec(text);
  const name = known ? { swiftshader: 'SwiftShader', lavapipe: 'lavapipe', llvmpipe: 'llvmpipe', warp: 'WARP' }[known[0].toLowerCase()]! : info.description || text;
  return { adapter: name || 'unnamed adapter', software };
}

let probed: Promise<WebGPUProbe> | null = null;

/**
 * Asks for the adapter TensorFlow.js will use (it asks for 'high-performance'
 * too), once per worker: the answer does not change while the page is open.
 */
export function probeWebGPU(): Promise<WebGPUProbe> {
  probed ??= (async (): Promise<WebGPUProbe> => {
    const gpu = navigatorGpu();
    if (!gpu) return { status: 'no-webgpu', adapter: null, software: false };
    try {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) return { status: 'no-adapter', adapter: null, software: false };
      return { status: 'ok', ...describeAdapter(adapter.info ?? {}, adapter.isFallbackAdapter === true) };
    } catch {
      return { status: 'no-adapter', adapter: null, software: false };
    }
  })();
  return probed;
}

let registered: Promise<boolean> | null = null;

/**
 * Loads @tensorflow/tfjs-backend-webgpu, which registers the 'webgpu' backend
 * with TensorFlow.js as it is imported (only where `navigator.gpu` exists).
 * False, and nothing fetched, where the browser has no WebGPU.
 */
export function registerWebGPU(): Promise<boolean> {
  registered ??= navigatorGpu() ? import('@tensorflow/tfjs-backend-webgpu').then(() => true) : Promise.resolve(false);
  return registered;
}

/**
 * Values the check computes on the GPU: above the size (1,000 values by
 * default, WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD) under which the webgpu backend
 * computes on the CPU whatever its inputs already held there.
 */
const CHECK_SIZE = 4096;

/**
 * True when the running webgpu backend can read a GPU result back
 * synchronously. The model, the sampler and the trainer read their results
 * with dataSync; tfjs-backend-webgpu 4.22 does that by copying the buffer into
 * a WebGPU canvas and drawing it into a 2D one. Where the browser cannot make
 * a WebGPU canvas — headless Chromium 156 on SwiftShader: "Could not find
 * SharedImageBackingFactory … WebgpuSwapChainTexture" — the device is
 * destroyed and every value reads as 0, so the model would print zeros. A
 * page where this fails falls back to the next backend (src/engine/backend.ts).
 */
export function webgpuReadsBackSync(): boolean {
  let ok = false;
  try {
    tf.tidy(() => {
      const values = tf.add(tf.range(0, CHECK_SIZE), 1).dataSync();
      ok = values[0] === 1 && values[CHECK_SIZE - 1] === CHECK_SIZE;
    });
  } catch {
    ok = false;
  }
  return ok;
}

/** Takes a webgpu backend that failed the check out of TensorFlow.js (its device is gone); another can then start. */
export function dropWebGPU(): void {
  try {
    tf.removeBackend('webgpu');
  } catch {
    // Disposing buffers of a destroyed device may throw; the backend is unregistered either way.
  }
}
