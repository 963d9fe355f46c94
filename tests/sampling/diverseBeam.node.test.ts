// Diverse (group) beam search: Hugging Face's Hamming diversity test values,
// a hand-computed two-group case, equality with plain beam search for one
// group, and a tiny GPT with the KV cache (no tensor left behind).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyHammingDiversity, groupBeamSearch, searchBeams } from '../../src/sampling/diverseBeam.ts';
import { beamSearch, cachedModelLogits, DEFAULT_BEAM, type NextLogitsFn } from '../../src/sampling/beam.ts';
import { SettingsError } from '../../src/sampling/settings.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { useBackend } from '../helpers/backend.ts';

/** Next-token probabilities (0.5, 0.3, 0.2) whatever came before. */
const constant: NextLogitsFn = (seqs) => seqs.map(() => Float32Array.from([0.5, 0.3, 0.2], Math.log));

/** A toy language model: logits are a fixed pseudo-random function of the last two tokens (as in beam.node.test.ts). */
function toyModel(V: number, seed: number): NextLogitsFn {
  return (seqs) => seqs.map((s) => {
    const a = s[s.length - 1] ?? 0, b = s[s.length - 2] ?? 0;
    return Float32Array.from({ length: V }, (_, t) => Math.sin(seed * 12.9898 + a * 78.233 + b * 37.719 + t * 4.1414) * 3);
  });
}

describe("Hamming diversity, with Hugging Face's test values (test_hamming_diversity)", () => {
  it('subtracts diversity_penalty once per earlier-group beam that chose the token at this step', () => {
    // HF: uniform scores 0.25 over 4 tokens, num_beams 2 in 2 groups, current tokens [0, 3, 1, 2] for two batches:
    // group 1 of batch 0 sees group 0's token 0, of batch 1 token 1.
    const uniform = new Float32Array(4).fill(0.25);
    expect(Array.from(applyHammingDiversity(uniform, [0], 1))).toEqual([-0.75, 0.25, 0.25, 0.25]);
    expect(Array.from(applyHammingDiversity(uniform, [1], 1))).toEqual([0.25, -0.75, 0.25, 0.25]);
    // Two earlier beams on the same token: twice the penalty. The input is not changed.
    expect(Array.from(applyHammingDiversity(uniform, [2, 2], 0.5))).toEqual([0.25, 0.25, -0.75, 0.25]);
    expect(Array.from(uniform)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});

describe('group beam search, hand-computed', () => {
  const settings = { ...DEFAULT_BEAM, num_beams: 2, num_beam_groups: 2, max_new_tokens: 2 };

  it('a penalty above the log-probability gap pushes the second group onto another token', () => {
    // Group 0 (one beam) takes 0 twice: ln 0.5 + ln 0.5. Group 1 sees token 0 at ln 0.5 − 1 = −1.69 < ln 0.3 = −1.20,
    // so it takes 1, twice. Scores (length_penalty 1): 2 ln 0.5 / 2 = −0.693 and 2 ln 0.3 / 2 = −1.204.
    const r = groupBeamSearch(constant, [0], { ...settings, diversity_penalty: 1 });
    expect(r.hypotheses.map((h) => [h.group, h.tokens])).toEqual([[0, [0, 0]], [1, [1, 1]]]);
    expect(r.hypotheses[0].score).toBeCloseTo(Math.log(0.5), 5);
    expect(r.hypotheses[1].score).toBeCloseTo(Math.log(0.3), 5);
    expect(r.best.tokens).toEqual([0, 0]);
  });

  it('a penalty below the gap (0.1 < ln 0.5 − ln 0.3 = 0.51) leaves both groups on the same text, scored lower in group 1', () => {
    const r = groupBeamSearch(constant, [0], { ...settings, diversity_penalty: 0.1 });
    expect(r.hypotheses.map((h) => h.tokens)).toEqual([[0, 0], [0, 0]]);
    expect(r.hypotheses[1].sumLogprobs).toBeCloseTo(2 * (Math.log(0.5) - 0.1), 5);
  });

  it('with 4 beams in 2 groups and a large penalty, the second group avoids both tokens the first chose at each step', () => {
    const next = toyModel(6, 3);
    const r = groupBeamSearch(next, [1], { ...DEFAULT_BEAM, num_beams: 4, num_beam_groups: 2, diversity_penalty: 100, max_new_tokens: 4 });
    for (const step of r.steps) {
      const last = step.beams.map((b) => b.tokens[b.tokens.length - 1]);
      expect(last.slice(2).some((t) => last.slice(0, 2).includes(t))).toBe(false);
    }
  });
});

describe('group beam search against plain beam search', () => {
  it('one group is beam search: the same hypotheses, scores and tree', () => {
    for (const seed of [1, 2, 3]) {
      const next = toyModel(5, seed);
      const s = { ...DEFAULT_BEAM, num_beams: 3, max_new_tokens: 5, eos_token_id: 4 };
      const plain = beamSearch(next, [0], s);
      const grouped = groupBeamSearch(next, [0], { ...s, num_beam_groups: 1, diversity_penalty: 1 });
      expect(grouped.hypotheses.map(({ group: _g, ...h }) => h)).toEqual(plain.hypotheses);
      expect(grouped.steps).toEqual(plain.steps);
      expect(searchBeams(next, [0], s)).toEqual(plain);
    }
  });

  it('rejects groups that do not divide num_beams', () => {
    expect(() => groupBeamSearch(constant, [0], { ...DEFAULT_BEAM, num_beams: 4, num_beam_groups: 3 })).toThrow(SettingsError);
    expect(() => groupBeamSearch(constant, [0], { ...DEFAULT_BEAM, num_beams: 4, num_beam_groups: 2, diversity_penalty: -1 })).toThrow(SettingsError);
  });
});

describe('group beam search on a tiny GPT', () => {
  beforeAll(() => useBackend('cpu'));

  it('runs with the KV cache and leaves no tensor behind', () => {
    const model = GPT.create(makeConfig('nano', { vocabSize: 16, blockSize: 32 }), 5);
    const before = tf.memory().numTensors;
    const next = cachedModelLogits(model);
    const r = groupBeamSearch(next, [1, 2, 3], { ...DEFAULT_BEAM, num_beams: 4, num_beam_groups: 2, diversity_penalty: 1, max_new_tokens: 6 });
    next.dispose();
    expect(r.best.tokens).toHaveLength(6);
    expect(new Set(r.hypotheses.map((h) => h.group))).toEqual(new Set([0, 1]));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
