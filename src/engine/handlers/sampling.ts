import type { SamplingMethods, SampledToken } from '../samplingProtocol.ts';
import type { TokenPiece } from '../protocol.ts';
import { type Handler, engineReady, modelIn, yieldToEvents } from '../runtime.ts';
import { InputError } from '../../model/gpt.ts';
import type { Tokenizer } from '../../tokenizer/index.ts';
import { DecodeSession } from '../../sampling/session.ts';
import { type Notice, beamPromptCut, promptCut } from '../../sampling/notices.ts';
import { cachedModelLogits } from '../../sampling/beam.ts';
import { searchBeams } from '../../sampling/diverseBeam.ts';
import { contrastiveSession, isContrastive } from '../../sampling/contrastive.ts';
import { repetitionReport } from '../../sampling/repetition.ts';
import { beamWidthSweep, runSweep, SWEEP_STRATEGIES, temperatureSweep } from '../../sampling/sweep.ts';
import { filterOutput } from './postFilter.ts';

/** How long decoding runs before the worker looks for a stop message. */
const SLICE_MS = 150;

function encodePrompt(tokenizer: Tokenizer, prompt: string): number[] {
  if (prompt.length === 0) throw new InputError('The prompt is empty: type at least one character.', 'empty-prompt');
  const ids = tokenizer.encode(prompt);
  if (ids.length === 0) throw new InputError('The prompt gave no tokens.', 'no-tokens');
  return ids;
}

const piece = (tokenizer: Tokenizer, id: number): TokenPiece => ({ id, text: tokenizer.decode([id]) });

export const samplingHandlers: { [M in keyof SamplingMethods]: Handler<M> } = {
  async vocabulary({ slot }) {
    await engineReady();
    const { tokenizer } = modelIn(slot);
    return { tokens: Array.from({ length: tokenizer.vocabSize }, (_, id) => tokenizer.tokenString(id)) };
  },

  async promptLogits({ slot, prompt }) {
    await engineReady();
    const { model, tokenizer } = modelIn(slot);
    const ids = encodePrompt(tokenizer, prompt);
    const blockSize = model.contextWindow; // the window less any virtual tokens a prompt-learning adapter puts in front
    const notices: Notice[] = [];
    const window = ids.length > blockSize ? ids.slice(ids.length - blockSize) : ids;
    if (window !== ids) notices.push(promptCut(ids.length, blockSize));
    return { promptIds: ids, promptTokens: ids.map((id) => piece(tokenizer, id)), logits: model.run(window).lastLogits, notices };
  },

  async decode(params, job) {
    await engineReady();
    const { model, tokenizer } = modelIn(params.slot);
    const ids = encodePrompt(tokenizer, params.prompt);
    // Contrastive search steps like sampling does: one token per step, streamed.
    const session = isContrastive(params.settings) ? contrastiveSession(model, ids, params.settings) : new DecodeSession(model, ids, params.settings, { seed: params.seed });
    const promptTokens = session.tokens.map((id) => piece(tokenizer, id));
    job.emit({ type: 'prompt', tokens: promptTokens });
    const tokens: SampledToken[] = [];
    const t0 = performance.now();
    try {
      while (tokens.length < params.maxNewTokens && !job.stopped) {
        const sliceEnd = performance.now() + SLICE_MS;
        while (tokens.length < params.maxNewTokens && performance.now() < sliceEnd) {
          const s = session.step();
          const token: SampledToken = { ...piece(tokenizer, s.id), prob: s.prob, rawProb: s.rawProb, repeatMass: s.repeatMass, rawRepeatMass: s.rawRepeatMass, u: s.u };
          tokens.push(token);
          job.emit({ type: 'token', index: tokens.length - 1, token });
        }
        await yieldToEvents();
      }
      const seconds = (performance.now() - t0) / 1000;
      return {
        promptTokens,
        tokens,
        text: tokenizer.decode(session.generated),
        report: repetitionReport(session.generated, session.tokens.slice(0, session.promptLength)),
        notices: session.notices,
        stopped: job.stopped,
        tokensPerSecond: seconds > 0 ? tokens.length / seconds : 0,
      };
    } finally {
      session.dispose();
    }
  },

  async beam({ slot, prompt, settings, eosText }) {
    await engineReady();
    const { model, tokenizer } = modelIn(slot);
    const ids = encodePrompt(tokenizer, prompt);
    const notices: Notice[] = [];
    let eos: number | null = null;
    if (eosText) {
      const e = tokenizer.encode(eosText);
      if (e.length !== 1) throw new InputError(`The end text ${JSON.stringify(eosText)} is ${e.length} tokens for this tokenizer; choose text that is a single token (for example "\\n" or ".").`, 'eos-not-one-token', { text: JSON.stringify(eosText), tokens: e.length });
      eos = e[0];
    }
    const blockSize = model.contextWindow; // the window less any virtual tokens a prompt-learning adapter puts in front
    const start = ids.length > blockSize - settings.max_new_tokens ? Math.max(0, ids.length - (blockSize - settings.max_new_tokens)) : 0;
    if (start > 0) notices.push(beamPromptCut(ids.length - start, blockSize));
    const prompted = ids.slice(start);
    const next = cachedModelLogits(model);
    try {
      const r = searchBeams(next, prompted, { ...settings, eos_token_id: eos ?? undefined });
      const withText = <H extends { tokens: number[] }>(h: H) => ({ ...h, text: tokenizer.decode(h.tokens) });
      return {
        promptTokens: prompted.map((id) => piece(tokenizer, id)),
        steps: r.steps,
        hypotheses: r.hypotheses.map(withText),
        best: withText(r.best),
        bestTokens: r.best.tokens.map((id) => piece(tokenizer, id)),
        stoppedBecause: r.stoppedBecause,
        eosTokenId: eos,
        report: repetitionReport(r.best.tokens, prompted),
        notices,
      };
    } finally {
      next.dispose();
    }
  },

  async sweep(params, job) {
    await engineReady();
    const { model, tokenizer } = modelIn(params.slot);
    if (params.prompts.length === 0) throw new InputError('The sweep needs at least one prompt.');
    const prompts = params.prompts.map((p) => encodePrompt(tokenizer, p).slice(-Math.floor(model.config.blockSize / 2)));
    const t0 = performance.now();
    const rows = [];
    // One strategy at a time, yielding between them, so Stop is seen.
    const total = (SWEEP_STRATEGIES.length + params.temperatures.length + params.beamWidths.length) * prompts.length;
    let done = 0;
    for (const strategy of SWEEP_STRATEGIES) {
      if (job.stopped) break;
      const [row] = runSweep(model, prompts, { strategies: [strategy], maxNewTokens: params.maxNewTokens, seed: params.seed });
      rows.push(row);
      done += prompts.length;
      job.emit({ type: 'progress', done, total, phase: 'strategies' });
      await yieldToEvents();
    }
    const temperatures = [];
    for (const t of params.temperatures) {
      if (job.stopped) break;
      temperatures.push(...temperatureSweep(model, prompts, [t], { maxNewTokens: params.maxNewTokens, seed: params.seed }));
      done += prompts.length;
      job.emit({ type: 'progress', done, total, phase: 'temperatures' });
      await yieldToEvents();
    }
    const beamWidths = [];
    for (const w of params.beamWidths) {
      if (job.stopped) break;
      beamWidths.push(...beamWidthSweep(model, prompts, { widths: [w], maxNewTokens: params.maxNewTokens }));
      done += prompts.length;
      job.emit({ type: 'progress', done, total, phase: 'widths' });
      await yieldToEvents();
    }
    return { rows, temperatures, beamWidths, stopped: job.stopped, seconds: (performance.now() - t0) / 1000 };
  },

  async postFilter(params) {
    await engineReady();
    const { model, tokenizer } = modelIn(params.slot);
    const ids = encodePrompt(tokenizer, params.prompt);
    return filterOutput(model, tokenizer, ids.slice(-model.contextWindow), params);
  },
};
