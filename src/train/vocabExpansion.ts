// The model side of vocabulary expansion (词表扩增): the embedding table gains a
// row per new token (tokenizer/vocab-expansion.ts makes the tokens), and the
// per-character loss that compares models whose tokenizers cut text differently.
//
// A new row starts as the mean of the rows of the base tokens it replaces — for
// a 汉字 in the Shakespeare model, its three byte tokens — so the model starts
// from what it already made of that character's bytes rather than from noise
// (the initialisation issue 13 asks for; Hewitt 2021, "Initializing new word
// embeddings for pretrained language models", argues for an average of existing
// rows). Every other weight, and every old row, is copied unchanged.
//
// The output head is tied to wte, so a new row is also a new output logit,
// h·mean(e_b) = mean of the replaced tokens' logits. Old tokens' logits do not
// change at all, but the softmax now shares its mass with the new tokens, so
// the loss on any text rises by exactly log(1 + Σ_new exp(z_new) / Σ_old exp(z_old))
// per position: by Jensen, each new token gets at most the arithmetic mean of
// its byte tokens' probabilities, which on English text a Shakespeare model gives
// almost nothing (measured: `nextTokenMassOnNewTokens`).

import * as tf from '@tensorflow/tfjs';
import type { GPTConfig } from '../model/config.ts';
import { GPT } from '../model/gpt.ts';
import { crossEntropy } from '../model/ops.ts';
import type { NamedArray } from '../model/params.ts';
import type { ByteLevelBPE } from '../tokenizer/bpe.ts';
import { type NewToken, type VocabExpansion, VocabExpansionError } from '../tokenizer/vocab-expansion.ts';
import { evaluationBatches } from './data.ts';

const WTE = 'transformer.wte.weight';

/** wte [V, C] → [V + new, C]: old rows copied, each new row the mean of the rows it replaces. */
export function expandedEmbeddingTable(wte: NamedArray, newTokens: readonly NewToken[]): NamedArray {
  const [vocab, width] = wte.shape;
  const data = new Float32Array((vocab + newTokens.length) * width);
  data.set(wte.data.subarray(0, vocab * width));
  newTokens.forEach((token, i) => {
    if (token.id !== vocab + i) throw new Error(`internal: new token ${token.id} should have id ${vocab + i}`);
    const row = new Float64Array(width);
    for (const id of token.replaces) {
      if (id >= vocab) throw new Error(`internal: new token ${token.id} replaces ${id}, which is not an old row`);
      for (let c = 0; c < width; c++) row[c] += wte.data[id * width + c];
    }
    for (let c = 0; c < width; c++) data[(vocab + i) * width + c] = row[c] / token.replaces.length;
  });
  return { shape: [vocab + newTokens.length, width], data };
}

/**
 * A new model whose vocabulary is the expansion's: config.vocabSize updated,
 * wte extended as above, everything else copied. The base model is left as it was.
 */
export async function expandModel(model: GPT, expansion: VocabExpansion): Promise<GPT> {
  const modelVocab = model.config.vocabSize;
  const tokenizerVocab = expansion.base.vocabSize;
  if (modelVocab !== tokenizerVocab) {
    throw new VocabExpansionError(
      `The model has ${modelVocab} embedding rows but its tokenizer has ${tokenizerVocab} tokens; expand a model with its own tokenizer.`,
      'model-mismatch', { modelVocab, tokenizerVocab },
    );
  }
  const weights = await model.weights();
  weights.set(WTE, expandedEmbeddingTable(weights.get(WTE) as NamedArray, expansion.newTokens));
  const config: GPTConfig = { ...model.config, vocabSize: expansion.tokenizer.vocabSize };
  return GPT.fromWeights(config, weights);
}

/** Loss of a model on a text, per token and per character, over every full window of it. */
export interface TextLoss {
  /** Mean cross-entropy per predicted token, nats. */
  lossPerToken: number;
  /** Total nats over the characters the predicted tokens spell: comparable across tokenizers. */
  lossPerChar: number;
  tokens: number;
  characters: number;
  charactersPerToken: number;
}

/**
 * Characters a token spells, counted by UTF-8 lead bytes: a byte token that is
 * the first byte of 汉 counts 1, its two continuation bytes 0. A sequence of
 * tokens therefore counts each character once, wherever the tokens split it
 * (decoding one byte token alone gives "�", which would count it three times).
 */
export function charactersSpelled(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) if ((b & 0xc0) !== 0x80) n++;
  return n;
}

/**
 * Cross-entropy of `model` on `text` under `tokenizer`: the token stream cut
 * into consecutive windows of `blockSize` (the last partial one dropped), every
 * position after the first in each window predicted, as nanoGPT evaluates.
 * Nats per character divide the same total by the characters the predicted
 * tokens spell, so a tokenizer that spends fewer tokens per character is not
 * flattered by its larger per-token loss.
 */
export function textLoss(
  model: GPT, tokenizer: ByteLevelBPE, text: string, options: { blockSize?: number; batchSize?: number } = {},
): TextLoss {
  const blockSize = options.blockSize ?? model.config.blockSize;
  const ids = tokenizer.encode(text);
  const maxId = ids.reduce((m, id) => Math.max(m, id), -1);
  if (maxId >= model.config.vocabSize) {
    throw new VocabExpansionError(
      `The tokenizer writes ids up to ${maxId}, but the model has ${model.config.vocabSize} embedding rows.`,
      'model-mismatch', { modelVocab: model.config.vocabSize, tokenizerVocab: tokenizer.vocabSize },
    );
  }
  const charsOf = new Map<number, number>();
  const spelled = (id: number) => {
    let n = charsOf.get(id);
    if (n === undefined) charsOf.set(id, (n = charactersSpelled(tokenizer.tokenBytes(id))));
    return n;
  };
  let nats = 0;
  let tokens = 0;
  let characters = 0;
  for (const b of evaluationBatches(ids, options.batchSize ?? 8, blockSize, Infinity)) {
    const n = b.batchSize * b.blockSize;
    nats += n * tf.tidy(() => {
      const x = tf.tensor2d(b.x, [b.batchSize, b.blockSize], 'int32');
      return crossEntropy(model.forward(x), tf.tensor1d(b.y, 'int32')).dataSync()[0];
    });
    tokens += n;
    for (let i = 0; i < n; i++) characters += spelled(b.y[i]);
  }
  return { lossPerToken: nats / tokens, lossPerChar: nats / characters, tokens, characters, charactersPerToken: characters / tokens };
}

/**
 * The mean share of next-token probability the expanded model puts on the new
 * tokens over a text (tokenized by the base tokenizer, whose ids the expanded
 * one shares for text without the new characters). The loss on such text rises
 * by the mean of −log(1 − share) at each position, so this says how much an
 * expansion costs before any training.
 */
export function nextTokenMassOnNewTokens(expanded: GPT, baseVocabSize: number, ids: readonly number[], blockSize?: number): number {
  const T = blockSize ?? expanded.config.blockSize;
  let total = 0;
  let count = 0;
  for (const b of evaluationBatches(ids, 8, T, Infinity)) {
    total += tf.tidy(() => {
      const x = tf.tensor2d(b.x, [b.batchSize, b.blockSize], 'int32');
      const probs = tf.softmax(expanded.forward(x)); // [B·T, vocab]
      const V = expanded.config.vocabSize;
      return tf.sum(tf.slice(probs, [0, baseVocabSize], [-1, V - baseVocabSize])).dataSync()[0];
    });
    count += b.batchSize * b.blockSize;
  }
  return total / count;
}
