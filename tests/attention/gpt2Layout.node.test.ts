// The Attention panel's requests on a model of GPT-2's layout — 12 layers × 12
// heads, a context of 1,024 tokens — but a width of 48 and a small vocabulary,
// so the test stays fast. A 1,024-token prefill traces 12 × 12 × 1,024² scores
// and as many weights (1.2 GB): the worker keeps the rows (the lower triangle
// of scores, 302 MB), and each request returns only what a view draws. Checked
// here: the sizes of the typed arrays each request returns, what the worker
// keeps, the values against one direct traced pass, and the tensors after close.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionHandlers } from '../../src/engine/handlers/attention.ts';
import { initBackend, installModel, models } from '../../src/engine/runtime.ts';
import type { JobContext } from '../../src/engine/runtime.ts';
import type { ModelInfo } from '../../src/engine/protocol.ts';
import { countParameters, makeConfig } from '../../src/model/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import { headMatrix } from '../../src/model/trace.ts';
import { DEFAULT_SAMPLING } from '../../src/sampling/settings.ts';
import { maxAbsDiff } from '../helpers/fixtures.ts';
import { useBackend } from '../helpers/backend.ts';
import { smallModel } from './fixture.ts';

const N = 1024;
const LAYERS = 12;
const HEADS = 12;

function job<E>(): JobContext<E> {
  return { emit: () => undefined, stopped: false, signal: new AbortController().signal };
}

/** Bytes of every typed array in a plain-data answer: what crosses from the worker to the page. */
function typedBytes(value: unknown): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((s: number, v) => s + typedBytes(v), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((s: number, v) => s + typedBytes(v), 0);
  return 0;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`;

describe(`a ${N}-token sequence on a ${LAYERS} × ${HEADS} model`, () => {
  let baseline = 0;
  let model: GPT;
  beforeAll(async () => {
    await useBackend('wasm');
    await initBackend('cpu');
    await useBackend('wasm'); // the engine is started; wasm runs the 1,024-token prefill faster than the cpu backend
    baseline = tf.memory().numTensors;
    const { tokenizer } = smallModel();
    model = GPT.create(makeConfig('nano', { nLayer: LAYERS, nHead: HEADS, nEmbd: 48, blockSize: N, vocabSize: tokenizer.vocabSize }), 3);
    const info: ModelInfo = { slot: 'active', name: 'gpt2-layout', ref: 'test', from: 'browser', cacheProblem: null, weightBytes: 0, config: model.config, parameterCount: countParameters(model.config), tokenizerKind: 'byte-bpe', training: null };
    installModel('active', { model, tokenizer, info });
    baseline = tf.memory().numTensors; // the model's weights (and what it keeps beside them)
  });
  afterAll(() => {
    model?.dispose();
    models.delete('active');
  });

  it('keeps the rows, not the matrices, and sends each view only what it draws — the values of one direct pass', async () => {
    // A prompt longer than the context: cut to its last 1,024 tokens, one prefill of 1,024 query rows.
    const prompt = Array.from({ length: 700 }, (_, i) => `the ${['cat', 'dog', 'moon', 'sun', 'hat'][i % 5]} ${i % 7 ? 'sat' : 'ran'}`).join(' ');
    const before = tf.memory().numTensors;
    const opened = await attentionHandlers.attentionOpen({ slot: 'active', prompt, settings: DEFAULT_SAMPLING, seed: 1, steps: 0, lensTopK: 3 }, job());
    expect(opened.promptTokenCount).toBeGreaterThan(N);
    expect(opened.steps).toEqual([{ keyStart: 0, keyCount: N }]); // the cut prompt is the sequence
    expect(typedBytes(opened)).toBe(0); // no weights with the tokens

    // What the worker keeps: each head's lower triangle of scores, and a log-sum-exp per row — nothing above the diagonal.
    const triangle = (N * (N + 1)) / 2;
    expect(opened.storedBytes).toBe(LAYERS * HEADS * (triangle * 4 + N * 8) + (N + 1) * 4);
    const traced = 2 * LAYERS * HEADS * N * N * 4;
    console.log(`kept in the worker: ${mb(opened.storedBytes)} (the trace of the prefill: ${mb(traced)})`);

    const seq = opened.sequence;
    const held = tf.memory().numTensors;
    expect(held).toBe(before + 2 * LAYERS); // the KV cache: K and V per layer
    const layer = 11;
    const head = 7;
    const row = 900;
    const win = { start: 1024 - 128, size: 128 };
    const h = await attentionHandlers.attentionHead({ sequence: seq, step: 0, layer, head, row, window: win, overview: 256 }, job());
    const headBytes = typedBytes(h);
    console.log(
      `attentionHead: ${mb(headBytes)} (window ${mb(typedBytes(h.window))}, overview ${mb(typedBytes(h.overview))}, row ${mb(h.rowWeights.byteLength)}, stages ${mb(typedBytes(h.stages))})`,
    );
    expect(headBytes).toBeLessThan(1 << 20);
    expect([h.size, h.row, h.window.size, h.overview?.size]).toEqual([N, row, 128, 256]);

    const lines = await attentionHandlers.attentionLines({ sequence: seq, step: 0, layer, heads: Array.from({ length: HEADS }, (_, i) => i), start: 960, size: 64 }, job());
    console.log(`attentionLines (12 heads, 64 tokens): ${mb(typedBytes(lines))}`);
    expect(typedBytes(lines)).toBe(HEADS * 64 * 64 * 4);

    const t0 = performance.now();
    const grid = await attentionHandlers.attentionGrid({ sequence: seq, step: 0, side: 110 }, job());
    console.log(`attentionGrid (144 thumbnails of 110²): ${mb(typedBytes(grid))} in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(grid.heads).toHaveLength(LAYERS * HEADS);
    expect(grid.thumbSize).toBe(110);
    expect(typedBytes(grid)).toBe(LAYERS * HEADS * 110 * 110 * 5);

    expect(tf.memory().numTensors).toBe(held); // reading the kept rows makes no tensor
    // One direct traced pass over the same 1,024 tokens: the reference.
    const ids = models.get('active')!.tokenizer.encode(prompt).slice(-N);
    const { trace } = model.run(ids, { trace: true });
    const full = headMatrix(trace!.layers[layer].attention, head).data;
    const scores = headMatrix(trace!.layers[layer].attention, head, 'scores').data;
    // The window, cell by cell.
    const windowCells = new Float32Array(128 * 128);
    for (let r = 0; r < 128; r++) windowCells.set(full.subarray((win.start + r) * N + win.start, (win.start + r) * N + win.start + 128), r * 128);
    expect(maxAbsDiff(h.window.values, windowCells)).toBeLessThan(1e-6);
    h.window.masked.forEach((m, i) => expect(m).toBe(i % 128 > Math.floor(i / 128) ? 1 : 0));
    // The selected row, its stages (the later keys are not kept for a prefill this long), and the overview's block means.
    expect(maxAbsDiff(h.rowWeights, full.subarray(row * N, (row + 1) * N))).toBeLessThan(1e-6);
    expect(h.stages.keys).toHaveLength(row + 1);
    expect(maxAbsDiff(h.stages.scaled, scores.subarray(row * N, row * N + row + 1))).toBe(0);
    expect(maxAbsDiff(h.stages.weights, full.subarray(row * N, row * N + row + 1))).toBeLessThan(1e-6);
    for (const [by, bx] of [[255, 0], [255, 255], [100, 37], [3, 3]]) {
      let sum = 0;
      for (let q = by * 4; q < by * 4 + 4; q++) for (let k = bx * 4; k < bx * 4 + 4; k++) if (k <= q) sum += full[q * N + k];
      const open = bx < by ? 16 : 10; // a diagonal block of 4 × 4 has 10 cells on or below the diagonal
      expect(h.overview!.values[by * 256 + bx]).toBeCloseTo(sum / open, 6);
    }
    expect(h.overview!.masked[0 * 256 + 1]).toBe(1);
    // The lines: head 3's window; the grid: head (11, 7)'s thumbnail.
    const head3 = headMatrix(trace!.layers[layer].attention, 3).data;
    for (let r = 0; r < 64; r++) {
      expect(maxAbsDiff(lines.heads[3].values.subarray(r * 64, (r + 1) * 64), head3.subarray((960 + r) * N + 960, (960 + r) * N + 1024))).toBeLessThan(1e-6);
    }
    const thumb = grid.heads.find((g) => g.layer === layer && g.head === head)!;
    const bin = (i: number) => Math.min(109, Math.floor((i * 110) / N));
    let sum = 0;
    let count = 0;
    for (let q = 0; q < N; q++) for (let k = 0; k <= q; k++) if (bin(q) === 60 && bin(k) === 20) (sum += full[q * N + k]), count++;
    expect(thumb.values[60 * 110 + 20]).toBeCloseTo(sum / count, 6);

    // Nothing made here stays: closing frees the KV cache.
    expect(await attentionHandlers.attentionClose({ sequence: seq }, job())).toEqual({ closed: true });
    expect(tf.memory().numTensors).toBe(baseline);
    await expect(attentionHandlers.attentionHead({ sequence: seq, step: 0, layer, head, row, window: win, overview: 0 }, job())).rejects.toMatchObject({ name: 'SequenceGone' });
  }, 300_000);
});
