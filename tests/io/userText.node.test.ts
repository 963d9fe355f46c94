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

  it('decodes UTF-16 (little- and big-endian) and UTF-8 with a byte-order mark, instead of calling them binary', async () => {
    const text = 'ROMEO:\nBut soft! 你好 🙂\n';
    const utf16le = (s: string) => {
      const out = new Uint8Array(2 + 2 * s.length);
      out.set([0xff, 0xfe]);
      for (let i = 0; i < s.length; i++) {
        out[2 + 2 * i] = s.charCodeAt(i) & 0xff;
        out[3 + 2 * i] = s.charCodeAt(i) >> 8;
      }
      return out;
    };
    const le = utf16le(text);
    const be = le.slice();
    be[0] = 0xfe;
    be[1] = 0xff;
    for (let i = 2; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
    const utf8bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    expect(await readTextFile(file(le))).toBe(text);
    expect(await readTextFile(file(be))).toBe(text);
    expect(await readTextFile(file(utf8bom))).toBe(text);
    // Without a mark, UTF-16 is named, not called binary; a cut-short UTF-16 file says so.
    const noMark = le.slice(2);
    expect(await readTextFile(file(noMark)).catch((e: Error) => e.message)).toMatch(/UTF-16 little-endian text without a byte-order mark/);
    expect(await readTextFile(file(le.slice(0, le.length - 1))).catch((e: Error) => e.message)).toMatch(/UTF-16 little-endian .*odd number of bytes/);
  });
});
