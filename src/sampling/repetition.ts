/**
 * Measures of repetition over a token sequence (usually the continuation only).
 *
 * - seq-rep-n (Welleck et al. 2019, "Neural Text Degeneration with
 *   Unlikelihood Training"): 1 − |unique n-grams| / |n-grams|. 0 for text that
 *   never repeats an n-gram; near 1 for a loop.
 * - distinct-n (Li et al. 2016): |unique n-grams| / |n-grams|, i.e. 1 − seq-rep-n.
 * - rep/w (Welleck et al.'s rep/l): the share of tokens that copy a token seen in
 *   the previous w tokens.
 * - copying the input vs copying itself: of the continuation's n-grams, the
 *   share that also occur in the prompt (parroting in its classic sense: the
 *   model repeats what it was given) and the share that occur only earlier in
 *   the continuation (the model loops on its own words).
 */

function ngramKey(tokens: readonly number[], i: number, n: number): string {
  return tokens.slice(i, i + n).join(',');
}

export function ngramCounts(tokens: readonly number[], n: number): { total: number; unique: number } {
  const seen = new Set<string>();
  let total = 0;
  for (let i = 0; i + n <= tokens.length; i++) {
    seen.add(ngramKey(tokens, i, n));
    total++;
  }
  return { total, unique: seen.size };
}

/** 1 − unique/total n-grams; 0 when the text has no n-gram at all. */
export function seqRepN(tokens: readonly number[], n: number): number {
  const { total, unique } = ngramCounts(tokens, n);
  return total === 0 ? 0 : 1 - unique / total;
}

/** unique/total n-grams; 1 when the text has no n-gram at all (nothing repeated). */
export function distinctN(tokens: readonly number[], n: number): number {
  const { total, unique } = ngramCounts(tokens, n);
  return total === 0 ? 1 : unique / total;
}

/** Share of tokens equal to some token among the `window` tokens before them (rep/w). */
export function repWindow(tokens: readonly number[], window: number, context: readonly number[] = []): number {
  const all = context.concat(tokens);
  let hits = 0;
  for (let i = context.length; i < all.length; i++) {
    const from = Math.max(0, i - window);
    for (let j = from; j < i; j++) {
      if (all[j] === all[i]) {
        hits++;
        break;
      }
    }
  }
  return tokens.length === 0 ? 0 : hits / tokens.length;
}

/**
 * For each position of `tokens`, whether the token completes an n-gram that
 * already occurred earlier (in `context` + tokens before it) — what the panel
 * highlights as repetition while text is being generated.
 */
export function repeatedNgramMask(tokens: readonly number[], n: number, context: readonly number[] = []): boolean[] {
  const all = context.concat(tokens);
  const seen = new Set<string>();
  const out: boolean[] = [];
  for (let end = n; end <= all.length; end++) {
    const key = ngramKey(all, end - n, n);
    if (end - 1 >= context.length) out[end - 1 - context.length] = seen.has(key);
    seen.add(key);
  }
  for (let i = 0; i < tokens.length; i++) out[i] = out[i] ?? false;
  return out;
}

export interface CopyShares {
  /** n-grams of the continuation that also occur in the prompt. */
  fromInput: number;
  /** n-grams not in the prompt that occurred earlier in the continuation itself. */
  fromSelf: number;
  /** n-grams counted (those wholly inside the continuation, as for seq-rep-n). */
  total: number;
}

/**
 * Where the continuation's repeated n-grams come from. Each n-gram wholly
 * inside the continuation counts once: as copied from the input when the
 * prompt holds it anywhere (even if the continuation also said it before: the
 * input was first), as copied from itself when only an earlier position of the
 * continuation holds it, and as new otherwise. `fromSelf` counts the same
 * repeats as seq-rep-n's, less those that the prompt holds.
 */
export function copyShares(continuation: readonly number[], prompt: readonly number[], n = 4): CopyShares {
  const inPrompt = new Set<string>();
  for (let i = 0; i + n <= prompt.length; i++) inPrompt.add(ngramKey(prompt, i, n));
  const earlier = new Set<string>();
  let fromInput = 0;
  let fromSelf = 0;
  let total = 0;
  for (let i = 0; i + n <= continuation.length; i++) {
    const key = ngramKey(continuation, i, n);
    if (inPrompt.has(key)) fromInput++;
    else if (earlier.has(key)) fromSelf++;
    earlier.add(key);
    total++;
  }
  return total === 0 ? { fromInput: 0, fromSelf: 0, total: 0 } : { fromInput: fromInput / total, fromSelf: fromSelf / total, total };
}

export interface RepetitionReport {
  tokens: number;
  seqRep: Record<1 | 2 | 3 | 4, number>;
  distinct: Record<1 | 2 | 3 | 4, number>;
  /** rep/16: share of tokens seen in the previous 16 tokens. */
  repWindow16: number;
  /** Length of the longest run of positions that each complete an already-seen 4-gram: a loop. */
  longestLoop: number;
  /** 4-grams copied from the prompt and from the continuation itself. */
  copying: CopyShares;
  /** Whether the continuation ends in a repeating loop, by Holtzman et al.'s rule (endsInLoop below). */
  endsInLoop: boolean;
}

export function repetitionReport(continuation: readonly number[], context: readonly number[] = []): RepetitionReport {
  const mask = repeatedNgramMask(continuation, 4, context);
  let run = 0;
  let longest = 0;
  for (const m of mask) {
    run = m ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return {
    tokens: continuation.length,
    seqRep: { 1: seqRepN(continuation, 1), 2: seqRepN(continuation, 2), 3: seqRepN(continuation, 3), 4: seqRepN(continuation, 4) },
    distinct: { 1: distinctN(continuation, 1), 2: distinctN(continuation, 2), 3: distinctN(continuation, 3), 4: distinctN(continuation, 4) },
    repWindow16: repWindow(continuation, 16, context),
    longestLoop: longest,
    copying: copyShares(continuation, context, 4),
    endsInLoop: endsInLoop(continuation),
  };
}

/**
 * The loop a text ends in, as Holtzman et al. (2019, "The Curious Case of
 * Neural Text Degeneration", Table 1 "Repetition %") count it, ported from the
 * authors' metrics/repetition.py (github.com/ari-holtzman/degen, commit
 * 3bbf847): for every phrase length n = 1…maxPhrase, how many times the last n
 * tokens occur back to back at the very end of the text (the last copy counted:
 * 1 means no repeat); the loop is the length with the most copies, the
 * shortest on a tie (Python's max keeps the first).
 */
export interface EndingLoop {
  /** Tokens in the repeated phrase. */
  phraseLength: number;
  /** Copies of it, back to back, that end the text (1: it does not repeat). */
  times: number;
}

/** The paper's code looks at phrases of up to 90 tokens. */
export const HOLTZMAN_MAX_PHRASE = 90;

export function endingLoop(tokens: readonly number[], maxPhrase = HOLTZMAN_MAX_PHRASE): EndingLoop {
  let best: EndingLoop = { phraseLength: 1, times: tokens.length > 0 ? 1 : 0 };
  for (let n = 1; n <= maxPhrase && n <= tokens.length; n++) {
    let times = 1;
    const end = tokens.length;
    // Copy k (counting back from the end) is tokens[end − (k+1)·n, end − k·n); it must equal the last n tokens.
    for (;;) {
      const start = end - (times + 1) * n;
      if (start < 0) break;
      let same = true;
      for (let i = 0; i < n && same; i++) same = tokens[start + i] === tokens[end - n + i];
      if (!same) break;
      times++;
    }
    if (times > best.times) best = { phraseLength: n, times };
  }
  return best;
}

/**
 * Whether a generation "ends in a repeating loop" by the rule of Holtzman et
 * al.'s code: the ending loop repeats (at least two copies) and its phrase is
 * at least 3 tokens long, or a shorter phrase repeats more than 50 times. The
 * paper's Figure 9 caption words it as "a phrase (minimum length 2) is
 * considered a repetition when it repeats at least three times at the end of
 * the generation"; the published figures came from the code, so the code's rule
 * is the one kept here. Their code drops a final end-of-text token first; the
 * sweep generates none.
 */
export function endsInLoop(tokens: readonly number[]): boolean {
  const { phraseLength, times } = endingLoop(tokens);
  return times > 1 && (phraseLength >= 3 || times > 50);
}

/** Share of the generations that end in a loop (Holtzman et al.'s Repetition %, as a share 0…1). */
export function loopShare(generations: readonly (readonly number[])[]): number {
  if (generations.length === 0) return 0;
  return generations.filter((g) => endsInLoop(g)).length / generations.length;
}
