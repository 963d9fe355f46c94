// The LoRA panel's pure helpers: the link's settings as a PEFT config, the
// trainable-parameter count the bar shows before anything is trained, the loss
// curves and the memory calculator's rows.

import { beforeAll, describe, expect, it } from 'vitest';
import { defaultState, setSetting } from '../../src/state/schema.ts';
import { DEFAULT_LORA, type LoraConfig } from '../../src/lora/config.ts';
import { LoraAdapter } from '../../src/lora/lora.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { fineTuneMemory, LLAMA_70B, LLAMA_7B } from '../../src/lessons/costs.ts';
import {
  adapterParameterCount, fullFineTuningRate, loraConfigFromState, loraConfigProblem, parseTargets, scalingFormula, withTarget,
} from '../../src/panels/lora/settings.ts';
import { peftMemory } from '../../src/lessons/peftCosts.ts';
import { comparisonCurves, lossChange, rankCurves, trainingCurves } from '../../src/panels/lora/curves.ts';
import { formatGB, memoryAssumptions, memoryRows } from '../../src/panels/lora/memory.ts';
import { useBackend } from '../helpers/backend.ts';
import { STEP_FLOP_BUDGET, runShape } from '../../src/engine/handlers/lora/runData.ts';
import { paceNote } from '../../src/panels/lora/pace.ts';

describe('the size and pace of a LoRA step', () => {
  it('sizes the batch from the model: the playground model keeps 8 × 64, GPT-2 gets one window of 32', () => {
    expect(runShape({ blockSize: 128 }, 940_000)).toEqual({ batchSize: 8, blockSize: 64 });
    expect(runShape({ blockSize: 32 }, 20_000)).toEqual({ batchSize: 8, blockSize: 32 });
    expect(runShape({ blockSize: 1024 }, 124_439_808)).toEqual({ batchSize: 1, blockSize: 32 });
    // In between: fewer windows of 64 as the model grows (~3 GFLOP a step at 6 × parameters × tokens).
    const mid = runShape({ blockSize: 1024 }, 2_500_000);
    expect(mid).toEqual({ batchSize: 3, blockSize: 64 });
    expect(6 * 2_500_000 * mid.batchSize * mid.blockSize).toBeLessThanOrEqual(STEP_FLOP_BUDGET);
  });

  it('says plainly when the measured steps make the run too slow to watch, and not before', () => {
    expect(paceNote([], 60, null)).toBeNull();
    expect(paceNote([900, 500, 520, 480], 60, 'wasm')).toBeNull(); // 56 steps × 0.5 s: fine
    // GPT-2 on software WebGL: the first step compiles (left out), then ~8 s a step.
    expect(paceNote([40_000, 8_000, 8_200], 60, 'webgl')).toBe(
      'Each step takes about 8 s with this model on webgl, so the remaining 57 steps need about 8 min. ' +
        'That is too slow to watch: stop and train fewer steps, try another backend, or use a smaller model.',
    );
    expect(paceNote([2_000, 2_000], 200, null)).toMatch(/remaining 198 steps need about 7 min/);
  });
});

describe('LoRA settings from the link', () => {
  it('reads target modules in model order and reports names GPT-2 lacks', () => {
    expect(parseTargets('mlp.c_proj, attn.c_attn,q_proj,')).toEqual({ targets: ['attn.c_attn', 'mlp.c_proj'], unknown: ['q_proj'] });
    expect(parseTargets('')).toEqual({ targets: [], unknown: [] });
    expect(withTarget('attn.c_attn,attn.c_proj', 'mlp.c_fc', true)).toBe('attn.c_attn,attn.c_proj,mlp.c_fc');
    expect(withTarget('attn.c_attn,attn.c_proj,bogus', 'attn.c_attn', false)).toBe('attn.c_proj');
  });

  it('says what is wrong with the settings for this model, naming the field', () => {
    const playground = makeConfig('playground');
    expect(loraConfigProblem(defaultState(), playground)).toBeNull();
    // r = 64 is allowed by the link but not by a model 48 wide: ΔW's rank is at most 48.
    const narrow = makeConfig('nano', { nEmbd: 48, nHead: 12, nInner: 192 });
    const wide = setSetting(defaultState(), 'loraR', 64);
    expect(loraConfigProblem(wide, playground)).toBeNull();
    expect(loraConfigProblem(wide, narrow)).toMatch(/^r = 64 is larger .* r must be 1…48/);
  });

  it('makes a PEFT LoraConfig; the defaults are the core defaults', () => {
    expect(loraConfigFromState(defaultState())).toEqual(DEFAULT_LORA);
    let s = setSetting(defaultState(), 'loraR', 16);
    s = setSetting(s, 'loraRslora', 'on');
    s = setSetting(s, 'loraTargets', 'mlp.c_fc');
    expect(loraConfigFromState(s)).toMatchObject({ r: 16, use_rslora: true, target_modules: ['mlp.c_fc'] });
  });

  it('writes the scaling out: α/r, or α/√r with rsLoRA', () => {
    expect(scalingFormula({ r: 4, lora_alpha: 8, use_rslora: false })).toBe('α / r = 8 / 4 = 2');
    expect(scalingFormula({ r: 16, lora_alpha: 8, use_rslora: true })).toBe('α / √r = 8 / 4 = 2');
    expect(scalingFormula({ r: 3, lora_alpha: 8, use_rslora: false })).toBe('α / r = 8 / 3 = 2.667');
    expect(scalingFormula({ r: 2, lora_alpha: 8, use_rslora: true })).toBe('α / √r = 8 / 1.414 = 5.657');
  });

  it('caps full fine-tuning at a smaller learning rate than LoRA', () => {
    expect(fullFineTuningRate(5e-3)).toBe(1e-3);
    expect(fullFineTuningRate(2e-4)).toBe(2e-4);
  });
});

describe('trainable parameters before training', () => {
  beforeAll(() => useBackend('cpu'));

  it('r·(in + out) per module and layer: the count an adapter actually has', () => {
    const config = makeConfig('nano', { nLayer: 3, nEmbd: 24, nHead: 2 });
    const model = GPT.create(config, 1);
    for (const c of [
      { ...DEFAULT_LORA, r: 3, target_modules: ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] },
      { ...DEFAULT_LORA, r: 1, target_modules: ['mlp.c_proj'] },
    ] as LoraConfig[]) {
      const adapter = LoraAdapter.create(model, c, 1);
      expect(adapterParameterCount(config, c.target_modules, c.r)).toBe(adapter.trainableCount);
      adapter.dispose();
    }
    // The playground shape with the default adapter: 4 layers × 4·(128 + 384) + 4·(128 + 128).
    expect(adapterParameterCount(makeConfig('playground'), ['attn.c_attn', 'attn.c_proj'], 4)).toBe(12_288);
    model.dispose();
  });
});

describe('loss curves', () => {
  const points = [
    { step: 0, trainLoss: NaN, newTextLoss: 6.1, originalLoss: 5.7 },
    { step: 10, trainLoss: 6.0, newTextLoss: 5.8, originalLoss: 5.9 },
  ];

  it('draws the new text and the original corpus (no NaN points), and the per-step loss faintly', () => {
    const d = trainingCurves(points, [{ step: 1, loss: 6.2 }], 30);
    expect(d.series.map((s) => s.id)).toEqual(['train', 'new', 'original']);
    expect(d.series[0].faint).toBe(true);
    expect(d.series[2].points).toEqual([{ x: 0, y: 5.7 }, { x: 10, y: 5.9 }]);
    expect(d.xMax).toBe(30);
    expect(trainingCurves(points, [], 10).series.map((s) => s.id)).toEqual(['new', 'original']);
    expect(lossChange(points, 'originalLoss')).toEqual({ first: 5.7, last: 5.9, change: expect.closeTo(0.2, 10) });
    expect(lossChange([], 'newTextLoss')).toBeNull();
  });

  it('draws one line per method for each validation loss of the comparison, in run order', () => {
    const label = (m: string) => m.toUpperCase();
    const d = comparisonCurves({ 'full fine-tuning': points.slice(0, 1), LoRA: points, 'prompt tuning': [] }, 'newTextLoss', 10, label);
    expect(d.series.map((s) => [s.id, s.label, s.points.length])).toEqual([['lora-new', 'LORA', 2], ['full-new', 'FULL FINE-TUNING', 1]]);
    const o = comparisonCurves({ LoRA: points }, 'originalLoss', 10, label);
    expect(o.series[0].points).toEqual([{ x: 0, y: 5.7 }, { x: 10, y: 5.9 }]);
  });

  it("draws AdaLoRA's ranks per matrix and the budget's average", () => {
    const d = rankCurves([{ name: 'transformer.h.0.attn.c_attn', points: [{ step: 1, rank: 3 }, { step: 2, rank: 1 }] }, { name: 'transformer.h.1.attn.c_attn', points: [{ step: 1, rank: 3 }, { step: 2, rank: 3 }] }], [{ step: 1, budget: 6 }, { step: 2, budget: 4 }], 2, 'avg');
    expect(d.series.map((s) => s.label)).toEqual(['h.0.attn.c_attn', 'h.1.attn.c_attn', 'avg']);
    expect(d.series[2].points).toEqual([{ x: 1, y: 3 }, { x: 2, y: 2 }]);
  });
});

describe('the memory calculator', () => {
  it('has full, LoRA, QLoRA, AdaLoRA, prompt and prefix tuning for 7B, 13B and 70B, with the totals of lessons/costs.ts and peftCosts.ts', () => {
    const a = memoryAssumptions(16, 'bf16');
    const rows = memoryRows(a);
    expect(rows.map((r) => r.id)).toHaveLength(18);
    const total = (id: string) => Object.values(rows.find((r) => r.id === id)!.values).reduce((x, y) => x + y, 0);
    expect(total('LLaMA-2 7B/full fine-tuning')).toBeCloseTo(fineTuneMemory(LLAMA_7B, 'full fine-tuning', a).total, 0);
    expect(total('LLaMA-2 70B/QLoRA')).toBeCloseTo(fineTuneMemory(LLAMA_70B, 'QLoRA', a).total, 0);
    expect(a.loraRank).toBe(16);
    for (const m of ['LLaMA-2 7B', 'LLaMA-2 13B', 'LLaMA-2 70B']) {
      expect(total(`${m}/QLoRA`)).toBeLessThan(total(`${m}/LoRA`));
      expect(total(`${m}/LoRA`)).toBeLessThan(total(`${m}/full fine-tuning`) / 3);
      // Every parameter-efficient method stays within a few percent of LoRA: the frozen base and the activations dominate.
      for (const peft of ['AdaLoRA', 'prompt tuning', 'prefix tuning']) expect(total(`${m}/${peft}`) / total(`${m}/LoRA`)).toBeLessThan(1.05);
    }
    expect(total('LLaMA-2 7B/prompt tuning')).toBeCloseTo(peftMemory(LLAMA_7B, 'prompt tuning', a).total, 0);
  });

  it('writes bytes as decimal gigabytes', () => {
    expect(formatGB(117.4e9)).toBe('117 GB');
    expect(formatGB(22.62e9)).toBe('22.6 GB');
    expect(formatGB(2.345e9)).toBe('2.35 GB');
    expect(formatGB(20e9)).toBe('20 GB');
  });
});
