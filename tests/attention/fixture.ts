// A small model and tokenizer for the attention tests: a byte-level BPE fitted
// to a few lines of ASCII verse (so any non-ASCII character falls back to
// bytes) and a nano GPT over its vocabulary, with a short context window so
// that a hundred steps slide it several times.

import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { ByteLevelBPE } from '../../src/tokenizer/index.ts';

export const VERSE = 'the cat sat on the mat and the dog ran to the sun.\nthe moon sat with a red hat in the sun.\n'.repeat(20);

export function smallModel(blockSize = 32, seed = 5): { model: GPT; tokenizer: ByteLevelBPE } {
  const tokenizer = ByteLevelBPE.train(VERSE, { vocabSize: 300 });
  const model = GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize, nHead: 2 }), seed);
  return { model, tokenizer };
}
