import type { GPT } from '../model/gpt.ts';
import { beamSearch, cachedModelLogits, DEFAULT_BEAM } from './beam.ts';
import { contrastiveSession, isContrastive } from './contrastive.ts';
import { searchBeams } from './diverseBeam.ts';
import { repetitionReport, type RepetitionReport } from './repetition.ts';
import { decode } from './sampler.ts';
import { DEFAULT_SAMPLING, type SamplingSettings } from './settings.ts';

/**
 * The experiment behind the repetition panel's chart: the same prompts decoded
 * by several strategies, repetition measured on each continuation. Welleck et
 * al. (2019) report seq-rep-4 of 0.43 for greedy and 0.50 for beam 10 against
 * ≈0.015 for top-k 50 / top-p 0.9 on wikitext-103 models; this lets a learner
 * measure the same thing on the playground's model. The newer cures stand
 * beside them: typical sampling (Meister et al. 2022), ε- and η-sampling
 * (Hewitt et al. 2022, at values inside the ranges Hugging Face's docs quote
 * from the paper: ε 3e-4…9e-4, η 3e-4…4e-3), contrastive search at
 * penalty_alpha 0.6, top_k 4 (the setting of Hugging Face's contrastive-search
 * blog post), and diverse beam search.
 */
export interface Strategy {
  label: string;
  settings: SamplingSettings;
}

export const SWEEP_STRATEGIES: Strategy[] = [
  { label: 'greedy', settings: { ...DEFAULT_SAMPLING, do_sample: false } },
  { label: 'beam 4', settings: { ...DEFAULT_SAMPLING, do_sample: false, num_beams: 4 } },
  { label: 'top-k 40', settings: { ...DEFAULT_SAMPLING, top_k: 40 } },
  { label: 'top-p 0.9', settings: { ...DEFAULT_SAMPLING, top_p: 0.9 } },
  { label: 'T = 0.7', settings: { ...DEFAULT_SAMPLING, temperature: 0.7 } },
  { label: 'pure sampling', settings: { ...DEFAULT_SAMPLING } },
  { label: 'typical 0.9', settings: { ...DEFAULT_SAMPLING, typical_p: 0.9 } },
  { label: 'typical 0.95', settings: { ...DEFAULT_SAMPLING, typical_p: 0.95 } },
  { label: 'epsilon 0.0009', settings: { ...DEFAULT_SAMPLING, epsilon_cutoff: 0.0009 } },
  { label: 'eta 0.002', settings: { ...DEFAULT_SAMPLING, eta_cutoff: 0.002 } },
  { label: 'contrastive 0.6/4', settings: { ...DEFAULT_SAMPLING, do_sample: false, penalty_alpha: 0.6, top_k: 4 } },
  { label: 'diverse beam 4/2', settings: { ...DEFAULT_SAMPLING, do_sample: false, num_beams: 4, num_beam_groups: 2, diversity_penalty: 1 } },
];

export interface SweepRow {
  label: string;
  /** Mean over prompts. */
  seqRep4: number;
  seqRep2: number;
  distinct2: number;
  repWindow16: number;
  /**
   * Mean shares of the continuation's 4-grams copied from the prompt and from
   * the continuation itself (repetition.ts copyShares): where the repeats come from.
   */
  copying: { fromInput: number; fromSelf: number };
  /** Share of the prompts whose continuation ends in a loop (repetition.ts endsInLoop: Holtzman et al.'s Repetition %). */
  loopShare: number;
  /** One value per prompt, for spread. */
  perPrompt: number[];
}

/** Continuation of one prompt under one strategy: beam search (grouped when num_beam_groups > 1), contrastive search, or sampling / greedy. */
export function continueWith(model: GPT, prompt: readonly number[], s: SamplingSettings, maxNewTokens: number, seed: number): number[] {
  if (s.num_beams > 1) {
    const next = cachedModelLogits(model);
    try {
      return searchBeams(next, prompt, {
        ...DEFAULT_BEAM,
        num_beams: s.num_beams,
        max_new_tokens: maxNewTokens,
        length_penalty: s.length_penalty,
        early_stopping: s.early_stopping,
        no_repeat_ngram_size: s.no_repeat_ngram_size,
        repetition_penalty: s.repetition_penalty,
        num_beam_groups: s.num_beam_groups,
        diversity_penalty: s.diversity_penalty,
      }).best.tokens;
    } finally {
      next.dispose();
    }
  }
  if (isContrastive(s)) {
    const search = contrastiveSession(model, prompt, s);
    try {
      for (let i = 0; i < maxNewTokens; i++) search.step();
      return search.generated;
    } finally {
      search.dispose();
    }
  }
  return decode(model, prompt, s, { maxNewTokens, seed }).generated;
}

export function runSweep(
  model: GPT,
  prompts: readonly (readonly number[])[],
  opts: { strategies?: Strategy[]; maxNewTokens: number; seed: number; onProgress?: (done: number, total: number) => void; shouldStop?: () => boolean },
): SweepRow[] {
  const strategies = opts.strategies ?? SWEEP_STRATEGIES;
  const total = strategies.length * prompts.length;
  let done = 0;
  const rows: SweepRow[] = [];
  for (const st of strategies) {
    const reports: RepetitionReport[] = [];
    for (let p = 0; p < prompts.length; p++) {
      if (opts.shouldStop?.()) return rows;
      const gen = continueWith(model, prompts[p], st.settings, opts.maxNewTokens, opts.seed + p);
      reports.push(repetitionReport(gen, prompts[p]));
      opts.onProgress?.(++done, total);
    }
    const mean = (f: (r: RepetitionReport) => number) => reports.reduce((s, r) => s + f(r), 0) / reports.length;
    rows.push({
      label: st.label,
      seqRep4: mean((r) => r.seqRep[4]),
      seqRep2: mean((r) => r.seqRep[2]),
      distinct2: mean((r) => r.distinct[2]),
      repWindow16: mean((r) => r.repWindow16),
      copying: { fromInput: mean((r) => r.copying.fromInput), fromSelf: mean((r) => r.copying.fromSelf) },
      loopShare: mean((r) => (r.endsInLoop ? 1 : 0)),
      perPrompt: reports.map((r) => r.seqRep[4]),
    });
  }
  return rows;
}

/** seq-rep-4 against temperature for one sampler (top-k/top-p off unless given). */
export function temperatureSweep(
  model: GPT,
  prompts: readonly (readonly number[])[],
  temperatures: readonly number[],
  opts: { base?: SamplingSettings; maxNewTokens: number; seed: number },
): { temperature: number; seqRep4: number }[] {
  const base = opts.base ?? DEFAULT_SAMPLING;
  return temperatures.map((t) => {
    const [row] = runSweep(model, prompts, { strategies: [{ label: `T=${t}`, settings: { ...base, temperature: t } }], maxNewTokens: opts.maxNewTokens, seed: opts.seed });
    return { temperature: t, seqRep4: row.seqRep4 };
  });
}

/** The beam widths the width sweep runs (num_beams 1 is greedy decoding). */
export const BEAM_WIDTHS = [1, 2, 4, 8, 16] as const;

export interface BeamWidthRow {
  numBeams: number;
  /** Mean over prompts. */
  seqRep4: number;
  /** Mean over prompts of the best hypothesis's log-probability per generated token (natural log). */
  meanLogProb: number;
  /** Share of the prompts whose best hypothesis ends in a loop (repetition.ts endsInLoop). */
  loopShare: number;
  perPrompt: number[];
}

/**
 * Wider beams find likelier text, and likelier is not better: the likeliest
 * continuations are often loops (Holtzman et al. 2019; Welleck et al. 2019
 * measured seq-rep-4 0.43 for greedy and 0.50 for beam 10). Plain beam search,
 * no processors, every beam run to maxNewTokens; the log-probability is the
 * model's own, per generated token.
 */
export function beamWidthSweep(
  model: GPT,
  prompts: readonly (readonly number[])[],
  opts: { widths?: readonly number[]; maxNewTokens: number; shouldStop?: () => boolean },
): BeamWidthRow[] {
  const rows: BeamWidthRow[] = [];
  for (const numBeams of opts.widths ?? BEAM_WIDTHS) {
    const reps: number[] = [];
    const logps: number[] = [];
    let loops = 0;
    for (const prompt of prompts) {
      if (opts.shouldStop?.()) return rows;
      const next = cachedModelLogits(model);
      try {
        const { best } = beamSearch(next, prompt, { ...DEFAULT_BEAM, num_beams: numBeams, max_new_tokens: opts.maxNewTokens });
        const report = repetitionReport(best.tokens, prompt);
        reps.push(report.seqRep[4]);
        if (report.endsInLoop) loops++;
        logps.push(best.sumLogprobs / best.tokens.length);
      } finally {
        next.dispose();
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    rows.push({ numBeams, seqRep4: mean(reps), meanLogProb: mean(logps), loopShare: loops / reps.length, perPrompt: reps });
  }
  return rows;
}
