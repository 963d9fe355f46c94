import { describe, expect, it } from 'vitest';
import { defaultState, setSetting } from '../../src/state/schema.ts';
import { describeStepping, sequenceKey, steppingSettings } from '../../src/panels/attention/settings.ts';
import { chunkPlan, costSeries, longInputNumbers, shapeOf } from '../../src/panels/attention/longInputCosts.ts';
import { headHabit, describeHabit, type WeightMatrix } from '../../src/panels/attention/frames.ts';
import { makeConfig } from '../../src/model/config.ts';
import { isGreedy } from '../../src/sampling/processors.ts';

describe('the sampling settings the panel steps with', () => {
  it('maps every setting of the link to its Hugging Face name, with non-default values', () => {
    let s = defaultState();
    s = setSetting(s, 'temperature', 0.7);
    s = setSetting(s, 'topK', 40);
    s = setSetting(s, 'topP', 0.9);
    s = setSetting(s, 'minP', 0.05);
    s = setSetting(s, 'repetitionPenalty', 1.3);
    s = setSetting(s, 'noRepeatNgram', 3);
    s = setSetting(s, 'frequencyPenalty', 0.5);
    s = setSetting(s, 'presencePenalty', -0.25);
    const { settings, notes } = steppingSettings(s);
    expect(settings).toMatchObject({
      do_sample: true, temperature: 0.7, top_k: 40, top_p: 0.9, min_p: 0.05, repetition_penalty: 1.3,
      no_repeat_ngram_size: 3, frequency_penalty: 0.5, presence_penalty: -0.25, num_beams: 1,
    });
    expect(notes).toEqual([]);
    expect(describeStepping(s)).toBe('sampling, temperature 0.7, top-k 40, top-p 0.9, min-p 0.05, repetition penalty 1.3, no-repeat 3-grams, seed 1337');
  });

  it('steps greedily for greedy and for beam search, and says why for beam', () => {
    const greedy = steppingSettings(setSetting(defaultState(), 'strategy', 'greedy'));
    expect(isGreedy(greedy.settings)).toBe(true);
    const beam = steppingSettings(setSetting(defaultState(), 'strategy', 'beam'));
    expect(isGreedy(beam.settings)).toBe(true);
    expect(beam.settings.num_beams).toBe(1);
    expect(beam.notes[0]).toMatch(/decodes greedily/);
  });

  it('regenerates for a new prompt, seed or setting, not for a new layer, head or view', () => {
    const s = defaultState();
    const key = sequenceKey(s, 'm');
    expect(sequenceKey(setSetting(s, 'layer', 2), 'm')).toBe(key);
    expect(sequenceKey(setSetting(s, 'attentionView', 'grid'), 'm')).toBe(key);
    expect(sequenceKey(setSetting(s, 'step', 9), 'm')).toBe(key);
    expect(sequenceKey(setSetting(s, 'seed', 2), 'm')).not.toBe(key);
    expect(sequenceKey(setSetting(s, 'prompt', 'x'), 'm')).not.toBe(key);
    expect(sequenceKey(setSetting(s, 'topK', 3), 'm')).not.toBe(key);
    expect(sequenceKey(s, 'other')).not.toBe(key);
  });
});

describe('long inputs', () => {
  const config = makeConfig('playground');
  const shape = shapeOf(config, 1e6);

  it('KV cache per token: 2 × layers × width × bytes — 4 KB here in fp32, 512 KB for LLaMA-2 7B in fp16', () => {
    const n = longInputNumbers(shape, config.blockSize);
    expect(n.kvPerTokenSmall).toBe(2 * 4 * 128 * 4);
    expect(n.kvPerToken7b).toBe(2 * 32 * 4096 * 2);
    expect(n.kvWindow7b).toBe(2 * 1024 ** 3); // 2 GB at 4096 tokens
    expect(n.matrixWindowSmall).toBe(4 * 128 * 128 * 4);
  });

  it('draws the n×n matrix as slope 2 and the cache as slope 1 on log axes', () => {
    const data = costSeries(shape, 128, 20);
    const slope = (id: string) => {
      const p = data.series.find((s) => s.id === id)!.points;
      return Math.log(p[p.length - 1].y / p[0].y) / Math.log(p[p.length - 1].x / p[0].x);
    };
    expect(slope('attn-small')).toBeCloseTo(2);
    expect(slope('attn-7b')).toBeCloseTo(2);
    expect(slope('kv-small')).toBeCloseTo(1);
    expect(data.markers.map((m) => m.x)).toEqual([20, 128, 4096]);
  });

  it('chunks the prompt when it is longer than the window, else an example text', () => {
    const short = chunkPlan(50, 128);
    expect(short.example).toBe(true);
    expect(short.length).toBe(576);
    expect(short.overlap).toBe(32);
    expect(short.chunks[1]).toEqual({ start: 96, end: 224, scoreFrom: 128 });
    const long = chunkPlan(300, 128);
    expect(long.example).toBe(false);
    expect(long.chunks[long.chunks.length - 1].end).toBe(300);
    // Every position is scored exactly once.
    const scored = long.chunks.reduce((n, c) => n + c.end - c.scoreFrom, 0);
    expect(scored).toBe(300);
  });
});

describe("a head's habit", () => {
  const matrix = (n: number, f: (q: number, k: number) => number): WeightMatrix => {
    const values = new Float32Array(n * n);
    for (let q = 0; q < n; q++) for (let k = 0; k <= q; k++) values[q * n + k] = f(q, k);
    return { size: n, values, masked: new Uint8Array(n * n) };
  };
  it('names previous-token, self and first-token heads, and spread-out ones', () => {
    expect(describeHabit(headHabit(matrix(6, (q, k) => (k === q - 1 ? 0.9 : q === 0 ? 1 : 0.1 / q))))).toMatch(/^previous token 0\.9/);
    expect(headHabit(matrix(6, (q, k) => (k === q ? 1 : 0))).kind).toBe('self');
    expect(headHabit(matrix(6, (_, k) => (k === 0 ? 1 : 0))).kind).toBe('first');
    expect(headHabit(matrix(8, (q) => 1 / (q + 1))).kind).toBe('spread');
  });
});
