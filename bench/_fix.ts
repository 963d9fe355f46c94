import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import { GPT } from '../src/model/gpt';
import type { NamedArray } from '../src/model/params';
await tf.setBackend(process.argv[2] ?? 'cpu');
if (process.argv[2] === 'wasm') {}
const buf = fs.readFileSync('../shared/fixtures/gpt2-tiny/model.safetensors');
const n = Number(buf.readBigUInt64LE(0));
const header = JSON.parse(buf.subarray(8, 8 + n).toString());
const w = new Map<string, NamedArray>();
for (const [k, v] of Object.entries<any>(header)) {
  if (k === '__metadata__') continue;
  const [b, e] = v.data_offsets;
  const bytes = buf.subarray(8 + n + b, 8 + n + e);
  w.set(k, { shape: v.shape, data: new Float32Array(new Uint8Array(bytes).buffer) });
}
console.log([...w.keys()].slice(0, 30));
const cfg = JSON.parse(fs.readFileSync('../shared/fixtures/gpt2-tiny/config.json', 'utf8'));
const model = GPT.fromWeights({ vocabSize: cfg.vocab_size, blockSize: cfg.n_positions, nLayer: cfg.n_layer, nHead: cfg.n_head, nEmbd: cfg.n_embd, nInner: 4 * cfg.n_embd, layerNormEps: 1e-5, initStd: 0.02 }, w);
const cases = JSON.parse(fs.readFileSync('../shared/fixtures/gpt2-tiny/cases.json', 'utf8'));
for (const c of cases.cases) {
  const { trace } = model.run(c.input_ids, { trace: true });
  let maxd = 0;
  c.logits.forEach((row: number[], i: number) => row.forEach((x, j) => { maxd = Math.max(maxd, Math.abs(x - trace!.logits.data[i * row.length + j])); }));
  let maxa = 0;
  if (c.attentions) c.attentions.forEach((L: number[][][], l: number) => L.forEach((H, h) => H.forEach((Q, q) => Q.forEach((x, k) => {
    const a = trace!.layers[l].attention; maxa = Math.max(maxa, Math.abs(x - a.probs[(h * a.queryCount + q) * a.keyCount + k]));
  }))));
  // kv cache
  const cache = model.createCache(); let maxc = 0;
  c.input_ids.forEach((id: number, i: number) => { const r = model.run([id], { cache }); r.lastLogits.forEach((x, j) => { maxc = Math.max(maxc, Math.abs(x - c.logits[i][j])); }); });
  cache.dispose();
  console.log(c.input_ids.length, 'logits', maxd, 'attn', maxa, 'cache', maxc, Object.keys(c));
}
