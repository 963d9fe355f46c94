// The next-token distribution the panel draws, computed in the page from the
// prompt's cached logits with the same pure processors and the same seeded
// first draw the engine uses — so moving a slider never reruns the model, and
// the token the draw lands on is the first token Generate will write.

import { processLogits, PROCESSOR_ORDER, type ProcessorName, isGreedy } from '../../sampling/processors.ts';
import { softmax } from '../../util/softmax.ts';
import { drawToken } from '../../sampling/draw.ts';
import type { SamplingSettings } from '../../sampling/settings.ts';
import { Rng } from '../../util/random.ts';
import type { DistributionData } from '../../charts/distributionBars.ts';

export interface DistributionView {
  chart: DistributionData;
  /** Per processor, in the order they run: active or not, and how many tokens it removed. */
  processors: { name: ProcessorName; active: boolean; removed: number }[];
  chosen: number;
  /** Tokens still allowed after every processor. */
  allowed: number;
  /** no_repeat_ngram_size banned every token here, so the view (as generation would) ignores the ban. */
  allBanned: boolean;
}

export function distributionView(
  logits: Float32Array,
  promptIds: readonly number[],
  settings: SamplingSettings,
  seed: number,
  vocab: readonly string[],
  shown = 12,
): DistributionView {
  const raw = softmax(logits);
  const greedyish = settings.num_beams > 1 ? { ...settings, do_sample: false } : settings;
  let { scores, steps } = processLogits(logits, promptIds, promptIds.length, greedyish);
  const allBanned = scores.every((x) => x === -Infinity);
  if (allBanned) {
    ({ scores, steps } = processLogits(logits, promptIds, promptIds.length, { ...greedyish, no_repeat_ngram_size: 0 }));
  }
  const draw = drawToken(scores, isGreedy(greedyish), new Rng(seed));
  const rank = new Map(draw.order.map((id, r) => [id, r]));
  const cutBy = new Map<number, ProcessorName>();
  for (const st of steps) for (const id of st.removed) if (!cutBy.has(id)) cutBy.set(id, st.name);
  const top = Array.from(raw.keys()).sort((a, b) => raw[b] - raw[a]).slice(0, shown);
  if (!top.includes(draw.id)) top[top.length - 1] = draw.id; // the chosen token is always on screen
  const bars = top.map((id) => ({
    id,
    label: vocab[id] ?? String(id),
    raw: raw[id],
    processed: draw.probs[id],
    cutBy: cutBy.get(id) ?? null,
    cumulative: draw.cumulative[rank.get(id)!],
    chosen: id === draw.id,
  }));
  const shownMass = bars.reduce((s, b) => s + b.processed, 0);
  const removed = new Map(steps.map((s) => [s.name, s.removed.length]));
  return {
    chart: { bars, u: draw.u === null ? null : draw.u, restProcessed: Math.max(0, 1 - shownMass) },
    processors: PROCESSOR_ORDER.map((name) => ({ name, active: removed.has(name), removed: removed.get(name) ?? 0 })),
    chosen: draw.id,
    allowed: scores.filter((x) => x > -Infinity).length,
    allBanned,
  };
}
