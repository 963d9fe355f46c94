import { ByteLevelBPE } from '../tokenizer/bpe.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { splitCorpus } from '../data/corpus.ts';
import type { Trainer } from './trainer.ts';
import { evaluationBatches } from './data.ts';

/** A corpus made ready for training: split by position, tokenizer fitted on the training part only. */
export interface PreparedCorpus {
  tokenizer: Tokenizer;
  trainIds: Int32Array;
  valIds: Int32Array;
  trainChars: number;
  valChars: number;
}

export function prepareCorpus(text: string, opts: { vocabSize: number; trainFraction?: number; onProgress?: (done: number, total: number) => void }): PreparedCorpus {
  const { train, val } = splitCorpus(text, opts.trainFraction ?? 0.9);
  // Fitting the tokenizer on validation text would leak it into the vocabulary.
  const tokenizer = ByteLevelBPE.train(train, { vocabSize: opts.vocabSize, onProgress: opts.onProgress });
  return {
    tokenizer,
    trainIds: Int32Array.from(tokenizer.encode(train)),
    valIds: Int32Array.from(tokenizer.encode(val)),
    trainChars: train.length,
    valChars: val.length,
  };
}

export interface ValidationReport {
  /** Mean cross-entropy per predicted token, in nats. */
  lossPerToken: number;
  /** Total nats over the predicted tokens divided by the characters they cover: comparable across tokenizers. */
  lossPerChar: number;
  charsPerToken: number;
  perplexity: number;
  tokensEvaluated: number;
  /** Nats added for characters behind the unknown token (see `unknownNats`), included in lossPerChar; 0 without it. */
  unknownNatsAdded: number;
}

/**
 * Validation loss over (up to) every non-overlapping window of the held-out
 * stream, reported per token and per character, since a per-token loss from a
 * 1k-token BPE and one from a character model are not on the same scale.
 */
export function validationReport(
  trainer: Trainer, valIds: ArrayLike<number>, tokenizer: Tokenizer, maxBatches = Infinity,
  /**
   * For a vocabulary with an unknown token: the further cost, in nats, of naming
   * which character the target at each position of `valIds` is (0 where it is a
   * known character). Without it, predicting "some rare character" would count as
   * predicting the character, and the per-character loss would flatter the model.
   */
  unknownNats?: ArrayLike<number>,
): ValidationReport {
  const { batchSize, blockSize } = trainer.settings;
  const batches = evaluationBatches(valIds, batchSize, blockSize, maxBatches);
  const charLength = new Map<number, number>();
  // A byte-level token may hold part of a character (a 汉字 is three bytes): count each character once, at the
  // token holding its first byte (UTF-8 lead bytes are those not of the form 10xxxxxx). Decoding such a token
  // alone gives "�", which would count the character once per byte.
  const bytesOf = 'tokenBytes' in tokenizer && typeof tokenizer.tokenBytes === 'function' ? (id: number) => (tokenizer.tokenBytes as (id: number) => Uint8Array)(id) : null;
  const charsOf = (id: number) => {
    let n = charLength.get(id);
    if (n === undefined) {
      n = bytesOf ? bytesOf(id).reduce((c, b) => c + ((b & 0xc0) !== 0x80 ? 1 : 0), 0) : [...tokenizer.decode([id])].length;
      charLength.set(id, n);
    }
    return n;
  };
  let nats = 0;
  let extra = 0;
  let tokens = 0;
  let chars = 0;
  for (const b of batches) {
    const n = b.batchSize * b.blockSize;
    nats += trainer.batchLoss(b) * n;
    tokens += n;
    for (let i = 0; i < n; i++) chars += charsOf(b.y[i]);
    if (unknownNats && b.starts) {
      b.starts.forEach((start) => {
        for (let t = 0; t < b.blockSize; t++) extra += unknownNats[start + t + 1];
      });
    }
  }
  const lossPerToken = nats / tokens;
  return {
    lossPerToken, lossPerChar: (nats + extra) / chars, charsPerToken: chars / tokens, perplexity: Math.exp(lossPerToken),
    tokensEvaluated: tokens, unknownNatsAdded: extra,
  };
}
