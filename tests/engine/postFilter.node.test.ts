// The sampling panel's post-processing cures as the engine runs them on a
// finished output: cut where a 4-gram first repeats, drop repeated lines (the
// text re-tokenized), and keep the least repetitive of a few seeded samples.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { filterOutput, samplingVersion } from '../../src/engine/handlers/postFilter.ts';
import { CharTokenizer } from '../../src/tokenizer/char.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { DEFAULT_SAMPLING } from '../../src/sampling/settings.ts';
import { seqRepN } from '../../src/sampling/repetition.ts';
import { useBackend } from '../helpers/backend.ts';

describe('post-processing cures on an output', () => {
  beforeAll(() => useBackend('cpu'));

  it('measures the output, cuts its loop, drops its repeated lines and re-ranks samples', () => {
    const tokenizer = CharTokenizer.fromText('ab.\ncd\n');
    const model = GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: 64 }), 3);
    const before = tf.memory().numTensors;
    const prompt = tokenizer.encode('cd\n');
    const generated = tokenizer.encode('ab.\nab.\nab.\n');
    const r = filterOutput(model, tokenizer, prompt, {
      slot: 'active', prompt: 'cd\n', generated, settings: { ...DEFAULT_SAMPLING, do_sample: false }, maxNewTokens: 12, seed: 7, samples: 3,
    });
    expect(r.rows.map((x) => x.method)).toEqual(['original', 'cut-at-loop', 'drop-repeats', 'rerank']);
    const [original, cut, dropped, reranked] = r.rows;
    expect(original).toMatchObject({ text: 'ab.\nab.\nab.\n', tokens: 12 });
    expect(original.seqRep4).toBeCloseTo(seqRepN(generated, 4), 10);
    // After the prompt "cd\n", the 4-gram "\nab." first appears ending at index 2 and again ending at index 6:
    // the cut keeps the 6 tokens before it.
    expect(r.cutAt).toBe(6);
    expect(cut).toMatchObject({ text: 'ab.\nab', tokens: 6, seqRep4: 0 });
    // The repeated sentences go; the line breaks after them stay (layout, not content).
    expect(dropped).toMatchObject({ text: 'ab.\n\n\n', tokens: 6, seqRep4: 0 });
    expect(r.dropped).toBe(2);
    expect(r.samples).toHaveLength(3);
    expect(reranked.seqRep4).toBe(Math.min(...r.samples.map((s) => s.seqRep4)));
    expect(r.samples[r.chosen].seqRep4).toBe(reranked.seqRep4);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('re-rank samples even when the setting was greedy or a search', () => {
    expect(samplingVersion({ ...DEFAULT_SAMPLING, do_sample: false, num_beams: 4, num_beam_groups: 2, penalty_alpha: 0.6 })).toMatchObject({
      do_sample: true, num_beams: 1, num_beam_groups: 1, penalty_alpha: 0,
    });
  });
});
