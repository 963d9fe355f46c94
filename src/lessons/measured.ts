/**
 * Numbers the explanations quote, as plain data: what this playground's own
 * model measured, and the published figures they are set beside. Each measured
 * number is recomputed by tests/lessons/measured.node.test.ts from the embedded
 * model, so the prose fails a test rather than drift when the model changes.
 */

/**
 * The repetition sweep on the embedded model (public/models/shakespeare), as
 * the sampling panel runs it with the default prompt: its six prompts, 48 new
 * tokens each, seed 1337 (the link's default). seq-rep-4 is the share of a
 * continuation's four-grams that repeat an earlier one, averaged over the
 * prompts. Greedy decoding, beam search and contrastive search draw nothing at
 * random; the sampled figures hold for this seed.
 */
export const MEASURED_SWEEP = {
  prompts: 6,
  maxNewTokens: 48,
  seed: 1337,
  seqRep4: { greedy: 0.32, beam4: 0.42, pure: 0, typical: 0, epsilon: 0, eta: 0.01, contrastive: 0, diverseBeam: 0.44 },
} as const;

/** The sweep strategy (sampling/sweep.ts SWEEP_STRATEGIES, by label) behind each figure of MEASURED_SWEEP.seqRep4. */
export const MEASURED_SWEEP_STRATEGY: Record<keyof typeof MEASURED_SWEEP.seqRep4, string> = {
  greedy: 'greedy',
  beam4: 'beam 4',
  pure: 'pure sampling',
  typical: 'typical 0.9',
  epsilon: 'epsilon 0.0009',
  eta: 'eta 0.002',
  contrastive: 'contrastive 0.6/4',
  diverseBeam: 'diverse beam 4/2',
};

/**
 * The panel's beam-width sweep on the same prompts and tokens: plain beam
 * search at the narrowest and widest width. meanLogProb is the best
 * hypothesis's log-probability per generated token (nats), averaged over the prompts.
 */
export const MEASURED_BEAM_WIDTHS = {
  narrow: { numBeams: 1, meanLogProb: -1.83, seqRep4: 0.32 },
  wide: { numBeams: 16, meanLogProb: -0.96, seqRep4: 0.41 },
} as const;

/**
 * The sampling panel's post-processing filters (engine/handlers/postFilter.ts)
 * on the greedy continuation of the default prompt: seq-rep-4 as generated,
 * tokens kept by the cut at the first repeated 4-gram, lines dropped as
 * repeats and seq-rep-4 after that, and the least repetitive of `samples`
 * seeded samples (seeds 1337…1340).
 */
export const MEASURED_POST_FILTER = {
  prompt: 'ROMEO:\n',
  maxNewTokens: 48,
  seqRep4: 0.22,
  cutKeeps: 10,
  droppedLines: 1,
  droppedSeqRep4: 0.21,
  samples: 4,
  rerankSeqRep4: 0,
} as const;

/**
 * Heads that copy (model/heads.ts, as the attention panel's scan runs it:
 * seed 1337, four random sequences repeated once). The embedded model has no
 * induction head: its highest induction score is far under the 0.4 from which
 * the panel marks one, and the repeat is predicted no better than the first
 * copy (mean log-probability per token, nats). `top` is the head with the
 * highest induction score, its copying score (nats) and greedy seq-rep-4 on
 * the sweep's prompts with every head on and with it switched off.
 */
export const MEASURED_HEADS = {
  maxInduction: 0.01,
  inductionMarkedFrom: 0.4,
  firstLogProb: -12.43,
  repeatLogProb: -12.62,
  top: { layer: 1, head: 2, copying: 0.01, seqRep4: { on: 0.32, off: 0.26 } },
} as const;

/**
 * Copying the input or itself: the greedy continuation (48 tokens) of a
 * prompt that gives a line and then starts it again, split into the share of
 * its 4-grams found in the prompt and the share found only earlier in the
 * continuation (sampling/repetition.ts copyShares).
 */
export const MEASURED_COPY_PROBE = {
  prompt: 'To be, or not to be, that is the question.\nTo be, or not',
  maxNewTokens: 48,
  fromInput: 0,
  fromSelf: 0.18,
} as const;

/**
 * Welleck et al. 2019 ("Neural Text Degeneration with Unlikelihood Training"),
 * a 16-layer transformer trained on wikitext-103: seq-rep-4 of greedy decoding
 * and of beam search with ten beams — the reference ticks of the sweep chart.
 */
export const WELLECK_2019_SEQ_REP_4 = { greedy: 0.43, beam10: 0.5 } as const;

/** Hu et al. 2021 (LoRA, §4.2): training GPT-3 175B with LoRA was about this much faster than full fine-tuning. */
export const LORA_GPT3_SPEEDUP = 0.25;
