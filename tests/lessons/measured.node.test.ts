import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MEASURED_BEAM_WIDTHS,
  MEASURED_COPY_PROBE,
  MEASURED_HEADS,
  MEASURED_POST_FILTER,
  MEASURED_SWEEP,
  MEASURED_SWEEP_STRATEGY,
} from '../../src/lessons/measured.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import type { GPT } from '../../src/model/gpt.ts';
import { headScores } from '../../src/engine/handlers/attentionHeads.ts';
import { filterOutput } from '../../src/engine/handlers/postFilter.ts';
import { INDUCTION_THRESHOLD } from '../../src/panels/attention/headMarks.ts';
import { greedyRun } from '../../src/sampling/headAblation.ts';
import { DEFAULT_SAMPLING } from '../../src/sampling/settings.ts';
import { SWEEP_PROMPTS } from '../../src/state/samplingSettings.ts';
import { SWEEP_STRATEGIES, beamWidthSweep, continueWith, runSweep } from '../../src/sampling/sweep.ts';
import { tokenizerFromJSON, type Tokenizer } from '../../src/tokenizer/index.ts';
import { useBackend } from '../helpers/backend.ts';

const MODEL = 'public/models/shakespeare/';
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("the numbers the explanations quote from this playground's model", () => {
  let model: GPT;
  let tokenizer: Tokenizer;
  let before: number;
  /** As the sampling handler's sweep: each prompt keeps at most half the window. */
  let prompts: number[][];

  beforeAll(async () => {
    await useBackend('wasm');
    model = await loadGPT({ config: MODEL + 'config.json', weights: MODEL + 'model.safetensors' });
    tokenizer = tokenizerFromJSON(JSON.parse(readFileSync(MODEL + 'tokenizer.json', 'utf8')));
    prompts = SWEEP_PROMPTS.map((p) => tokenizer.encode(p).slice(-Math.floor(model.config.blockSize / 2)));
    before = tf.memory().numTensors;
  });
  afterAll(() => {
    // Every decoder, search and scan freed what it made.
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('seq-rep-4 of every strategy quoted, as the sweep runs them: beam search repeats more than greedy, contrastive search and sampling hardly at all', () => {
    expect(prompts).toHaveLength(MEASURED_SWEEP.prompts);
    const keys = Object.keys(MEASURED_SWEEP_STRATEGY) as (keyof typeof MEASURED_SWEEP_STRATEGY)[];
    const strategies = keys.map((k) => SWEEP_STRATEGIES.find((s) => s.label === MEASURED_SWEEP_STRATEGY[k])!);
    const rows = runSweep(model, prompts, { strategies, maxNewTokens: MEASURED_SWEEP.maxNewTokens, seed: MEASURED_SWEEP.seed });
    const measured = Object.fromEntries(keys.map((k, i) => [k, rows[i].seqRep4])) as Record<(typeof keys)[number], number>;
    for (const k of keys) expect(measured[k], k).toBeCloseTo(MEASURED_SWEEP.seqRep4[k], 2);
    expect(measured.beam4).toBeGreaterThan(measured.greedy);
    // Diverse beam search makes its groups differ from each other, not its best text from itself.
    expect(measured.diverseBeam).toBeGreaterThanOrEqual(measured.beam4);
    expect(measured.contrastive).toBeLessThan(measured.greedy / 10);
  });

  it('wider beams find likelier text that is no less repetitive', () => {
    const { narrow, wide } = MEASURED_BEAM_WIDTHS;
    const [n, w] = beamWidthSweep(model, prompts, { widths: [narrow.numBeams, wide.numBeams], maxNewTokens: MEASURED_SWEEP.maxNewTokens });
    expect(n.meanLogProb).toBeCloseTo(narrow.meanLogProb, 2);
    expect(w.meanLogProb).toBeCloseTo(wide.meanLogProb, 2);
    expect(n.seqRep4).toBeCloseTo(narrow.seqRep4, 2);
    expect(w.seqRep4).toBeCloseTo(wide.seqRep4, 2);
    expect(w.meanLogProb).toBeGreaterThan(n.meanLogProb);
    expect(w.seqRep4).toBeGreaterThanOrEqual(n.seqRep4);
  });

  it('post-processing filters on the greedy continuation of the default prompt: the cut keeps little, dropping lines barely helps, re-ranking samples does', () => {
    const p = MEASURED_POST_FILTER;
    const ids = tokenizer.encode(p.prompt);
    const greedy = { ...DEFAULT_SAMPLING, do_sample: false };
    const generated = continueWith(model, ids, greedy, p.maxNewTokens, MEASURED_SWEEP.seed);
    const r = filterOutput(model, tokenizer, ids, {
      slot: 'active', prompt: p.prompt, generated, settings: greedy, maxNewTokens: p.maxNewTokens, seed: MEASURED_SWEEP.seed, samples: p.samples,
    });
    const [original, cut, dropped, reranked] = r.rows;
    expect(original.seqRep4).toBeCloseTo(p.seqRep4, 2);
    expect(cut.tokens).toBe(p.cutKeeps);
    expect(r.dropped).toBe(p.droppedLines);
    expect(dropped.seqRep4).toBeCloseTo(p.droppedSeqRep4, 2);
    expect(r.samples).toHaveLength(p.samples);
    expect(reranked.seqRep4).toBeCloseTo(p.rerankSeqRep4, 2);
  });

  it('no induction heads: random tokens repeated are predicted no better the second time, and the greedy text copies itself, not its input', async () => {
    const h = MEASURED_HEADS;
    expect(h.inductionMarkedFrom).toBe(INDUCTION_THRESHOLD);
    const scan = await headScores(model, tokenizer, MEASURED_SWEEP.seed);
    const top = scan.heads.reduce((a, b) => (b.induction > a.induction ? b : a));
    expect(top.induction).toBeCloseTo(h.maxInduction, 2);
    expect(top.induction).toBeLessThan(h.inductionMarkedFrom);
    expect(scan.logProbs.first).toBeCloseTo(h.firstLogProb, 2);
    expect(scan.logProbs.repeat).toBeCloseTo(h.repeatLogProb, 2);
    expect(scan.logProbs.repeat).toBeLessThanOrEqual(scan.logProbs.first);
    expect({ layer: top.layer, head: top.head }).toEqual({ layer: h.top.layer, head: h.top.head });
    expect(top.copying!).toBeCloseTo(h.top.copying, 2);

    const seqRep4 = (ablate: (typeof top)[]) => mean(prompts.map((p) => greedyRun(model, p, { maxNewTokens: MEASURED_SWEEP.maxNewTokens, ablate }).report.seqRep[4]));
    expect(seqRep4([])).toBeCloseTo(h.top.seqRep4.on, 2);
    expect(seqRep4([top])).toBeCloseTo(h.top.seqRep4.off, 2);

    const probe = MEASURED_COPY_PROBE;
    const run = greedyRun(model, tokenizer.encode(probe.prompt), { maxNewTokens: probe.maxNewTokens });
    expect(run.generated).toHaveLength(probe.maxNewTokens);
    expect(run.report.copying.fromInput).toBeCloseTo(probe.fromInput, 2);
    expect(run.report.copying.fromSelf).toBeCloseTo(probe.fromSelf, 2);
  });
});
