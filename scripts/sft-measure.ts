/**
 * SFT measured on an embedded model (issue 13, "SFT: formats, loss masks, and
 * getting dumber"): the model gains the chat markers (new embedding rows, the
 * mean of the old), then, from the same copy of the base each time, with the
 * same examples, steps and seed:
 *   LoRA and full fine-tuning × loss on every token vs on the answers only,
 *   and answers only with a share of original text mixed into each batch.
 * Prints, per run: held-out answer loss, held-out question loss, the share of
 * held-out questions whose greedy answer stops at <|end|>, the original
 * corpus's loss before → after, and a greedy free-generation sample.
 *
 *   npx tsx scripts/sft-measure.ts [--model public/models/shakespeare] [--steps 150] [--seed 1] [--mix 0.25]
 *   npx tsx scripts/sft-measure.ts --model public/models/tang
 */
import fs from 'node:fs';
import path from 'node:path';
import { selectBackend } from '../src/engine/backend.ts';
import { loadGPT } from '../src/io/checkpoint.ts';
import { tokenizerFromJSON } from '../src/tokenizer/index.ts';
import { splitCorpus } from '../src/data/corpus.ts';
import { DEFAULT_LORA } from '../src/lora/config.ts';
import { LoraAdapter } from '../src/lora/lora.ts';
import type { GPT } from '../src/model/gpt.ts';
import { withChatTokens, withEmbeddingRows, type LossMode } from '../src/train/sft.ts';
import { englishInstructions, tangInstructions } from '../src/train/sftData.ts';
import { type SftData, type SftTarget, measureSft, newRowsOnly, runSft } from '../src/train/sftRun.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const dir = path.resolve(arg('model', 'public/models/shakespeare'));
const steps = Number(arg('steps', '150'));
const seed = Number(arg('seed', '1'));
const mix = Number(arg('mix', '0.25'));
const only = arg('only', '');

await selectBackend(['wasm', 'cpu'], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
const base = await loadGPT({ config: path.join(dir, 'config.json'), weights: path.join(dir, 'model.safetensors') });
const baseTokenizer = tokenizerFromJSON(JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')));
const { tokenizer, ids: chat, added } = withChatTokens(baseTokenizer);
const grown = await withEmbeddingRows(base, tokenizer.vocabSize);
const weights = await grown.weights();
const set = baseTokenizer.kind === 'char' ? tangInstructions() : englishInstructions();
const original = splitCorpus(fs.readFileSync(path.join(dir, 'original-sample.txt'), 'utf8'), 0.5);
const originalValIds = tokenizer.encode(original.val);
const data: SftData = {
  tokenizer, chat, train: set.train, heldOut: set.heldOut,
  originalTrainIds: tokenizer.encode(original.train), originalValIds,
  samplePromptIds: originalValIds.slice(0, 12),
};
const evalShape = { batchSize: 8, blockSize: 64 };
const common = { steps, seed, batchSize: 8, evalEvery: Math.max(5, Math.ceil(steps / 10)), evalShape, evalBatches: 2, maxAnswerTokens: 40, sampleTokens: 40 };
console.log(`model ${dir}: ${added} special tokens added (vocab ${base.config.vocabSize} → ${tokenizer.vocabSize}), ${set.train.length} training conversations, ${set.heldOut.length} held out; ${steps} steps, seed ${seed}`);

const fresh = () => (grown.constructor as typeof import('../src/model/gpt.ts').GPT).fromWeights(grown.config, weights);
const before = measureSft(grown, data, common);
const show = (name: string, m: typeof before) => {
  console.log(`${name}: answer loss ${m.answerLoss.toFixed(3)}, question loss ${m.questionLoss.toFixed(3)}, ends at <|end|> ${(100 * m.endShare).toFixed(0)}%, original ${m.originalLoss.toFixed(3)}, markers in free text ${m.sampleMarkers}`);
  console.log(`   free: ${JSON.stringify(m.sample)}`);
  for (const a of m.answers.slice(0, 3)) console.log(`   Q ${JSON.stringify(a.question)} → ${JSON.stringify(a.answer)}${a.ended ? ' <|end|>' : ''}`);
};
show('base (new rows, no SFT)', before);

type Method = 'LoRA' | 'full';
const arms: { method: Method; mode: LossMode; mix: number }[] = [
  { method: 'LoRA', mode: 'all', mix: 0 }, { method: 'LoRA', mode: 'answers', mix: 0 }, { method: 'LoRA', mode: 'answers', mix },
  { method: 'full', mode: 'all', mix: 0 }, { method: 'full', mode: 'answers', mix: 0 }, { method: 'full', mode: 'answers', mix },
];
for (const arm of arms) {
  if (only && arm.method !== only) continue;
  const model: GPT = fresh();
  let target: SftTarget;
  let dispose = () => {};
  if (arm.method === 'full') target = { trainable: model.namedParameters() };
  else {
    const adapter = LoraAdapter.create(model, { ...DEFAULT_LORA, target_modules: ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'] }, seed);
    adapter.enabled = true;
    const rows = newRowsOnly(model, base.config.vocabSize);
    target = { trainable: [...adapter.trainableVariables(), rows.variable], afterStep: rows.afterStep, trainableValues: adapter.trainableCount + rows.trainableValues, setTraining: (on) => (adapter.training = on) };
    dispose = () => { rows.dispose(); adapter.dispose(); };
  }
  const t0 = performance.now();
  const r = await runSft(model, data, target, { ...common, mode: arm.mode, mix: arm.mix, learningRate: arm.method === 'full' ? 1e-3 : 5e-3 });
  console.log(`\n${arm.method}, loss on ${arm.mode}${arm.mix ? `, ${arm.mix * 100}% original mixed in` : ''} (${r.trainableParameters} trainable, ${((performance.now() - t0) / 1000).toFixed(0)} s, median step ${r.medianStepMs.toFixed(0)} ms)`);
  console.log(`   curve: ${r.points.map((p) => `${p.step}: ans ${p.answerLoss.toFixed(2)} orig ${p.originalLoss.toFixed(2)}`).join(' | ')}`);
  show('   after', r.after);
  dispose();
  model.dispose();
}
