// The page bench/gpt2-browser.ts opens: loads a GPT-2 folder by URL on the
// chosen backend, runs the shared measures, and leaves the lines in
// window.benchLines and the end state in window.benchDone.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend, type BackendName } from '../../src/engine/backend.ts';
import { bundledWasmPaths } from '../../src/engine/wasmPaths.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { MB, measureGPT2, wasmHeapBytes } from '../gpt2Measures.ts';

declare global {
  interface Window {
    benchLines: string[];
    benchDone: 'ok' | string | undefined;
    /** Called by the driver between phases to read the renderer's memory. */
    benchPhase: string;
  }
}

const params = new URLSearchParams(location.search);
const pre = document.getElementById('log')!;
window.benchLines = [];
const log = (line: string) => {
  window.benchLines.push(line);
  pre.textContent = window.benchLines.join('\n');
};

async function main(): Promise<void> {
  const backend = (params.get('backend') ?? 'wasm') as BackendName;
  const base = params.get('model')!;
  const choice = await selectBackend([backend], bundledWasmPaths);
  const gl = backend === 'webgl' ? (tf.backend() as unknown as { gpgpu?: { gl: WebGL2RenderingContext } }).gpgpu?.gl : undefined;
  const info = gl?.getExtension('WEBGL_debug_renderer_info');
  log(`  backend ${choice.backend}${info ? ` (${gl!.getParameter(info.UNMASKED_RENDERER_WEBGL)})` : ''}`);
  const t0 = performance.now();
  const model = await loadGPT({ config: `${base}config.json`, weights: `${base}model.safetensors` });
  log(`  load from ${base}: ${((performance.now() - t0) / 1000).toFixed(2)} s; tf.memory ${MB(tf.memory().numBytes)}` +
    `${wasmHeapBytes() ? `; wasm heap ${MB(wasmHeapBytes()!)}` : ''}`);
  window.benchPhase = 'loaded';
  await new Promise((r) => setTimeout(r, 1500)); // the driver samples memory here
  await measureGPT2(model, log, {
    at1000: params.get('at1000') !== 'no',
    steps: Number(params.get('steps') ?? 12),
    checkpoint: async (phase) => {
      log(`  after decoding: tf.memory ${MB(tf.memory().numBytes)}${wasmHeapBytes() ? `; wasm heap ${MB(wasmHeapBytes()!)}` : ''}`);
      window.benchPhase = phase;
      await new Promise((r) => setTimeout(r, 1500)); // the driver samples memory here
    },
  });
  log(`  after the run: tf.memory ${MB(tf.memory().numBytes)}${wasmHeapBytes() ? `; wasm heap ${MB(wasmHeapBytes()!)}` : ''}`);
  model.dispose();
}

main().then(() => (window.benchDone = 'ok'), (e: Error) => {
  log(`  failed: ${e.message}`);
  window.benchDone = e.message;
});
