/**
 * Numbers the explanations quote, as plain data: what this playground's own
 * model measured, and the published figures they are set beside. Each measured
 * number is recomputed by tests/lessons/measured.node.test.ts from the embedded
 * model, so the prose fails a test rather than drift when the model changes.
 */

/**
 * The repetition sweep on the embedded model (public/models/shakespeare), as
 * the sampling panel runs it with the default prompt: its six prompts, 48 new
 * tokens each. Greedy decoding and beam search draw nothing at random, so the
 * seed does not matter. seq-rep-4 is the share of a continuation's four-grams
 * that repeat an earlier one, averaged over the prompts.
 */
export const MEASURED_SWEEP = {
  prompts: 6,
  maxNewTokens: 48,
  seqRep4: { greedy: 0.32, beam4: 0.42 },
} as const;

/**
 * Welleck et al. 2019 ("Neural Text Degeneration with Unlikelihood Training"),
 * a 16-layer transformer trained on wikitext-103: seq-rep-4 of greedy decoding
 * and of beam search with ten beams — the reference ticks of the sweep chart.
 */
export const WELLECK_2019_SEQ_REP_4 = { greedy: 0.43, beam10: 0.5 } as const;

/** Hu et al. 2021 (LoRA, §4.2): training GPT-3 175B with LoRA was about this much faster than full fine-tuning. */
export const LORA_GPT3_SPEEDUP = 0.25;
