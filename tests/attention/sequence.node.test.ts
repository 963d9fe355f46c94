import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttentionSequence } from '../../src/engine/handlers/attention.ts';
import { type SequenceData, headHabit, stepView } from '../../src/panels/attention/frames.ts';
import { headMatrix } from '../../src/model/trace.ts';
import { decode } from '../../src/sampling/sampler.ts';
import { DEFAULT_SAMPLING, type SamplingSettings } from '../../src/sampling/settings.ts';
import { useBackend } from '../helpers/backend.ts';
import { maxAbsDiff } from '../helpers/fixtures.ts';
import { smallModel } from './fixture.ts';
import type { GPT } from '../../src/model/gpt.ts';
import type { ByteLevelBPE } from '../../src/tokenizer/index.ts';

const sampled: SamplingSettings = { ...DEFAULT_SAMPLING, temperature: 0.9, top_k: 20 };

function sequenceData(seq: AttentionSequence): SequenceData {
  return { tokens: seq.tokenViews(), promptLength: seq.promptLength, steps: seq.steps(), picks: seq.picks };
}

describe('a sequence stepped one token at a time', () => {
  let model: GPT;
  let tokenizer: ByteLevelBPE;
  beforeAll(async () => {
    await useBackend('cpu');
    ({ model, tokenizer } = smallModel(32));
  });
  afterAll(() => model.dispose());

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`steps 100 tokens, sliding the window, without leaking a tensor (${backend})`, async () => {
      await useBackend(backend);
      const { model: m, tokenizer: t } = smallModel(32);
      const baseline = tf.memory().numTensors;
      const seq = new AttentionSequence(m, t, { prompt: 'the cat sat', settings: sampled, seed: 7, lensTopK: 3 });
      const withCache = tf.memory().numTensors; // the KV cache: K and V per layer
      expect(withCache).toBe(baseline + 2 * m.config.nLayer);
      for (let i = 0; i < 100; i++) {
        seq.advance();
        expect(tf.memory().numTensors).toBe(withCache);
      }
      expect(seq.frames).toHaveLength(101);
      expect(seq.notices.some((n) => n.code === 'window-slid')).toBe(true);
      seq.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
      m.dispose();
      await useBackend('cpu');
    });
  }

  it('every step tiles its window: rows sum to 1, the future is masked and 0', () => {
    const seq = new AttentionSequence(model, tokenizer, { prompt: 'the moon', settings: sampled, seed: 3, lensTopK: 3 });
    for (let i = 0; i < 70; i++) seq.advance();
    const data = sequenceData(seq);
    for (let s = 0; s <= 70; s++) {
      const view = stepView(data, s);
      expect(view.known).toBe(seq.promptLength + s);
      expect(view.positions[view.positions.length - 1]).toBe(view.known - 1); // the newest token is the last row
      expect(view.positions.length).toBeLessThanOrEqual(model.config.blockSize);
      const at = seq.at(s);
      expect(at.size).toBe(view.positions.length);
      const m = at.block(1, 1, 0, at.size);
      const n = m.size;
      for (let q = 0; q < n; q++) {
        let sum = 0;
        for (let k = 0; k < n; k++) {
          sum += m.values[q * n + k];
          if (k > q) {
            expect(m.masked[q * n + k]).toBe(1);
            expect(m.values[q * n + k]).toBe(0);
          }
        }
        expect(sum).toBeCloseTo(1, 5);
      }
    }
    seq.dispose();
  });

  it('a window of the matrix, an averaged thumbnail and the head habit read from the kept rows equal the whole matrix', () => {
    const seq = new AttentionSequence(model, tokenizer, { prompt: 'the moon and the sun', settings: sampled, seed: 5, lensTopK: 3 });
    for (let i = 0; i < 20; i++) seq.advance();
    const at = seq.at(20);
    const n = at.size;
    expect(n).toBeGreaterThan(16);
    for (const [l, h] of [[0, 0], [1, 1]]) {
      const full = at.block(l, h, 0, n);
      // Window: rows and columns 7…18.
      const win = at.block(l, h, 7, 12);
      for (let r = 0; r < 12; r++) {
        for (let c = 0; c < 12; c++) {
          expect(win.values[r * 12 + c]).toBe(full.values[(7 + r) * n + 7 + c]);
          expect(win.masked[r * 12 + c]).toBe(full.masked[(7 + r) * n + 7 + c]);
        }
      }
      // Thumbnail of 5 × 5: each cell the mean of the open cells of its block, masked only when none is open.
      const side = 5;
      const { matrix: thumb, habit } = at.thumbnail(l, h, side);
      expect(thumb.size).toBe(side);
      const bin = (i: number) => Math.min(side - 1, Math.floor((i * side) / n));
      const sums = new Float64Array(side * side);
      const open = new Uint32Array(side * side);
      for (let q = 0; q < n; q++) {
        for (let k = 0; k < n; k++) {
          if (full.masked[q * n + k]) continue;
          sums[bin(q) * side + bin(k)] += full.values[q * n + k];
          open[bin(q) * side + bin(k)]++;
        }
      }
      for (let i = 0; i < side * side; i++) {
        expect(thumb.masked[i]).toBe(open[i] === 0 ? 1 : 0);
        if (open[i]) expect(thumb.values[i]).toBeCloseTo(sums[i] / open[i], 6);
      }
      expect(thumb.masked[side - 1]).toBe(1); // the top-right block is the future
      // A thumbnail larger than the matrix is the matrix.
      expect(at.thumbnail(l, h, n + 5).matrix).toEqual(full);
      expect(habit.kind).toBe(headHabit(full).kind);
      expect(habit.weight).toBeCloseTo(headHabit(full).weight, 6);
    }
    seq.dispose();
  });

  it('the stepped rows equal one causal pass over the same window (what teacher forcing computes)', () => {
    const seq = new AttentionSequence(model, tokenizer, { prompt: 'the cat sat on', settings: sampled, seed: 11, lensTopK: 3 });
    for (let i = 0; i < 12; i++) seq.advance();
    const data = sequenceData(seq);
    const view = stepView(data, 12);
    const at = seq.at(12);
    const ids = view.positions.map((p) => data.tokens[p].id);
    const { trace } = model.run(ids, { trace: true });
    for (let l = 0; l < model.config.nLayer; l++) {
      for (let h = 0; h < model.config.nHead; h++) {
        const full = headMatrix(trace!.layers[l].attention, h);
        expect(maxAbsDiff(at.block(l, h, 0, at.size).values, full.data)).toBeLessThan(1e-5);
      }
    }
    // The stages of the newest row: Q·Kᵀ = scores × √d, softmax of the masked scores = the weights.
    const hs = model.config.nEmbd / model.config.nHead;
    const st = at.stages(1, 0, at.size - 1, hs);
    const direct = Array.from(st.masked, (v: number) => Math.exp(v - Math.max(...st.masked)));
    const z = direct.reduce((a, b) => a + b, 0);
    expect(maxAbsDiff(st.weights, direct.map((v) => v / z))).toBeLessThan(1e-6);
    expect(st.qk[0] / st.scaled[0]).toBeCloseTo(Math.sqrt(hs), 5);
    // The lens's last stage is the model's own next-token distribution.
    const lens = at.lens(at.size - 1);
    expect(lens).toHaveLength(model.config.nLayer + 1);
    const last = Array.from(trace!.logits.data.subarray((ids.length - 1) * model.config.vocabSize, ids.length * model.config.vocabSize));
    expect(lens[lens.length - 1][0].id).toBe(last.indexOf(Math.max(...last)));
    seq.dispose();
  });

  it('draws the same tokens as an untraced decode with the same seed, greedy and sampled', () => {
    for (const settings of [sampled, { ...DEFAULT_SAMPLING, do_sample: false }, { ...sampled, repetition_penalty: 1.3, no_repeat_ngram_size: 2 }]) {
      const prompt = tokenizer.encode('the dog ran');
      const reference = decode(model, prompt, settings, { maxNewTokens: 40, seed: 99 });
      const seq = new AttentionSequence(model, tokenizer, { prompt: 'the dog ran', settings, seed: 99, lensTopK: 2 });
      for (let i = 0; i < 40; i++) seq.advance();
      expect(seq.picks.map((p) => p.id)).toEqual(reference.generated);
      seq.dispose();
    }
  });

  it('cuts a prompt longer than the window from the left, and says so', () => {
    const long = 'the cat sat on the mat. '.repeat(30);
    const seq = new AttentionSequence(model, tokenizer, { prompt: long, settings: sampled, seed: 1, lensTopK: 2 });
    expect(seq.promptTokenCount).toBeGreaterThan(model.config.blockSize);
    expect(seq.promptLength).toBe(model.config.blockSize);
    expect(seq.notices).toContainEqual({
      code: 'prompt-cut',
      params: { promptTokens: seq.promptTokenCount, blockSize: 32 },
      message: expect.stringMatching(/only the last 32 fit the context window/),
    });
    expect(seq.frames[0].queryCount).toBe(32);
    seq.advance(); // the window is full: the next token slides it
    const view = stepView(sequenceData(seq), 1);
    expect(view.positions.length).toBe(16); // the newest half of the window, the new token included
    expect(seq.frames[1].queryStart).toBe(seq.frames[1].keyStart); // one prefill of the slid window
    seq.dispose();
  });
});
