import { describe, expect, it } from 'vitest';
import { ATTENTION, LORA, REPETITION, explanationsAsText } from '../../src/lessons/explanations.ts';
import { DEFAULT_FINE_TUNE, LLAMA_7B, fineTuneMemory } from '../../src/lessons/costs.ts';
import {
  MEASURED_BEAM_WIDTHS, MEASURED_COPY_PROBE, MEASURED_HEADS, MEASURED_POST_FILTER, MEASURED_SWEEP, MEASURED_SWEEP_STRATEGY, WELLECK_2019_SEQ_REP_4,
} from '../../src/lessons/measured.ts';
import { rankCandidates } from '../../src/sampling/contrastive.ts';
import { applyHammingDiversity } from '../../src/sampling/diverseBeam.ts';
import { applyEtaCutoff, processLogits } from '../../src/sampling/processors.ts';
import { SWEEP_STRATEGIES } from '../../src/sampling/sweep.ts';
import { DEFAULT_SAMPLING } from '../../src/sampling/settings.ts';
import { decodeHash } from '../../src/state/schema.ts';
import { singularValues } from '../../src/util/linalg.ts';
import { Rng } from '../../src/util/random.ts';

const text = (e: { paragraphs: string[] }) => e.paragraphs.join('\n');
const scores = (xs: number[]) => Float32Array.from(xs);

describe('the repetition explanation says what the processors do', () => {
  it('repetition penalty: positive scores divided, negative ones multiplied, prompt included, once per token', () => {
    // Tokens 0 and 1 are in the prompt only (token 0 three times); 2 and 3 never appeared.
    const out = processLogits(scores([2, -2, 1, 0.5]), [0, 1, 0, 0], 4, { ...DEFAULT_SAMPLING, repetition_penalty: 2 }).scores;
    expect(Array.from(out)).toEqual([1, -4, 1, 0.5]);
    expect(text(REPETITION)).toMatch(/prompt included, once however often it appeared: a positive score is divided by the penalty and a negative one is multiplied by it/);
  });

  it('frequency penalty grows with the count; presence penalty is one flat amount; neither counts the prompt', () => {
    // Prompt: token 3. Generated: token 0 three times, token 1 once.
    const sequence = [3, 0, 0, 0, 1];
    const freq = processLogits(scores([0, 0, 0, 0]), sequence, 1, { ...DEFAULT_SAMPLING, frequency_penalty: 0.5 }).scores;
    const pres = processLogits(scores([0, 0, 0, 0]), sequence, 1, { ...DEFAULT_SAMPLING, presence_penalty: 0.5 }).scores;
    expect(Array.from(freq)).toEqual([-1.5, -0.5, 0, 0]);
    expect(Array.from(pres)).toEqual([-0.5, -0.5, 0, 0]);
    const t = text(REPETITION);
    expect(t).toMatch(/frequency penalty subtracts its value once for every time a token has been generated/);
    expect(t).toMatch(/presence penalty subtracts its value once from any token generated at all, however many times/);
    expect(t).toMatch(/count only generated tokens, not the prompt/);
    expect(t).not.toMatch(/penalties subtract from tokens in proportion/);
  });

  it('names the objective truly and says wider beams repeat more, with the figures the sweep chart shows', () => {
    const t = text(REPETITION);
    expect(t).not.toMatch(/only rewards the likeliest/);
    expect(t).toMatch(/rewards the model for giving a high probability to the token that actually came next/);
    expect(t).not.toMatch(/narrow beam/);
    // Beam search is above greedy in the published figures and in ours.
    expect(WELLECK_2019_SEQ_REP_4.beam10).toBeGreaterThan(WELLECK_2019_SEQ_REP_4.greedy);
    expect(MEASURED_SWEEP.seqRep4.beam4).toBeGreaterThan(MEASURED_SWEEP.seqRep4.greedy);
    expect(t).toContain(`${WELLECK_2019_SEQ_REP_4.greedy.toFixed(2)} for greedy decoding and ${WELLECK_2019_SEQ_REP_4.beam10.toFixed(2)} for beam search with ten beams`);
    expect(t).toContain(`greedy decoding scores ${MEASURED_SWEEP.seqRep4.greedy.toFixed(2)} and beam search with four beams ${MEASURED_SWEEP.seqRep4.beam4.toFixed(2)}`);
    expect(t).toMatch(/decoder of an encoder–decoder/); // stepwise decoding is not special to decoder-only models
  });
});

describe('the repetition explanation on the newer cures and causes', () => {
  const t = text(REPETITION);
  const f2 = (x: number) => x.toFixed(2);
  const rep = MEASURED_SWEEP.seqRep4;
  const strategy = (k: keyof typeof MEASURED_SWEEP_STRATEGY) => SWEEP_STRATEGIES.find((s) => s.label === MEASURED_SWEEP_STRATEGY[k])!.settings;

  it('quotes each cure with the setting it was measured at', () => {
    expect(strategy('typical').typical_p).toBe(0.9);
    expect(strategy('epsilon').epsilon_cutoff).toBe(0.0009);
    expect(strategy('eta').eta_cutoff).toBe(0.002);
    expect(strategy('contrastive')).toMatchObject({ do_sample: false, penalty_alpha: 0.6, top_k: 4 });
    expect(strategy('diverseBeam')).toMatchObject({ num_beams: 4, num_beam_groups: 2 });
    expect(t).toContain(`${f2(rep.pure)} for pure sampling, ${f2(rep.typical)} with typical_p 0.9, ${f2(rep.epsilon)} with epsilon_cutoff 0.0009 and ${f2(rep.eta)} with eta_cutoff 0.002`);
    expect(t).toContain(`with penalty_alpha 0.6 and top_k 4 it scores ${f2(rep.contrastive)} on the sweep, against ${f2(rep.greedy)} for greedy decoding`);
    expect(t).toContain(`four beams in two groups scores ${f2(rep.diverseBeam)}, against ${f2(rep.beam4)} for plain beam search`);
    const { narrow, wide } = MEASURED_BEAM_WIDTHS;
    expect(t).toContain(`from ${narrow.numBeams} beam to ${wide.numBeams}, the text found grows likelier, from −${f2(-narrow.meanLogProb)} to −${f2(-wide.meanLogProb)} nats`);
    expect(wide.meanLogProb).toBeGreaterThan(narrow.meanLogProb);
  });

  it('typical sampling can leave out the likeliest token', () => {
    // One token at 0.4 and sixty at 0.01: the entropy (3.1 nats) is far from the top token's surprise (0.9)
    // and close to the others' (4.6), so the others fill typical_p 0.5 first.
    const probs = [0.4, ...Array<number>(60).fill(0.01)];
    const out = processLogits(scores(probs.map(Math.log)), [], 0, { ...DEFAULT_SAMPLING, typical_p: 0.5 }).scores;
    expect(out[0]).toBe(-Infinity);
    expect(t).toMatch(/it can leave out the likeliest token when that token is far less surprising than usual/);
  });

  it('η-sampling cuts lower where the model is unsure', () => {
    // ε = 0.02. A token at 0.01 beside one at 0.97 (entropy 0.17) falls under the cut of 0.02;
    // the same probability among a hundred equal tokens (entropy 4.6) stays: the cut there is √ε·e^−4.6 ≈ 0.0014.
    const sure = applyEtaCutoff(scores([0.97, 0.01, 0.01, 0.01].map(Math.log)), 0.02);
    const unsure = applyEtaCutoff(scores(Array<number>(100).fill(Math.log(0.01))), 0.02);
    expect(sure[1]).toBe(-Infinity);
    expect(Array.from(unsure).every((x) => x > -Infinity)).toBe(true);
    expect(t).toMatch(/smaller of its cutoff ε and the square root of ε times e to the minus entropy, so the cut is lower, and more tokens stay, where the model is unsure/);
  });

  it('contrastive search weighs probability against the likeness of hidden states; diverse beam search penalises per earlier beam', () => {
    // Two candidates: the likelier one's hidden state repeats the context's exactly.
    const ranked = rankCandidates([[1, 0]], [{ id: 0, prob: 0.6, hidden: [1, 0] }, { id: 1, prob: 0.4, hidden: [0, 1] }], 0.6);
    expect(ranked.candidates.map((c) => c.score)).toEqual([0.4 * 0.6 - 0.6 * 1, 0.4 * 0.4 - 0]);
    expect(ranked.best).toBe(1);
    expect(t).toMatch(/\(1 − α\) times the token's probability, minus α times a degeneration penalty, the largest cosine similarity/);
    expect(Array.from(applyHammingDiversity(scores([0, 0, 0]), [1, 1, 2], 0.5))).toEqual([0, -1, -0.5]);
    expect(t).toMatch(/a token loses diversity_penalty for every beam of an earlier group that has just chosen it/);
  });

  it('says what post-filtering did to the default greedy output, and that a filter writes nothing new', () => {
    const p = MEASURED_POST_FILTER;
    expect(t).toContain(`greedy continuation of “${p.prompt.trim()}” (${p.maxNewTokens} tokens, seq-rep-4 ${f2(p.seqRep4)}), the cut keeps only the first ${p.cutKeeps} tokens`);
    expect(t).toContain(`leaves ${f2(p.droppedSeqRep4)}`);
    expect(t).toContain(`the least repetitive of ${p.samples} samples scores ${f2(p.rerankSeqRep4)}`);
    expect(t).toMatch(/never makes the model write better/);
  });

  it('separates copying the input from copying itself, and says the embedded model has no induction head', () => {
    const h = MEASURED_HEADS;
    expect(h.maxInduction).toBeLessThan(h.inductionMarkedFrom);
    expect(h.repeatLogProb).toBeLessThanOrEqual(h.firstLogProb);
    expect(t).toMatch(/completing \[A\]\[B\] … \[A\] with \[B\]/);
    expect(t).toContain(`The embedded model has none: its highest induction score is ${f2(h.maxInduction)}, where the panel marks a head from ${h.inductionMarkedFrom}`);
    expect(t).toContain(`(−${f2(-h.repeatLogProb)} nats per token, against −${f2(-h.firstLogProb)} the first time)`);
    expect(MEASURED_COPY_PROBE.prompt).toMatch(/^To be, or not to be, that is the question\.\n/);
    expect(t).toContain(`takes ${f2(MEASURED_COPY_PROBE.fromInput)} of its 4-grams from the prompt and ${f2(MEASURED_COPY_PROBE.fromSelf)} from its own earlier words`);
    expect(t).toContain(`L${h.top.layer} H${h.top.head}, changes the greedy text (seq-rep-4 ${f2(h.top.seqRep4.on)} becomes ${f2(h.top.seqRep4.off)}`);
  });
});

describe('the attention explanation', () => {
  const t = text(ATTENTION);

  it('gives the three kinds of model their objectives as well as their masks, and LLaMA its other differences', () => {
    expect(t).not.toMatch(/differ only in their mask/);
    expect(t).toMatch(/trained to predict the next token/);
    expect(t).toMatch(/masked language model/);
    expect(t).toMatch(/blank infilling/);
    expect(t).toMatch(/What keeps BERT from writing text is above all that objective/);
    expect(t).toMatch(/RoPE/);
    expect(t).toMatch(/RMSNorm/);
    expect(t).toMatch(/SwiGLU/);
  });

  it('says which ChatGLM used the prefix mask, and that ChatGLM2-6B chat trained causally', () => {
    expect(t).not.toMatch(/as in GLM and ChatGLM/);
    expect(t).toMatch(/first ChatGLM-6B kept GLM's prefix mask/);
    expect(t).toMatch(/ChatGLM2-6B's maintainers say .* chat model was trained causally/);
  });

  it('separates the shared arithmetic of teacher forcing from exposure bias, and does not make it a decoder-only advantage', () => {
    expect(t).not.toMatch(/computes exactly what inference computes/);
    expect(t).toMatch(/exposure bias/);
    expect(t).toMatch(/encoder–decoders such as T5 train their decoders with teacher forcing too/);
  });

  it('bounds length by learned positions for GPT-2, trained length for RoPE models, and n² memory only when the matrix is stored', () => {
    expect(t).toMatch(/GPT-2, like this model, learned a table/);
    expect(t).toMatch(/LLaMA has no such table: RoPE/);
    expect(t).toMatch(/memory grows with the square only when the n × n matrix of scores is stored whole/);
    expect(t).toMatch(/FlashAttention .* its memory grows linearly/);
  });
});

describe('the LoRA explanation', () => {
  const t = text(LORA);
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

  it('quotes the memory calculator’s own 7B figures: activations, and LoRA past 24 GB with nothing recomputed', () => {
    const at = (recomputation: 'none' | 'selective' | 'full') => fineTuneMemory(LLAMA_7B, 'LoRA', { ...DEFAULT_FINE_TUNE, recomputation });
    expect(t).toContain(`For one sequence of 2,048 tokens they take ${gb(at('none').activations)} if every one is kept`);
    expect(gb(at('none').activations)).toBe('30.6 GB');
    expect(t).toContain(gb(at('selective').activations));
    expect(t).toContain(`LoRA needs ${gb(at('none').total)}, more than a 24 GB GPU holds`);
    expect(at('none').total).toBeGreaterThan(24e9);
  });

  it('does not offer rank ≤ r as evidence: a product through r dimensions has rank ≤ r before any training', () => {
    const [out, r, inF] = [24, 3, 16];
    const rng = new Rng(11);
    const B = rng.normalArray(out * r, 1);
    const A = rng.normalArray(r * inF, 1);
    const delta = new Float64Array(out * inF);
    for (let i = 0; i < out; i++) for (let j = 0; j < inF; j++) for (let k = 0; k < r; k++) delta[i * inF + j] += B[i * r + k] * A[k * inF + j];
    const sv = singularValues(delta, out, inF);
    expect(sv.filter((s) => s > 1e-6 * sv[0])).toHaveLength(r); // random A and B, untrained: still exactly r
    expect(t).not.toMatch(/show this directly/);
    expect(t).toMatch(/at most r of its singular values are above zero by construction/);
  });

  it('says when LoRA trains faster instead of promising it', () => {
    expect(t).not.toMatch(/LoRA trains faster/);
    expect(t).toMatch(/Whether LoRA also trains faster depends on the size of the model/);
    expect(t).toMatch(/comparison runs both methods on the same text and shows their step times/);
  });

  it('stays one plain text for the LoRA panel to train on', () => {
    const all = explanationsAsText();
    for (const e of [REPETITION, ATTENTION, LORA]) for (const p of e.paragraphs) expect(all).toContain(p);
    expect(all).not.toMatch(/undefined|NaN|\$\{/);
  });
});

describe('the Lessons tab', () => {
  it('exists now that lessons do: a link to it opens it with nothing to report (tests/lessons/walks.node.test.ts checks the lessons)', () => {
    const { state, problems } = decodeHash('#panel=lessons');
    expect(state.panel).toBe('lessons');
    expect(problems).toEqual([]);
  });
});
