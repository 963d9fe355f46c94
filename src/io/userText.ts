/**
 * A text file a learner chose, checked before anything trains on it: empty,
 * binary (zero bytes, many control characters) or not UTF-8 each get a sentence
 * saying what to do. A byte-order mark says the encoding: UTF-8 (the mark is
 * dropped), UTF-16 little- or big-endian (Windows Notepad's "Unicode" is
 * UTF-16 LE with a mark) — those are decoded, not called binary. Shared by the
 * own-text and LoRA panels' engine handlers.
 */
export class TextFileError extends Error {
  override name = 'TextFileError';
}

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** The encoding a byte-order mark names, and the mark's length; UTF-8 without a mark otherwise. */
function byBom(bytes: Uint8Array): { encoding: Encoding; bom: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  return { encoding: 'utf-8', bom: 0 };
}

/** UTF-16 without a mark: ASCII text has a zero byte in every other place. */
function looksLikeUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > 0.7 * pairs && evenZeros < 0.1 * pairs) return 'utf-16le';
  if (evenZeros > 0.7 * pairs && oddZeros < 0.1 * pairs) return 'utf-16be';
  return null;
}

const NAMES: Record<Encoding, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16 little-endian', 'utf-16be': 'UTF-16 big-endian' };

export async function readTextFile(file: Blob & { name?: string }): Promise<string> {
  const label = file.name ? `The file "${file.name}"` : 'The file';
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length === 0) throw new TextFileError(`${label} is empty: choose a file with some text in it.`);
  const { encoding, bom } = byBom(bytes);
  if (encoding === 'utf-8') {
    if (bytes.subarray(0, 1 << 16).includes(0)) {
      const utf16 = looksLikeUtf16(bytes);
      if (utf16) {
        throw new TextFileError(
          `${label} looks like ${NAMES[utf16]} text without a byte-order mark, which cannot be read safely. Save it as UTF-8 (most editors offer this under "Save as") and try again.`,
        );
      }
      throw new TextFileError(`${label} looks like a binary file (it contains zero bytes), not plain text. Choose a .txt file saved as UTF-8.`);
    }
  } else if ((bytes.length - bom) % 2 !== 0) {
    throw new TextFileError(`${label} starts with a ${NAMES[encoding]} byte-order mark but has an odd number of bytes: it is cut short or not text.`);
  }
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(bom));
  } catch {
    throw new TextFileError(
      encoding === 'utf-8'
        ? `${label} is not UTF-8 text. If it is text, save it as UTF-8 (most editors offer this under "Save as") and try again.`
        : `${label} starts with a ${NAMES[encoding]} byte-order mark but is not valid ${NAMES[encoding]} text.`,
    );
  }
  if (text.length === 0) throw new TextFileError(`${label} holds only a byte-order mark: choose a file with some text in it.`);
  const head = text.slice(0, 65536);
  if (head.includes('\u0000')) throw new TextFileError(`${label} is ${NAMES[encoding]} but contains zero characters: it looks like a binary file, not plain text.`);
  const controls = head.match(/[\u0001-\u0008\u000e-\u001f\u007f]/g)?.length ?? 0;
  if (controls > 0.01 * head.length) throw new TextFileError(`${label} looks like a binary file (many control characters), not plain text.`);
  return text;
}
