// The new cures for parroting on the playground's own Shakespeare model, as the
// sweep runs them (same prompts, 48 new tokens, seed 1337): contrastive search
// and typical sampling repeat less than greedy decoding, and the beam-width
// sweep measures what it says. The numbers are printed for the record.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { SWEEP_PROMPTS } from '../../src/state/samplingSettings.ts';
import { BEAM_WIDTHS, SWEEP_STRATEGIES, beamWidthSweep, runSweep } from '../../src/sampling/sweep.ts';
import { tokenizerFromJSON } from '../../src/tokenizer/index.ts';
import { useBackend } from '../helpers/backend.ts';

const MODEL = 'public/models/shakespeare/';
const NEW_TOKENS = 48;

describe('the new sweep rows on the embedded Shakespeare model', () => {
  beforeAll(() => useBackend('wasm'));

  it('contrastive search and typical sampling repeat less than greedy; wider beams find likelier text', async () => {
    const model = await loadGPT({ config: MODEL + 'config.json', weights: MODEL + 'model.safetensors' });
    const tokenizer = tokenizerFromJSON(JSON.parse(readFileSync(MODEL + 'tokenizer.json', 'utf8')));
    const before = tf.memory().numTensors;
    const prompts = SWEEP_PROMPTS.map((p) => tokenizer.encode(p).slice(-Math.floor(model.config.blockSize / 2)));
    const wanted = ['greedy', 'typical 0.9', 'typical 0.95', 'epsilon 0.0009', 'eta 0.002', 'contrastive 0.6/4', 'diverse beam 4/2'];
    const strategies = SWEEP_STRATEGIES.filter((s) => wanted.includes(s.label));
    expect(strategies.map((s) => s.label)).toEqual(wanted);
    const rows = runSweep(model, prompts, { strategies, maxNewTokens: NEW_TOKENS, seed: 1337 });
    const by = Object.fromEntries(rows.map((r) => [r.label, r.seqRep4]));
    const widths = beamWidthSweep(model, prompts, { maxNewTokens: NEW_TOKENS });
    console.log('seq-rep-4', JSON.stringify(by), 'beam widths', JSON.stringify(widths.map(({ numBeams, seqRep4, meanLogProb }) => ({ numBeams, seqRep4, meanLogProb }))));

    expect(by['contrastive 0.6/4']).toBeLessThan(by.greedy);
    expect(by['typical 0.9']).toBeLessThan(by.greedy);
    expect(by['typical 0.95']).toBeLessThan(by.greedy);
    expect(widths.map((w) => w.numBeams)).toEqual([...BEAM_WIDTHS]);
    // One beam is greedy decoding; the widest beam's text is at least as likely per token as greedy's.
    expect(widths[0].seqRep4).toBeCloseTo(by.greedy, 10);
    expect(widths[widths.length - 1].meanLogProb).toBeGreaterThanOrEqual(widths[0].meanLogProb);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  }, 360_000); // beam widths up to 16 and every new strategy on six prompts: minutes on a loaded 2-core machine
});
