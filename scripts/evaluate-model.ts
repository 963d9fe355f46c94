/**
 * Validation loss of a model folder (config.json, model.safetensors, tokenizer.json)
 * on the last 10% of a corpus, per token and per character — e.g. to check that
 * the F16 copy the playground ships is as good as the F32 weights it came from.
 *
 *   npx tsx scripts/evaluate-model.ts [--model public/models/shakespeare] [--corpus PATH|URL]
 *   npx tsx scripts/evaluate-model.ts --recipe tang [--model public/models/tang]
 *
 * The tang recipe reads .cache/chinese-poetry/tang.txt (scripts/prepare-tang.ts),
 * splits it by code points as the training did, and charges each character
 * behind the unknown token −log q(c) as scripts/train-embedded.ts does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { selectBackend } from '../src/engine/backend.ts';
import { loadGPT } from '../src/io/checkpoint.ts';
import { tokenizerFromJSON } from '../src/tokenizer/index.ts';
import { loadCorpus, splitCorpus } from '../src/data/corpus.ts';
import { chooseCorpus } from '../src/data/corpusSource.ts';
import { Trainer } from '../src/train/trainer.ts';
import { validationReport } from '../src/train/pipeline.ts';
import { splitTang } from '../src/data/tang.ts';
import { unknownCharacterNats } from '../src/data/ngram.ts';
import { CharTokenizer } from '../src/tokenizer/char.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const tang = arg('recipe', 'shakespeare') === 'tang';
const dir = path.resolve(arg('model', tang ? 'public/models/tang' : 'public/models/shakespeare'));
// --corpus PATH|URL (or CORPUS=...) reads a local copy; otherwise the corpus is downloaded.
const corpus = tang
  ? path.resolve(arg('corpus', '.cache/chinese-poetry/tang.txt'))
  : chooseCorpus({ explicit: arg('corpus', process.env.CORPUS ?? ''), size: 'full', root: process.cwd() }).source;
console.error(`corpus: ${corpus}`);

await selectBackend(['wasm', 'cpu'], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
const model = await loadGPT({ config: path.join(dir, 'config.json'), weights: path.join(dir, 'model.safetensors') });
const tokenizer = tokenizerFromJSON(JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')));
const text = tang ? fs.readFileSync(corpus, 'utf8') : await loadCorpus(corpus);
const { train, val } = tang ? splitTang(text) : splitCorpus(text, 0.9);
const valIds = Int32Array.from(tokenizer.encode(val));
const chars = tokenizer instanceof CharTokenizer && tokenizer.unknownId !== null ? tokenizer : null;
const unknownNats = chars ? unknownCharacterNats(train, val, (c) => chars.unknownCharacters(c).length === 0) : undefined;
// The trainer is only used for its batched loss; no step is taken.
const trainer = new Trainer(model, valIds, { batchSize: 8, blockSize: model.config.blockSize });
const r = validationReport(trainer, valIds, tokenizer, Infinity, unknownNats);
console.log(JSON.stringify({ model: dir, ...r }, null, 2));
trainer.dispose();
model.dispose();
