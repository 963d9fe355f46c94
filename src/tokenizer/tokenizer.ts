// What every tokenizer in the playground offers, so the model, the trainer and the
// charts need not know which kind they hold.

export type TokenizerKind = 'byte-bpe' | 'char';

export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** Number of token ids, special tokens included: the model's embedding rows. */
  readonly vocabSize: number;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** A human-readable form of one token for charts, with whitespace made visible. */
  tokenString(id: number): string;
  /** A plain JSON object that `tokenizerFromJSON` reads back. */
  toJSON(): object;
}

/** A tokenizer file that cannot be read: malformed, or using features we do not implement. */
export class TokenizerJSONError extends Error {
  override readonly name = 'TokenizerJSONError';
}

/** The RangeError every tokenizer throws for an id outside its vocabulary. */
export function checkTokenId(id: number, vocabSize: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
    throw new RangeError(`token id ${id} is not in the vocabulary (ids are 0..${vocabSize - 1})`);
  }
}
