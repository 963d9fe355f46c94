/**
 * Vocabulary expansion (词表扩增), measured: the Shakespeare model's byte-level
 * BPE gains the K most frequent 汉字 of the Tang training text as merged tokens,
 * its embedding table a row per new token (the mean of the byte tokens it
 * replaces), and the model a short continued pre-training on the Tang text.
 * Prints, for the base model (byte tokens), the expanded model before training
 * and after: tokens per 汉字, characters in one 128-token window, nats per
 * character on held-out Tang text, and nats on held-out English Shakespeare
 * (does it forget?). Writes a Hugging Face GPT-2 folder (config.json,
 * model.safetensors, tokenizer.json) and expansion.json with the figures.
 *
 *   nice npx tsx scripts/expand-vocab.ts [--out .runs/expanded] [--k 1000] [--steps 300]
 *     [--trainable all|embeddings] [--lr 1e-3] [--batch 8] [--val-chars 40000]
 *     [--model public/models/shakespeare] [--corpus .cache/chinese-poetry/tang.txt]
 *     [--english public/models/shakespeare/original-sample.txt]
 *
 * The Tang text is what scripts/prepare-tang.ts writes (simplified characters);
 * without it the script falls back to tests/fixtures/tang-excerpt.txt (traditional,
 * 34,300 characters) and says so. The English is held out from the base model's
 * training (original-sample.txt is cut from Tiny Shakespeare's validation split).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend.ts';
import { loadGPT, saveGPTToDirectory } from '../src/io/checkpoint.ts';
import { splitTang } from '../src/data/tang.ts';
import { generate } from '../src/sampling/generate.ts';
import { ByteLevelBPE } from '../src/tokenizer/bpe.ts';
import { chineseTokenStats, expandByteLevelBPE, mostFrequentHan, type ChineseTokenStats } from '../src/tokenizer/vocab-expansion.ts';
import { Trainer } from '../src/train/trainer.ts';
import { expandModel, nextTokenMassOnNewTokens, textLoss, type TextLoss } from '../src/train/vocabExpansion.ts';
import type { GPT } from '../src/model/gpt.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const outDir = path.resolve(arg('out', '.runs/expanded'));
const modelDir = path.resolve(arg('model', 'public/models/shakespeare'));
const k = Number(arg('k', '1000'));
const steps = Number(arg('steps', '300'));
const trainable = arg('trainable', 'all');
if (trainable !== 'all' && trainable !== 'embeddings') throw new Error(`--trainable must be all or embeddings, not ${trainable}`);
const batchSize = Number(arg('batch', '8'));
const learningRate = Number(arg('lr', '1e-3'));
const valChars = Number(arg('val-chars', '40000'));
const englishPath = path.resolve(arg('english', path.join(modelDir, 'original-sample.txt')));
let corpusPath = path.resolve(arg('corpus', '.cache/chinese-poetry/tang.txt'));
if (!fs.existsSync(corpusPath)) {
  console.error(`${corpusPath} is missing (run scripts/prepare-tang.ts); using the committed excerpt instead`);
  corpusPath = path.resolve('tests/fixtures/tang-excerpt.txt');
}

await selectBackend(['wasm', 'cpu'], path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
console.log(`backend ${tf.getBackend()}; model ${path.relative('.', modelDir)}; Chinese ${path.relative('.', corpusPath)}; English ${path.relative('.', englishPath)}`);

const base = await loadGPT({ config: path.join(modelDir, 'config.json'), weights: path.join(modelDir, 'model.safetensors') });
const baseTokenizer = ByteLevelBPE.fromJSON(JSON.parse(fs.readFileSync(path.join(modelDir, 'tokenizer.json'), 'utf8')));
const { train, val: fullVal } = splitTang(fs.readFileSync(corpusPath, 'utf8'));
// A prefix of the held-out poems, cut at a poem boundary, keeps three evaluations to minutes.
const cut = fullVal.indexOf('\n\n', Math.min(valChars, fullVal.length - 1));
const val = cut > 0 ? fullVal.slice(0, cut + 2) : fullVal;
const english = fs.readFileSync(englishPath, 'utf8');
const blockSize = base.config.blockSize;

// The characters come from the training split only, as a tokenizer is fitted.
const characters = mostFrequentHan(train, k);
const expansion = expandByteLevelBPE(baseTokenizer, characters);
const expanded = await expandModel(base, expansion);
const tokenizer = expansion.tokenizer;
const intermediates = expansion.newTokens.filter((t) => !t.requested).length;
const englishSame = tokenizer.encode(english).join() === baseTokenizer.encode(english).join();
const valHan = [...val].filter((c) => /\p{Script=Han}/u.test(c));
const chosen = new Set(characters);
const coverage = valHan.filter((c) => chosen.has(c)).length / valHan.length;
console.log(
  `${characters.length} 汉字 added as ${expansion.newTokens.length} tokens (${intermediates} two-byte pieces); ` +
  `vocabulary ${baseTokenizer.vocabSize} → ${tokenizer.vocabSize}; parameters ${base.parameterCount} → ${expanded.parameterCount}; ` +
  `they cover ${(100 * coverage).toFixed(1)}% of the held-out 汉字; English tokenizes identically: ${englishSame}`,
);
const massOnNew = nextTokenMassOnNewTokens(expanded, baseTokenizer.vocabSize, baseTokenizer.encode(english));

interface Row { name: string; zh: ChineseTokenStats; zhLoss: TextLoss; enLoss: TextLoss; sample: string }
const prompt = '床前明月光，';
function measure(name: string, model: GPT, tok: ByteLevelBPE): Row {
  const sample = tok.decode(generate(model, tok.encode(prompt), { maxNewTokens: 40 }).generated);
  return {
    name,
    zh: chineseTokenStats(tok, val, blockSize),
    zhLoss: textLoss(model, tok, val, { batchSize }),
    enLoss: textLoss(model, tok, english, { batchSize }),
    sample,
  };
}

const t0 = performance.now();
const rows: Row[] = [measure('base (byte tokens)', base, baseTokenizer), measure('expanded, before training', expanded, tokenizer)];
console.log(`measured in ${((performance.now() - t0) / 1000).toFixed(0)} s; training ${steps} steps (${trainable})…`);

const trainIds = Int32Array.from(tokenizer.encode(train));
const variables = expanded.namedParameters().filter(([name]) => trainable === 'all' || name === 'transformer.wte.weight');
const trainer = new Trainer(expanded, trainIds, {
  batchSize, blockSize, steps, learningRate, minLearningRate: learningRate / 10, warmupSteps: Math.min(50, Math.floor(steps / 10)), seed: 1337,
}, variables);
const t1 = performance.now();
await trainer.run({
  onStep: (s) => { if (s.step % 50 === 0 || s.step === steps) console.log(`step ${s.step}: train loss ${s.loss.toFixed(3)} nats/token, ${s.ms.toFixed(0)} ms`); },
});
const trainSeconds = (performance.now() - t1) / 1000;
rows.push(measure(`expanded, after ${steps} steps`, expanded, tokenizer));

const f = (x: number, d = 3) => x.toFixed(d);
const header = ['', 'tokens/汉字', '汉字/window', 'chars/window', 'zh nats/token', 'zh nats/char', 'en nats/token', 'en nats/char'];
const table = rows.map((r) => [
  r.name, f(r.zh.tokensPerHan), f(r.zh.hanPerWindow, 1), f(r.zh.charactersPerWindow, 1),
  f(r.zhLoss.lossPerToken), f(r.zhLoss.lossPerChar), f(r.enLoss.lossPerToken), f(r.enLoss.lossPerChar),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log('\n' + line(header));
for (const r of table) console.log(line(r));
console.log(`\nheld-out Tang: ${rows[0].zh.characters} characters (${rows[0].zh.hanCharacters} 汉字); English: ${english.length} characters, ${rows[0].enLoss.tokens} tokens scored`);
console.log(`before training the new tokens take ${(100 * massOnNew).toExponential(2)}% of the next-token probability on the English text`);
console.log(`training: ${trainSeconds.toFixed(0)} s, ${steps} steps of ${batchSize} × ${blockSize} tokens, ${trainer.trainableCount} values trained`);
for (const r of rows) console.log(`${r.name}: ${prompt}${r.sample.replace(/\n/g, ' / ')}`);

await saveGPTToDirectory(expanded, outDir, { dtype: 'F32' });
fs.writeFileSync(path.join(outDir, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()));
fs.writeFileSync(path.join(outDir, 'expansion.json'), JSON.stringify({
  base_model: path.relative('.', modelDir),
  chinese_text: path.relative('.', corpusPath),
  english_text: path.relative('.', englishPath),
  added_characters: characters.join(''),
  new_tokens: expansion.newTokens.length,
  intermediate_pieces: intermediates,
  vocab_size: { before: baseTokenizer.vocabSize, after: tokenizer.vocabSize },
  held_out_han_coverage: coverage,
  next_token_mass_on_new_tokens_english: massOnNew,
  training: { ...trainer.settings, trainable, seconds: trainSeconds, final_loss: trainer.history.at(-1)?.loss },
  rows: rows.map(({ name, zh, zhLoss, enLoss, sample }) => ({ name, zh, zhLoss, enLoss, sample })),
}, null, 2) + '\n');
console.log(`wrote ${path.relative('.', outDir)}/ (config.json, model.safetensors, tokenizer.json, expansion.json)`);
trainer.dispose();
expanded.dispose();
base.dispose();
