// Contrastive search: Hugging Face's ranking (score = (1 − α)·p − α·max cosine
// similarity to the earlier hidden states) on hand-computed cases, then on a
// tiny GPT — whose hidden states must be the ones HF compares (the last layer
// after ln_f) — with the KV cache and tensor memory checked.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContrastiveSearch, type ContrastiveLM, contrastiveSession, rankCandidates } from '../../src/sampling/contrastive.ts';
import { decode } from '../../src/sampling/sampler.ts';
import { DEFAULT_SAMPLING, type SamplingSettings } from '../../src/sampling/settings.ts';
import { softmax } from '../../src/util/softmax.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { useBackend } from '../helpers/backend.ts';

const CONTRASTIVE: SamplingSettings = { ...DEFAULT_SAMPLING, do_sample: false, penalty_alpha: 0.6, top_k: 4 };

describe('the contrastive ranking, hand-computed', () => {
  // Context hidden states e₀ = (1, 0) and e₁ = (0, 1). Candidate A repeats e₀ (cosine 1);
  // candidate B = (0.6, 0.8) is at cosine 0.6 from e₀ and 0.8 from e₁, so its penalty is 0.8.
  const context = [Float32Array.of(1, 0), Float32Array.of(0, 1)];
  const candidates = [
    { id: 5, prob: 0.6, hidden: Float32Array.of(2, 0) },
    { id: 7, prob: 0.4, hidden: Float32Array.of(0.6, 0.8) },
  ];

  it('α = 0.6 prefers the less likely token that repeats less: −0.36 against −0.32', () => {
    const r = rankCandidates(context, candidates, 0.6);
    expect(r.candidates.map((c) => c.penalty)).toEqual([1, expect.closeTo(0.8, 6)]);
    expect(r.candidates[0].score).toBeCloseTo(0.4 * 0.6 - 0.6 * 1, 6);
    expect(r.candidates[1].score).toBeCloseTo(0.4 * 0.4 - 0.6 * 0.8, 6);
    expect(candidates[r.best].id).toBe(7);
  });

  it('α = 0 is greedy, and a tie goes to the first (likelier) candidate as torch.argmax does', () => {
    expect(rankCandidates(context, candidates, 0).best).toBe(0);
    expect(rankCandidates(context, [candidates[1], { ...candidates[1], id: 9 }], 0.6).best).toBe(0);
  });
});

/**
 * A toy LM whose next-token probabilities are always (0.5, 0.3, 0.2) and whose
 * hidden state for a token is its fixed vector: e₀ = (1, 0), e₁ = (0.6, 0.8), e₂ = (0, 1).
 */
function toyLM(): ContrastiveLM {
  const E = [Float32Array.of(1, 0), Float32Array.of(0.6, 0.8), Float32Array.of(0, 1)];
  const logits = Float32Array.from([0.5, 0.3, 0.2], Math.log);
  return {
    prefill: (prompt) => ({ hidden: prompt.map((t) => E[t]), logits }),
    candidate: (_seq, token) => ({ hidden: E[token], logits }),
    keep: () => {},
  };
}

describe('contrastive search on a toy model, hand-computed', () => {
  const run = (settings: SamplingSettings, n: number) => {
    const search = new ContrastiveSearch(toyLM(), [0], settings);
    for (let i = 0; i < n; i++) search.step();
    return search.generated;
  };

  it('with top_k 3 it walks through all three tokens before repeating one', () => {
    // Step 1, context {e₀}: token 0 scores 0.4·0.5 − 0.6·1 = −0.40, token 1 0.12 − 0.36 = −0.24, token 2 0.08 − 0 = 0.08 → 2.
    // Step 2, context {e₀, e₂}: token 0 −0.40, token 1 0.12 − 0.6·0.8 = −0.36, token 2 0.08 − 0.6 = −0.52 → 1.
    // Step 3: every token is at cosine 1 from the context; the likeliest, 0, wins (−0.40).
    expect(run({ ...CONTRASTIVE, top_k: 3 }, 3)).toEqual([2, 1, 0]);
  });

  it('with top_k 2 token 2 is never looked at; α = 0 is greedy', () => {
    // Step 1: token 1 (−0.24) beats token 0 (−0.40); then both are at cosine 1 and the likelier 0 wins.
    expect(run({ ...CONTRASTIVE, top_k: 2 }, 3)).toEqual([1, 0, 0]);
    expect(run({ ...CONTRASTIVE, top_k: 3, penalty_alpha: 0 }, 3)).toEqual([0, 0, 0]);
  });

  it('records the candidates it weighed at each step', () => {
    const search = new ContrastiveSearch(toyLM(), [0], { ...CONTRASTIVE, top_k: 3 });
    const step = search.step();
    expect(step.candidates.map((c) => c.id)).toEqual([0, 1, 2]);
    expect(step.candidates.map((c) => c.penalty)).toEqual([1, expect.closeTo(0.6, 6), 0]);
    expect(step.u).toBeNull();
    expect(step.prob).toBeCloseTo(0.2, 6);
  });
});

describe('contrastive search on a tiny GPT', () => {
  beforeAll(() => useBackend('cpu'));

  it("the hidden states are the last layer's output after ln_f: the tied head turns them into the logits", () => {
    const model = GPT.create(makeConfig('nano', { vocabSize: 12, blockSize: 16 }), 4);
    const ids = [1, 5, 2, 7];
    const r = model.run(ids, { hidden: true });
    const { nEmbd, vocabSize } = model.config;
    expect(r.hidden!.rows).toBe(ids.length);
    const wte = model.params.wte.dataSync();
    const last = r.hidden!.data.subarray((ids.length - 1) * nEmbd);
    const logits = Array.from({ length: vocabSize }, (_, v) => last.reduce((s, h, c) => s + h * wte[v * nEmbd + c], 0));
    logits.forEach((l, v) => expect(l).toBeCloseTo(r.lastLogits[v], 4));
    // With a cache, one new token's hidden state equals the full pass's last row.
    const cache = model.createCache();
    model.run(ids.slice(0, 3), { cache });
    const step = model.run([ids[3]], { cache, hidden: true });
    Array.from(step.hidden!.data).forEach((h, c) => expect(h).toBeCloseTo(last[c], 4));
    cache.dispose();
    model.dispose();
  });

  it('picks at each step the candidate the ranking picks from fresh model runs, and α = 0 is greedy decoding', () => {
    const model = GPT.create(makeConfig('nano', { vocabSize: 16, blockSize: 32 }), 9);
    const prompt = [3, 1, 4, 1, 5];
    const search = contrastiveSession(model, prompt, CONTRASTIVE);
    for (let i = 0; i < 4; i++) {
      const seq = search.tokens.slice();
      const step = search.step();
      const full = model.run(seq, { hidden: true });
      const C = model.config.nEmbd;
      const context = Array.from({ length: seq.length }, (_, r) => full.hidden!.data.slice(r * C, (r + 1) * C));
      const probs = softmax(full.lastLogits);
      const top = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, 4);
      const looked = top.map((id) => {
        const h = model.run(seq.concat(id), { hidden: true }).hidden!;
        return { id, prob: probs[id], hidden: h.data.slice((h.rows - 1) * C) };
      });
      // Context hidden states after the first step come from one-token cached runs: equal up to float error.
      const fresh = rankCandidates(context, looked, 0.6);
      expect(step.id).toBe(looked[fresh.best].id);
      step.candidates.forEach((c, j) => expect(c.score).toBeCloseTo(fresh.candidates[j].score, 4));
    }
    search.dispose();
    const greedy = decode(model, prompt, { ...DEFAULT_SAMPLING, do_sample: false }, { maxNewTokens: 6, seed: 1 }).generated;
    const alphaZero = contrastiveSession(model, prompt, { ...CONTRASTIVE, penalty_alpha: 0 });
    for (let i = 0; i < 6; i++) alphaZero.step();
    expect(alphaZero.generated).toEqual(greedy);
    alphaZero.dispose();
    model.dispose();
  });

  it('slides the window when it fills, and leaves no tensor behind', () => {
    const model = GPT.create(makeConfig('nano', { vocabSize: 16, blockSize: 8 }), 2);
    const before = tf.memory().numTensors;
    const search = contrastiveSession(model, [1, 2, 3, 4, 5, 6], CONTRASTIVE);
    for (let i = 0; i < 12; i++) search.step();
    expect(search.generated).toHaveLength(12);
    expect(search.notices.map((n) => n.code)).toContain('window-slid');
    search.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
