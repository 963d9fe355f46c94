/**
 * A text file a learner chose, checked before anything trains on it: empty,
 * binary (zero bytes, many control characters) or not UTF-8 each get a sentence
 * saying what to do. Shared by the own-text and LoRA panels' engine handlers.
 */
export class TextFileError extends Error {
  override name = 'TextFileError';
}

export async function readTextFile(file: Blob & { name?: string }): Promise<string> {
  const label = file.name ? `The file "${file.name}"` : 'The file';
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.length === 0) throw new TextFileError(`${label} is empty: choose a file with some text in it.`);
  if (bytes.subarray(0, 1 << 16).includes(0)) {
    throw new TextFileError(`${label} looks like a binary file (it contains zero bytes), not plain text. Choose a .txt file saved as UTF-8.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TextFileError(`${label} is not UTF-8 text. If it is text, save it as UTF-8 (most editors offer this under "Save as") and try again.`);
  }
  const head = text.slice(0, 65536);
  const controls = head.match(/[\u0001-\u0008\u000e-\u001f\u007f]/g)?.length ?? 0;
  if (controls > 0.01 * head.length) throw new TextFileError(`${label} looks like a binary file (many control characters), not plain text.`);
  return text;
}
