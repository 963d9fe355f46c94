import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { selectBackend, type BackendName } from '../../src/engine/backend.ts';

/** Switches the Node test process to a backend (wasm binaries from node_modules). */
export async function useBackend(name: BackendName): Promise<void> {
  await selectBackend([name], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  if (tf.getBackend() !== name) throw new Error(`backend ${name} did not start`);
}
