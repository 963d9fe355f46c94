/**
 * Prepares the Tang poetry corpus (唐诗) for the second embedded model and prints
 * its counts, the n-gram baselines and a tokenizer comparison.
 *
 *   npx tsx scripts/prepare-tang.ts [--cache .cache/chinese-poetry] [--script simplified|traditional] [--no-tokenizers]
 *
 * The poems come from the `chinese-poetry` npm package (MIT), whose tarball is
 * 85 MB, so it is not a dependency: the first run fetches it with
 * `npm pack chinese-poetry@2.0.1` into the git-ignored cache folder and unpacks
 * it there; later runs reuse it. The prepared text is written to
 * <cache>/tang.txt, with the counts and tables in <cache>/tang-summary.json
 * (tang-traditional.* with --script traditional).
 *
 * The package prints the poems in traditional characters. By default the text is
 * converted to simplified characters (opencc-js, Taiwan-standard traditional →
 * mainland simplified, character by character and phrase by phrase) after the
 * poems are chosen, so the model reads and writes the characters our Chinese
 * readers type; the selection, the split and the baselines are computed the same
 * way on the converted text. `--script traditional` keeps the original characters
 * and reproduces the reference counts (7,964 distinct; unigram 6.46, trigram 5.43).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { assembleTang, distinctCharacters, regularPoems, splitTang, tangFilesInOrder, type TangPoem } from '../src/data/tang.ts';
import { ngramBaselines } from '../src/data/ngram.ts';
import { corpusHash } from '../src/data/corpus.ts';
import { ByteLevelBPE } from '../src/tokenizer/bpe.ts';
import * as OpenCC from 'opencc-js';

const PACKAGE = 'chinese-poetry@2.0.1';
const TARBALL = 'chinese-poetry-2.0.1.tgz';
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const cache = path.resolve(arg('cache', '.cache/chinese-poetry'));
const withTokenizers = !process.argv.includes('--no-tokenizers');
const script = arg('script', 'simplified');
if (script !== 'simplified' && script !== 'traditional') throw new Error(`--script must be simplified or traditional, not ${script}`);

function fetchPackage(): string {
  const poemDir = path.join(cache, 'package', 'dist', 'quantangshi');
  if (fs.existsSync(poemDir)) {
    console.log(`corpus: ${PACKAGE}, already unpacked in ${path.relative(process.cwd(), cache)}/package`);
    return poemDir;
  }
  fs.mkdirSync(cache, { recursive: true });
  if (!fs.existsSync(path.join(cache, TARBALL))) {
    console.log(`corpus: fetching ${PACKAGE} (85 MB) with npm pack into ${path.relative(process.cwd(), cache)}/ …`);
    execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: cache, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  execFileSync('tar', ['xzf', TARBALL], { cwd: cache, stdio: 'inherit' });
  return poemDir;
}

const poemDir = fetchPackage();
const files = tangFilesInOrder(fs.readdirSync(poemDir));
const poems: TangPoem[] = files.flatMap((name) => JSON.parse(fs.readFileSync(path.join(poemDir, name), 'utf8')) as TangPoem[]);
const kept = regularPoems(poems);
const original = assembleTang(kept);
const text = script === 'simplified' ? OpenCC.Converter({ from: 't', to: 'cn' })(original) : original;
if ([...text].length !== [...original].length) throw new Error('the conversion to simplified characters changed the length of the text');
const { train, val } = splitTang(text);
const characters = [...text].length;
const distinct = distinctCharacters(text).length;

const stem = script === 'simplified' ? 'tang' : 'tang-traditional';
fs.writeFileSync(path.join(cache, `${stem}.txt`), text);
const hash = await corpusHash(text);
console.log(`files: ${files.length} (poet.tang.0 … poet.tang.${files.at(-1)?.match(/\d+/)?.[0]}), poems: ${poems.length}`);
console.log(`kept (every paragraph a regular 5- or 7-character couplet): ${kept.length}`);
console.log(`text (${script} characters): ${characters} characters (code points), ${distinct} distinct; sha256 ${hash}`);
if (script === 'simplified') console.log(`  (traditional, as published: ${distinctCharacters(original).length} distinct)`);
console.log(`split: train ${[...train].length}, validation ${[...val].length} characters`);
console.log(`written: ${path.relative(process.cwd(), path.join(cache, `${stem}.txt`))}`);

const started = performance.now();
const baselines = ngramBaselines(train, val);
console.log(`\nbaselines on validation (nats per character; ${((performance.now() - started) / 1000).toFixed(1)} s):`);
console.log(`  unigram, add-one over ${baselines.vocabSize} symbols (train characters + unknown): ${baselines.unigramNats.toFixed(4)}`);
console.log(`  interpolated trigram, weights [uni, bi, tri] = [${baselines.trigramWeights.map((w) => w.toFixed(3)).join(', ')}]: ${baselines.trigramNats.toFixed(4)}`);

const isHan = (c: string) => c >= '\u4E00' && c <= '\u9FFF';
const valChars = [...val];
const valHan = valChars.filter(isHan).length;
const EMBEDDING_WIDTH = 128;

interface CharRow { minCount: number; vocab: number; coverage: number; embeddingParams: number }
const charRows: CharRow[] = [];
const trainCounts = new Map<string, number>();
for (const c of train) trainCounts.set(c, (trainCounts.get(c) ?? 0) + 1);
for (const minCount of [1, 2, 3, 5, 10, 20, 50]) {
  const known = new Set([...trainCounts].filter(([, n]) => n >= minCount).map(([c]) => c));
  const covered = valChars.filter((c) => known.has(c)).length;
  const vocab = known.size + 1;
  charRows.push({ minCount, vocab, coverage: covered / valChars.length, embeddingParams: vocab * EMBEDDING_WIDTH });
}
console.log(`\n(a) character tokenizer, characters seen ≥ N times in training + 1 unknown; validation ${valChars.length} characters, ${valHan} 汉字:`);
console.log('  N    vocab   val coverage   unknown/val   embedding (×128)');
for (const r of charRows) {
  console.log(`  ${String(r.minCount).padEnd(4)} ${String(r.vocab).padStart(5)}   ${(100 * r.coverage).toFixed(3).padStart(8)} %   ${(100 * (1 - r.coverage)).toFixed(3).padStart(8)} %   ${(r.embeddingParams / 1e6).toFixed(2)}M`);
}

interface BPERow { vocab: number; seconds: number; tokensPerHan: number; tokensPerChar: number; embeddingParams: number }
const bpeRows: BPERow[] = [];
if (withTokenizers) {
  console.log('\n(b) byte-level BPE (ByteLevelBPE.train on the training split):');
  console.log('  vocab   train time   val tokens   tokens/汉字   tokens/character   embedding (×128)');
  for (const vocabSize of [1024, 2048, 4096]) {
    const t0 = performance.now();
    const bpe = ByteLevelBPE.train(train, { vocabSize });
    const seconds = (performance.now() - t0) / 1000;
    const tokens = bpe.encode(val).length;
    const row = { vocab: vocabSize, seconds, tokensPerHan: tokens / valHan, tokensPerChar: tokens / valChars.length, embeddingParams: vocabSize * EMBEDDING_WIDTH };
    bpeRows.push(row);
    console.log(`  ${String(vocabSize).padStart(5)}   ${seconds.toFixed(1).padStart(8)} s   ${String(tokens).padStart(10)}   ${row.tokensPerHan.toFixed(3).padStart(11)}   ${row.tokensPerChar.toFixed(3).padStart(16)}   ${(row.embeddingParams / 1e6).toFixed(2)}M`);
  }
}

fs.writeFileSync(path.join(cache, `${stem}-summary.json`), `${JSON.stringify({
  source: PACKAGE, script, files: files.length, poems: poems.length, kept: kept.length, characters, distinct, sha256: hash,
  trainCharacters: [...train].length, valCharacters: valChars.length, valHan, baselines, charTokenizer: charRows, bpe: bpeRows,
}, null, 2)}\n`);
