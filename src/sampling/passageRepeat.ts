import type { GPT } from '../model/gpt.ts';
import { softmax } from '../util/softmax.ts';

/**
 * How strongly a model repeats a passage right after it: the passage's tokens
 * read twice in a row, and the mean probability the model gives each token of
 * the second copy (teacher-forced, one forward pass). A model whose training
 * text held a passage many times back to back learns exactly this — that the
 * passage is followed by itself — which is how repetition in the data becomes
 * repetition in the output (Li et al. 2023, "Repetition In Repetition Out").
 * The base model and one trained on the same text deduplicated give the
 * baseline. Passages whose two copies do not fit the context window are left
 * out; null when none fits.
 */
export function passageRepeatProbability(model: GPT, passages: readonly (readonly number[])[]): number | null {
  const fit = passages.filter((p) => p.length > 0 && 2 * p.length <= model.config.blockSize);
  if (fit.length === 0) return null;
  let sum = 0;
  for (const p of fit) {
    const ids = [...p, ...p];
    const { logits } = model.run(ids, { allLogits: true });
    const V = model.config.vocabSize;
    let copy = 0;
    // The logits at position i predict token i + 1: the second copy's tokens are p.length … 2·p.length − 1.
    for (let i = p.length; i < ids.length; i++) copy += softmax(logits!.data.subarray((i - 1) * V, i * V))[ids[i]];
    sum += copy / p.length;
  }
  return sum / fit.length;
}
