// The prompt box's token count: what a text costs under the model's tokenizer,
// and what its 汉字 (Han script characters) cost. A tokenizer fitted on English
// bytes — the Shakespeare model's 1,024 tokens are all ASCII — spends three
// byte tokens on each 汉字 (three UTF-8 bytes); one fitted on Chinese text
// spends about one. So the same context window holds a third as much Chinese:
// the starting point of vocabulary expansion (词表扩增).

import type { CountTokensParams, CountTokensResult } from '../protocol.ts';
import { modelIn } from '../runtime.ts';
import { CharTokenizer, type Tokenizer } from '../../tokenizer/index.ts';

const HAN_RUN = /\p{Script=Han}+/gu;

/** Han characters of `text`, in code points, and the runs of consecutive ones. */
export function hanRuns(text: string): { characters: number; runs: string[] } {
  const runs = text.match(HAN_RUN) ?? [];
  return { characters: runs.reduce((n, run) => n + [...run].length, 0), runs };
}

/**
 * Counts tokens. The Han characters' share is measured by encoding each run of
 * consecutive Han characters on its own and summing: it works the same for
 * every tokenizer (byte-level BPE, characters), needs no offsets, and for a
 * byte-level BPE without merges for them it is exactly 3 per 汉字. It ignores
 * merges that would join a run to its neighbours (a space, a 。), which is a
 * token or two per run at most.
 */
export function countTokens(tokenizer: Tokenizer, text: string, contextWindow: number, blockSize = contextWindow): CountTokensResult {
  const tokens = text.length === 0 ? 0 : tokenizer.encode(text).length;
  const { characters, runs } = hanRuns(text);
  const hanTokens = runs.reduce((n, run) => n + tokenizer.encode(run).length, 0);
  const missing = tokenizer instanceof CharTokenizer && tokenizer.unknownId !== null ? tokenizer.unknownCharacters(text) : [];
  const unknown = { characters: missing.map((m) => m.char), occurrences: missing.reduce((n, m) => n + m.positions.length, 0) };
  return { tokens, hanCharacters: characters, hanTokens, contextWindow, blockSize, unknown };
}

/**
 * The window is the one the model has now: a prompt-learning adapter switched
 * on (prompt tuning, P-tuning, prefix tuning) puts its virtual tokens in the
 * first positions, and the text gets what is left (GPT.contextWindow).
 */
export async function countTokensHandler(params: CountTokensParams): Promise<CountTokensResult> {
  const { tokenizer, model } = modelIn(params.slot);
  return countTokens(tokenizer, params.text, model.contextWindow, model.config.blockSize);
}
