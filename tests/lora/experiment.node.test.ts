import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, beforeAll } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { LoraAdapter } from '../../src/lora/lora.ts';
import { DEFAULT_LORA } from '../../src/lora/config.ts';
import { WORSENING_TOLERANCE, adapt, judgeRun, mixStreams } from '../../src/lora/experiment.ts';
import { quantizedCopy } from '../../src/lora/qlora.ts';
import { Trainer } from '../../src/train/trainer.ts';
import { useBackend } from '../helpers/backend.ts';
import { maxAbsDiff } from '../helpers/fixtures.ts';

const cycle = (pattern: number[], n: number) => Int32Array.from({ length: n }, (_, i) => pattern[i % pattern.length]);
const original = cycle([1, 2, 3, 4, 5, 6], 600);
const newText = cycle([10, 20, 30], 600);

/** A base that has learned the original text. */
function pretrained(): GPT {
  const model = GPT.create(makeConfig('nano', { vocabSize: 32, blockSize: 16 }), 7);
  const t = new Trainer(model, original, { batchSize: 4, blockSize: 16, steps: 60, learningRate: 1e-2, warmupSteps: 5 });
  for (let i = 0; i < 60; i++) t.trainStep();
  t.dispose();
  return model;
}

describe('adapting a model: LoRA vs full fine-tuning', () => {
  beforeAll(() => useBackend('cpu'));

  it('LoRA learns the new text, tracks forgetting, and switching the adapter off recovers the base exactly', async () => {
    const model = pretrained();
    const baseLogits = model.logitsAt([1, 2, 3]);
    const adapter = LoraAdapter.create(model, { ...DEFAULT_LORA, r: 4, lora_alpha: 16, target_modules: ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] }, 1);
    adapter.enabled = true;
    const points: number[] = [];
    const r = await adapt(model, { trainIds: newText, newValIds: newText, originalValIds: original }, {
      steps: 40, evalEvery: 20, evalBatches: 2, settings: { batchSize: 4, blockSize: 16, learningRate: 1e-2, warmupSteps: 2 },
      onPoint: (p) => points.push(p.step),
    }, { kind: 'lora', adapter });
    expect(points).toEqual([0, 20, 40]);
    expect(r.steps).toBe(40);
    expect(r.points[2].newTextLoss).toBeLessThan(0.5 * r.points[0].newTextLoss);
    expect(r.points[2].originalLoss).toBeGreaterThan(r.points[0].originalLoss); // forgetting, measured
    expect(r.trainableParameters).toBe(adapter.trainableCount);
    expect(r.optimizerBytes).toBe(adapter.trainableCount * 8);
    adapter.enabled = false;
    model.logitsAt([1, 2, 3]).forEach((row, i) => expect(maxAbsDiff(row, baseLogits[i])).toBe(0));
    adapter.dispose();
    model.dispose();
  });

  it('full fine-tuning trains every weight (and keeps optimizer state for each)', async () => {
    const model = pretrained();
    const r = await adapt(model, { trainIds: newText, newValIds: newText, originalValIds: original }, {
      steps: 20, evalEvery: 20, evalBatches: 2, settings: { batchSize: 4, blockSize: 16, learningRate: 1e-2, warmupSteps: 2 },
    }, { kind: 'full' });
    expect(r.trainableParameters).toBe(model.parameterCount);
    expect(r.optimizerBytes).toBe(model.parameterCount * 8);
    expect(r.points[1].newTextLoss).toBeLessThan(r.points[0].newTextLoss);
    model.dispose();
  });

  it('an exploding run stops with a message and the last good adapter restored', async () => {
    const model = pretrained();
    const adapter = LoraAdapter.create(model, { ...DEFAULT_LORA, r: 2 }, 1);
    adapter.enabled = true;
    const before = tf.memory().numTensors;
    const r = await adapt(model, { trainIds: newText, newValIds: newText, originalValIds: original }, {
      steps: 30, evalEvery: 5, evalBatches: 1, settings: { batchSize: 2, blockSize: 16, learningRate: 1e6, warmupSteps: 1, gradClip: 1e9 },
    }, { kind: 'lora', adapter });
    expect(r.stoppedBy).toMatch(/diverged|exploded/);
    expect(r.steps).toBeLessThan(30);
    expect(tf.memory().numTensors).toBe(before);
    const values = await adapter.values();
    for (const v of values.values()) expect(v.a.every(Number.isFinite) && v.b.every(Number.isFinite)).toBe(true);
    adapter.dispose();
    model.dispose();
  });

  it('judges a run worse when its new-text loss ends above where it began or above the base model', () => {
    const pt = (step: number, newTextLoss: number) => ({ step, trainLoss: NaN, newTextLoss, originalLoss: NaN });
    // The ruined run: 3.63 (the base) → 5.77.
    expect(judgeRun([pt(0, 3.63), pt(10, 4.9), pt(20, 5.77)], 3.63)).toEqual({ start: 3.63, end: 5.77, base: 3.63, aboveStart: true, aboveBase: true });
    // A continued run that improved on its start but still ends above the base model alone.
    expect(judgeRun([pt(20, 4.5), pt(30, 4.0)], 3.63)).toMatchObject({ aboveStart: false, aboveBase: true });
    // Learning, or flat within the tolerance: not worse.
    expect(judgeRun([pt(0, 3.63), pt(20, 2.9)], 3.63)).toBeNull();
    expect(judgeRun([pt(0, 3.63), pt(20, 3.63 + WORSENING_TOLERANCE / 2)], 3.63)).toBeNull();
    expect(judgeRun([pt(0, 3.63)], 3.63)).toBeNull();
    // NaN at the end is worse, whatever the base.
    expect(judgeRun([pt(0, 3.63), pt(5, NaN)], NaN)).toMatchObject({ aboveStart: true, aboveBase: false });
  });

  it('mixing original text into the stream puts the asked share of windows from it', () => {
    const mixed = mixStreams(newText.slice(0, 170), original, 0.25, 17);
    const fromOriginal = Array.from(mixed).filter((t) => t < 10).length;
    expect(fromOriginal / mixed.length).toBeGreaterThan(0.2);
    expect(fromOriginal / mixed.length).toBeLessThan(0.3);
  });

  it('a QLoRA base rounds its linear weights through NF4 at ~1/7 of float32 storage', async () => {
    const model = pretrained();
    const q = await quantizedCopy(model);
    expect(q.nf4Bytes / q.float32Bytes).toBeLessThan(0.15);
    expect(q.rmsError).toBeGreaterThan(0);
    const a = model.run([1, 2, 3]).lastLogits;
    const b = q.model.run([1, 2, 3]).lastLogits;
    expect(maxAbsDiff(a, b)).toBeGreaterThan(0);
    expect(maxAbsDiff(a, b)).toBeLessThan(1); // close, not equal
    q.model.dispose();
    model.dispose();
  });
});
