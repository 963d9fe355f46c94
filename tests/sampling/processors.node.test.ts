import { describe, expect, it } from 'vitest';
import {
  applyFrequencyPresence, applyMinP, applyNoRepeatNgram, applyRepetitionPenalty, applyTemperature, applyTopK, applyTopP,
  bannedNgramTokens, processLogits, PROCESSOR_ORDER,
} from '../../src/sampling/processors.ts';
import { softmax } from '../../src/util/softmax.ts';
import { checkSettings, DEFAULT_SAMPLING, SettingsError, type SamplingSettings } from '../../src/sampling/settings.ts';
import { drawToken } from '../../src/sampling/draw.ts';
import { Rng } from '../../src/util/random.ts';

const f32 = (xs: number[]) => Float32Array.from(xs);
const kept = (scores: Float32Array) => Array.from(scores.keys()).filter((i) => scores[i] > -Infinity);
const NEG = -Infinity;

describe('logits processors, hand-computed', () => {
  it('top_k = 3 on a 7-token distribution keeps the three largest', () => {
    expect(kept(applyTopK(f32([1, 5, 3, 2, 4, 0, -1]), 3))).toEqual([1, 2, 4]);
    // HF keeps every token tied with the k-th score
    expect(kept(applyTopK(f32([1, 5, 3, 2, 4, 0, 3]), 3))).toEqual([1, 2, 4, 6]);
    // k larger than the vocabulary keeps everything; k = 0 is off
    expect(kept(applyTopK(f32([1, 5, 3]), 10))).toEqual([0, 1, 2]);
    expect(kept(applyTopK(f32([1, 5, 3]), 0))).toEqual([0, 1, 2]);
  });

  it('repetition_penalty divides positive and multiplies negative logits of seen tokens, once each', () => {
    const out = applyRepetitionPenalty(f32([2, -2, 1, 0.5]), [0, 1, 1], 2);
    expect(Array.from(out)).toEqual([1, -4, 1, 0.5]);
    // a penalty < 1 rewards repetition (the same rule, inverted effect)
    expect(Array.from(applyRepetitionPenalty(f32([2, -2]), [0, 1], 0.5))).toEqual([4, -1]);
  });

  it('frequency and presence penalties count generated tokens', () => {
    const out = applyFrequencyPresence(f32([0, 0, 5, 5]), [2, 2, 3], 0.5, 1);
    expect(Array.from(out)).toEqual([0, 0, 5 - 2 * 0.5 - 1, 5 - 0.5 - 1]);
  });

  it('no_repeat_ngram_size bans the token that would complete a seen n-gram, also at the sequence boundary', () => {
    expect(bannedNgramTokens([1, 2, 3, 1, 2], 3)).toEqual([3]);
    expect(bannedNgramTokens([1, 2, 3, 1, 2, 4, 1, 2], 3).sort()).toEqual([3, 4]);
    expect(bannedNgramTokens([5], 3)).toEqual([]); // too short for any trigram
    expect(bannedNgramTokens([5, 6], 3)).toEqual([]); // the next token would form the first trigram
    expect(bannedNgramTokens([7, 7, 7], 2)).toEqual([7]);
    expect(bannedNgramTokens([4, 9, 4], 1).sort()).toEqual([4, 9]);
    const out = applyNoRepeatNgram(f32([1, 1, 1, 1, 1]), [1, 2, 3, 1, 2], 3);
    expect(kept(out)).toEqual([0, 1, 2, 4]);
  });

  it('top_p keeps the smallest top set reaching p (at least one token)', () => {
    const logits = f32([0.5, 0.3, 0.15, 0.05].map(Math.log));
    expect(kept(applyTopP(logits, 0.75))).toEqual([0, 1]);
    expect(kept(applyTopP(logits, 0.9))).toEqual([0, 1, 2]);
    expect(kept(applyTopP(logits, 0))).toEqual([0]);
    expect(kept(applyTopP(logits, 1))).toEqual([0, 1, 2, 3]);
  });

  it('min_p keeps tokens with p ≥ min_p × p_max', () => {
    const logits = f32([0.5, 0.3, 0.15, 0.05].map(Math.log));
    expect(kept(applyMinP(logits, 0.35))).toEqual([0, 1]); // threshold 0.175
    expect(kept(applyMinP(logits, 1))).toEqual([0]);
  });

  it('temperature divides logits; 0 means greedy, never a division by zero', () => {
    expect(Array.from(applyTemperature(f32([2, -4]), 2))).toEqual([1, -2]);
    const s: SamplingSettings = { ...DEFAULT_SAMPLING, temperature: 0 };
    const { scores } = processLogits(f32([1, 3, 2]), [], 0, s);
    expect(Array.from(scores)).toEqual([1, 3, 2]);
    expect(drawToken(scores, true, new Rng(1)).id).toBe(1);
  });

  it('runs processors in Hugging Face order and reports what each one cut', () => {
    const s: SamplingSettings = { ...DEFAULT_SAMPLING, temperature: 0.5, top_k: 4, top_p: 0.9, min_p: 0.05, repetition_penalty: 1.3, no_repeat_ngram_size: 2, frequency_penalty: 0.1, presence_penalty: 0.1, typical_p: 0.99, epsilon_cutoff: 1e-4, eta_cutoff: 1e-4 };
    const logits = f32([3, 2.5, 2, 1.5, 1, 0.5, 0]);
    const { steps } = processLogits(logits, [0, 1, 0], 1, s);
    expect(steps.map((x) => x.name)).toEqual(PROCESSOR_ORDER);
    expect(steps.find((x) => x.name === 'no_repeat_ngram_size')!.removed).toEqual([1]); // (0,1) seen, last token 0
    expect(steps.find((x) => x.name === 'top_k')!.removed.length).toBe(2); // 6 allowed → 4
  });

  it('settings that cannot mean anything are refused with the setting named', () => {
    const bad: Partial<SamplingSettings>[] = [
      { temperature: -1 }, { top_k: -2 }, { top_k: 2.5 }, { top_p: 1.5 }, { min_p: -0.1 }, { repetition_penalty: 0 },
      { no_repeat_ngram_size: -1 }, { num_beams: 0 }, { num_beams: 99 }, { temperature: NaN },
    ];
    for (const b of bad) {
      const key = Object.keys(b)[0];
      expect(() => checkSettings({ ...DEFAULT_SAMPLING, ...b }, 10)).toThrow(SettingsError);
      expect(() => checkSettings({ ...DEFAULT_SAMPLING, ...b }, 10)).toThrow(new RegExp(key));
    }
    const { settings, notices } = checkSettings({ ...DEFAULT_SAMPLING, top_k: 500 }, 10);
    expect(settings.top_k).toBe(10);
    expect(notices[0]).toMatchObject({ code: 'top-k-clamped', message: expect.stringMatching(/larger than the vocabulary/) });
  });
});

describe('seeded draws', () => {
  it('land where the uniform draw falls on the cumulative distribution, with the right frequencies', () => {
    const probs = [0.5, 0.3, 0.15, 0.05];
    const scores = f32(probs.map(Math.log));
    const rng = new Rng(42);
    const counts = [0, 0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const d = drawToken(scores, false, rng);
      const r = d.order.indexOf(d.id);
      expect(d.u!).toBeLessThan(d.cumulative[r] + 1e-6);
      if (r > 0) expect(d.u!).toBeGreaterThanOrEqual(d.cumulative[r - 1] - 1e-6);
      counts[d.id]++;
    }
    probs.forEach((p, i) => expect(Math.abs(counts[i] / n - p)).toBeLessThan(0.015));
  });

  it('the same seed gives the same draws', () => {
    const scores = f32([0.1, 0.2, 0.3, 0.4].map(Math.log));
    const a = new Rng(7), b = new Rng(7);
    for (let i = 0; i < 50; i++) expect(drawToken(scores, false, a).id).toBe(drawToken(scores, false, b).id);
  });
});

describe('randomized settings', () => {
  it('thousands of random settings always yield a valid token id or a clear SettingsError', () => {
    const rng = new Rng(2024);
    const pick = <T,>(xs: T[]) => xs[rng.int(xs.length)];
    let valid = 0;
    let refused = 0;
    for (let trial = 0; trial < 4000; trial++) {
      const V = 1 + rng.int(40);
      const logits = Float32Array.from({ length: V }, () => (rng.next() - 0.5) * pick([0.1, 10, 100, 1e4]));
      const seq = Array.from({ length: rng.int(30) }, () => rng.int(V));
      const s: SamplingSettings = {
        ...DEFAULT_SAMPLING,
        do_sample: rng.next() < 0.8,
        temperature: pick([0, 1e-9, 0.1, 0.7, 1, 2, 100, -1, NaN]),
        top_k: pick([0, 1, 3, 50, V, V + 5, -1]),
        top_p: pick([0, 0.1, 0.5, 0.9, 1, 1.2]),
        min_p: pick([0, 0.05, 0.5, 1, -0.2]),
        repetition_penalty: pick([1, 1.2, 2, 0.8, 0, 1e6]),
        no_repeat_ngram_size: pick([0, 1, 2, 3, 4]),
        frequency_penalty: pick([0, 0.5, -2]),
        presence_penalty: pick([0, 1, 5]),
      };
      let checked: SamplingSettings;
      try {
        checked = checkSettings(s, V).settings;
      } catch (e) {
        expect(e).toBeInstanceOf(SettingsError);
        expect((e as Error).message.length).toBeGreaterThan(10);
        refused++;
        continue;
      }
      let { scores } = processLogits(logits, seq, 0, checked);
      if (scores.every((x) => x === NEG)) scores = processLogits(logits, seq, 0, { ...checked, no_repeat_ngram_size: 0 }).scores;
      const d = drawToken(scores, !checked.do_sample || checked.temperature === 0, rng);
      expect(Number.isInteger(d.id) && d.id >= 0 && d.id < V).toBe(true);
      expect(d.probs[d.id]).toBeGreaterThan(0);
      expect(Math.abs(softmax(scores).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-4);
      valid++;
    }
    expect(valid).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(100);
  });
});
