import { describe, expect, it, beforeAll } from 'vitest';
import { beamSearch, modelLogits, type NextLogitsFn, DEFAULT_BEAM } from '../../src/sampling/beam.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { useBackend } from '../helpers/backend.ts';

function logSoftmax(x: Float32Array): number[] {
  const m = Math.max(...x);
  const lse = m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
  return Array.from(x, (v) => v - lse);
}

/** Every continuation of length L, scored by the sum of log-probabilities. */
function exhaustiveBest(next: NextLogitsFn, prompt: number[], V: number, L: number): { tokens: number[]; sum: number } {
  let best = { tokens: [] as number[], sum: -Infinity };
  const walk = (tokens: number[], sum: number) => {
    if (tokens.length === L) {
      if (sum > best.sum) best = { tokens, sum };
      return;
    }
    const lp = logSoftmax(next([prompt.concat(tokens)])[0]);
    for (let t = 0; t < V; t++) walk(tokens.concat(t), sum + lp[t]);
  };
  walk([], 0);
  return best;
}

/** A toy language model: logits are a fixed pseudo-random function of the last two tokens. */
function toyModel(V: number, seed: number): NextLogitsFn {
  return (seqs) => seqs.map((s) => {
    const a = s[s.length - 1] ?? 0, b = s[s.length - 2] ?? 0;
    return Float32Array.from({ length: V }, (_, t) => Math.sin(seed * 12.9898 + a * 78.233 + b * 37.719 + t * 4.1414) * 3);
  });
}

describe('beam search', () => {
  beforeAll(() => useBackend('cpu'));

  it('equals exhaustive search when the beam is wide enough to keep every prefix (toy model)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = toyModel(4, seed);
      const ex = exhaustiveBest(next, [0], 4, 3);
      const r = beamSearch(next, [0], { ...DEFAULT_BEAM, num_beams: 16, max_new_tokens: 3 });
      expect(r.best.tokens).toEqual(ex.tokens);
      expect(r.best.sumLogprobs).toBeCloseTo(ex.sum, 4);
    }
  });

  it('equals exhaustive search on a tiny GPT', () => {
    const model = GPT.create(makeConfig('nano', { vocabSize: 4 }), 8);
    const next = modelLogits(model);
    const ex = exhaustiveBest(next, [1, 2], 4, 3);
    const r = beamSearch(next, [1, 2], { ...DEFAULT_BEAM, num_beams: 16, max_new_tokens: 3 });
    expect(r.best.tokens).toEqual(ex.tokens);
    expect(r.tokens).toEqual([1, 2, ...ex.tokens]);
    model.dispose();
  });

  it('a narrow beam can miss the best sequence that the wide one finds (why beam width matters)', () => {
    let found = false;
    for (let seed = 1; seed < 40 && !found; seed++) {
      const next = toyModel(4, seed);
      const narrow = beamSearch(next, [0], { ...DEFAULT_BEAM, num_beams: 1, max_new_tokens: 3 });
      const wide = beamSearch(next, [0], { ...DEFAULT_BEAM, num_beams: 16, max_new_tokens: 3 });
      if (wide.best.sumLogprobs > narrow.best.sumLogprobs + 1e-6) found = true;
    }
    expect(found).toBe(true);
  });

  it('with num_beams 1 it is greedy decoding', () => {
    const next = toyModel(5, 3);
    const r = beamSearch(next, [2], { ...DEFAULT_BEAM, num_beams: 1, max_new_tokens: 6 });
    const greedy = [2];
    for (let i = 0; i < 6; i++) {
      const l = next([greedy])[0];
      greedy.push(l.indexOf(Math.max(...l)));
    }
    expect(r.tokens).toEqual(greedy);
  });

  it('length_penalty re-ranks finished hypotheses: sum / length^lp', () => {
    // Token 0 is the end token. From the prompt: end now with p=0.4, or go on (token 1, p=0.6)
    // and then end for sure. Sums: short = ln 0.4 ≈ −0.92 (length 1), long = ln 0.6 + ln(≈1) ≈ −0.51 (length 2).
    const V = 3;
    const next: NextLogitsFn = (seqs) => seqs.map((s) => {
      const last = s[s.length - 1];
      if (last === 1) return Float32Array.from([20, -20, -20]);
      return Float32Array.from([Math.log(0.4), Math.log(0.6), -30]);
    });
    const base = { ...DEFAULT_BEAM, num_beams: 2, max_new_tokens: 4, eos_token_id: 0, early_stopping: true as const };
    const lp0 = beamSearch(next, [2], { ...base, length_penalty: 0 });
    expect(lp0.best.tokens).toEqual([1, 0]); // raw sums: the longer one is more probable here
    // With lp = −4, scores are sum × length^4: the long one is punished 16×.
    const neg = beamSearch(next, [2], { ...base, length_penalty: -4 });
    expect(neg.best.tokens).toEqual([0]);
    const short = neg.hypotheses.find((h) => h.tokens.length === 1)!;
    const long = neg.hypotheses.find((h) => h.tokens.length === 2)!;
    expect(short.score).toBeCloseTo(Math.log(0.4) / Math.pow(1, -4), 5);
    expect(long.score).toBeCloseTo(long.sumLogprobs / Math.pow(2, -4), 5);
    expect(long.length).toBe(2); // the end token counts, as in HF (cur_len includes it)
  });

  it('early_stopping: true stops once num_beams hypotheses finished; "never" runs on while a better one is possible', () => {
    const V = 4;
    // End token 0 is always likely; continuing is slightly less likely each step.
    const next: NextLogitsFn = (seqs) => seqs.map(() => Float32Array.from([1, 0.9, 0.8, 0.7]));
    const base = { ...DEFAULT_BEAM, num_beams: 2, max_new_tokens: 8, eos_token_id: 0, length_penalty: 1 };
    const early = beamSearch(next, [1], { ...base, early_stopping: true });
    expect(early.stoppedBecause).toBe('done');
    expect(early.steps.length).toBeLessThanOrEqual(2);
    const never = beamSearch(next, [1], { ...base, early_stopping: 'never' });
    expect(never.steps.length).toBeGreaterThan(early.steps.length);
  });

  it('records the tree: kept, finished and pruned candidates with parents', () => {
    const r = beamSearch(toyModel(6, 9), [0], { ...DEFAULT_BEAM, num_beams: 3, max_new_tokens: 4 });
    expect(r.steps).toHaveLength(4);
    for (const s of r.steps) {
      expect(s.beams).toHaveLength(3);
      expect(s.candidates.filter((c) => c.fate === 'kept')).toHaveLength(3);
      expect(s.candidates.length).toBe(6); // 2·num_beams
      s.candidates.forEach((c, i) => i > 0 && expect(c.score).toBeLessThanOrEqual(s.candidates[i - 1].score));
    }
    // step 1 expands only the first beam (the others start at −1e9, as in HF)
    expect(new Set(r.steps[0].candidates.map((c) => c.parent))).toEqual(new Set([0]));
  });

  it('no_repeat_ngram_size inside beams removes repeated n-grams', () => {
    const loop: NextLogitsFn = (seqs) => seqs.map((s) => {
      const last = s[s.length - 1];
      return Float32Array.from({ length: 4 }, (_, t) => (t === (last + 1) % 2 ? 5 : 0)); // 0,1,0,1,… strongly
    });
    const plain = beamSearch(loop, [0], { ...DEFAULT_BEAM, num_beams: 2, max_new_tokens: 8 });
    const banned = beamSearch(loop, [0], { ...DEFAULT_BEAM, num_beams: 2, max_new_tokens: 8, no_repeat_ngram_size: 2 });
    const bigrams = (t: number[]) => t.slice(1).map((x, i) => `${t[i]},${x}`);
    expect(new Set(bigrams(plain.tokens)).size).toBeLessThan(bigrams(plain.tokens).length);
    expect(new Set(bigrams(banned.tokens)).size).toBe(bigrams(banned.tokens).length);
  });

  it('refuses impossible settings clearly', () => {
    expect(() => beamSearch(toyModel(4, 1), [0], { ...DEFAULT_BEAM, num_beams: 17 })).toThrow(/num_beams/);
    expect(() => beamSearch(toyModel(4, 1), [], DEFAULT_BEAM)).toThrow(/empty/);
    expect(() => beamSearch(toyModel(4, 1), [0], { ...DEFAULT_BEAM, num_beams: 4, no_repeat_ngram_size: 1, max_new_tokens: 6 })).toThrow(/too few/);
  });
});

describe('beam search with per-beam KV caches', () => {
  it('gives the same result as recomputing every beam, and frees every cache', async () => {
    const tf = await import('@tensorflow/tfjs');
    const { cachedModelLogits } = await import('../../src/sampling/beam.ts');
    await useBackend('cpu');
    const model = GPT.create(makeConfig('nano', { blockSize: 32 }), 12);
    const before = tf.memory().numTensors;
    const settings = { ...DEFAULT_BEAM, num_beams: 4, max_new_tokens: 12, eos_token_id: 7 };
    const plain = beamSearch(modelLogits(model), [3, 4, 5], settings);
    const next = cachedModelLogits(model);
    const cached = beamSearch(next, [3, 4, 5], settings);
    next.dispose();
    expect(cached.best.tokens).toEqual(plain.best.tokens);
    expect(cached.best.score).toBeCloseTo(plain.best.score, 4);
    expect(cached.hypotheses.map((h) => h.tokens)).toEqual(plain.hypotheses.map((h) => h.tokens));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
