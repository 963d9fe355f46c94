/**
 * Writes the Tang poetry model's default LoRA text: an excerpt of Song ci (宋词)
 * to public/models/tang/new-text.txt, committed with the model. The LoRA panel
 * adapts the model to it and measures forgetting on original-sample.txt, held-out
 * Tang poems.
 *
 *   npx tsx scripts/prepare-songci.ts [--cache .cache/chinese-poetry] [--characters 12000] [--out public/models/tang/new-text.txt]
 *
 * The ci come from the same `chinese-poetry` package as the Tang poems
 * (scripts/prepare-tang.ts fetches and unpacks it into the cache folder), read
 * from dist/songci/ci.song.*.json in numeric order, so the excerpt opens with
 * the early Northern Song poets (范仲淹, 柳永). Each is converted to simplified
 * characters (opencc-js, as the Tang corpus is), punctuated with the Tang
 * vocabulary's "，" for "、" (src/data/songci.ts inTangPunctuation), and laid
 * out as the Tang poems are: the tune name (词牌), one line per paragraph, an
 * empty line between two.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import { CharTokenizer } from '../src/tokenizer/char.ts';
import { type SongCi, assembleSongci, inTangPunctuation, isCleanCi, songciExcerpt, songciFilesInOrder } from '../src/data/songci.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const cache = path.resolve(arg('cache', '.cache/chinese-poetry'));
const maxCharacters = Number(arg('characters', '12000'));
const out = path.resolve(arg('out', 'public/models/tang/new-text.txt'));

const ciDir = path.join(cache, 'package', 'dist', 'songci');
if (!fs.existsSync(ciDir)) {
  throw new Error(`${ciDir} is missing: run scripts/prepare-tang.ts first (it fetches and unpacks chinese-poetry@2.0.1 there).`);
}
const files = songciFilesInOrder(fs.readdirSync(ciDir));
const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });
const simplified = (ci: SongCi): SongCi => ({ ...ci, rhythmic: toSimplified(ci.rhythmic), paragraphs: ci.paragraphs.map(toSimplified) });
// Chosen as published (a ci with a lost character is left out), then punctuated as the Tang model reads.
const excerpt = (ci: readonly SongCi[]) => songciExcerpt(ci.map(inTangPunctuation), maxCharacters);

// Files are read one at a time until the excerpt is full (the first one usually suffices).
const read: SongCi[] = [];
let chosen: SongCi[] = [];
for (const name of files) {
  read.push(...(JSON.parse(fs.readFileSync(path.join(ciDir, name), 'utf8')) as SongCi[]).map(simplified));
  chosen = excerpt(read);
  if (chosen.length < read.filter(isCleanCi).length) break; // full: a clean ci read did not fit
}
const text = assembleSongci(chosen);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, text);

const poets = [...new Set(chosen.map((c) => c.author ?? '?'))];
console.log(`read ${read.length} ci from ${files[0]}…; kept ${chosen.length} whole ci, ${[...text].length} characters, by ${poets.length} poets (${poets.slice(0, 8).join('、')}…)`);
console.log(`written: ${path.relative(process.cwd(), out)}`);

// How much of it the Tang model can read: characters outside its vocabulary become the unknown token (U+FFFD).
const tokenizerFile = path.join(path.dirname(out), 'tokenizer.json');
if (fs.existsSync(tokenizerFile)) {
  const tokenizer = CharTokenizer.fromJSON(JSON.parse(fs.readFileSync(tokenizerFile, 'utf8')));
  const unknown = tokenizer.unknownCharacters(text);
  const count = unknown.reduce((n, u) => n + u.positions.length, 0);
  const characters = [...text].length;
  console.log(`outside the model's vocabulary: ${count} of ${characters} characters (${((100 * count) / characters).toFixed(2)} %): ${unknown.map((u) => u.char).join('')}`);
}
