// How long byte-level BPE training and encoding take on Tiny Shakespeare.
// Run: npx tsx bench/tokenizer.ts [vocabSize] [path/to/text]  (default: the excerpt in tests/fixtures;
// pass a full copy of Tiny Shakespeare for the corpus-sized figures)
// Prints times rather than asserting them: the shared machines' speed swings ~2×.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ByteLevelBPE, CharTokenizer } from '../src/tokenizer/index.ts';

const vocabSize = Number(process.argv[2] ?? 1024);
const path = process.argv[3] ?? fileURLToPath(new URL('../tests/fixtures/tinyshakespeare-excerpt.txt', import.meta.url));
const text = readFileSync(path, 'utf8');
// nanoGPT's split: the first 90% trains, the last 10% validates.
const split = Math.floor(text.length * 0.9);
const train = text.slice(0, split);
const val = text.slice(split);

const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;

let t0 = performance.now();
const bpe = ByteLevelBPE.train(train, { vocabSize, specialTokens: ['<|endoftext|>'] });
console.log(`train byte-level BPE, vocab ${bpe.vocabSize} (${bpe.mergeCount} merges) on ${train.length.toLocaleString()} chars: ${ms(t0)}`);

t0 = performance.now();
const valIds = bpe.encode(val);
console.log(`encode validation split (${val.length.toLocaleString()} chars, cold cache): ${ms(t0)}`);
t0 = performance.now();
const trainIds = bpe.encode(train);
console.log(`encode training split (${train.length.toLocaleString()} chars): ${ms(t0)}`);
console.log(`chars per token: train ${(train.length / trainIds.length).toFixed(3)}, validation ${(val.length / valIds.length).toFixed(3)}`);

t0 = performance.now();
const roundTrip = bpe.decode(valIds) === val;
console.log(`decode validation split: ${ms(t0)}, lossless: ${roundTrip}`);

t0 = performance.now();
const chars = CharTokenizer.fromText(train);
chars.encode(train);
console.log(`char tokenizer: vocab ${chars.vocabSize}, build + encode training split: ${ms(t0)}`);

console.log('first merged tokens:', Array.from({ length: 12 }, (_, i) => bpe.tokenString(256 + i)).join('  '));
