// typical_p, epsilon_cutoff and eta_cutoff against the distributions and kept
// sets of Hugging Face's own tests (transformers tests/generation/
// test_logits_process.py: test_typical_dist_warper, test_epsilon_dist_warper,
// test_eta_dist_warper), plus hand-computed cases, their place in the
// processor order, and their validation.
import { describe, expect, it } from 'vitest';
import { applyEpsilonCutoff, applyEtaCutoff, applyTypicalP, processLogits, PROCESSOR_ORDER } from '../../src/sampling/processors.ts';
import { checkSettings, DEFAULT_SAMPLING, SettingsError, type SamplingSettings } from '../../src/sampling/settings.ts';

/** torch.log of a float32 tensor of probabilities, as HF's tests build their scores. */
const logOf = (ps: number[]) => Float32Array.from(ps, (p) => Math.log(p));
/** torch.exp of the filtered scores: the kept probabilities, 0 where filtered. */
const expOf = (scores: Float32Array) => Array.from(scores, (s) => Math.exp(s));
const keptCount = (scores: Float32Array) => scores.filter((s) => s > -Infinity).length;
/** HF's ramp: arange(10) − 5, the second row × 100 (extreme logits). */
const RAMP = Float32Array.from({ length: 10 }, (_, i) => i - 5);
const RAMP_100 = RAMP.map((x) => x * 100);

function closeTo(actual: number[], expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a, `index ${i}`).toBeCloseTo(expected[i], 3));
}

describe("typical_p, with Hugging Face's test values", () => {
  it('keeps the tokens whose surprisal is nearest the entropy (test_typical_dist_warper)', () => {
    closeTo(expOf(applyTypicalP(logOf([0.97, 0.01, 0.01, 0.01]), 0.5)), [0.97, 0, 0, 0]);
    // The likeliest token (0.4) is the one cut: its surprisal is farthest from the entropy.
    closeTo(expOf(applyTypicalP(logOf([0.4, 0.2, 0.2, 0.2]), 0.5)), [0, 0.2, 0.2, 0.2]);
  });

  it('leaves a uniform distribution alone, and min_tokens_to_keep holds on extreme logits', () => {
    expect(keptCount(applyTypicalP(new Float32Array(5).fill(0.2), 0.5, 3))).toBe(5);
    expect([keptCount(applyTypicalP(RAMP, 0.7, 2)), keptCount(applyTypicalP(RAMP_100, 0.7, 2))]).toEqual([2, 2]);
  });

  it('does not change its input, and typical_p = 1 is off', () => {
    const scores = logOf([0.4, 0.2, 0.2, 0.2]);
    const copy = scores.slice();
    applyTypicalP(scores, 0.5);
    expect(scores).toEqual(copy);
    expect(applyTypicalP(scores, 1)).toEqual(scores);
  });
});

describe("epsilon_cutoff, with Hugging Face's test values", () => {
  it('drops tokens with p < ε (test_epsilon_dist_warper)', () => {
    closeTo(expOf(applyEpsilonCutoff(logOf([0.87, 0.099, 0.001, 0.03]), 0.1)), [0.87, 0, 0, 0]);
    closeTo(expOf(applyEpsilonCutoff(logOf([0.4, 0.299, 0.101, 0.2]), 0.1)), [0.4, 0.299, 0.101, 0.2]);
    expect([keptCount(applyEpsilonCutoff(RAMP, 5e-2, 2)), keptCount(applyEpsilonCutoff(RAMP_100, 5e-2, 2))]).toEqual([3, 2]);
  });
});

describe("eta_cutoff, with Hugging Face's test values", () => {
  it('drops tokens with p < min(ε, √ε·e^−H) (test_eta_dist_warper)', () => {
    closeTo(expOf(applyEtaCutoff(logOf([0.0, 0.1, 0.8, 0.1]), 0.0625)), [0, 0.1, 0.8, 0.1]);
    closeTo(expOf(applyEtaCutoff(logOf([0.01, 0.04, 0.9, 0.05]), 0.0625)), [0, 0, 0.9, 0]);
    expect([keptCount(applyEtaCutoff(RAMP, 0.1, 2)), keptCount(applyEtaCutoff(RAMP_100, 0.1, 2))]).toEqual([2, 2]);
  });

  it('on a flat distribution η falls below ε and keeps the tail ε cuts (hand-computed)', () => {
    // H = −(0.32 ln 0.32 + 2·0.25 ln 0.25 + 0.18 ln 0.18) = 1.3664 nats; √0.2 · e^−1.3664 = 0.114 < 0.2.
    const flat = logOf([0.32, 0.25, 0.25, 0.18]);
    expect(keptCount(applyEpsilonCutoff(flat, 0.2))).toBe(3);
    expect(keptCount(applyEtaCutoff(flat, 0.2))).toBe(4);
    // Peaked: H = 0.9405, √0.2 · e^−0.9405 = 0.175, so η drops the 0.1 tokens as ε would.
    expect(keptCount(applyEtaCutoff(logOf([0.7, 0.1, 0.1, 0.1]), 0.2))).toBe(1);
  });
});

describe('the warpers in the processor list', () => {
  it("run after min_p in Hugging Face's order: temperature → top_k → top_p → min_p → typical_p → epsilon → eta", () => {
    expect(PROCESSOR_ORDER.slice(PROCESSOR_ORDER.indexOf('temperature'))).toEqual([
      'temperature', 'top_k', 'top_p', 'min_p', 'typical_p', 'epsilon_cutoff', 'eta_cutoff',
    ]);
    const s: SamplingSettings = { ...DEFAULT_SAMPLING, min_p: 0.01, typical_p: 0.9, epsilon_cutoff: 0.001, eta_cutoff: 0.001 };
    const { steps } = processLogits(logOf([0.5, 0.3, 0.15, 0.05]), [0], 1, s);
    expect(steps.map((st) => st.name)).toEqual(['min_p', 'typical_p', 'epsilon_cutoff', 'eta_cutoff']);
  });

  it('are skipped in greedy decoding, as Hugging Face skips every warper', () => {
    const s: SamplingSettings = { ...DEFAULT_SAMPLING, do_sample: false, typical_p: 0.5, epsilon_cutoff: 0.2, eta_cutoff: 0.2 };
    expect(processLogits(logOf([0.4, 0.2, 0.2, 0.2]), [0], 1, s).steps).toEqual([]);
  });
});

describe('validation of the new settings', () => {
  const code = (s: Partial<SamplingSettings>) => {
    try {
      checkSettings({ ...DEFAULT_SAMPLING, ...s }, 100);
      return 'ok';
    } catch (e) {
      expect(e).toBeInstanceOf(SettingsError);
      return `${(e as SettingsError).params.setting}: ${(e as SettingsError).code}`;
    }
  };

  it('accepts the defaults and the values the sweep uses', () => {
    expect(code({})).toBe('ok');
    expect(code({ typical_p: 0.9, epsilon_cutoff: 0.0009, eta_cutoff: 0.002 })).toBe('ok');
    expect(code({ do_sample: false, penalty_alpha: 0.6, top_k: 4 })).toBe('ok');
    expect(code({ do_sample: false, num_beams: 4, num_beam_groups: 2, diversity_penalty: 1 })).toBe('ok');
  });

  it('names the setting and the rule it broke', () => {
    expect(code({ typical_p: 0 })).toBe('typical_p: not-mass');
    expect(code({ typical_p: 1.2 })).toBe('typical_p: not-mass');
    expect(code({ epsilon_cutoff: 1 })).toBe('epsilon_cutoff: not-cutoff');
    expect(code({ eta_cutoff: -0.1 })).toBe('eta_cutoff: not-cutoff');
    expect(code({ penalty_alpha: 1.5 })).toBe('penalty_alpha: not-probability');
    expect(code({ do_sample: false, penalty_alpha: 0.6, top_k: 1 })).toBe('top_k: contrastive-top-k');
    expect(code({ do_sample: false, num_beams: 4, num_beam_groups: 3 })).toBe('num_beam_groups: groups-not-divisor');
    expect(code({ do_sample: false, num_beams: 2, num_beam_groups: 4 })).toBe('num_beam_groups: groups-not-divisor');
    expect(code({ diversity_penalty: -1 })).toBe('diversity_penalty: not-penalty');
  });
});
