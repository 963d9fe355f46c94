/**
 * GPT-2 size in Node: a synthetic checkpoint of GPT-2 small's exact shape
 * (tests/helpers/gpt2Synthetic.ts; random weights, no hub here), served from
 * 127.0.0.1 and loaded through the library as a page would load it by URL.
 *
 *   npm run bench -- --only gpt2 [--backend wasm] [--dtype F16|F32] [--no-1000]
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { selectBackend, type BackendName } from '../src/engine/backend.ts';
import { loadGPT } from '../src/io/checkpoint.ts';
import { serveFolders, syntheticGPT2 } from '../tests/helpers/gpt2Synthetic.ts';
import { MB, measureGPT2, wasmHeapBytes } from './gpt2Measures.ts';

export async function benchGPT2(backend: BackendName, dtypes: ('F16' | 'F32')[], at1000: boolean): Promise<void> {
  const choice = await selectBackend([backend], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  for (const dtype of dtypes) {
    const t0 = performance.now();
    const folder = syntheticGPT2({ dtype });
    const written = performance.now() - t0;
    const server = await serveFolders({ '/gpt2-synthetic/': folder.dir });
    const base = `${server.origin}/gpt2-synthetic/`;
    console.log(`\nGPT-2 shape (12 × 12 heads, width 768, vocab 50,257, context 1,024; random weights), ${dtype} file ` +
      `(${MB(folder.weightBytes)}${written > 1000 ? `, written in ${(written / 1000).toFixed(1)} s` : ''}); backend ${choice.backend}, Node ${process.version}`);
    try {
      const rssBefore = process.memoryUsage().rss;
      const t1 = performance.now();
      const model = await loadGPT({ config: `${base}config.json`, weights: `${base}model.safetensors` });
      const loadMs = performance.now() - t1;
      const rssLoaded = process.memoryUsage().rss;
      console.log(`  load from ${base}: ${(loadMs / 1000).toFixed(2)} s (${MB(server.bytesSent())} over http); ` +
        `process RSS ${MB(rssBefore)} → ${MB(rssLoaded)}; tf.memory ${MB(tf.memory().numBytes)} in ${tf.memory().numTensors} tensors` +
        `${wasmHeapBytes() ? `; wasm heap ${MB(wasmHeapBytes()!)}` : ''}`);
      try {
        await measureGPT2(model, console.log, {
          at1000,
          checkpoint: async () => console.log(`  after decoding: process RSS ${MB(process.memoryUsage().rss)}` +
            `${wasmHeapBytes() ? `; wasm heap ${MB(wasmHeapBytes()!)} (XNNPACK keeps a packed copy of each weight matrix it multiplied by)` : ''}`),
        });
        global.gc?.();
        console.log(`  after the run: process RSS ${MB(process.memoryUsage().rss)}; tf.memory ${MB(tf.memory().numBytes)}` +
          `${wasmHeapBytes() ? `; wasm heap ${MB(wasmHeapBytes()!)}` : ''}`);
      } finally {
        model.dispose();
      }
    } finally {
      await server.close();
    }
  }
}
