// Song ci (宋词) for the Tang poetry model's LoRA lesson: the `chinese-poetry`
// package's `dist/songci/ci.song.*.json` (MIT). A ci is a lyric written to a
// tune (词牌), in lines of uneven length: the Tang model knows its characters
// but not its shape (its own poems are regular five- or seven-character
// couplets), which is what the adapter has to learn, while the forgetting
// curve is measured on held-out Tang poems. Pure: the files are read by
// scripts/prepare-songci.ts.

/** One ci as the package stores it: the tune (词牌) it was written to, its author, its lines. */
export interface SongCi {
  rhythmic: string;
  author?: string;
  paragraphs: string[];
}

/** A ci as text, in the Tang corpus's layout: the tune name, then one line per paragraph, then a newline. */
export function ciText(ci: SongCi): string {
  return `${ci.rhythmic}\n${ci.paragraphs.join('\n')}\n`;
}

/**
 * A ci in the Tang model's characters. Its vocabulary comes from regulated
 * verse, which has only "，" and "。": the enumeration comma "、" that marks a
 * ci's pauses (念去去、千里烟波) becomes "，", the pause it stands for, rather
 * than the unknown token; and a tune known by two names (凤栖梧・蝶恋花) keeps
 * its first, as the middle dot is not in the vocabulary either.
 */
export function inTangPunctuation(ci: SongCi): SongCi {
  return { ...ci, rhythmic: ci.rhythmic.split('・')[0], paragraphs: ci.paragraphs.map((p) => p.replaceAll('、', '，')) };
}

/** The text of several ci, each as `ciText`, separated by an empty line (as the Tang poems are). */
export function assembleSongci(ci: readonly SongCi[]): string {
  return ci.map(ciText).join('\n');
}

/** A CJK unified ideograph of the basic block, as in the Tang corpus (src/data/tang.ts). */
const HAN = '\\u4E00-\\u9FFF';
/** Lines: ideographs and the punctuation the package uses inside a ci. */
const CLEAN_LINE = new RegExp(`^[${HAN}，。、？！；：]+$`);
/** Tune names: ideographs, and the middle dot of a tune with two names (十二时・忆少年). */
const CLEAN_TUNE = new RegExp(`^[${HAN}・]+$`);

/**
 * Whether a ci is whole and plain: a tune name, at least one line, and nothing
 * but ideographs and punctuation. Leaves out the ones with lost characters
 * (□), stray phonetic symbols, or quoted titles — noise for a small model.
 */
export function isCleanCi(ci: SongCi): boolean {
  return CLEAN_TUNE.test(ci.rhythmic) && ci.paragraphs.length > 0 && ci.paragraphs.every((p) => CLEAN_LINE.test(p));
}

/**
 * The first clean ci, in order, whose text (as `assembleSongci`, counted in
 * code points) fits in `maxCharacters`: whole ci only, so the excerpt ends
 * at a ci's end, a little under the limit.
 */
export function songciExcerpt(ci: readonly SongCi[], maxCharacters: number): SongCi[] {
  const kept: SongCi[] = [];
  let length = 0;
  for (const c of ci) {
    if (!isCleanCi(c)) continue;
    const added = [...ciText(c)].length + (kept.length > 0 ? 1 : 0); // the empty line between two ci
    if (length + added > maxCharacters) break;
    kept.push(c);
    length += added;
  }
  return kept;
}

/** `ci.song.12000.json` → 12000; the files are read in this numeric order, not the directory's string order. */
export function songciFileIndex(name: string): number | null {
  const match = /^ci\.song\.(\d+)\.json$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** The ci files among `names`, in numeric order (not `ci.song.2019y.json`, three later additions in mixed scripts, nor the author list). */
export function songciFilesInOrder(names: readonly string[]): string[] {
  return names
    .map((name) => ({ name, index: songciFileIndex(name) }))
    .filter((f): f is { name: string; index: number } => f.index !== null)
    .sort((a, b) => a.index - b.index)
    .map((f) => f.name);
}
