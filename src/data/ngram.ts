// Character n-gram baselines, in nats per character: the numbers a small
// language model on a corpus has to beat. Characters are Unicode code points.
// Pure; no I/O.

/** Code points of a text, as ids in a vocabulary learned from the training text; unseen characters get `unknownId`. */
export class CharIds {
  readonly chars: string[];
  readonly unknownId: number;
  private readonly idOf = new Map<string, number>();

  constructor(trainText: string) {
    this.chars = [...new Set(trainText)];
    this.chars.forEach((char, id) => this.idOf.set(char, id));
    this.unknownId = this.chars.length;
  }

  /** Distinct training characters plus the one unknown. */
  get size(): number {
    return this.chars.length + 1;
  }

  encode(text: string): Int32Array {
    const chars = [...text];
    const ids = new Int32Array(chars.length);
    chars.forEach((char, i) => { ids[i] = this.idOf.get(char) ?? this.unknownId; });
    return ids;
  }
}

/**
 * Add-one (Laplace) unigram: p(c) = (count(c) + 1) / (N + V), where N is the number
 * of training characters and V the distinct training characters plus one unknown
 * (count 0), so every validation character, seen or not, has a probability.
 */
export class AddOneUnigram {
  readonly counts: Float64Array;
  readonly total: number;

  constructor(trainIds: Int32Array, vocabSize: number) {
    this.counts = new Float64Array(vocabSize);
    for (const id of trainIds) this.counts[id]++;
    this.total = trainIds.length;
  }

  prob(id: number): number {
    return (this.counts[id] + 1) / (this.total + this.counts.length);
  }
}

/** Mean negative log-likelihood (nats per character) of `ids` under the add-one unigram. */
export function unigramNats(model: AddOneUnigram, ids: Int32Array): number {
  let nll = 0;
  for (const id of ids) nll -= Math.log(model.prob(id));
  return nll / ids.length;
}

/** Interpolation weights [λ1 unigram, λ2 bigram, λ3 trigram], summing to 1. */
export type TrigramWeights = readonly [number, number, number];

/**
 * Maximum-likelihood bigram and trigram counts, keyed by the context's ids, as in
 * Jelinek & Mercer's interpolated trigram:
 *   p(c | a b) = λ3 · count(a b c) / count(a b ·) + λ2 · count(b c) / count(b ·) + λ1 · p_add-one(c)
 * A term whose context was never seen is 0, and the unigram keeps every
 * probability positive.
 */
export class TrigramCounts {
  readonly unigram: AddOneUnigram;
  private readonly vocabSize: number;
  private readonly bigram = new Map<number, number>();
  private readonly bigramContext = new Map<number, number>();
  private readonly trigram = new Map<number, number>();
  private readonly trigramContext = new Map<number, number>();

  constructor(trainIds: Int32Array, vocabSize: number) {
    this.vocabSize = vocabSize;
    this.unigram = new AddOneUnigram(trainIds, vocabSize);
    const bump = (map: Map<number, number>, key: number) => map.set(key, (map.get(key) ?? 0) + 1);
    for (let i = 1; i < trainIds.length; i++) {
      bump(this.bigram, trainIds[i - 1] * vocabSize + trainIds[i]);
      bump(this.bigramContext, trainIds[i - 1]);
    }
    for (let i = 2; i < trainIds.length; i++) {
      const context = trainIds[i - 2] * vocabSize + trainIds[i - 1];
      bump(this.trigram, context * vocabSize + trainIds[i]);
      bump(this.trigramContext, context);
    }
  }

  /** [p1, p2, p3]: the add-one unigram, ML bigram and ML trigram estimates of ids[i] (0 where the context is unseen or absent). */
  estimates(ids: Int32Array, i: number): [number, number, number] {
    const V = this.vocabSize;
    const c = ids[i];
    const p1 = this.unigram.prob(c);
    let p2 = 0;
    let p3 = 0;
    if (i >= 1) {
      const n = this.bigramContext.get(ids[i - 1]);
      if (n) p2 = (this.bigram.get(ids[i - 1] * V + c) ?? 0) / n;
    }
    if (i >= 2) {
      const context = ids[i - 2] * V + ids[i - 1];
      const n = this.trigramContext.get(context);
      if (n) p3 = (this.trigram.get(context * V + c) ?? 0) / n;
    }
    return [p1, p2, p3];
  }
}

/** Mean negative log-likelihood (nats per character) of `ids` under the interpolated trigram. */
export function trigramNats(counts: TrigramCounts, weights: TrigramWeights, ids: Int32Array): number {
  const [l1, l2, l3] = weights;
  let nll = 0;
  for (let i = 0; i < ids.length; i++) {
    const [p1, p2, p3] = counts.estimates(ids, i);
    nll -= Math.log(l1 * p1 + l2 * p2 + l3 * p3);
  }
  return nll / ids.length;
}

/**
 * The weights that maximise the likelihood of held-out text, by EM (Jelinek &
 * Mercer 1980): each step gives every estimator the share of probability it
 * contributed, averaged over the held-out characters.
 */
export function fitTrigramWeights(counts: TrigramCounts, heldOutIds: Int32Array, iterations = 50): TrigramWeights {
  const estimates = new Float64Array(heldOutIds.length * 3);
  for (let i = 0; i < heldOutIds.length; i++) estimates.set(counts.estimates(heldOutIds, i), i * 3);
  let weights = [1 / 3, 1 / 3, 1 / 3];
  for (let step = 0; step < iterations; step++) {
    const share = [0, 0, 0];
    for (let i = 0; i < heldOutIds.length; i++) {
      const parts = weights.map((w, k) => w * estimates[i * 3 + k]);
      const p = parts[0] + parts[1] + parts[2];
      for (let k = 0; k < 3; k++) share[k] += parts[k] / p;
    }
    weights = share.map((s) => s / heldOutIds.length);
  }
  return [weights[0], weights[1], weights[2]];
}

export interface NgramBaselines {
  /** Distinct training characters + 1 unknown. */
  vocabSize: number;
  unigramNats: number;
  trigramNats: number;
  trigramWeights: TrigramWeights;
}

/**
 * Both baselines on `val`, trained on `train`. The trigram's weights are fitted
 * by EM on the last `heldOutFraction` of the training text with counts from the
 * rest of it; the counts are then taken from the whole training text.
 */
export function ngramBaselines(train: string, val: string, heldOutFraction = 0.1): NgramBaselines {
  const vocab = new CharIds(train);
  const trainIds = vocab.encode(train);
  const valIds = vocab.encode(val);
  const cut = Math.floor(trainIds.length * (1 - heldOutFraction));
  const weights = fitTrigramWeights(new TrigramCounts(trainIds.subarray(0, cut), vocab.size), trainIds.subarray(cut));
  const counts = new TrigramCounts(trainIds, vocab.size);
  return {
    vocabSize: vocab.size,
    unigramNats: unigramNats(counts.unigram, valIds),
    trigramNats: trigramNats(counts, weights, valIds),
    trigramWeights: weights,
  };
}

/**
 * What a character model with an unknown token must still pay to name each
 * held-out character it can only call "unknown": −log q(c), where q is add-one
 * over the training counts of the characters under the vocabulary's cut, plus one
 * symbol for characters never seen in training (the baselines' own "unknown").
 * Returns one value per character (code point) of `val`: 0 for characters in the
 * vocabulary. Added to the model's loss, it puts the model on the baselines'
 * footing: every character is predicted, not just the frequent ones.
 */
export function unknownCharacterNats(train: string, val: string, inVocabulary: (char: string) => boolean): Float64Array {
  const rare = new Map<string, number>();
  for (const c of train) if (!inVocabulary(c)) rare.set(c, (rare.get(c) ?? 0) + 1);
  let total = 1; // the never-seen symbol, counted once
  for (const n of rare.values()) total += n + 1;
  const unseen = Math.log(total);
  const chars = [...val];
  const out = new Float64Array(chars.length);
  chars.forEach((c, i) => {
    if (inVocabulary(c)) return;
    const n = rare.get(c);
    out[i] = n === undefined ? unseen : Math.log(total / (n + 1));
  });
  return out;
}
