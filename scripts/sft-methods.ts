/**
 * "Getting dumber" after SFT (SFT之后傻了, issue 13) per fine-tuning method on an
 * embedded model: the model gains the chat markers (new embedding rows), then
 * each method trains answers-only SFT from the same copy, with the same
 * examples, steps and seed — the adapter methods their own variables plus the
 * markers' new rows (peft/sftTarget.ts), full fine-tuning every weight — as the
 * LoRA panel's "all methods" table does (engine/handlers/lora/sft.ts). Prints,
 * per method and seed, the held-out answer loss and the original corpus's loss:
 * before SFT, after with the method attached, and after with it switched off.
 *
 *   npx tsx scripts/sft-methods.ts [--model public/models/shakespeare] [--steps 60] [--seeds 1,2,3] [--mix 0]
 */
import fs from 'node:fs';
import path from 'node:path';
import { selectBackend } from '../src/engine/backend.ts';
import { loadGPT } from '../src/io/checkpoint.ts';
import { tokenizerFromJSON } from '../src/tokenizer/index.ts';
import { splitCorpus } from '../src/data/corpus.ts';
import { DEFAULT_LORA } from '../src/lora/config.ts';
import { GPT } from '../src/model/gpt.ts';
import { ADAPTATION_METHODS } from '../src/peft/methods.ts';
import { methodRun } from '../src/peft/methodAdapters.ts';
import { sftTarget } from '../src/peft/sftTarget.ts';
import { instructionsFor, withChatTokens, withEmbeddingRows } from '../src/train/sft.ts';
import { type SftData, measureSft, runSft, streamLoss } from '../src/train/sftRun.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const dir = path.resolve(arg('model', 'public/models/shakespeare'));
const steps = Number(arg('steps', '60'));
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const mix = Number(arg('mix', '0'));
// The panel's defaults: lora_lr 0.005 (LoRA, AdaLoRA), full fine-tuning min(lora_lr, 1e-3), the prompt methods PEFT's rates.
const learningRate = Number(arg('lr', '0.005'));
const fullLearningRate = Math.min(learningRate, 1e-3);

await selectBackend(['wasm', 'cpu'], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
const base = await loadGPT({ config: path.join(dir, 'config.json'), weights: path.join(dir, 'model.safetensors') });
const baseTokenizer = tokenizerFromJSON(JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')));
const { tokenizer, ids: chat } = withChatTokens(baseTokenizer);
const grown = await withEmbeddingRows(base, tokenizer.vocabSize);
const weights = await grown.weights();
const set = instructionsFor(baseTokenizer);
const original = splitCorpus(fs.readFileSync(path.join(dir, 'original-sample.txt'), 'utf8'), 0.5);
const originalValIds = tokenizer.encode(original.val);
const data: SftData = {
  tokenizer, chat, train: set.train, heldOut: set.heldOut,
  originalTrainIds: tokenizer.encode(original.train), originalValIds, samplePromptIds: originalValIds.slice(0, 12),
};
// The handler's settings: batches of 8 conversations, evaluation windows 8 × 64, 2 batches.
const evalShape = { batchSize: 8, blockSize: 64 };
const measured = measureSft(grown, data, { evalShape, evalBatches: 2, maxAnswerTokens: 32, sampleTokens: 40 });
const before = { answer: measured.answerLoss, original: measured.originalLoss };
console.log(`model ${dir}: ${steps} steps, answers only, ${mix * 100}% original text mixed in, seeds ${seeds.join(', ')}`);
console.log(`before SFT (new rows only): answer loss ${before.answer.toFixed(3)}, original-corpus loss ${before.original.toFixed(3)}`);
console.log('method | seed | answer loss after | original loss attached (rise) | switched off (rise) | trainable | median step ms');
const rises = new Map<string, { on: number[]; off: number[] }>();
for (const method of ADAPTATION_METHODS) {
  for (const seed of seeds) {
    const model = GPT.fromWeights(grown.config, weights);
    const made = methodRun(model, method, { lora: DEFAULT_LORA, steps, seed, learningRate, fullLearningRate });
    const { target, release } = sftTarget(model, made, base.config.vocabSize);
    made.enable(true);
    const r = await runSft(model, data, target, {
      mode: 'answers', mix, steps, learningRate: made.learningRate, batchSize: 8, seed, evalEvery: steps,
      evalShape, evalBatches: 2, maxAnswerTokens: 32, sampleTokens: 40,
    });
    const on = r.points.at(-1)!.originalLoss;
    made.enable(false);
    const off = method === 'full fine-tuning' ? on : streamLoss(model, originalValIds, evalShape, 2);
    const entry = rises.get(method) ?? { on: [], off: [] };
    entry.on.push(on - before.original);
    entry.off.push(off - before.original);
    rises.set(method, entry);
    console.log(
      `${method} | ${seed} | ${r.points.at(-1)!.answerLoss.toFixed(3)} | ${on.toFixed(3)} (${(on - before.original >= 0 ? '+' : '')}${(on - before.original).toFixed(3)}) | ` +
        `${method === 'full fine-tuning' ? '—' : `${off.toFixed(3)} (${(off - before.original >= 0 ? '+' : '')}${(off - before.original).toFixed(3)})`} | ${r.trainableParameters} | ${r.medianStepMs.toFixed(0)}`,
    );
    release();
    made.dispose();
    model.dispose();
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log('\nmean original-corpus loss rise over seeds (attached / switched off):');
for (const [method, { on, off }] of rises) console.log(`  ${method}: +${mean(on).toFixed(3)} / ${method === 'full fine-tuning' ? '—' : `${mean(off) >= 0 ? '+' : ''}${mean(off).toFixed(3)}`}`);
