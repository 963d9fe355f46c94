// GPT-2's byte-level building blocks, shared by training, encoding and the
// tokenizer.json reader: the bytes-to-unicode map and the pre-tokenization regex.
// Reference: openai/gpt-2 `src/encoder.py` and Hugging Face tokenizers' `ByteLevel`.

/**
 * GPT-2's byte order: the 188 bytes that are printable on their own (`!`..`~`,
 * `¡`..`¬`, `®`..`ÿ`) first, then the 68 others (controls, space, DEL, NBSP, soft
 * hyphen) in increasing order. Byte token ids follow this order, so id 0 is `!`
 * and a space (byte 32) is id 220, exactly as in GPT-2's vocab.json.
 */
export const GPT2_BYTE_ORDER: readonly number[] = (() => {
  const printable: number[] = [];
  const range = (from: number, to: number) => { for (let b = from; b <= to; b++) printable.push(b); };
  range(0x21, 0x7e);
  range(0xa1, 0xac);
  range(0xae, 0xff);
  const isPrintable = new Set(printable);
  const rest: number[] = [];
  for (let b = 0; b < 256; b++) if (!isPrintable.has(b)) rest.push(b);
  return [...printable, ...rest];
})();

/**
 * `BYTE_TO_UNICODE[byte]` is the character GPT-2 writes for that byte in vocab.json
 * and merges.txt: printable bytes stand for themselves, the others are shifted to
 * U+0100 onwards (space → `Ġ`, newline → `Ċ`) so that no token string contains
 * whitespace or control characters — which is what lets merges be stored as "a b".
 */
export const BYTE_TO_UNICODE: readonly string[] = (() => {
  const map = new Array<string>(256);
  let shifted = 0;
  for (const byte of GPT2_BYTE_ORDER) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae);
    map[byte] = String.fromCharCode(printable ? byte : 256 + shifted++);
  }
  return map;
})();

/** The inverse of {@link BYTE_TO_UNICODE}: a byte-level character back to its byte. */
export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(
  BYTE_TO_UNICODE.map((char, byte) => [char, byte] as const),
);

/**
 * GPT-2's pre-tokenization pattern: common English contractions, then runs of
 * letters, digits or other symbols (each optionally led by one space), then
 * whitespace — where `\s+(?!\S)` leaves the last space of a run to lead the next
 * word. Merges never cross these boundaries.
 *
 * JavaScript's `\s` differs from Oniguruma's (the Rust library's engine) on two
 * characters, U+0085 and U+FEFF; `@huggingface/tokenizers` uses this same JS
 * pattern, so we agree with it everywhere.
 */
export const GPT2_PRETOKENIZE_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Options of Hugging Face's `ByteLevel` pre-tokenizer that change which words are made. */
export interface ByteLevelOptions {
  /** Prepend a space when the text does not start with one (RoBERTa); GPT-2: false. */
  addPrefixSpace: boolean;
  /** Split with {@link GPT2_PRETOKENIZE_PATTERN}; false treats the whole text as one word. */
  useRegex: boolean;
}

export const GPT2_BYTE_LEVEL: ByteLevelOptions = { addPrefixSpace: false, useRegex: true };

/** Splits text into the words BPE merges within. The words concatenate back to the text. */
export function preTokenize(text: string, options: ByteLevelOptions = GPT2_BYTE_LEVEL): string[] {
  if (options.addPrefixSpace && !text.startsWith(' ')) text = ' ' + text;
  if (!options.useRegex) return text.length > 0 ? [text] : [];
  // The pattern's alternatives cover every character (the last is `\s+`, and every
  // non-space matches a letter, number or "other" run), so matches tile the text.
  return text.match(GPT2_PRETOKENIZE_PATTERN) ?? [];
}

const utf8Encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF instead of silently dropping it: decode must
// give back exactly the text that was encoded.
const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** UTF-8 bytes of a string. Lone surrogates become U+FFFD, as in every UTF-8 tokenizer. */
export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** UTF-8 decoding that replaces invalid sequences with U+FFFD (Rust's `from_utf8_lossy`). */
export function utf8Text(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** A token's bytes in GPT-2's vocab.json spelling, e.g. [32, 116, 104, 101] → "Ġthe". */
export function bytesToVocabString(bytes: Uint8Array): string {
  let s = '';
  for (const byte of bytes) s += BYTE_TO_UNICODE[byte];
  return s;
}

/** The inverse of {@link bytesToVocabString}; null when a character is not a byte-level one. */
export function vocabStringToBytes(token: string): Uint8Array | null {
  const bytes: number[] = [];
  for (const char of token) {
    const byte = UNICODE_TO_BYTE.get(char);
    if (byte === undefined) return null;
    bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}
