import type { GPT } from '../model/gpt.ts';
import { beamSearch, cachedModelLogits, DEFAULT_BEAM } from './beam.ts';
import { repetitionReport, type RepetitionReport } from './repetition.ts';
import { decode } from './sampler.ts';
import { DEFAULT_SAMPLING, type SamplingSettings } from './settings.ts';

/**
 * The experiment behind the repetition panel's chart: the same prompts decoded
 * by several strategies, repetition measured on each continuation. Welleck et
 * al. (2019) report seq-rep-4 of 0.43 for greedy and 0.50 for beam 10 against
 * ≈0.015 for top-k 50 / top-p 0.9 on wikitext-103 models; this lets a learner
 * measure the same thing on the playground's model.
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
];

export interface SweepRow {
  label: string;
  /** Mean over prompts. */
  seqRep4: number;
  seqRep2: number;
  distinct2: number;
  repWindow16: number;
  /** One value per prompt, for spread. */
  perPrompt: number[];
}

/** Continuation of one prompt under one strategy (beam search when num_beams > 1). */
export function continueWith(model: GPT, prompt: readonly number[], s: SamplingSettings, maxNewTokens: number, seed: number): number[] {
  if (s.num_beams > 1) {
    const next = cachedModelLogits(model);
    const r = beamSearch(next, prompt, {
      ...DEFAULT_BEAM,
      num_beams: s.num_beams,
      max_new_tokens: maxNewTokens,
      length_penalty: s.length_penalty,
      early_stopping: s.early_stopping,
      no_repeat_ngram_size: s.no_repeat_ngram_size,
      repetition_penalty: s.repetition_penalty,
    });
    next.dispose();
    return r.best.tokens;
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
