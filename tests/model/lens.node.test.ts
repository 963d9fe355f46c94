import { describe, expect, it, beforeAll } from 'vitest';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { logitLens, readOut } from '../../src/model/lens.ts';
import { useBackend } from '../helpers/backend.ts';
import { maxAbsDiff } from '../helpers/fixtures.ts';

describe('logit lens', () => {
  beforeAll(() => useBackend('cpu'));

  it("reading out the last layer's hidden state gives the model's own logits", () => {
    const model = GPT.create(makeConfig('nano'), 4);
    const ids = [3, 8, 1, 9, 4];
    const { trace } = model.run(ids, { trace: true });
    const last = trace!.layers[trace!.layers.length - 1].hidden;
    expect(maxAbsDiff(readOut(model, last).data, trace!.logits.data)).toBeLessThan(1e-5);
    const lens = logitLens(model, trace!, 2, 3);
    expect(lens).toHaveLength(model.config.nLayer + 1);
    const top = Array.from(trace!.logits.data.subarray(2 * 64, 3 * 64));
    expect(lens[lens.length - 1][0].id).toBe(top.indexOf(Math.max(...top)));
    lens.forEach((g) => expect(g[0].prob).toBeGreaterThanOrEqual(g[1].prob));
    model.dispose();
  });
});
