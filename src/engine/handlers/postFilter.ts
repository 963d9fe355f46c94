// The post-processing cures of the sampling panel, run where the model and the
// tokenizer are: the output as generated, cut where its first 4-gram repeats,
// with repeated sentences and lines dropped, and the least repetitive of a few
// seeded samples (src/sampling/postFilter.ts holds the filters themselves).

import type { GPT } from '../../model/gpt.ts';
import type { Tokenizer } from '../../tokenizer/index.ts';
import type { FilteredText, PostFilterParams, PostFilterResultData } from '../samplingProtocol.ts';
import { cutAtLoop, dropRepeatedSegments, rerankByRepetition } from '../../sampling/postFilter.ts';
import { repetitionReport } from '../../sampling/repetition.ts';
import { decode } from '../../sampling/sampler.ts';
import type { SamplingSettings } from '../../sampling/settings.ts';

/** n of the loop the cut looks for: a repeated 4-gram, the unit seq-rep-4 counts. */
const LOOP_N = 4;

/** The setting re-rank samples with: the learner's own when it samples, else the same values as sampling (one beam, no contrastive step). */
export function samplingVersion(s: SamplingSettings): SamplingSettings {
  return { ...s, do_sample: true, num_beams: 1, penalty_alpha: 0, num_beam_groups: 1, diversity_penalty: 0 };
}

export function filterOutput(model: GPT, tokenizer: Tokenizer, promptIds: number[], p: PostFilterParams): PostFilterResultData {
  const measured = (method: FilteredText['method'], ids: readonly number[], text = tokenizer.decode([...ids])): FilteredText => {
    const r = repetitionReport(ids, promptIds);
    return { method, text, tokens: ids.length, seqRep4: r.seqRep[4], distinct2: r.distinct[2] };
  };
  const original = measured('original', p.generated);
  const cut = cutAtLoop(p.generated, LOOP_N, 1, promptIds);
  const dropped = dropRepeatedSegments(original.text, tokenizer.decode(promptIds));
  const settings = samplingVersion(p.settings);
  const samples = Array.from({ length: Math.max(1, p.samples) }, (_, i) => {
    const r = decode(model, promptIds, settings, { maxNewTokens: p.maxNewTokens, seed: p.seed + i });
    const meanLogProb = r.steps.reduce((sum, st) => sum + Math.log(st.rawProb), 0) / Math.max(1, r.steps.length);
    return { tokens: r.generated, meanLogProb };
  });
  const ranked = rerankByRepetition(samples, LOOP_N);
  return {
    rows: [
      original,
      measured('cut-at-loop', cut.tokens),
      measured('drop-repeats', tokenizer.encode(dropped.text), dropped.text),
      measured('rerank', ranked.best.tokens),
    ],
    cutAt: cut.cutAt,
    dropped: dropped.dropped.length,
    samples: samples.map((s, i) => ({ seqRep4: ranked.scores[i], meanLogProb: s.meanLogProb })),
    chosen: ranked.index,
  };
}
