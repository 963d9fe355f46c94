/**
 * AdaLoRA vs plain LoRA at the same final budget, on an embedded model and its
 * LoRA panel's new text: trainable parameters, optimizer memory, step time,
 * new-text loss, original-text loss (forgetting), and the rank each matrix
 * holds at the end. Prints JSON.
 *
 *   npx tsx scripts/adalora-vs-lora.ts [--model tang] [--steps 100] [--lr 3e-3] [--init-r 12] [--target-r 4]
 *                                      [--batch 4] [--block 64] [--alpha 32] [--seed 0]
 *
 * The tang model's new text is Song ci (public/models/tang/new-text.txt): the
 * first 90% trains, the last 10% is the new-text validation; forgetting is
 * measured on original-sample.txt (held-out Tang poems).
 */
import fs from 'node:fs';
import path from 'node:path';
import { selectBackend } from '../src/engine/backend.ts';
import { loadGPT } from '../src/io/checkpoint.ts';
import { tokenizerFromJSON } from '../src/tokenizer/index.ts';
import { DEFAULT_ADALORA } from '../src/lora/adaloraConfig.ts';
import { compareAdaLoraWithLora } from '../src/lora/adaloraCompare.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const dir = path.resolve('public/models', arg('model', 'tang'));
const steps = Number(arg('steps', '100'));

await selectBackend(['wasm', 'cpu'], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
const model = await loadGPT({ config: path.join(dir, 'config.json'), weights: path.join(dir, 'model.safetensors') });
const tokenizer = tokenizerFromJSON(JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')));
const newText = fs.readFileSync(path.join(dir, 'new-text.txt'), 'utf8');
const cut = Math.floor(newText.length * 0.9);
const data = {
  trainIds: Int32Array.from(tokenizer.encode(newText.slice(0, cut))),
  newValIds: Int32Array.from(tokenizer.encode(newText.slice(cut))),
  originalValIds: Int32Array.from(tokenizer.encode(fs.readFileSync(path.join(dir, 'original-sample.txt'), 'utf8'))),
};
const config = {
  ...DEFAULT_ADALORA,
  init_r: Number(arg('init-r', '12')),
  target_r: Number(arg('target-r', '4')),
  lora_alpha: Number(arg('alpha', '32')),
  // PEFT's recipe shape: a warm-up tenth, the budget falling over most of the run, the last fifth fixed.
  tinit: Math.floor(steps / 10),
  tfinal: Math.floor(steps / 5),
  deltaT: Math.max(1, Math.floor(steps / 50)),
  total_step: steps,
  target_modules: ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] as const,
};
const settings = {
  batchSize: Number(arg('batch', '4')),
  blockSize: Number(arg('block', '64')),
  learningRate: Number(arg('lr', '3e-3')),
  minLearningRate: Number(arg('lr', '3e-3')) / 10,
  warmupSteps: Math.floor(steps / 20),
  adamw: { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 },
};
const t0 = Date.now();
const result = compareAdaLoraWithLora(model, data, { ...config, target_modules: [...config.target_modules] }, settings, Number(arg('seed', '0')));
const round = (x: number) => Math.round(x * 1000) / 1000;
const figures = (m: typeof result.adalora) => ({
  trainableParameters: m.trainableParameters,
  finalParameters: m.finalParameters,
  optimizerKB: round(m.optimizerBytes / 1024),
  medianStepMs: round(m.medianStepMs),
  newTextLoss: `${round(m.newTextLossBefore)} → ${round(m.newTextLoss)}`,
  originalLoss: round(m.originalLoss),
});
console.log(
  JSON.stringify(
    {
      model: path.relative(process.cwd(), dir),
      backend: 'wasm',
      steps,
      settings,
      adalora: { config: { ...config, target_modules: config.target_modules.join(',') }, ...figures(result.adalora), finalRanks: result.adalora.ranks },
      lora: { r: config.target_r, ...figures(result.lora) },
      budgetOverTime: result.timeline[0].points.filter((p, i) => i % Math.max(1, Math.floor(steps / 10)) === 0).map((p) => ({
        step: p.step,
        total: result.timeline.reduce((s, series) => s + series.points[p.step].rank, 0),
      })),
      seconds: round((Date.now() - t0) / 1000),
    },
    null,
    2,
  ),
);
model.dispose();
