import {
  type BeamCandidate, type BeamResult, type BeamSettings, type BeamStep, type Hypothesis, type NextLogitsFn,
  Hypotheses, beamLogits, beamSearch, checkBeamSettings, eosTokens, logSoftmax,
} from './beam.ts';
import { applyNoRepeatNgram, applyRepetitionPenalty } from './processors.ts';
import { SettingsError } from './settings.ts';

/**
 * Diverse beam search (Vijayakumar et al. 2016, "Diverse Beam Search"), as
 * Hugging Face's group beam search runs it (`num_beam_groups` > 1,
 * `diversity_penalty`): the num_beams beams split into groups of
 * num_beams / num_beam_groups. At each step the groups choose one after
 * another; a group's log-probabilities first lose diversity_penalty for every
 * beam of an earlier group that chose the same token at this step (HF's
 * HammingDiversityLogitsProcessor, which runs before repetition_penalty and
 * no_repeat_ngram_size), then each group does an ordinary beam-search step of
 * its own width with its own finished hypotheses (BeamSearchScorer with
 * groups). The best hypothesis over all groups wins. Plain beam search finds
 * one loop several times over; groups pushed apart find different texts.
 *
 * One difference from HF: a group that is done stops, where HF keeps feeding
 * it padding tokens — which the later groups are then penalised for choosing.
 */

/** HF's HammingDiversityLogitsProcessor for one beam: −penalty per earlier-group beam that chose the token this step. */
export function applyHammingDiversity(scores: Float32Array, earlierTokens: readonly number[], penalty: number): Float32Array {
  const out = scores.slice();
  if (penalty === 0) return out;
  for (const t of earlierTokens) out[t] -= penalty;
  return out;
}

export interface GroupHypothesis extends Hypothesis {
  /** The group (0-based) that found it. */
  group: number;
}

export interface GroupBeamResult extends BeamResult {
  best: GroupHypothesis;
  hypotheses: GroupHypothesis[];
}

export function checkGroupSettings(s: BeamSettings): { groups: number; penalty: number } {
  checkBeamSettings(s);
  const groups = s.num_beam_groups ?? 1;
  const penalty = s.diversity_penalty ?? 0;
  if (!(Number.isInteger(groups) && groups >= 1 && groups <= s.num_beams && s.num_beams % groups === 0)) {
    throw new SettingsError('groups-not-divisor', 'num_beam_groups', groups);
  }
  if (!(Number.isFinite(penalty) && penalty >= 0)) throw new SettingsError('not-penalty', 'diversity_penalty', penalty);
  return { groups, penalty };
}

export function groupBeamSearch(next: NextLogitsFn, prompt: readonly number[], settings: BeamSettings): GroupBeamResult {
  const { groups: G, penalty } = checkGroupSettings(settings);
  if (prompt.length === 0) throw new RangeError('The prompt is empty: beam search needs at least one token to start from.');
  const { num_beams: k, max_new_tokens: maxNew } = settings;
  const size = k / G;
  const eos = eosTokens(settings);
  const hyps = Array.from({ length: G }, () => new Hypotheses(size, settings.length_penalty));
  const done = new Array<boolean>(G).fill(false);
  // HF: the first beam of each group starts at 0, the others at −1e9, so each group starts from one beam.
  let beams = Array.from({ length: k }, (_, i) => ({ tokens: [] as number[], score: i % size === 0 ? 0 : -1e9, parent: i }));
  const steps: BeamStep[] = [];
  let stoppedBecause: BeamResult['stoppedBecause'] = 'max_new_tokens';
  const keep = Math.max(2, 1 + eos.size) * size;

  for (let step = 1; step <= maxNew; step++) {
    const live = beams;
    const logits = beamLogits(next, prompt, live);
    const V = logits[0].length;
    const nextBeams = live.slice(); // a done group keeps its beams
    const chosenThisStep: number[] = []; // HF's current_tokens of the groups already processed
    const traced: BeamCandidate[] = [];
    for (let g = 0; g < G; g++) {
      if (done[g]) continue;
      const first = g * size;
      const cands: { parent: number; token: number; logprob: number; score: number }[] = [];
      for (let bi = first; bi < first + size; bi++) {
        const seq = prompt.concat(live[bi].tokens);
        let lp = logSoftmax(logits[bi]);
        lp = applyHammingDiversity(lp, chosenThisStep, penalty);
        if (settings.repetition_penalty !== 1) lp = applyRepetitionPenalty(lp, seq, settings.repetition_penalty);
        if (settings.no_repeat_ngram_size > 0) lp = applyNoRepeatNgram(lp, seq, settings.no_repeat_ngram_size);
        const order = Array.from(lp.keys()).sort((x, y) => lp[y] - lp[x] || x - y).slice(0, keep);
        for (const t of order) if (lp[t] > -Infinity) cands.push({ parent: bi, token: t, logprob: lp[t], score: live[bi].score + lp[t] });
      }
      // torch.topk over the group's flattened [beam × vocab] scores, ties by flat index.
      cands.sort((a, b) => b.score - a.score || (a.parent - first) * V + a.token - ((b.parent - first) * V + b.token));
      const top = cands.slice(0, keep).map((c, rank) => ({ ...c, rank, fate: 'pruned' as BeamCandidate['fate'] }));
      let filled = 0;
      for (const c of top) {
        if (filled === size) break;
        if (eos.has(c.token)) {
          if (c.rank >= size) continue; // HF: an end token ranked below the group's width does not finish
          hyps[g].add(live[c.parent].tokens.concat(c.token), c.score, step, step, 'eos');
          c.fate = 'finished';
        } else {
          nextBeams[first + filled++] = { tokens: live[c.parent].tokens.concat(c.token), score: c.score, parent: c.parent };
          c.fate = 'kept';
        }
      }
      if (filled < size) {
        throw new RangeError(`Only ${filled} continuations were allowed at step ${step} in group ${g}: the n-gram ban or end tokens left too few for ${size} beams.`);
      }
      for (let i = first; i < first + size; i++) chosenThisStep.push(nextBeams[i].tokens[nextBeams[i].tokens.length - 1]);
      traced.push(...top);
      const bestRunning = Math.max(...top.map((c) => c.score));
      done[g] = hyps[g].isDone(bestRunning, step, maxNew, settings.early_stopping);
    }
    beams = nextBeams;
    steps.push({ beams: beams.map((b) => ({ ...b, tokens: b.tokens.slice() })), candidates: traced });
    if (done.every(Boolean)) {
      stoppedBecause = 'done';
      break;
    }
  }
  // HF's finalize: the running beams of every group not yet done become candidate hypotheses of that group.
  for (let g = 0; g < G; g++) {
    if (done[g]) continue;
    for (let i = g * size; i < (g + 1) * size; i++) hyps[g].add(beams[i].tokens, beams[i].score, beams[i].tokens.length, beams[i].tokens.length, 'max_new_tokens');
  }
  const hypotheses = hyps.flatMap((h, group) => h.list.map((x) => ({ ...x, group }))).sort((a, b) => b.score - a.score);
  const best = hypotheses[0];
  return { tokens: prompt.concat(best.tokens), best, hypotheses, steps, stoppedBecause };
}

/** Beam search as Hugging Face's generate dispatches it: grouped (diverse) when num_beam_groups > 1, plain otherwise. */
export function searchBeams(next: NextLogitsFn, prompt: readonly number[], settings: BeamSettings): BeamResult {
  return (settings.num_beam_groups ?? 1) > 1 ? groupBeamSearch(next, prompt, settings) : beamSearch(next, prompt, settings);
}
