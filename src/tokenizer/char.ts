// A character-level tokenizer, as in Karpathy's char-rnn and nanoGPT's
// shakespeare_char: the vocabulary is the sorted set of characters in a text.
// Characters are Unicode code points, so an emoji is one token, not two UTF-16 halves.

import { addedTokenSplitter, type TextSection } from './added-tokens.ts';
import { visibleWhitespace } from './display.ts';
import { type Tokenizer, TokenizerJSONError, checkTokenId } from './tokenizer.ts';

export interface CharTokenizerJSON {
  type: 'char';
  version: 1;
  /** Token id i is chars[i]. */
  chars: string[];
  /**
   * The entry of `chars` that stands for every character outside the vocabulary
   * (a frequency-cut vocabulary keeps rare characters out). Without it, `encode`
   * refuses unknown characters.
   */
  unknown?: string;
  /**
   * Special tokens (chat markers such as `<|user|>`), ids chars.length… in
   * order: matched whole in the text before it is cut into characters, as
   * Hugging Face's added tokens are.
   */
  special?: string[];
}

/** The unknown token's text in a frequency-cut vocabulary: U+FFFD, the replacement character. */
export const UNKNOWN_CHAR = '\uFFFD';

export interface UnknownCharacter {
  char: string;
  /** Every place it occurs, counted in characters (code points), i.e. in tokens. */
  positions: number[];
}

/** Thrown by `encode` for characters outside the vocabulary, rather than dropping them. */
export class UnknownCharacterError extends Error {
  override readonly name = 'UnknownCharacterError';
  readonly unknown: UnknownCharacter[];

  constructor(unknown: UnknownCharacter[]) {
    const shown = unknown.slice(0, 5).map(({ char, positions }) => {
      const code = (char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
      const where = positions.slice(0, 5).join(', ') + (positions.length > 5 ? `, … (${positions.length} times)` : '');
      return `${JSON.stringify(char)} (U+${code}) at ${where}`;
    });
    const more = unknown.length > 5 ? `; and ${unknown.length - 5} more` : '';
    super(`${unknown.length} character${unknown.length === 1 ? ' is' : 's are'} not in the vocabulary: ${shown.join('; ')}${more}`);
    this.unknown = unknown;
  }
}

/** Sorts by code point; JavaScript's default sort compares UTF-16 units, which puts emoji before U+E000..U+FFFF. */
const byCodePoint = (a: string, b: string) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number);

export class CharTokenizer implements Tokenizer {
  readonly kind = 'char';
  readonly chars: readonly string[];
  /** The id every out-of-vocabulary character encodes to, or null when they are refused. */
  readonly unknownId: number | null;
  /** Special tokens, ids chars.length + i. */
  readonly special: readonly string[];
  private readonly idOfChar: Map<string, number>;
  private readonly idOfSpecial = new Map<string, number>();
  private readonly splitSections: (text: string) => TextSection[];

  /** `chars` must be distinct single code points; id i is chars[i]. `unknown`, if given, must be one of them. */
  constructor(chars: readonly string[], unknown?: string, special: readonly string[] = []) {
    this.idOfChar = new Map();
    chars.forEach((char, id) => {
      if ([...char].length !== 1) throw new TokenizerJSONError(`char tokenizer: entry ${id} (${JSON.stringify(char)}) is not a single character`);
      if (this.idOfChar.has(char)) throw new TokenizerJSONError(`char tokenizer: ${JSON.stringify(char)} appears twice`);
      this.idOfChar.set(char, id);
    });
    this.chars = [...chars];
    if (unknown === undefined) this.unknownId = null;
    else {
      const id = this.idOfChar.get(unknown);
      if (id === undefined) throw new TokenizerJSONError(`char tokenizer: the unknown token ${JSON.stringify(unknown)} is not in "chars"`);
      this.unknownId = id;
    }
    this.special = [...special];
    this.special.forEach((token, i) => {
      if (token.length === 0 || this.idOfSpecial.has(token)) throw new TokenizerJSONError(`char tokenizer: special token ${JSON.stringify(token)} is empty or given twice`);
      this.idOfSpecial.set(token, chars.length + i);
    });
    this.splitSections = addedTokenSplitter(this.special);
  }

  /** The same characters with `tokens` added as special tokens after any already there (Hugging Face's `add_special_tokens`). */
  withSpecialTokens(tokens: readonly string[]): CharTokenizer {
    return new CharTokenizer(this.chars, this.unknownId === null ? undefined : this.chars[this.unknownId], [...this.special, ...tokens]);
  }

  /** The id of a special token, or undefined. */
  specialId(token: string): number | undefined {
    return this.idOfSpecial.get(token);
  }

  /**
   * The characters of `text` seen at least `minCount` times, in code point order,
   * after an unknown token (id 0) that every other character encodes to: the
   * usual vocabulary for a character model of Chinese, whose rarest characters are
   * too rare to learn.
   */
  static withFrequencyCut(text: string, minCount: number): CharTokenizer {
    if (!(Number.isInteger(minCount) && minCount >= 1)) throw new RangeError(`minCount must be a whole number ≥ 1, got ${minCount}`);
    const counts = new Map<string, number>();
    for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    const kept = [...counts].filter(([c, n]) => n >= minCount && c !== UNKNOWN_CHAR).map(([c]) => c).sort(byCodePoint);
    return new CharTokenizer([UNKNOWN_CHAR, ...kept], UNKNOWN_CHAR);
  }

  /** The vocabulary of `text`: its distinct characters in code point order. */
  static fromText(text: string): CharTokenizer {
    return new CharTokenizer([...new Set(text)].sort(byCodePoint));
  }

  static fromJSON(obj: unknown): CharTokenizer {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new TokenizerJSONError('char tokenizer: expected a JSON object');
    }
    const { type, chars, unknown, special } = obj as Record<string, unknown>;
    if (type !== 'char') throw new TokenizerJSONError(`char tokenizer: "type" should be "char", not ${JSON.stringify(type)}`);
    if (!Array.isArray(chars) || !chars.every((c) => typeof c === 'string')) {
      throw new TokenizerJSONError('char tokenizer: "chars" should be an array of strings');
    }
    if (unknown !== undefined && typeof unknown !== 'string') throw new TokenizerJSONError('char tokenizer: "unknown" should be a string');
    if (special !== undefined && !(Array.isArray(special) && special.every((c) => typeof c === 'string'))) {
      throw new TokenizerJSONError('char tokenizer: "special" should be an array of strings');
    }
    return new CharTokenizer(chars, unknown, special);
  }

  toJSON(): CharTokenizerJSON {
    const json: CharTokenizerJSON = { type: 'char', version: 1, chars: [...this.chars] };
    if (this.unknownId !== null) json.unknown = this.chars[this.unknownId];
    if (this.special.length > 0) json.special = [...this.special];
    return json;
  }

  /** The characters of `text` outside the vocabulary, with their positions (what `encode` maps to the unknown token, or refuses). */
  unknownCharacters(text: string): UnknownCharacter[] {
    const unknown = new Map<string, number[]>();
    let position = 0;
    for (const char of text) {
      if (!this.idOfChar.has(char) || this.idOfChar.get(char) === this.unknownId) {
        let positions = unknown.get(char);
        if (positions === undefined) unknown.set(char, (positions = []));
        positions.push(position);
      }
      position++;
    }
    return [...unknown].map(([char, positions]) => ({ char, positions }));
  }

  get vocabSize(): number {
    return this.chars.length + this.special.length;
  }

  encode(text: string): number[] {
    if (this.special.length > 0) return this.splitSections(text).flatMap((s) => (s.added ? [this.idOfSpecial.get(s.text) as number] : this.encodeChars(s.text)));
    return this.encodeChars(text);
  }

  private encodeChars(text: string): number[] {
    const ids: number[] = [];
    const unknown = new Map<string, number[]>();
    let position = 0;
    for (const char of text) {
      const id = this.idOfChar.get(char);
      if (id !== undefined) ids.push(id);
      else if (this.unknownId !== null) ids.push(this.unknownId);
      else {
        let positions = unknown.get(char);
        if (positions === undefined) unknown.set(char, (positions = []));
        positions.push(position);
      }
      position++;
    }
    if (unknown.size > 0) throw new UnknownCharacterError([...unknown].map(([char, positions]) => ({ char, positions })));
    return ids;
  }

  decode(ids: readonly number[]): string {
    let text = '';
    for (const id of ids) {
      checkTokenId(id, this.vocabSize);
      text += id < this.chars.length ? this.chars[id] : this.special[id - this.chars.length];
    }
    return text;
  }

  tokenString(id: number): string {
    checkTokenId(id, this.vocabSize);
    return id < this.chars.length ? visibleWhitespace(this.chars[id]) : this.special[id - this.chars.length];
  }
}
