// The masks lesson and teacher forcing: written against a model and a
// tokenizer only, so Node tests drive exactly what the worker runs.

import type { MaskLessonResult, MaskRun, TeacherForcingResult, TeacherForcingRow } from '../attentionProtocol.ts';
import type { GPT } from '../../model/gpt.ts';
import { type MaskMode, CAUSAL, describeMask } from '../../model/masks.ts';
import { headMatrix } from '../../model/trace.ts';
import { softmax } from '../../util/softmax.ts';
import type { Tokenizer } from '../../tokenizer/index.ts';
import { tokenView, topGuesses } from './attentionTokens.ts';

// ---- the masks lesson and teacher forcing ---------------------------------------------------

/**
 * The same tokens under a causal (GPT), a prefix-LM (GLM) and a bidirectional
 * (BERT) mask: the weights of one head (`layer`, `head`) of each run, which is
 * what the lesson draws (all of GPT-2's heads at 1,024 tokens would be 1.8 GB).
 */
export function maskLesson(model: GPT, tokenizer: Tokenizer, ids: readonly number[], prefixLength: number, layer: number, head: number): MaskLessonResult {
  const { nLayer, nHead } = model.config;
  if (!(layer >= 0 && layer < nLayer && head >= 0 && head < nHead)) throw new RangeError(`No layer ${layer}, head ${head}: the model has ${nLayer} layers × ${nHead} heads.`);
  const prefix = Math.max(0, Math.min(ids.length, Math.round(prefixLength)));
  const masks: MaskMode[] = [CAUSAL, { kind: 'prefix', prefixLength: prefix }, { kind: 'bidirectional' }];
  const runs: MaskRun[] = masks.map((mask) => {
    const { trace } = model.run(ids, { mask, trace: true });
    return {
      mask,
      description: describeMask(mask),
      probs: headMatrix(trace!.layers[layer].attention, head).data.slice(),
    };
  });
  return { tokens: ids.map((id) => tokenView(tokenizer, id)), runs };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Teacher forcing: one causal forward pass over the whole sequence predicts
 * every next token at once — what training computes. Stepping through the
 * same tokens one at a time with a KV cache is what generation computes. With
 * the causal mask both give the same numbers (up to float rounding).
 */
export function teacherForcing(model: GPT, tokenizer: Tokenizer, ids: readonly number[]): TeacherForcingResult {
  const V = model.config.vocabSize;
  const t0 = performance.now();
  const full = model.run(ids, { trace: true }).trace!.logits.data; // [T, V]
  const t1 = performance.now();
  const cache = model.createCache();
  const stepped: Float32Array[] = [];
  let kvCacheBytes = 0;
  try {
    for (const id of ids) stepped.push(model.run([id], { cache }).lastLogits);
    kvCacheBytes = cache.bytes;
  } finally {
    cache.dispose();
  }
  const t2 = performance.now();
  let lossSum = 0;
  const rows: TeacherForcingRow[] = ids.map((id, i) => {
    const fullRow = full.subarray(i * V, (i + 1) * V);
    const fullProbs = softmax(fullRow);
    const nextId = i + 1 < ids.length ? ids[i + 1] : null;
    const nextProb = nextId === null ? null : fullProbs[nextId];
    if (nextProb !== null) lossSum -= Math.log(Math.max(nextProb, 1e-30));
    return {
      id,
      nextId,
      fullTop: topGuesses(tokenizer, fullProbs, 1)[0],
      stepTop: topGuesses(tokenizer, softmax(stepped[i]), 1)[0],
      nextProb,
      maxAbsDiff: maxAbsDiff(fullRow, stepped[i]),
    };
  });
  return {
    tokens: ids.map((id) => tokenView(tokenizer, id)),
    rows,
    maxAbsDiff: rows.reduce((m, r) => Math.max(m, r.maxAbsDiff), 0),
    loss: ids.length > 1 ? lossSum / (ids.length - 1) : null,
    fullPassMs: t1 - t0,
    steppedMs: t2 - t1,
    kvCacheBytes,
  };
}

