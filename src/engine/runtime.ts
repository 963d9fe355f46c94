// What every engine handler shares: the job a call runs as, the backend, and
// the models the worker holds. Handlers for each panel live in handlers/ and
// import from here; worker.ts only routes messages to them.

import type { BackendReport, BackendRequest, EventOf, ThreadsRequest, MethodName, ModelInfo, ModelSlot, ParamsOf, ResultOf } from './protocol.ts';
import { backendOrder, crossOriginIsolatedNow, selectBackend } from './backend.ts';
import { type BackendVerdict, gpuName, verdictForGpu } from './backendChoice.ts';
import { probeWebGPU } from './webgpu.ts';
import { bundledWasmPaths } from './wasmPaths.ts';
import { AdapterStore } from './adapterStore.ts';
import { GPT, InputError } from '../model/gpt.ts';
import type { Tokenizer } from '../tokenizer/index.ts';

// ---- jobs: one per call, stoppable --------------------------------------------

export interface JobContext<E> {
  emit(event: E): void;
  /** True once the page asked this call to stop. */
  readonly stopped: boolean;
  /** Aborted when the page asks this call to stop: hand it to downloads so they end at once. */
  readonly signal: AbortSignal;
}

export type Handler<M extends MethodName> = (params: ParamsOf<M>, job: JobContext<EventOf<M>>) => Promise<ResultOf<M>>;

/** Lets queued messages (a stop, another call) run before the next slice of work. */
export const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

// ---- backend -------------------------------------------------------------------

let backendReady: Promise<BackendReport> | null = null;

/** Starts the backend once; later calls get the same report. */
export function initBackend(request: BackendRequest, threads: ThreadsRequest = 'auto', measured?: BackendVerdict[]): Promise<BackendReport> {
  backendReady ??= startBackend(request, threads, measured);
  return backendReady;
}

export function engineReady(): Promise<BackendReport> {
  if (!backendReady) throw new Error('The engine has not been started: call init first.');
  return backendReady;
}

export interface WebGLProbe {
  available: boolean;
  renderer: string | null;
  software: boolean;
}

/**
 * Asks WebGL (through an OffscreenCanvas, as TF.js will) who draws. Software
 * renderers — SwiftShader in headless Chromium, llvmpipe on Linux without a
 * GPU — run WebGL on the CPU, and are slow for one-token-at-a-time work.
 */
export function probeWebGL(): WebGLProbe {
  if (typeof OffscreenCanvas === 'undefined') return { available: false, renderer: null, software: false };
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return { available: false, renderer: null, software: false };
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, renderer, software: /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer) };
  } catch {
    return { available: false, renderer: null, software: false };
  }
}

async function startBackend(request: BackendRequest, threadsAsked: ThreadsRequest, measured?: BackendVerdict[]): Promise<BackendReport> {
  // The page sends loadModel right behind init (src/panels/engineBoot.ts): let it start its downloads before
  // the probes below hold this thread (creating a WebGL context takes a while).
  await yieldToEvents();
  const probe = probeWebGL();
  // Asking for WebGPU's adapter fetches none of its backend's code (src/engine/webgpu.ts).
  const webgpu = await probeWebGPU();
  // `auto` starts on the backend measured fastest on this device, where the page kept a verdict (backendChoice.ts).
  const gpu = gpuName(probe.renderer, webgpu);
  const verdict = request === 'auto' ? verdictForGpu(measured, gpu, Date.now()) : null;
  const { preference, why, reason: whyText } = backendOrder(request, {
    webgl: { available: probe.available, software: probe.software, name: shortRenderer(probe.renderer) },
    webgpu,
  }, verdict?.generation);
  performance.mark('engine:probed');
  // A count from the link runs as asked, up to the device's logical cores; auto is one per physical core (wasmThreadsWanted).
  const logicalCores = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency || 1; // Node 20 has no navigator
  const wasmThreads = threadsAsked === 'auto' ? undefined : Math.min(threadsAsked, logicalCores);
  const choice = await selectBackend(preference, bundledWasmPaths, { wasmThreads });
  performance.mark('engine:backend');
  const reason = choice.backend === preference[0] ? whyText : `${whyText}; but ${choice.reason}, so ${choice.backend} runs`;
  const threads = choice.threads ? { threads: choice.threads, threadsAsked, isolated: crossOriginIsolatedNow(), logicalCores } : {};
  const adapter = choice.backend === 'webgpu' ? { webgpuAdapter: { name: webgpu.adapter ?? '', software: webgpu.software } } : {};
  return {
    backend: choice.backend, reason, why, unavailable: choice.unavailable,
    webglRenderer: probe.renderer, webglSoftware: probe.software, gpu, threadsAsked, ...adapter, ...threads,
  };
}

/** The part of a renderer string a reader recognises: "SwiftShader", "llvmpipe", or the GPU's name. */
function shortRenderer(renderer: string | null): string {
  if (!renderer) return 'unknown renderer';
  for (const name of ['SwiftShader', 'llvmpipe', 'softpipe', 'Microsoft Basic Render']) {
    if (renderer.toLowerCase().includes(name.toLowerCase())) return name;
  }
  // "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 …)" → the device part.
  const angle = /^ANGLE \([^,]*,\s*([^,)]*)/.exec(renderer);
  const name = angle ? angle[1] : renderer;
  return name.length > 60 ? name.slice(0, 57) + '…' : name;
}

// ---- the models this worker holds ---------------------------------------------

export interface LoadedModel {
  model: GPT;
  tokenizer: Tokenizer;
  info: ModelInfo;
}

export const models = new Map<ModelSlot, LoadedModel>();
/** The LoRA adapters held for the model in each slot: they go when their model goes. */
const adapterStores = new Map<ModelSlot, AdapterStore>();

/** Puts a model in a slot and frees the one it replaces (its variables are not tidied by anyone else). */
export function installModel(slot: ModelSlot, loaded: LoadedModel): void {
  const old = models.get(slot);
  models.set(slot, loaded);
  if (old && old.model !== loaded.model) {
    old.model.dispose();
    adapterStores.get(slot)?.dropAfterModelDisposed();
    adapterStores.delete(slot);
  }
}

/** Empties a slot and frees its model (a training run that ended or failed). */
export function clearSlot(slot: ModelSlot): void {
  const old = models.get(slot);
  if (!old) return;
  models.delete(slot);
  adapterStores.get(slot)?.dropAfterModelDisposed();
  adapterStores.delete(slot);
  old.model.dispose();
}

export function modelIn(slot: ModelSlot): LoadedModel {
  const loaded = models.get(slot);
  if (!loaded) {
    throw slot === 'training'
      ? new InputError('No model is training on your text right now.', 'no-training-model')
      : new InputError('The model has not finished loading.', 'model-loading');
  }
  return loaded;
}

/** The adapter store of the model in `slot`; adapters made for a model that has since been replaced are dropped. */
export function adaptersIn(slot: ModelSlot): AdapterStore {
  const { model } = modelIn(slot);
  let store = adapterStores.get(slot);
  if (store?.model !== model) {
    store?.dropAfterModelDisposed();
    store = new AdapterStore(model);
    adapterStores.set(slot, store);
  }
  return store;
}
