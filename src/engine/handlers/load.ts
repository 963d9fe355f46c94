import type { EventOf, LoadEvent, LoadStage, ModelInfo, ParamsOf } from '../protocol.ts';
import { type JobContext, engineReady, installModel, yieldToEvents } from '../runtime.ts';
import { InputError } from '../../model/gpt.ts';
import { loadGPT } from '../../io/checkpoint.ts';
import { readJSON, readText } from '../../io/source.ts';
import { tokenizerFromJSON } from '../../tokenizer/index.ts';

// ---- loadModel -------------------------------------------------------------------

/** A model folder that is not there: the preview server answers a missing file with the app's index.html. */
class ModelNotFoundError extends Error {
  override name = 'ModelNotFoundError';
}

export async function loadModel({ baseUrl, name }: ParamsOf<'loadModel'>, job: JobContext<EventOf<'loadModel'>>): Promise<ModelInfo> {
  await engineReady();
  const url = (file: string) => new URL(file, baseUrl).href;
  let last = 0;
  const report = (stage: LoadStage, file: string, loadedBytes: number, totalBytes: number | null, force = false) => {
    const now = performance.now();
    if (!force && now - last < 50) return; // progress arrives per network chunk; the page needs ~20 updates a second
    last = now;
    job.emit({ stage, file, loadedBytes, totalBytes });
  };

  report('config', 'config.json', 0, null, true);
  const configText = await readText(url('config.json'), (p) => report('config', 'config.json', p.loadedBytes, p.totalBytes));
  if (/^\s*</.test(configText)) {
    throw new ModelNotFoundError(`There is no model "${name}" at ${url('')}: config.json is missing (the server answered with a web page).`);
  }
  let config: object;
  try {
    config = JSON.parse(configText) as object;
  } catch (e) {
    throw new ModelNotFoundError(`${url('config.json')} is not valid JSON (${(e as Error).message}).`);
  }

  report('tokenizer', 'tokenizer.json', 0, null, true);
  const tokenizer = tokenizerFromJSON(await readJSON(url('tokenizer.json'), (p) => report('tokenizer', 'tokenizer.json', p.loadedBytes, p.totalBytes)));
  const training = await readJSON<Record<string, unknown>>(url('training.json')).catch(() => null); // optional

  report('weights', 'model.safetensors', 0, null, true);
  let read: { loaded: number; total: number | null } = { loaded: 0, total: null };
  const model = await loadGPT({ config: config as never, weights: url('model.safetensors') }, (p) => {
    read = { loaded: p.loadedBytes, total: p.totalBytes };
    if (p.stage === 'done') report('building', 'model.safetensors', p.loadedBytes, p.totalBytes, true);
    else report('weights', 'model.safetensors', p.loadedBytes, p.totalBytes);
  });
  try {
    if (tokenizer.vocabSize > model.config.vocabSize) {
      throw new InputError(`tokenizer.json has ${tokenizer.vocabSize} tokens but the model only ${model.config.vocabSize}: they do not belong together.`);
    }
    // The first forward pass compiles shaders (WebGL) or kernels: pay for it now, not on the first click.
    // Keep the byte count on screen: a busy page may render only this last stage of a fast load.
    report('warming-up', 'model.safetensors', read.loaded, read.total ?? read.loaded, true);
    await yieldToEvents();
    model.run([0]);
  } catch (e) {
    model.dispose();
    throw e;
  }
  if (job.stopped) {
    model.dispose(); // superseded: the page asked for another model meanwhile
    throw new Error(`Loading "${name}" was cancelled.`);
  }
  const num = (k: string) => (typeof training?.[k] === 'number' ? (training[k] as number) : null);
  const info: ModelInfo = {
    slot: 'embedded',
    name,
    config: model.config,
    parameterCount: model.parameterCount,
    tokenizerKind: tokenizer.kind,
    training: training ? { steps: num('steps'), valLossPerToken: num('val_loss_per_token'), valPerplexity: num('val_perplexity') } : null,
  };
  installModel('embedded', { model, tokenizer, info });
  return info;
}

