// The Tang poetry corpus (唐诗) for the second embedded model: the regular
// five- and seven-character poems of the `chinese-poetry` package's
// `dist/quantangshi/poet.tang.*.json` (MIT), kept in traditional characters as
// published. Pure: the files are read by scripts/prepare-tang.ts.

/** One poem as the package stores it. */
export interface TangPoem {
  title: string;
  author?: string;
  paragraphs: string[];
}

/**
 * A CJK unified ideograph of the basic block, U+4E00–U+9FFF. Extension A and the
 * supplementary planes are left out: with them the corpus grows by a few hundred
 * poems full of rare variant forms, and the reference counts (46,798 poems) are
 * those of the basic block.
 */
const HAN = '[\\u4E00-\\u9FFF]';

/** A "五言" or "七言" couplet: n ideographs, "，", the same n again, "。" (n = 5 or 7). */
const REGULAR_COUPLET = new RegExp(`^(?:${HAN}{5}，${HAN}{5}。|${HAN}{7}，${HAN}{7}。)$`);

/** Whether one paragraph is a regular five- or seven-character couplet. */
export function isRegularCouplet(paragraph: string): boolean {
  return REGULAR_COUPLET.test(paragraph);
}

/**
 * Whether every paragraph of the poem is a regular couplet. Each paragraph is
 * judged alone, as the reference preparation does: a poem of five-character
 * couplets followed by seven-character ones (杂言, 391 poems) is kept, but a
 * couplet whose halves differ in length is not.
 */
export function isRegularPoem(poem: TangPoem): boolean {
  return poem.paragraphs.length > 0 && poem.paragraphs.every(isRegularCouplet);
}

/** Keeps the poems whose every paragraph is a regular couplet, in their order. */
export function regularPoems(poems: readonly TangPoem[]): TangPoem[] {
  return poems.filter(isRegularPoem);
}

/** A poem as text: its title, then one couplet per line, then a newline. */
export function poemText(poem: TangPoem): string {
  return `${poem.title}\n${poem.paragraphs.join('\n')}\n`;
}

/** The corpus text: poems in order, each as `poemText`, separated by an empty line. */
export function assembleTang(poems: readonly TangPoem[]): string {
  return poems.map(poemText).join('\n');
}

/** `poet.tang.12000.json` → 12000; the files are read in this numeric order, not the directory's string order. */
export function tangFileIndex(name: string): number | null {
  const match = /^poet\.tang\.(\d+)\.json$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** The Tang poem files among `names`, in numeric order of their suffix. */
export function tangFilesInOrder(names: readonly string[]): string[] {
  return names
    .map((name) => ({ name, index: tangFileIndex(name) }))
    .filter((f): f is { name: string; index: number } => f.index !== null)
    .sort((a, b) => a.index - b.index)
    .map((f) => f.name);
}

/** Distinct characters (code points) of a text, in order of first appearance. */
export function distinctCharacters(text: string): string[] {
  return [...new Set(text)];
}

/**
 * The first `trainFraction` of the text's characters (code points) train, the rest
 * validate, as nanoGPT's prepare.py splits by position. Counting code points, not
 * UTF-16 units, keeps a character outside the BMP (a few titles have them) whole.
 */
export function splitTang(text: string, trainFraction = 0.9): { train: string; val: string } {
  if (!(trainFraction > 0 && trainFraction < 1)) throw new RangeError(`trainFraction must be in (0, 1), got ${trainFraction}.`);
  const chars = [...text];
  const cut = Math.floor(chars.length * trainFraction);
  return { train: chars.slice(0, cut).join(''), val: chars.slice(cut).join('') };
}
