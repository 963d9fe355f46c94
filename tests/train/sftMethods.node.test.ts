// SFT with each parameter-efficient method (peft/sftTarget.ts + train/sftRun.ts)
// on the embedded Shakespeare model with the chat markers added: a few
// answers-only steps lower the held-out answer loss; the first step's loss is
// the mean over the answer tokens alone, computed here token by token through
// the inference path with the method attached (so virtual tokens and padding
// line up with the labels); switched off, the base's weights are exactly as
// they were — only the markers' new rows moved — so its logits over the old
// vocabulary are bit for bit the base's; and no tensor is left behind.

import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGPT } from '../../src/io/checkpoint.ts';
import { DEFAULT_LORA } from '../../src/lora/config.ts';
import { GPT } from '../../src/model/gpt.ts';
import type { AdaptationMethod } from '../../src/peft/methods.ts';
import { methodRun } from '../../src/peft/methodAdapters.ts';
import { sftTarget } from '../../src/peft/sftTarget.ts';
import { ByteLevelBPE } from '../../src/tokenizer/bpe.ts';
import { IGNORE_INDEX, instructionsFor, sftBatches, tokenizeConversation, withChatTokens, withEmbeddingRows } from '../../src/train/sft.ts';
import { type SftData, runSft } from '../../src/train/sftRun.ts';
import { Rng } from '../../src/util/random.ts';
import { useBackend } from '../helpers/backend.ts';

const MODEL = 'public/models/shakespeare/';
const WTE = 'transformer.wte.weight';
const STEPS = 8;
const BATCH = 4;
const SEED = 1;

interface Grown {
  weights: Map<string, { shape: number[]; data: Float32Array }>;
  config: GPT['config'];
  oldRows: number;
  data: SftData;
  /** The grown base's logits over the old vocabulary on a line of plain text. */
  plainIds: number[];
  plainLogits: Float32Array;
}

let grown: Grown;

async function prepare(): Promise<Grown> {
  const base = await loadGPT({ config: MODEL + 'config.json', weights: MODEL + 'model.safetensors' });
  const baseTokenizer = ByteLevelBPE.fromJSON(JSON.parse(readFileSync(MODEL + 'tokenizer.json', 'utf8')));
  const { tokenizer, ids: chat } = withChatTokens(baseTokenizer);
  const model = await withEmbeddingRows(base, tokenizer.vocabSize);
  const set = instructionsFor(baseTokenizer);
  const original = tokenizer.encode(readFileSync(MODEL + 'original-sample.txt', 'utf8').slice(0, 12_000));
  const plainIds = original.slice(2000, 2040);
  const plainLogits = model.run(plainIds, { allLogits: true }).logits!.data;
  const result: Grown = {
    weights: await model.weights(), config: model.config, oldRows: base.config.vocabSize, plainIds, plainLogits,
    data: {
      tokenizer, chat, train: set.train, heldOut: set.heldOut,
      originalTrainIds: original.slice(0, 2000), originalValIds: original.slice(2000), samplePromptIds: original.slice(2000, 2012),
    },
  };
  base.dispose();
  model.dispose();
  return result;
}

/** Mean −log p over the answer tokens of a batch, one example at a time through model.run (the inference path). */
function handAnswerLoss(model: GPT, x: Int32Array, y: Int32Array, rows: number, T: number): { answers: number; all: number } {
  const V = model.config.vocabSize;
  let [sum, n, sumAll, nAll] = [0, 0, 0, 0];
  for (let b = 0; b < rows; b++) {
    const ids = Array.from(x.slice(b * T, (b + 1) * T));
    const logits = model.run(ids, { allLogits: true }).logits!.data;
    for (let t = 0; t < T; t++) {
      const row = logits.subarray(t * V, (t + 1) * V);
      const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
      const logZ = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      const label = y[b * T + t];
      if (label !== IGNORE_INDEX) {
        sum += logZ - row[label];
        n++;
      }
      // Unmasked: every next input token counts (questions, markers, padding).
      if (t + 1 < T) {
        sumAll += logZ - row[ids[t + 1]];
        nAll++;
      }
    }
  }
  return { answers: sum / n, all: sumAll / nAll };
}

const NEW_METHODS: AdaptationMethod[] = ['AdaLoRA', 'prompt tuning', 'P-tuning', 'prefix tuning'];

describe('SFT with each PEFT method, on the embedded model', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    grown = await prepare();
  }, 60_000);

  for (const method of NEW_METHODS) {
    it(`${method}: answers-only steps lower the answer loss; switched off, the base is untouched; nothing leaks`, async () => {
      const { weights, config, oldRows, data } = grown;
      const tensors = tf.memory().numTensors;
      const model = GPT.fromWeights(config, weights);
      const made = methodRun(model, method, { lora: DEFAULT_LORA, steps: STEPS, seed: SEED, learningRate: 5e-3, fullLearningRate: 1e-3 });
      const { target, release } = sftTarget(model, made, oldRows);
      try {
        made.enable(true);
        // Only the method's variables and the three new rows learn.
        const own = made.target.kind === 'adapter' ? made.target.variables.reduce((s, [, v]) => s + v.size, 0) : NaN;
        expect(target.trainableValues).toBe(own + 3 * config.nEmbd);

        // The first batch the trainer will draw (same seed, same generator), and its loss by hand.
        const examples = data.train.map((c) => tokenizeConversation(c, data.tokenizer, 'answers', model.contextWindow + 1));
        const batch = sftBatches(examples, { batchSize: BATCH, padId: data.chat.end })(new Rng(SEED));
        const hand = handAnswerLoss(model, batch.x, batch.y, batch.batchSize, batch.blockSize);
        const extra = target.extraLoss ? tf.tidy(() => target.extraLoss!().dataSync()[0]) : 0;

        const losses: number[] = [];
        const r = await runSft(model, data, target, {
          mode: 'answers', mix: 0, steps: STEPS, learningRate: made.learningRate, batchSize: BATCH, seed: SEED, evalEvery: STEPS,
          evalShape: { batchSize: 4, blockSize: 64 }, evalBatches: 2, maxAnswerTokens: 4, sampleTokens: 4,
          onStep: (s) => losses.push(s.loss),
        });
        expect(r.stoppedBy).toBeNull();
        expect(losses[0]).toBeCloseTo(hand.answers + extra, 3);
        expect(Math.abs(hand.all - hand.answers)).toBeGreaterThan(0.05); // the mask matters on this batch
        const [first, last] = [r.points[0], r.points.at(-1)!];
        console.log(
          `${method}: answer loss ${first.answerLoss.toFixed(3)} → ${last.answerLoss.toFixed(3)}, original-corpus loss ` +
            `${first.originalLoss.toFixed(3)} → ${last.originalLoss.toFixed(3)} attached, rate ${made.learningRate}`,
        );
        expect(last.answerLoss).toBeLessThan(first.answerLoss - 0.1);

        // Switched off: every base weight exactly as it was; only the new rows trained.
        made.enable(false);
        const after = await model.weights();
        for (const [name, w] of weights) {
          const a = after.get(name)!.data;
          const n = name === WTE ? oldRows * config.nEmbd : w.data.length;
          let max = 0;
          for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(a[i] - w.data[i]));
          expect(max, name).toBe(0);
        }
        expect(after.get(WTE)!.data.slice(oldRows * config.nEmbd)).not.toEqual(weights.get(WTE)!.data.slice(oldRows * config.nEmbd));
        const logits = model.run(grown.plainIds, { allLogits: true }).logits!.data;
        const V = config.vocabSize;
        for (let t = 0; t < grown.plainIds.length; t++) {
          expect(logits.subarray(t * V, t * V + oldRows)).toEqual(grown.plainLogits.subarray(t * V, t * V + oldRows));
        }
      } finally {
        made.enable(false);
        release();
        made.dispose();
        model.dispose();
      }
      expect(tf.memory().numTensors).toBe(tensors);
    }, 120_000);
  }
});
