// How a single token is shown in charts and lessons. Tokens often begin with a
// space or hold only a newline, and byte-level tokens can hold part of a UTF-8
// character; all of that has to be visible rather than blank or "�".

const WHITESPACE_PICTURES: ReadonlyMap<string, string> = new Map([
  [' ', '␣'],
  ['\n', '↵'],
  ['\t', '⇥'],
  ['\r', '␍'],
]);

/** Replaces spaces, newlines, tabs and other control characters with visible symbols. */
export function visibleWhitespace(text: string): string {
  let out = '';
  for (const char of text) {
    const picture = WHITESPACE_PICTURES.get(char);
    if (picture !== undefined) { out += picture; continue; }
    const code = char.codePointAt(0) as number;
    // Unicode's Control Pictures block (U+2400..U+241F, U+2421) draws C0 controls and DEL.
    if (code < 0x20) out += String.fromCodePoint(0x2400 + code);
    else if (code === 0x7f) out += '␡';
    else if (code >= 0x80 && code <= 0x9f) out += `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`; // C1 controls have no pictures
    else if (code === 0xa0) out += '⍽'; // no-break space
    else out += char;
  }
  return out;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Length of the UTF-8 sequence a lead byte announces, or 0 if it cannot lead one. */
function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * A token's bytes as text: complete UTF-8 characters are shown (whitespace made
 * visible), and bytes that are only part of a character are shown as `<0xE4>`,
 * so "Ġ" + the first byte of "中" displays as `␣<0xE4>`.
 */
export function displayTokenBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes[i]);
    if (length > 0 && i + length <= bytes.length) {
      try {
        out += visibleWhitespace(strictUtf8.decode(bytes.subarray(i, i + length)));
        i += length;
        continue;
      } catch {
        // Not a valid sequence (bad continuation, overlong, surrogate): show the byte.
      }
    }
    out += `<0x${bytes[i].toString(16).toUpperCase().padStart(2, '0')}>`;
    i += 1;
  }
  return out;
}
