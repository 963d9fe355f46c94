import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'webgl' | 'wasm' | 'cpu';

export interface BackendChoice {
  backend: BackendName;
  /** Why this backend and not the one before it in the preference order. */
  reason: string;
}

/**
 * Starts the first backend of `preference` that initialises, and says why the
 * earlier ones were passed over. The wasm binaries must be locatable: in Node,
 * a folder path; under Vite, the three ?url imports (see src/engine/wasmPaths.ts).
 */
export async function selectBackend(
  preference: BackendName[] = ['webgl', 'wasm', 'cpu'],
  wasmPaths?: string | Record<string, string>,
): Promise<BackendChoice> {
  if (wasmPaths) setWasmPaths(wasmPaths as Parameters<typeof setWasmPaths>[0]);
  const skipped: string[] = [];
  for (const name of preference) {
    try {
      const ok = await tf.setBackend(name);
      if (ok && tf.getBackend() === name) {
        await tf.ready();
        return { backend: name, reason: skipped.length ? skipped.join('; ') : `${name} was the first choice` };
      }
      skipped.push(`${name} did not initialise`);
    } catch (e) {
      skipped.push(`${name} failed: ${(e as Error).message}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start (${skipped.join('; ')}).`);
}
