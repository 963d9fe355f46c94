// What the SFT handler tests share: a character tokenizer that knows every
// character the SFT job reads (its instructions, the default new text — the
// explanations — and a small original corpus), and a nano GPT trained a little
// on that corpus, installed in the active slot as the page's model.

import { initBackend, installModel, models } from '../../src/engine/runtime.ts';
import { GPT } from '../../src/model/gpt.ts';
import { makeConfig } from '../../src/model/config.ts';
import { CharTokenizer } from '../../src/tokenizer/index.ts';
import { explanationsAsText } from '../../src/lessons/explanations.ts';
import { englishInstructions } from '../../src/train/sftData.ts';
import { Trainer } from '../../src/train/trainer.ts';

const original = Array.from({ length: 300 }, (_, i) => ['the cat sat on a mat', 'a dog ran to the sun', 'the moon and a red hat'][i % 3]).join('.\n');
export const set = englishInstructions();
// The default new text (the explanations) is read too, so its characters must be known.
export const tokenizer = CharTokenizer.fromText(explanationsAsText() + original + set.train.concat(set.heldOut).flatMap((c) => c.map((m) => m.content)).join(''));

/** Starts the cpu backend and installs the nano model (30 steps on `original`) as the active one. */
export async function installNano(): Promise<GPT> {
  await initBackend('cpu');
  const model = GPT.create(makeConfig('nano', { vocabSize: tokenizer.vocabSize, blockSize: 64 }), 3);
  const t = new Trainer(model, tokenizer.encode(original), { batchSize: 8, blockSize: 32, steps: 30, learningRate: 1e-2, warmupSteps: 5, seed: 3 });
  for (let i = 0; i < 30; i++) t.trainStep();
  t.dispose();
  installModel('active', {
    model, tokenizer,
    info: { slot: 'active', name: 'nano', ref: 'nano', from: 'browser', cacheProblem: null, weightBytes: 0, config: model.config, parameterCount: model.parameterCount, tokenizerKind: 'char', training: null },
  });
  return model;
}

/** Frees the active model and forgets every slot. */
export function removeNano(): void {
  models.get('active')?.model.dispose();
  models.clear();
}
