// The logit lens of a long prefill on a model with GPT-2's vocabulary: read out
// only for the last rows the budget allows (every row of a 1,024-token GPT-2
// prompt would take a teraflop and 2.7 GB of logits), and those rows exact.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LENS_FLOP_BUDGET, lensRowLimit, lensRows } from '../../src/engine/handlers/attention.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { CharTokenizer } from '../../src/tokenizer/index.ts';
import { Rng } from '../../src/util/random.ts';
import { useBackend } from '../helpers/backend.ts';

describe('the logit lens of a long prefill', () => {
  // GPT-2's layers, heads and vocabulary; a small width so the test stays fast.
  const config = makeConfig('nano', { nLayer: 12, nHead: 12, nEmbd: 48, vocabSize: 50_257, blockSize: 128 });
  let model: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    model = GPT.create(config, 2);
  });
  afterAll(() => model.dispose());

  it('sizes the rows from the model: all of the playground model, a few of GPT-2', () => {
    expect(lensRowLimit(makeConfig('playground'))).toBeGreaterThanOrEqual(128);
    const gpt2 = { nLayer: 12, vocabSize: 50_257, nEmbd: 768 };
    expect(lensRowLimit(gpt2)).toBe(Math.floor(LENS_FLOP_BUDGET / (2 * 13 * 50_257 * 768)));
    expect(lensRowLimit(gpt2)).toBeLessThanOrEqual(4);
    expect(lensRowLimit({ nLayer: 96, vocabSize: 256_000, nEmbd: 12_288 })).toBe(1); // never none
  });

  it('reads out only the last rows the budget allows, and those match the model output', () => {
    const limit = lensRowLimit(config);
    const rng = new Rng(1);
    const ids = Array.from({ length: limit + 17 }, () => Math.floor(rng.next() * config.vocabSize));
    const { trace, lastLogits } = model.run(ids, { trace: true });
    const lens = lensRows(model, CharTokenizer.fromText('abc'), trace!, 3);
    expect(lens).toHaveLength(ids.length);
    expect(lens.slice(0, 17).every((row) => row.length === 0)).toBe(true);
    expect(lens.slice(17).every((row) => row.length === config.nLayer + 1)).toBe(true);
    // The last row's last stage is the model's own next-token guess.
    const top = Array.from(lastLogits).indexOf(Math.max(...lastLogits));
    expect(lens[ids.length - 1][config.nLayer][0].id).toBe(top);
  });
});
