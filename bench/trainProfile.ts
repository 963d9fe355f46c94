/**
 * `npx tsx bench/trainProfile.ts [rows]`: where one training step (batch 8 × 128,
 * AdamW, the playground model) spends its time on Node wasm, kernel by kernel,
 * with TF.js autodiff of every piece and with the hand-written gradients
 * (ops.ts handWrittenGradients), profiled in the same run. tf.profile's
 * kernelMs is honest on wasm: its kernels run synchronously, each timed
 * around its own call. A forward pass's kernels sit inside custom-gradient
 * nodes ("forward"), whose time includes theirs.
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { selectBackend } from '../src/engine/backend.ts';
import { GPT } from '../src/model/gpt.ts';
import { makeConfig } from '../src/model/config.ts';
import { useHandWrittenGradients } from '../src/model/ops.ts';
import { Trainer } from '../src/train/trainer.ts';
import { Rng } from '../src/util/random.ts';
import { median } from './timing.ts';

await selectBackend(['wasm'], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
const rowsShown = Number(process.argv[2] ?? 30);
const config = makeConfig('playground');
const model = GPT.create(config, 1);
const rng = new Rng(7);
const tokens = Int32Array.from({ length: 50_000 }, () => rng.int(config.vocabSize));
const trainer = new Trainer(model, tokens, { batchSize: 8, blockSize: 128, steps: 1000, warmupSteps: 10 });

type Kernel = { name: string; kernelTimeMs: number | { error: string }; inputShapes: number[][] };
/** Milliseconds and calls per kernel name and input shapes. */
function totals(kernels: Kernel[]): Map<string, { ms: number; n: number }> {
  const rows = new Map<string, { ms: number; n: number }>();
  for (const k of kernels) {
    const key = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(' ')}`;
    const r = rows.get(key) ?? { ms: 0, n: 0 };
    r.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    r.n += 1;
    rows.set(key, r);
  }
  return rows;
}

const profiles = new Map<boolean, Map<string, { ms: number; n: number }>>();
const stepMs = new Map<boolean, number[]>([[false, []], [true, []]]);
for (const on of [false, true]) {
  useHandWrittenGradients(on);
  trainer.trainStep(); // warm-up in this mode
  const profile = await tf.profile(() => void trainer.trainStep());
  profiles.set(on, totals(profile.kernels as Kernel[]));
}
for (let i = 0; i < 5; i++) {
  for (const on of [false, true]) {
    useHandWrittenGradients(on);
    stepMs.get(on)!.push(trainer.trainStep().ms);
  }
}
useHandWrittenGradients(true);

const sum = (m: Map<string, { ms: number; n: number }>) => [...m.values()].reduce((s, r) => s + r.ms, 0);
const [off, on] = [profiles.get(false)!, profiles.get(true)!];
console.log(`unprofiled step, median of 5: autodiff ${median(stepMs.get(false)!).toFixed(0)} ms, hand-written ${median(stepMs.get(true)!).toFixed(0)} ms`);
console.log(`time in kernels while profiled: autodiff ${sum(off).toFixed(0)} ms, hand-written ${sum(on).toFixed(0)} ms`);
console.log('   autodiff (calls)   hand-written (calls)   kernel [input shapes]');
const keys = [...new Set([...off.keys(), ...on.keys()])];
keys.sort((a, b) => Math.max(off.get(b)?.ms ?? 0, on.get(b)?.ms ?? 0) - Math.max(off.get(a)?.ms ?? 0, on.get(a)?.ms ?? 0));
const cell = (r?: { ms: number; n: number }) => (r ? `${r.ms.toFixed(1).padStart(7)} ms (${String(r.n).padStart(3)})` : ' '.repeat(16));
for (const key of keys.slice(0, rowsShown)) console.log(`  ${cell(off.get(key))}   ${cell(on.get(key))}   ${key}`);
trainer.dispose();
model.dispose();
