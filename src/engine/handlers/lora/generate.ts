// loraGenerate: the same prompt and seed continued twice, adapter on and off.

import type { GenerationPair } from '../../loraProtocol.ts';
import { type Handler, adaptersIn, engineReady, modelIn } from '../../runtime.ts';
import { InputError } from '../../../model/gpt.ts';
import { LoraError } from '../../../lora/config.ts';
import { isMerged } from '../../heldAdapter.ts';
import { decode } from '../../../sampling/sampler.ts';
import { DEFAULT_SAMPLING } from '../../../sampling/settings.ts';

/** Most tokens the same-seed comparison generates (each run is synchronous in the worker). */
const MAX_COMPARE_TOKENS = 200;

export const loraGenerate: Handler<'loraGenerate'> = async (params): Promise<GenerationPair> => {
  await engineReady();
  const loaded = modelIn('active');
  const store = adaptersIn('active');
  store.notBusy();
  const h = store.find(params.id);
  if (isMerged(h)) throw new LoraError(`${h.name} is merged into the weights; unmerge it to compare it on and off.`);
  store.notMerged('comparing');
  const prompt = loaded.tokenizer.encode(params.prompt);
  if (prompt.length === 0) throw new InputError('The prompt is empty: type at least one character in the prompt box.', 'empty-prompt');
  const greedy = params.temperature === 0;
  const settings = { ...DEFAULT_SAMPLING, do_sample: !greedy, temperature: params.temperature, top_k: params.topK, top_p: params.topP };
  const maxNewTokens = Math.max(1, Math.min(MAX_COMPARE_TOKENS, params.maxNewTokens));
  const run = (on: boolean) => store.withAttached(on ? h : null, () => decode(loaded.model, prompt, settings, { maxNewTokens, seed: params.seed }).generated);
  const onIds = run(true);
  const offIds = run(false);
  const first = onIds.findIndex((t, i) => t !== offIds[i]);
  return {
    promptTokens: prompt.length,
    on: loaded.tokenizer.decode(onIds),
    off: loaded.tokenizer.decode(offIds),
    onIds,
    offIds,
    firstDifference: first < 0 ? null : first,
    seed: params.seed,
    greedy,
  };
};
