/**
 * Published repetition figures set beside the sweep's own measurements, as
 * plain data: which paper, which table and row, how the text was decoded (in
 * Hugging Face's setting names), what each measure means in that paper, and
 * which of the sweep's strategies it corresponds to — exactly, nearly (one
 * setting differs, named), or not at all (and why).
 *
 * Every number here was read in a source text, not recalled:
 *
 * - Holtzman, Buys, Du, Forbes, Choi, "The Curious Case of Neural Text
 *   Degeneration", ICLR 2020, arXiv 1904.09751v2, Table 1: read in a text
 *   conversion of the paper's PDF kept in a public GitHub repository (the search
 *   index behind it does not name the repository; the file begins
 *   "source_pdf: Holtzman_2019_Neural_Text_Degeneration.pdf"). Two notes
 *   elsewhere that quote the table's Repetition % (Greedy 73.66, Beam b=16
 *   28.94, Nucleus 0.36, Pure 0.22, Top-k=640 0.28, Human 0.28) agree. The Repetition %
 *   rule is the authors' own code: github.com/ari-holtzman/degen
 *   metrics/repetition.py at commit 3bbf8472c4fef3645427c26979b426ffbb65e339,
 *   ported in sampling/repetition.ts endsInLoop.
 * - Welleck, Kulikov, Roller, Dinan, Cho, Weston, "Neural Text Generation with
 *   Unlikelihood Training", arXiv 1908.04319: the text of the paper's own table
 *   could not be found in the stored sources. The figures are the authors'
 *   "Evaluation from the paper" output printed in their repository's README
 *   (github.com/facebookresearch/unlikelihood_training README.md at commit
 *   6fc5e8ab0cb2dc27baab6b1441e06d4115931d1a; the test split. A summary of
 *   the paper elsewhere quotes its Table 2 as the test split with the same
 *   MLE beam .523 and UL-token+seq beam .013). Its measure names are defined by the same
 *   repository's custom/metrics.py and custom/report_metrics.py (commit
 *   723747171a3fa909cda68df399e39f0a3e5067d9). The README has no row for human
 *   text, so none is given here. The valid split gives greedy 0.429 and beam
 *   0.495: the 0.43 / 0.50 that lessons/measured.ts quotes.
 */

export type PaperId = 'holtzman2020' | 'welleck2020';

export interface Paper {
  id: PaperId;
  /** Author-year as the prose cites it. */
  cite: string;
  title: string;
  arxiv: string;
  /** Where in the source, shown as is in a tooltip (a citation, not prose). */
  table: string;
  /** The model the figures were measured on. */
  model: string;
  /** The text it was trained on and prompted from. */
  data: string;
  /** How many continuations, how long, from which prompts. */
  generation: string;
  /** Where the numbers were read. */
  source: string;
}

export const PAPERS: Record<PaperId, Paper> = {
  holtzman2020: {
    id: 'holtzman2020',
    cite: 'Holtzman et al. 2019',
    title: 'The Curious Case of Neural Text Degeneration (ICLR 2020)',
    arxiv: '1904.09751',
    table: 'Table 1',
    model: 'GPT-2 Large (762M parameters, §4.1)',
    data: 'WebText (held-out documents)',
    generation: '5,000 continuations of the initial paragraph (1-40 tokens) of held-out WebText documents, each ending at an end-of-document token or after 200 tokens (§4.1)',
    source: 'arXiv 1904.09751v2 Table 1 (text of the PDF); rule: github.com/ari-holtzman/degen metrics/repetition.py @ 3bbf847',
  },
  welleck2020: {
    id: 'welleck2020',
    cite: 'Welleck et al. 2019',
    title: 'Neural Text Generation with Unlikelihood Training (ICLR 2020)',
    arxiv: '1908.04319',
    /** The authors' evaluation output (the paper's own table text was not found): a source name, shown as is in both languages. */
    table: 'unlikelihood_training README, test',
    model: 'Transformer language model (fairseq transformer_lm_ul)',
    data: 'Wikitext-103, word-level',
    generation: 'a continuation of 100 tokens after each 50-token prefix of the test split (evaluation.py --data-prefix-length 50 --completion-length 100)',
    source: 'github.com/facebookresearch/unlikelihood_training README.md "Evaluation from the paper" @ 6fc5e8a, test split',
  },
};

export type MeasureId =
  | 'perplexity'
  | 'selfBleu4'
  | 'zipf'
  | 'repetitionPercent'
  | 'huse'
  | 'seqRep4'
  | 'uniqSeq'
  | 'ppl'
  | 'acc'
  | 'rep'
  | 'wrep'
  | 'uniq';

/** The sweep's measures a published figure can stand beside. */
export type SweepMeasure = 'seqRep4' | 'loopShare';

export interface MeasureDefinition {
  id: MeasureId;
  paper: PaperId;
  /** The column's name as printed. */
  name: string;
  /** What it counts, in that paper's (or its code's) terms. */
  definition: string;
  /** The values it can take: [min, max], max null when unbounded. */
  range: readonly [number, number | null];
  /** The sweep's measure that counts the same thing, or null. */
  ours: SweepMeasure | null;
  /** Multiply the published value by this to get the sweep's units (a percentage → a share). */
  toOurs: number;
  /** What makes it comparable with the sweep's figure, or why it is not. */
  comparability: string;
}

export const MEASURES: Record<MeasureId, MeasureDefinition> = {
  perplexity: {
    id: 'perplexity',
    paper: 'holtzman2020',
    name: 'Perplexity',
    definition: 'perplexity of the generated text according to the model that is being generated from (§4.2)',
    range: [1, null],
    ours: null,
    toOurs: 1,
    comparability: "not measured by the sweep; a perplexity depends on the model's vocabulary and tokens",
  },
  selfBleu4: {
    id: 'selfBleu4',
    paper: 'holtzman2020',
    name: 'Self-BLEU4',
    definition: 'BLEU-4 of each of 1,000 sampled generations with all 4,999 other generations as references; lower is more diverse (§5.2)',
    range: [0, 1],
    ours: null,
    toOurs: 1,
    comparability: 'not measured by the sweep: it compares generations with each other, and six prompts are too few',
  },
  zipf: {
    id: 'zipf',
    paper: 'holtzman2020',
    name: 'Zipf Coefficient',
    definition: "the estimated Zipf coefficient s of the generations' rank-frequency distribution of words (§5.1)",
    range: [0, null],
    ours: null,
    toOurs: 1,
    comparability: 'not measured by the sweep',
  },
  repetitionPercent: {
    id: 'repetitionPercent',
    paper: 'holtzman2020',
    name: 'Repetition %',
    definition:
      'the percentage of generations that end in a repeating loop. Figure 9: "A phrase (minimum length 2) is considered a repetition when it repeats at least three times at the end of the generation"; the authors\' code counts, for phrase lengths 1-90, the back-to-back copies that end the generation, keeps the length with the most, and counts the generation when that phrase is at least 3 tokens and repeats, or repeats more than 50 times',
    range: [0, 100],
    ours: 'loopShare',
    toOurs: 0.01,
    comparability:
      "the same rule (the authors' code, sampling/repetition.ts endsInLoop) on the sweep's continuations; theirs run up to 200 GPT-2 tokens, ours 48, so a loop has less room to form and show itself",
  },
  huse: {
    id: 'huse',
    paper: 'holtzman2020',
    name: 'HUSE',
    definition: 'Human Unified with Statistical Evaluation (Hashimoto et al. 2019), a combined human and statistical evaluation; higher is better; for top-k and nucleus computed with interpolation rather than truncation (Table 1 caption)',
    range: [0, 1],
    ours: null,
    toOurs: 1,
    comparability: 'needs human judges: not measured here',
  },
  seqRep4: {
    id: 'seqRep4',
    paper: 'welleck2020',
    name: 'seq-rep-4',
    definition: "per continuation, 1 − (distinct 4-grams) / (4-grams), averaged over the continuations (custom/metrics.py ngram_metrics, 'pct_repeat_4grams')",
    range: [0, 1],
    ours: 'seqRep4',
    toOurs: 1,
    comparability: "the same formula on each continuation; theirs are 100 word tokens of a word-level Wikitext model, ours 48 tokens of this model's BPE or characters",
  },
  uniqSeq: {
    id: 'uniqSeq',
    paper: 'welleck2020',
    name: 'uniq-seq',
    definition: "the number of distinct tokens over all the split's continuations (report_metrics.py 'num_uniq_compl')",
    range: [0, null],
    ours: null,
    toOurs: 1,
    comparability: 'a count that grows with the number and length of continuations and the vocabulary: not comparable',
  },
  ppl: {
    id: 'ppl',
    paper: 'welleck2020',
    name: 'ppl',
    definition: 'perplexity of the model on the human text of the split (token level, no decoding)',
    range: [1, null],
    ours: null,
    toOurs: 1,
    comparability: "a property of the model, not of the decoding; this model's perplexity is in its training.json",
  },
  acc: {
    id: 'acc',
    paper: 'welleck2020',
    name: 'acc',
    definition: "share of positions where the model's most probable next token, given the human context, is the true next token (metrics.py 'hits_at_1')",
    range: [0, 1],
    ours: null,
    toOurs: 1,
    comparability: 'a property of the model, not of the decoding',
  },
  rep: {
    id: 'rep',
    paper: 'welleck2020',
    name: 'rep',
    definition: "share of positions where the model's most probable next token, given the human context, occurs among the previous 128 tokens (metrics.py 'repeat_at_1/128')",
    range: [0, 1],
    ours: null,
    toOurs: 1,
    comparability: "a next-token prediction on human text, not a decoded continuation (the sweep's rep/16 counts repeats in decoded text within 16 tokens)",
  },
  wrep: {
    id: 'wrep',
    paper: 'welleck2020',
    name: 'wrep',
    definition: "share of positions where the model's most probable next token occurs among the previous 128 tokens and is not the true next token (metrics.py 'wrong_repeat_at_1/128')",
    range: [0, 1],
    ours: null,
    toOurs: 1,
    comparability: 'a property of the model, not of the decoding',
  },
  uniq: {
    id: 'uniq',
    paper: 'welleck2020',
    name: 'uniq',
    definition: "the number of distinct most-probable next tokens over the split, given the human context (report_metrics.py 'num_uniq_singletok')",
    range: [0, null],
    ours: null,
    toOurs: 1,
    comparability: 'a count over a whole test split: not comparable',
  },
};

/** A strategy the sweep runs: a row of its strategy table (sampling/sweep.ts SWEEP_STRATEGIES label) or of its beam-width table. */
export type SweepStrategyRef = { sweep: 'strategies'; label: string } | { sweep: 'widths'; numBeams: number };

/** The decoding settings a paper names, under Hugging Face's names; unnamed ones are off (temperature 1, no top-k or top-p, one beam). */
export interface PublishedDecoding {
  do_sample: boolean;
  num_beams?: number;
  top_k?: number;
  top_p?: number;
  temperature?: number;
}

/** A setting a near match differs in. */
export type DecodingSetting = 'num_beams' | 'top_k' | 'top_p' | 'temperature';

export type Correspondence =
  /** The sweep runs this decoding with the same settings. */
  | { match: 'same'; ours: readonly SweepStrategyRef[] }
  /** The same kind of decoding with `differs` set otherwise: shown with the paper's setting beside it, never as a chart tick. */
  | { match: 'near'; ours: SweepStrategyRef; differs: readonly DecodingSetting[] }
  | { match: 'none'; why: 'human text' | 'training objective' | 'not in the sweep' };

export interface PublishedRow {
  paper: PaperId;
  /** The row as the source prints it. */
  row: string;
  /** The model's training objective (Welleck et al.'s MLE, UL-token, UL-seq, UL-token+seq); null for human text. */
  training: 'MLE' | 'UL-token' | 'UL-seq' | 'UL-token+seq' | null;
  /** How the text was produced; null for human text. */
  decoding: PublishedDecoding | null;
  values: Partial<Record<MeasureId, number>>;
  correspondence: Correspondence;
}

const greedy: PublishedDecoding = { do_sample: false };
const beam = (n: number): PublishedDecoding => ({ do_sample: false, num_beams: n });
const NOT_MLE = { match: 'none', why: 'training objective' } as const;

type Values = PublishedRow['values'];
const holtzman = (row: string, decoding: PublishedDecoding | null, values: Values, correspondence: Correspondence): PublishedRow =>
  ({ paper: 'holtzman2020', row, training: decoding ? 'MLE' : null, decoding, values, correspondence });
const welleck = (row: string, training: NonNullable<PublishedRow['training']>, decoding: PublishedDecoding, values: Values, correspondence: Correspondence): PublishedRow =>
  ({ paper: 'welleck2020', row, training, decoding, values, correspondence });
const sweepRow = (label: string): SweepStrategyRef => ({ sweep: 'strategies', label });
const widthRow = (numBeams: number): SweepStrategyRef => ({ sweep: 'widths', numBeams });

/**
 * Holtzman et al. 2019 Table 1, every row (Repetition printed as a
 * percentage; HUSE printed for the sampled rows only). GPT-2 was trained by
 * likelihood. Their stochastic beam search is Kool et al.'s Gumbel-top-k beam
 * (gen.py gumbel_sbs_decode), written here as sampling with 16 beams.
 */
const HOLTZMAN_TABLE_1: PublishedRow[] = [
  holtzman('Human', null, { perplexity: 12.38, selfBleu4: 0.31, zipf: 0.93, repetitionPercent: 0.28 }, { match: 'none', why: 'human text' }),
  holtzman('Greedy', greedy, { perplexity: 1.5, selfBleu4: 0.5, zipf: 1.0, repetitionPercent: 73.66 }, { match: 'same', ours: [sweepRow('greedy'), widthRow(1)] }),
  holtzman('Beam, b=16', beam(16), { perplexity: 1.48, selfBleu4: 0.44, zipf: 0.94, repetitionPercent: 28.94 }, { match: 'same', ours: [widthRow(16)] }),
  holtzman('Stochastic Beam, b=16', { do_sample: true, num_beams: 16 }, { perplexity: 19.2, selfBleu4: 0.28, zipf: 0.91, repetitionPercent: 0.32 }, { match: 'none', why: 'not in the sweep' }),
  holtzman('Pure Sampling', { do_sample: true }, { perplexity: 22.73, selfBleu4: 0.28, zipf: 0.93, repetitionPercent: 0.22, huse: 0.67 }, { match: 'same', ours: [sweepRow('pure sampling')] }),
  holtzman('Sampling, t=0.9', { do_sample: true, temperature: 0.9 }, { perplexity: 10.25, selfBleu4: 0.35, zipf: 0.96, repetitionPercent: 0.66, huse: 0.79 }, { match: 'none', why: 'not in the sweep' }),
  holtzman('Top-k=40', { do_sample: true, top_k: 40 }, { perplexity: 6.88, selfBleu4: 0.39, zipf: 0.96, repetitionPercent: 0.78, huse: 0.19 }, { match: 'same', ours: [sweepRow('top-k 40')] }),
  holtzman('Top-k=640', { do_sample: true, top_k: 640 }, { perplexity: 13.82, selfBleu4: 0.32, zipf: 0.96, repetitionPercent: 0.28, huse: 0.94 }, { match: 'none', why: 'not in the sweep' }),
  holtzman('Top-k=40, t=0.7', { do_sample: true, top_k: 40, temperature: 0.7 }, { perplexity: 3.48, selfBleu4: 0.44, zipf: 1.0, repetitionPercent: 8.86, huse: 0.08 }, { match: 'near', ours: sweepRow('T = 0.7'), differs: ['top_k'] }),
  holtzman('Nucleus p=0.95', { do_sample: true, top_p: 0.95 }, { perplexity: 13.13, selfBleu4: 0.32, zipf: 0.95, repetitionPercent: 0.36, huse: 0.97 }, { match: 'near', ours: sweepRow('top-p 0.9'), differs: ['top_p'] }),
];

/**
 * Welleck et al. 2019, test split: greedy (beam size 1, top-k 1) and beam
 * search (beam size 10, no n-gram blocking) for each training objective, and
 * the likelihood model's top-k 50 and top-p 0.9 sampling rows. The token-level
 * columns (ppl … uniq) are the model's, the same under every decoding.
 */
const MLE_TOKEN_LEVEL = { ppl: 25.639, acc: 0.395, rep: 0.627, wrep: 0.352, uniq: 11849 };
const UL_TOKEN_LEVEL = { ppl: 26.91, acc: 0.39, rep: 0.577, wrep: 0.311, uniq: 12728 };
const UL_SEQ_LEVEL = { ppl: 25.416, acc: 0.399, rep: 0.609, wrep: 0.335, uniq: 12779 };
const UL_BOTH_LEVEL = { ppl: 26.718, acc: 0.395, rep: 0.559, wrep: 0.293, uniq: 13759 };
const WELLECK: PublishedRow[] = [
  welleck('MLE, greedy', 'MLE', greedy, { seqRep4: 0.442, uniqSeq: 10845, ...MLE_TOKEN_LEVEL }, { match: 'same', ours: [sweepRow('greedy'), widthRow(1)] }),
  welleck('MLE, beam 10', 'MLE', beam(10), { seqRep4: 0.523, uniqSeq: 9530, ...MLE_TOKEN_LEVEL }, { match: 'near', ours: sweepRow('beam 4'), differs: ['num_beams'] }),
  welleck('MLE, top-k 50', 'MLE', { do_sample: true, top_k: 50 }, { seqRep4: 0.016, uniqSeq: 22670, ...MLE_TOKEN_LEVEL }, { match: 'near', ours: sweepRow('top-k 40'), differs: ['top_k'] }),
  welleck('MLE, top-p 0.9', 'MLE', { do_sample: true, top_p: 0.9 }, { seqRep4: 0.016, uniqSeq: 27275, ...MLE_TOKEN_LEVEL }, { match: 'same', ours: [sweepRow('top-p 0.9')] }),
  welleck('UL-token, greedy', 'UL-token', greedy, { seqRep4: 0.283, uniqSeq: 13195, ...UL_TOKEN_LEVEL }, NOT_MLE),
  welleck('UL-token, beam 10', 'UL-token', beam(10), { seqRep4: 0.336, uniqSeq: 11753, ...UL_TOKEN_LEVEL }, NOT_MLE),
  welleck('UL-seq, greedy', 'UL-seq', greedy, { seqRep4: 0.1369, uniqSeq: 13144, ...UL_SEQ_LEVEL }, NOT_MLE),
  welleck('UL-seq, beam 10', 'UL-seq', beam(10), { seqRep4: 0.0191, uniqSeq: 18352, ...UL_SEQ_LEVEL }, NOT_MLE),
  welleck('UL-token+seq, greedy', 'UL-token+seq', greedy, { seqRep4: 0.0585, uniqSeq: 15428, ...UL_BOTH_LEVEL }, NOT_MLE),
  welleck('UL-token+seq, beam 10', 'UL-token+seq', beam(10), { seqRep4: 0.0135, uniqSeq: 19151, ...UL_BOTH_LEVEL }, NOT_MLE),
];

export const PUBLISHED_ROWS: readonly PublishedRow[] = [...HOLTZMAN_TABLE_1, ...WELLECK];

/** A published figure beside one of the sweep's rows, in the sweep's units. */
export interface PublishedMark {
  /** The published value converted to the sweep's units (Repetition % → a share). */
  value: number;
  /** As printed. */
  printed: number;
  row: PublishedRow;
  measure: MeasureDefinition;
  match: 'same' | 'near';
  /** For a near match, the paper's settings that differ from the sweep's. */
  differs: readonly DecodingSetting[];
}

const sameRef = (a: SweepStrategyRef, b: SweepStrategyRef) =>
  a.sweep === 'strategies' ? b.sweep === 'strategies' && a.label === b.label : b.sweep === 'widths' && a.numBeams === b.numBeams;

/** The published figures on one of the sweep's measures for one of its strategies (at most one per paper). */
export function publishedFor(measure: SweepMeasure, ref: SweepStrategyRef): PublishedMark[] {
  const marks: PublishedMark[] = [];
  for (const row of PUBLISHED_ROWS) {
    const c = row.correspondence;
    if (c.match === 'none') continue;
    const refs = c.match === 'same' ? c.ours : [c.ours];
    if (!refs.some((r) => sameRef(r, ref))) continue;
    for (const [id, printed] of Object.entries(row.values) as [MeasureId, number][]) {
      const m = MEASURES[id];
      if (m.ours !== measure) continue;
      marks.push({ value: printed * m.toOurs, printed, row, measure: m, match: c.match, differs: c.match === 'near' ? c.differs : [] });
    }
  }
  return marks;
}
