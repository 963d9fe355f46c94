import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEASURED_SWEEP } from '../../src/lessons/measured.ts';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { SWEEP_PROMPTS } from '../../src/state/samplingSettings.ts';
import { SWEEP_STRATEGIES, runSweep } from '../../src/sampling/sweep.ts';
import { tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import { useBackend } from '../helpers/backend.ts';

const MODEL = 'public/models/shakespeare/';

describe("the numbers the explanations quote from this playground's model", () => {
  beforeAll(() => useBackend('wasm'));

  it('greedy and beam-4 seq-rep-4 on the embedded model, as the sweep runs them: beam search repeats more', async () => {
    const model = await loadGPT({ config: MODEL + 'config.json', weights: MODEL + 'model.safetensors' });
    const tokenizer = tokenizerFromJSON(JSON.parse(readFileSync(MODEL + 'tokenizer.json', 'utf8')));
    const before = tf.memory().numTensors;
    // As the sampling handler's sweep: each prompt keeps at most half the window.
    const prompts = SWEEP_PROMPTS.map((p) => tokenizer.encode(p).slice(-Math.floor(model.config.blockSize / 2)));
    expect(prompts).toHaveLength(MEASURED_SWEEP.prompts);
    const strategies = SWEEP_STRATEGIES.filter((s) => s.label === 'greedy' || s.label === 'beam 4');
    const [greedy, beam] = runSweep(model, prompts, { strategies, maxNewTokens: MEASURED_SWEEP.maxNewTokens, seed: 1337 });
    expect(greedy.label).toBe('greedy');
    expect(beam.label).toBe('beam 4');
    expect(greedy.seqRep4).toBeCloseTo(MEASURED_SWEEP.seqRep4.greedy, 2);
    expect(beam.seqRep4).toBeCloseTo(MEASURED_SWEEP.seqRep4.beam4, 2);
    expect(beam.seqRep4).toBeGreaterThan(greedy.seqRep4);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
