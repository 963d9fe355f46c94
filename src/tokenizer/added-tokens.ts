// Added tokens (`<|endoftext|>` and the like) are found in the raw text before
// pre-tokenization and are never merged with their neighbours, as in Hugging Face
// tokenizers' `AddedVocabulary`: at each position the longest added token wins.

export interface TextSection {
  text: string;
  /** True when the section is exactly one added token. */
  added: boolean;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A splitter for a fixed set of added tokens (built once per tokenizer). */
export function addedTokenSplitter(contents: readonly string[]): (text: string) => TextSection[] {
  const nonEmpty = contents.filter((c) => c.length > 0);
  if (nonEmpty.length === 0) return (text) => (text.length > 0 ? [{ text, added: false }] : []);
  // Regex alternation takes the first alternative that matches at the leftmost
  // position, so listing longer tokens first gives the longest match.
  const sorted = [...new Set(nonEmpty)].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  return (text) => {
    const sections: TextSection[] = [];
    let start = 0;
    for (const match of text.matchAll(pattern)) {
      const index = match.index as number;
      if (index > start) sections.push({ text: text.slice(start, index), added: false });
      sections.push({ text: match[0], added: true });
      start = index + match[0].length;
    }
    if (start < text.length) sections.push({ text: text.slice(start), added: false });
    return sections;
  };
}
