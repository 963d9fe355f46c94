import { describe, expect, it } from 'vitest';
import { readTextFile, TextFileError } from '../../src/io/userText.ts';

const file = (bytes: Uint8Array<ArrayBuffer> | string, name = 'notes.txt') => Object.assign(new Blob([bytes]), { name });

describe("a learner's text file", () => {
  it('reads UTF-8 text, any script', async () => {
    expect(await readTextFile(file('ROMEO:\nBut soft! 你好 🙂\n'))).toBe('ROMEO:\nBut soft! 你好 🙂\n');
  });

  it('refuses empty, binary and non-UTF-8 files with a sentence naming the file', async () => {
    const cases: [Blob, RegExp][] = [
      [file(new Uint8Array(0)), /"notes.txt" is empty/],
      [file(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14])), /binary file \(it contains zero bytes\)/],
      [file(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a])), /not UTF-8 text/], // Latin-1 "café"
      [file('\u0001\u0002\u0003\u0004'.repeat(50) + 'text'), /many control characters/],
    ];
    for (const [f, message] of cases) {
      const err = await readTextFile(f).catch((e: Error) => e);
      expect(err).toBeInstanceOf(TextFileError);
      expect((err as Error).message).toMatch(message);
    }
  });
});
