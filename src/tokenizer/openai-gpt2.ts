// GPT-2's tokenizer as OpenAI published it — `encoder.json` (token → id) and
// `vocab.bpe` (the merges, one "left right" pair a line after a version line) —
// turned into the Hugging Face `tokenizer.json` that the `gpt2` repository ships.

/** The tokenizer.json layout of the Hugging Face `gpt2` repository, field for field. */
export interface GPT2RepoTokenizerJSON {
  version: '1.0';
  truncation: null;
  padding: null;
  added_tokens: Array<{
    id: number;
    special: boolean;
    content: string;
    single_word: boolean;
    lstrip: boolean;
    rstrip: boolean;
    normalized: boolean;
  }>;
  normalizer: null;
  pre_tokenizer: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean };
  post_processor: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean };
  decoder: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean };
  /** The repository's file predates the model's "type" field; a vocab with merges is BPE. */
  model: {
    dropout: null;
    unk_token: null;
    continuing_subword_prefix: string;
    end_of_word_suffix: string;
    fuse_unk: boolean;
    vocab: Record<string, number>;
    merges: string[];
  };
}

export const GPT2_END_OF_TEXT = '<|endoftext|>';

/**
 * Builds the `gpt2` repository's tokenizer.json from OpenAI's two files.
 * `<|endoftext|>` (id 50256 in GPT-2) is the one added token, matched whole
 * before pre-tokenization; the pre-tokenizer adds no prefix space.
 */
export function gpt2TokenizerJSON(encoder: Record<string, number>, vocabBpe: string): GPT2RepoTokenizerJSON {
  const lines = vocabBpe.split('\n');
  // The first line is "#version: 0.2"; the file ends with a newline.
  const merges = lines.filter((line, i) => !(i === 0 && line.startsWith('#version')) && line.trim() !== '');
  for (const [i, m] of merges.entries()) {
    if (m.split(' ').length !== 2) throw new Error(`vocab.bpe line ${i + 2} should be two tokens separated by one space: ${JSON.stringify(m)}`);
  }
  const endOfText = encoder[GPT2_END_OF_TEXT];
  if (endOfText === undefined) throw new Error(`encoder.json has no ${GPT2_END_OF_TEXT} token`);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: endOfText, special: true, content: GPT2_END_OF_TEXT, single_word: false, lstrip: false, rstrip: false, normalized: true },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true },
    model: {
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      vocab: { ...encoder },
      merges,
    },
  };
}
