// Traced passes with prompt learning's virtual tokens attached (model/virtual.ts):
// the trace's first n key columns are the virtual ones, in every layer — a
// prefix's keys (prefix tuning, P-tuning v2) or the n virtual input tokens at
// positions 0…n−1 (prompt tuning, P-tuning) — and its rows are the real
// tokens'. Layer 0 is checked against a hand computation in float64; every
// row sums to 1; one full pass equals the rows of token-by-token cached steps.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import type { GPT } from '../../src/model/gpt.ts';
import type { NamedArray } from '../../src/model/params.ts';
import type { VirtualTokens } from '../../src/model/virtual.ts';
import type { ForwardTrace } from '../../src/model/trace.ts';
import { createPromptTuning } from '../../src/peft/promptTuning.ts';
import { createPrefixTuning } from '../../src/peft/prefixTuning.ts';
import { createPTuning } from '../../src/peft/pTuning.ts';
import { useBackend } from '../helpers/backend.ts';
import { fixturePath, maxAbsDiff } from '../helpers/fixtures.ts';

const ids = [3, 17, 5, 40, 22, 9];

/** A seeded [rows][cols] of numbers in (−1.5, 1.5). */
function seeded(rows: number, cols: number, seed: number): number[][] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 3 - 1.5;
  return Array.from({ length: rows }, () => Array.from({ length: cols }, next));
}

/**
 * Layer 0's attention weights and scores written out by hand: `embeds` are
 * input rows before position embeddings, at `positions`, causal among
 * themselves, each also reading `prefix` (per head, n keys) first.
 */
function layer0(w: Map<string, NamedArray>, nHead: number, embeds: number[][], positions: number[], prefixKeys?: number[][][]) {
  const g = (name: string) => w.get(name)!;
  const C = embeds[0].length;
  const hs = C / nHead;
  const wpe = g('transformer.wpe.weight');
  const [lw, lb, aw, ab] = ['ln_1.weight', 'ln_1.bias', 'attn.c_attn.weight', 'attn.c_attn.bias'].map((n) => g(`transformer.h.0.${n}`));
  const qkv = embeds.map((e, i) => {
    const x = e.map((v, j) => v + wpe.data[positions[i] * C + j]);
    const mean = x.reduce((s, v) => s + v, 0) / C;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / C;
    const h = x.map((v, j) => ((v - mean) / Math.sqrt(variance + 1e-5)) * lw.data[j] + lb.data[j]);
    return Array.from({ length: 3 * C }, (_, o) => h.reduce((s, v, j) => s + v * aw.data[j * 3 * C + o], ab.data[o]));
  });
  const part = (r: number[], p: number, h: number) => r.slice(p * C + h * hs, p * C + (h + 1) * hs);
  return embeds.map((_, i) =>
    Array.from({ length: nHead }, (_, h) => {
      const q = part(qkv[i], 0, h);
      const keys = [...(prefixKeys?.[h] ?? []), ...qkv.slice(0, i + 1).map((r) => part(r, 1, h))];
      const scores = keys.map((k) => k.reduce((s, v, d) => s + v * q[d], 0) / Math.sqrt(hs));
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const z = e.reduce((s, v) => s + v, 0);
      return { scores, probs: e.map((v) => v / z) };
    }),
  );
}

/** Row `r` of head `h` of layer `l`, its first `cols` columns. */
function traceRow(trace: ForwardTrace, l: number, h: number, r: number, cols: number, which: 'probs' | 'scores' = 'probs'): Float32Array {
  const a = trace.layers[l].attention;
  const from = (h * a.queryCount + r) * a.keyCount;
  return a[which].slice(from, from + cols);
}

describe('traced passes with virtual tokens attached', () => {
  let model: GPT;
  let weights: Map<string, NamedArray>;
  let baseline: number;
  let nHead: number;
  let nLayer: number;
  let hs: number;
  beforeAll(async () => {
    await useBackend('cpu');
    model = await loadGPT({ config: fixturePath('config.json'), weights: fixturePath('model.safetensors') });
    weights = await model.weights();
    ({ nHead, nLayer } = model.config);
    hs = model.config.nEmbd / nHead;
    baseline = tf.memory().numTensors;
  });
  afterAll(() => model.dispose());

  /** A prefix of n keys and values per layer, set on the model as src/peft/ attaches one; returns its layer-0 keys per head. */
  function attachPrefix(n: number, seed: number): { keys: number[][][]; detach: () => void } {
    const kv = Array.from({ length: nLayer }, (_, l) => ({
      k: tf.tensor3d(seeded(nHead * n, hs, seed + 2 * l).flat(), [nHead, n, hs]),
      v: tf.tensor3d(seeded(nHead * n, hs, seed + 2 * l + 1).flat(), [nHead, n, hs]),
    }));
    model.virtualTokens = { kind: 'prefix', numVirtualTokens: n, keyValues: () => kv } satisfies VirtualTokens;
    const rows = seeded(nHead * n, hs, seed);
    return {
      keys: Array.from({ length: nHead }, (_, h) => rows.slice(h * n, (h + 1) * n)),
      detach: () => {
        model.virtualTokens = null;
        kv.forEach(({ k, v }) => tf.dispose([k, v]));
      },
    };
  }

  const wte = (id: number) => Array.from(weights.get('transformer.wte.weight')!.data.subarray(id * model.config.nEmbd, (id + 1) * model.config.nEmbd));

  it('prefix (n = 3): every layer has 3 prefix columns first; layer 0 equals the hand computation; the tokens start at position 3', () => {
    const n = 3;
    const prefix = attachPrefix(n, 11);
    const { trace } = model.run(ids, { trace: true });
    const t = trace!;
    expect(t.virtual).toEqual({ kind: 'prefix', count: n });
    expect(t.positionOffset).toBe(n);
    for (const l of t.layers) expect([l.attention.queryCount, l.attention.keyCount]).toEqual([ids.length, n + ids.length]);
    const want = layer0(weights, nHead, ids.map(wte), ids.map((_, i) => n + i), prefix.keys);
    for (let i = 0; i < ids.length; i++) {
      for (let h = 0; h < nHead; h++) {
        expect(maxAbsDiff(traceRow(t, 0, h, i, n + i + 1), want[i][h].probs), `row ${i} head ${h}`).toBeLessThan(1e-5);
        expect(maxAbsDiff(traceRow(t, 0, h, i, n + i + 1, 'scores'), want[i][h].scores)).toBeLessThan(1e-4);
      }
    }
    prefix.detach();
  });

  it('prompt tuning (n = 2): the virtual tokens are keys 0…1 of every layer; the rows are the real tokens\' (layer 0 by hand)', async () => {
    const n = 2;
    const pt = createPromptTuning(model, { num_virtual_tokens: n }, { seed: 3 });
    const prompt = (await pt.promptEmbeddings()).data;
    const C = model.config.nEmbd;
    pt.enabled = true;
    const t = model.run(ids, { trace: true }).trace!;
    expect(t.virtual).toEqual({ kind: 'input', count: n });
    expect(t.positionOffset).toBe(n);
    expect(t.embeddings.rows).toBe(ids.length);
    expect(t.layers[1].hidden.data.length).toBe(ids.length * C);
    const embeds = [Array.from(prompt.subarray(0, C)), Array.from(prompt.subarray(C, 2 * C)), ...ids.map(wte)];
    const want = layer0(weights, nHead, embeds, embeds.map((_, i) => i));
    for (let i = 0; i < ids.length; i++) {
      for (let h = 0; h < nHead; h++) expect(maxAbsDiff(traceRow(t, 0, h, i, n + i + 1), want[n + i][h].probs)).toBeLessThan(1e-5);
    }
    // The embeddings row of the first real token: wte + wpe at position n.
    const wpe = weights.get('transformer.wpe.weight')!.data;
    expect(maxAbsDiff(t.embeddings.data.subarray(0, C), wte(ids[0]).map((v, j) => v + wpe[n * C + j]))).toBeLessThan(1e-6);
    pt.dispose();
  });

  it('every row sums to 1 and reads nothing after itself; the trace leaves the logits exactly as the untraced pass computes them', () => {
    for (const a of [
      createPromptTuning(model, { num_virtual_tokens: 3 }, { seed: 1 }),
      createPTuning(model, { num_virtual_tokens: 2, encoder_hidden_size: 12 }, { seed: 2 }),
      createPrefixTuning(model, { num_virtual_tokens: 4, prefix_projection: true, encoder_hidden_size: 8 }, { seed: 5 }),
    ]) {
      a.enabled = true;
      const n = a.numVirtualTokens;
      const { trace, logits } = model.run(ids, { trace: true });
      const untraced = model.run(ids, { allLogits: true }).logits!;
      expect(maxAbsDiff(logits!.data, untraced.data), a.peftType).toBe(0);
      for (let l = 0; l < nLayer; l++) {
        for (let h = 0; h < nHead; h++) {
          for (let i = 0; i < ids.length; i++) {
            const row = traceRow(trace!, l, h, i, n + ids.length);
            expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
            expect(row.slice(n + i + 1).every((v) => v === 0)).toBe(true);
            expect(row.slice(0, n).some((v) => v > 0)).toBe(true); // every query reads the virtual columns
          }
        }
      }
      a.dispose();
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('one full pass equals token-by-token cached steps, row by row (max |Δ| < 1e-5), with a prefix and with a prompt', () => {
    const prefix = attachPrefix(4, 29);
    const pt = createPromptTuning(model, { num_virtual_tokens: 3 }, { seed: 8 });
    for (const [name, attach, detach] of [
      ['prefix', () => undefined, () => prefix.detach()],
      ['prompt', () => (pt.enabled = true), () => pt.dispose()],
    ] as const) {
      attach();
      const n = model.virtualTokens!.numVirtualTokens;
      const full = model.run(ids, { trace: true }).trace!;
      const cachedFull = (() => {
        const cache = model.createCache();
        const t = model.run(ids, { cache, trace: true }).trace!;
        cache.dispose();
        return t;
      })();
      const cache = model.createCache();
      let worst = 0;
      ids.forEach((id, i) => {
        const step = model.run([id], { cache, trace: true }).trace!;
        expect(step.positionOffset).toBe(n + i);
        expect(step.virtual?.count).toBe(n);
        for (let l = 0; l < nLayer; l++) {
          expect(step.layers[l].attention.keyCount).toBe(n + i + 1);
          for (let h = 0; h < nHead; h++) {
            const one = traceRow(step, l, h, 0, n + i + 1);
            worst = Math.max(worst, maxAbsDiff(traceRow(full, l, h, i, n + i + 1), one), maxAbsDiff(traceRow(cachedFull, l, h, i, n + i + 1), one));
          }
        }
      });
      expect(worst, name).toBeLessThan(1e-5);
      cache.dispose();
      detach();
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
