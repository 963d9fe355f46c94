// Induction and previous-token scores (Olsson et al. 2022, as TransformerLens
// computes them), switching heads off (zero-ablation before c_proj), and both
// on the embedded Shakespeare model.

import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT, InputError } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { formatHeadList, parseHeadList, toggleHead } from '../../src/model/ablation.ts';
import { headProbe, inductionScore, meanLogProb, previousTokenScore, repeatedRandomTokens, scanHeads } from '../../src/model/heads.ts';
import { generate } from '../../src/sampling/generate.ts';
import { ablationCompare, headScores } from '../../src/engine/handlers/attentionHeads.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import { Rng } from '../../src/util/random.ts';
import { useBackend } from '../helpers/backend.ts';

/** [2L, 2L] causal attention with all of each row's weight on key `target(i)` (or on key 0 where it returns null). */
function onePerRow(L: number, target: (i: number) => number | null, keyCount = 2 * L): Float32Array {
  const probs = new Float32Array(2 * L * keyCount);
  for (let i = 0; i < 2 * L; i++) probs[i * keyCount + (target(i) ?? 0)] = 1;
  return probs;
}

describe('induction and previous-token scores on hand-built attention', () => {
  const L = 6;

  it('scores 1 for a head that looks from each repeated token to the token after its earlier occurrence', () => {
    const induction = onePerRow(L, (i) => (i >= L ? i - L + 1 : null));
    expect(inductionScore(induction, L)).toBe(1);
    // Only row 1 (whose key 0 is both the sink and its previous token) counts as looking back one token.
    expect(previousTokenScore(induction, 2 * L)).toBeCloseTo(1 / (2 * L - 1));
  });

  it('scores 0 for a head that looks at the earlier occurrence itself (one key too early) or one key too late', () => {
    expect(inductionScore(onePerRow(L, (i) => (i >= L ? i - L : null)), L)).toBe(0);
    expect(inductionScore(onePerRow(L, (i) => (i >= L ? i - L + 2 : null)), L)).toBe(0);
  });

  it('tells a previous-token head from an induction head', () => {
    const previous = onePerRow(L, (i) => (i >= 1 ? i - 1 : null));
    expect(previousTokenScore(previous, 2 * L)).toBe(1);
    expect(inductionScore(previous, L)).toBe(0);
  });

  it('averages only the second copy: uniform causal attention gives the mean of 1/(i + 1)', () => {
    const n = 2 * L;
    const uniform = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) uniform[i * n + k] = 1 / (i + 1);
    let expected = 0;
    for (let i = L; i < n; i++) expected += 1 / (i + 1) / L;
    expect(inductionScore(uniform, L)).toBeCloseTo(expected, 6);
  });

  it('reads rows with as many keys as the trace holds', () => {
    const wide = onePerRow(L, (i) => (i >= L ? i - L + 1 : null), 2 * L + 3);
    expect(inductionScore(wide, L, 2 * L + 3)).toBe(1);
  });
});

describe('the probe: random tokens, repeated', () => {
  it('repeats the same seeded draw and never draws an excluded id', () => {
    const a = repeatedRandomTokens(new Rng(9), 40, 12, [0, 11]);
    expect(a).toHaveLength(80);
    expect(a.slice(40)).toEqual(a.slice(0, 40));
    expect(a.every((id) => id >= 1 && id <= 10)).toBe(true);
    expect(repeatedRandomTokens(new Rng(9), 40, 12, [0, 11])).toEqual(a);
    expect(() => repeatedRandomTokens(new Rng(1), 3, 2, [0, 1])).toThrow(RangeError);
  });

  it('fits two copies into the context window', () => {
    expect(headProbe({ vocabSize: 64, blockSize: 16 }, { seed: 1 }).length).toBe(8);
    expect(headProbe({ vocabSize: 64, blockSize: 1024 }, { seed: 1 }).length).toBe(50); // TransformerLens's length
    expect(() => headProbe({ vocabSize: 64, blockSize: 16 }, { seed: 1, length: 9 })).toThrow(RangeError);
  });
});

describe('heads switched off as the link writes them', () => {
  it('reads and writes "layer.head" lists, sorted, each head once', () => {
    expect(parseHeadList(' 3.0, 1.2,1.2, x, 4 ')).toEqual({ heads: [{ layer: 1, head: 2 }, { layer: 3, head: 0 }], invalid: ['x', '4'] });
    expect(formatHeadList([{ layer: 3, head: 0 }, { layer: 1, head: 2 }])).toBe('1.2,3.0');
    expect(toggleHead([{ layer: 1, head: 2 }], { layer: 1, head: 2 })).toEqual([]);
    expect(toggleHead([{ layer: 1, head: 2 }], { layer: 0, head: 3 })).toEqual([{ layer: 0, head: 3 }, { layer: 1, head: 2 }]);
  });
});

describe('switching a head off (zero-ablation before c_proj)', () => {
  const config = makeConfig('nano', { blockSize: 32 });
  const ids = [3, 17, 42, 8, 3, 17, 42, 8, 5, 1];
  let model: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    model = GPT.create(config, 5);
  });

  it("equals zeroing that head's rows of attn.c_proj.weight, an independent way to silence it", async () => {
    const hs = config.nEmbd / config.nHead;
    const head = 1;
    const weights = await model.weights();
    const name = 'transformer.h.1.attn.c_proj.weight'; // Conv1D [in, out]: rows are the merged heads' outputs
    const w = weights.get(name)!;
    const zeroed = w.data.slice();
    zeroed.fill(0, head * hs * config.nEmbd, (head + 1) * hs * config.nEmbd);
    const silenced = GPT.fromWeights(config, new Map(weights).set(name, { shape: w.shape, data: zeroed }));
    const ablated = model.run(ids, { allLogits: true, ablate: [{ layer: 1, head }] }).logits!.data;
    const reference = silenced.run(ids, { allLogits: true }).logits!.data;
    const plain = model.run(ids, { allLogits: true }).logits!.data;
    const diff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
    expect(diff(ablated, reference)).toBeLessThan(1e-5);
    expect(diff(ablated, plain)).toBeGreaterThan(1e-4);
    silenced.dispose();
  });

  it('gives the same greedy tokens with the KV cache as without', () => {
    const ablate = [{ layer: 0, head: 0 }, { layer: 1, head: 1 }];
    const cached = generate(model, ids, { maxNewTokens: 12, ablate }).generated;
    expect(generate(model, ids, { maxNewTokens: 12, ablate, useCache: false }).generated).toEqual(cached);
  });

  it('refuses a head the model does not have', () => {
    expect(() => model.run(ids, { ablate: [{ layer: 2, head: 0 }] })).toThrow(InputError);
    expect(() => model.run(ids, { ablate: [{ layer: 0, head: 2 }] })).toThrow(InputError);
  });

  it('scans every head and can be stopped between ablations, leaving no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const scan = scanHeads(model, { seed: 3, samples: 2 });
    expect(scan.heads).toHaveLength(config.nLayer * config.nHead);
    expect(scan.heads.every((h) => h.copying !== null && h.induction >= 0 && h.induction <= 1)).toBe(true);
    const tokenizer = { vocabSize: config.vocabSize } as never; // no special ids: a plain vocabulary
    const stopped = await headScores(model, tokenizer, 3, { shouldStop: () => true });
    expect(stopped.stopped).toBe(true);
    expect(stopped.copyingMeasured).toBe(0);
    expect(stopped.heads.every((h) => h.copying === null)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('heads of the embedded Shakespeare model', () => {
  const MODEL = 'public/models/shakespeare/';
  const line = 'To be, or not to be, that is the question.\n';

  it('switching off the head with the highest induction score changes the greedy text of a repeating prompt and lowers the probability of the repeat', async () => {
    await useBackend('wasm');
    const model = await loadGPT({ config: MODEL + 'config.json', weights: MODEL + 'model.safetensors' });
    const tokenizer = tokenizerFromJSON(JSON.parse(readFileSync(MODEL + 'tokenizer.json', 'utf8')));
    const before = tf.memory().numTensors;

    const scan = await headScores(model, tokenizer, 1337);
    expect(scan.heads).toHaveLength(16);
    expect(scan.copyingMeasured).toBe(16);
    const top = scan.heads.reduce((a, b) => (b.induction > a.induction ? b : a));

    // The prompt says a line twice and starts it a third time: the rest of the line is there to be copied.
    const prompt = line + line + 'To be, or not';
    const ids = tokenizer.encode(prompt + ' to be, that is the question.\n');
    const from = tokenizer.encode(prompt).length;
    const withHead = meanLogProb(model, ids, from);
    const without = meanLogProb(model, ids, from, [top]);
    expect(without).toBeLessThan(withHead);

    const compared = ablationCompare(model, tokenizer, prompt, [top], 40);
    const text = (r: typeof compared.plain) => r.tokens.map((x) => x.text).join('');
    expect(compared.plain.tokens).toHaveLength(40);
    expect(text(compared.ablated)).not.toBe(text(compared.plain));
    expect(compared.ablated.ablate).toEqual([{ layer: top.layer, head: top.head }]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  }, 60_000);
});
