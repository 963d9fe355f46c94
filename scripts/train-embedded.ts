/**
 * Trains the playground's embedded model on Tiny Shakespeare and writes it to
 * public/models/<name>/. Resumable: progress is checkpointed under .runs/<name>/
 * and a later run continues from there (a full run takes longer than one sitting
 * on a 2-core machine).
 *
 *   npx tsx scripts/train-embedded.ts [--corpus PATH|URL] [--steps 2000] [--minutes 60] [--name shakespeare]
 *   npx tsx scripts/train-embedded.ts --recipe tang [--min-count 10] [--steps 3000] [--minutes 60]
 *
 * The tang recipe trains the Tang poetry model (唐诗) on the text that
 * scripts/prepare-tang.ts writes to .cache/chinese-poetry/tang.txt (it is run
 * first if that file is missing), with a character tokenizer cut at --min-count
 * training occurrences, and records the unigram and trigram baselines, computed
 * on the same split, beside the model's loss.
 *
 * --corpus (or the CORPUS environment variable) names a local copy or a URL;
 * without either the whole corpus is downloaded from its public address. The
 * run prints which text it read, and training.json records it with its hash.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend.ts';
import { GPT } from '../src/model/gpt.ts';
import { makeConfig } from '../src/model/config.ts';
import { Trainer, type TrainSettings } from '../src/train/trainer.ts';
import { saveTrainingCheckpoint, resumeTraining } from '../src/train/checkpoint.ts';
import { prepareCorpus, validationReport } from '../src/train/pipeline.ts';
import { loadCorpus, corpusHash, heldOutSample, TINY_SHAKESPEARE_URL } from '../src/data/corpus.ts';
import { chooseCorpus } from '../src/data/corpusSource.ts';
import { saveGPTToDirectory } from '../src/io/checkpoint.ts';
import { generate } from '../src/sampling/generate.ts';
import { CharTokenizer } from '../src/tokenizer/char.ts';
import type { Tokenizer } from '../src/tokenizer/tokenizer.ts';
import { splitTang } from '../src/data/tang.ts';
import { ngramBaselines, unknownCharacterNats, type NgramBaselines } from '../src/data/ngram.ts';
import { execFileSync } from 'node:child_process';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const recipe = arg('recipe', 'shakespeare');
if (recipe !== 'shakespeare' && recipe !== 'tang') throw new Error(`--recipe must be shakespeare or tang, not ${recipe}`);
const tang = recipe === 'tang';
const name = arg('name', recipe);
const TANG_TEXT = path.resolve('.cache/chinese-poetry/tang.txt');
const corpus = tang
  ? { source: arg('corpus', TANG_TEXT), why: 'scripts/prepare-tang.ts output (simplified characters)' }
  : chooseCorpus({ explicit: arg('corpus', process.env.CORPUS ?? ''), size: 'full', root: process.cwd() });
const corpusSource = corpus.source;
if (tang && corpusSource === TANG_TEXT && !fs.existsSync(TANG_TEXT)) {
  execFileSync('npx', ['tsx', 'scripts/prepare-tang.ts', '--no-tokenizers'], { stdio: 'inherit' });
}
const minCount = Number(arg('min-count', '10'));
const vocabSize = Number(arg('vocab', '1024'));
const minutes = Number(arg('minutes', 'Infinity'));
const evalEvery = Number(arg('eval-every', '100'));
const settings: Partial<TrainSettings> = {
  batchSize: Number(arg('batch', '8')),
  blockSize: 128,
  steps: Number(arg('steps', '2000')),
  learningRate: Number(arg('lr', '2e-3')),
  minLearningRate: Number(arg('min-lr', '2e-4')),
  warmupSteps: 100,
  seed: 1337,
};
const runDir = path.resolve('.runs', name);
const outDir = path.resolve('public/models', name);
fs.mkdirSync(runDir, { recursive: true });

await selectBackend(['wasm', 'cpu'], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
console.log(`backend ${tf.getBackend()}; corpus ${corpusSource} (${corpus.why})`);
const text = await loadCorpus(corpusSource);
const hash = await corpusHash(text);

// The tokenizer is deterministic, so a resumed run refits the same one.
const t0 = performance.now();
let tokenizer: Tokenizer;
let trainIds: Int32Array;
let valIds: Int32Array;
let trainChars: number;
let unknownNats: Float64Array | undefined;
let baselines: NgramBaselines | undefined;
if (tang) {
  // Split by code points as the baselines are, so model and baselines see the same validation characters.
  const { train, val } = splitTang(text);
  const chars = CharTokenizer.withFrequencyCut(train, minCount);
  tokenizer = chars;
  trainIds = Int32Array.from(chars.encode(train));
  valIds = Int32Array.from(chars.encode(val));
  trainChars = trainIds.length;
  unknownNats = unknownCharacterNats(train, val, (c) => chars.unknownCharacters(c).length === 0);
  baselines = ngramBaselines(train, val);
  console.log(`baselines (nats/char): unigram ${baselines.unigramNats.toFixed(4)}, trigram ${baselines.trigramNats.toFixed(4)}`);
} else {
  const prepared = prepareCorpus(text, { vocabSize });
  ({ tokenizer, trainIds, valIds, trainChars } = prepared);
}
console.log(`tokenizer: ${tokenizer.vocabSize} tokens in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
  `train ${trainIds.length} tokens (${(trainChars / trainIds.length).toFixed(2)} chars/token), val ${valIds.length}`);

const ckptPath = path.join(runDir, 'checkpoint.safetensors');
const evalPath = path.join(runDir, 'evals.json');
let evals: { step: number; trainLoss: number; valLoss: number }[] = fs.existsSync(evalPath) ? JSON.parse(fs.readFileSync(evalPath, 'utf8')) : [];
let trainer: Trainer;
if (fs.existsSync(ckptPath)) {
  trainer = resumeTraining(new Uint8Array(fs.readFileSync(ckptPath)), trainIds);
  evals = evals.filter((e) => e.step <= trainer.step);
  console.log(`resumed at step ${trainer.step}`);
  // An explicit --steps on resume re-plans the schedule's length (the cosine then ends there).
  if (process.argv.includes('--steps') && settings.steps !== trainer.settings.steps) {
    console.log(`schedule length changed from ${trainer.settings.steps} to ${settings.steps} steps`);
    trainer.settings.steps = settings.steps!;
  }
} else {
  const model = GPT.create(makeConfig('playground', { vocabSize: tokenizer.vocabSize }), 1337);
  trainer = new Trainer(model, trainIds, settings);
  console.log(`new model: ${model.describe()}`);
}

async function checkpoint(): Promise<void> {
  const bytes = await saveTrainingCheckpoint(trainer);
  fs.writeFileSync(ckptPath + '.tmp', bytes);
  fs.renameSync(ckptPath + '.tmp', ckptPath); // never leave a half-written checkpoint
  fs.writeFileSync(evalPath, JSON.stringify(evals));
}

const deadline = Date.now() + minutes * 60_000;
let recent: number[] = [];
await trainer.run({
  shouldStop: () => Date.now() > deadline,
  onStep: async (s) => {
    recent.push(s.loss);
    if (s.step % evalEvery === 0 || s.step === trainer.settings.steps) {
      const valLoss = trainer.evaluate(valIds, 8);
      const trainLoss = recent.reduce((a, b) => a + b, 0) / recent.length;
      recent = [];
      evals.push({ step: s.step, trainLoss, valLoss });
      console.log(`step ${s.step}: train ${trainLoss.toFixed(3)}, val ${valLoss.toFixed(3)}, lr ${s.learningRate.toExponential(2)}, ` +
        `${s.ms.toFixed(0)} ms/step, ${s.tokensPerSecond.toFixed(0)} tok/s`);
      await checkpoint();
    }
  },
});
await checkpoint();
if (trainer.step < trainer.settings.steps) {
  console.log(`stopped at step ${trainer.step} of ${trainer.settings.steps}; run again to continue.`);
  process.exit(0);
}

const report = validationReport(trainer, valIds, tokenizer, Infinity, unknownNats);
console.log(`final validation: ${report.lossPerToken.toFixed(4)} nats/token, ${report.lossPerChar.toFixed(4)} nats/char ` +
  `(${report.charsPerToken.toFixed(3)} chars/token), perplexity ${report.perplexity.toFixed(2)}`);
await saveGPTToDirectory(trainer.model, outDir, { dtype: 'F16' });
fs.writeFileSync(path.join(outDir, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()));
// A few KB of the validation split, for the LoRA panel's forgetting curve (the corpus itself is not shipped).
fs.writeFileSync(path.join(outDir, 'original-sample.txt'), heldOutSample(text));
const samplePrompt = tang ? '静夜思\n床前明月光，' : 'ROMEO:\n';
const sample = generate(trainer.model, tokenizer.encode(samplePrompt), { maxNewTokens: 80 });
const training = {
  corpus: tang
    ? {
      name: 'Tang poetry (全唐诗), regular five- and seven-character poems, simplified characters',
      source: 'chinese-poetry@2.0.1 (npm, MIT), dist/quantangshi/poet.tang.*.json, prepared by scripts/prepare-tang.ts',
      sha256: hash, characters: [...text].length, train_fraction: 0.9,
    }
    : { name: 'Tiny Shakespeare', source: corpusSource === TINY_SHAKESPEARE_URL ? TINY_SHAKESPEARE_URL : path.basename(corpusSource), sha256: hash, characters: text.length, train_fraction: 0.9 },
  tokenizer: tang
    ? { kind: 'character, frequency cut', vocab_size: tokenizer.vocabSize, min_count: minCount, unknown_token: 'U+FFFD (id 0)', fitted_on: 'training split' }
    : { kind: 'byte-level BPE', vocab_size: tokenizer.vocabSize, fitted_on: 'training split' },
  ...(baselines ? {
    baselines_nats_per_char: {
      unigram_add_one: baselines.unigramNats, interpolated_trigram: baselines.trigramNats, trigram_weights: baselines.trigramWeights,
      symbols: baselines.vocabSize, computed_by: 'src/data/ngram.ts ngramBaselines, on the same split',
    },
    unknown_characters: {
      rule: 'a validation character behind the unknown token is charged −log q(c) on top of the model\'s loss, q = add-one over the training counts of the characters under the cut plus one never-seen symbol (src/data/ngram.ts unknownCharacterNats)',
      nats_added: report.unknownNatsAdded,
    },
  } : {}),
  settings: trainer.settings,
  backend: tf.getBackend(),
  steps: trainer.step,
  tokens_seen: trainer.step * trainer.settings.batchSize * trainer.settings.blockSize,
  loss_curve: evals.map((e) => ({ step: e.step, train_loss: e.trainLoss, val_loss: e.valLoss })),
  val_loss_per_token: report.lossPerToken,
  val_loss_per_char: report.lossPerChar,
  chars_per_token: report.charsPerToken,
  val_perplexity: report.perplexity,
  val_tokens_evaluated: report.tokensEvaluated,
  greedy_prompt: samplePrompt,
  greedy_sample: tokenizer.decode(sample.tokens),
  step_ms_median: median(trainer.history.map((h) => h.ms)),
};
fs.writeFileSync(path.join(outDir, 'training.json'), JSON.stringify(training, null, 2) + '\n');
console.log(`wrote ${outDir}\n--- greedy sample ---\n${training.greedy_sample}`);

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}
